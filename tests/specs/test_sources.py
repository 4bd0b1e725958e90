"""Every evidence pointer in the specs resolves inside the repository.

An `x-doc` is `SOURCES.md#<anchor>`, relative to the spec's directory; each anchor is one section of that
SOURCES.md, and that section names the public page. So a user who clones the project can follow any
finding to the facts it rests on without anything outside the repository.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final

import pytest
import yaml

REPO_ROOT: Final = Path(__file__).resolve().parents[2]
SPEC_DIRS: Final = sorted(path.parent for path in (REPO_ROOT / "specs").glob("*/SOURCES.md"))
SPECS: Final = sorted(
    path for directory in SPEC_DIRS for path in directory.glob("*.yaml") if path.name != "doc-tree.yaml"
)
DOC_KEYS: Final = frozenset({"x-doc", "x-fallback-doc"})
POINTER: Final = re.compile(r"SOURCES\.md#([a-z0-9-]+)")
ANCHOR: Final = re.compile(r'<a id="([a-z0-9-]+)"></a>')
PAGE_URL: Final = re.compile(r"https?://\S+")
# A file whose every section is part of one page says so before its first section.
ONE_PAGE: Final = "The whole spec\nrests on one public reference page"
# A path on one machine (a home, a work area, a mount) means the file only works there.
MACHINE_PATH: Final = re.compile(r"(?<![\w.])/(?:work|home|Users|mnt)/\w")


def _doc_values(node: Any, where: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key in DOC_KEYS:
                yield f"{where}/{key}", str(value)
            else:
                yield from _doc_values(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _doc_values(value, f"{where}/{index}")


def _sections(directory: Path) -> dict[str, str]:
    """Anchor -> the text of its section (up to the next anchor)."""
    text = (directory / "SOURCES.md").read_text(encoding="utf-8")
    matches = list(ANCHOR.finditer(text))
    return {
        match.group(1): text[match.end() : matches[index + 1].start() if index + 1 < len(matches) else len(text)]
        for index, match in enumerate(matches)
    }


def test_every_spec_directory_has_sources() -> None:
    """Both vendors' directories carry a SOURCES.md, so the walk below covers every spec."""
    assert {directory.name for directory in SPEC_DIRS} == {"amili", "ap-invoice"}
    assert len(SPECS) == 7


@pytest.mark.parametrize("spec", SPECS, ids=[f"{spec.parent.name}/{spec.stem}" for spec in SPECS])
def test_every_x_doc_resolves(spec: Path) -> None:
    """Each `x-doc` is `SOURCES.md#<anchor>` and the anchor is a section of the SOURCES.md beside the spec."""
    sections = _sections(spec.parent)
    document = yaml.safe_load(spec.read_text(encoding="utf-8"))
    assert document["info"]["x-sources"] == "SOURCES.md"
    values = list(_doc_values(document))
    assert values
    unresolved = [
        (where, value)
        for where, value in values
        if (match := POINTER.fullmatch(value)) is None or match.group(1) not in sections
    ]
    assert unresolved == []


@pytest.mark.parametrize("directory", SPEC_DIRS, ids=[directory.name for directory in SPEC_DIRS])
def test_every_section_is_used_and_names_its_page(directory: Path) -> None:
    """No orphan section; each names its public page, the pages it sums up, or the one page of the file."""
    sections = _sections(directory)
    text = (directory / "SOURCES.md").read_text(encoding="utf-8")
    single_page = ONE_PAGE in text[: text.find("<a id=")]
    used = {
        match.group(1)
        for spec in directory.glob("*.yaml")
        for match in POINTER.finditer(spec.read_text(encoding="utf-8"))
    }
    assert sorted(set(sections) - used) == []
    overview = {"navigation"} | {anchor for anchor, text in sections.items() if "Sources:" in text}
    nameless = [
        anchor
        for anchor, section in sections.items()
        if anchor not in overview and not single_page and not PAGE_URL.search(section)
    ]
    assert nameless == []


def _tracked_files() -> list[Path]:
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return [REPO_ROOT / name for name in listed if (REPO_ROOT / name).is_file()]


def test_no_file_names_a_machine_path() -> None:
    """No file of the project names a path that exists only on one machine."""
    offending = []
    for path in _tracked_files():
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        offending += [f"{path.relative_to(REPO_ROOT)}: {match.group(0)}" for match in MACHINE_PATH.finditer(text)]
    assert offending == []


def test_nothing_reads_the_vendor_material() -> None:
    """Tests, sources and scripts never reach for the vendor notes outside the repository."""
    needles = ("vendor-docs",)
    offending = [
        str(path.relative_to(REPO_ROOT))
        for path in _tracked_files()
        if path.suffix == ".py"
        and path.parts[len(REPO_ROOT.parts)] in {"src", "tests", "scripts"}
        and path != Path(__file__).resolve()
        and any(needle in path.read_text(encoding="utf-8") for needle in needles)
    ]
    assert offending == []
