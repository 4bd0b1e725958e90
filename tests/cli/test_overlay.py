"""Overlays end to end: a document wrong in a known way, a real server, and a correction the user owns.

The document declares `bio` a string; the server sends `null` (as every server of such a community spec
does). Without a correction the run fails on `/bio`; an Overlay making the field nullable, given on the
command line or in the config, makes the same run pass and the reports say which overlay applied; a
baseline pattern accepts the same defect across the API without touching the document.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from apiconform.cli import resolve
from apiconform.config import ApiConfig, ConfigFile, TargetConfig
from apiconform.core.errors import OverlayError, UsageError
from apiconform.core.vocabulary import ExitCode
from tests.fixtures.cli import load_report, run_cli
from tests.fixtures.servers import serve

KNOWN_ID: Final = "u-1"
SPEC: Final = """
openapi: 3.1.0
info: {title: community users, version: "1"}
x-evidence: DOC
paths:
  /users/{id}:
    get:
      operationId: getUser
      x-evidence: DOC
      x-status-codes-evidence: DOC
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      responses:
        "200":
          description: the user
          content: {application/json: {schema: {$ref: "#/components/schemas/User"}}}
        "404": {description: no such user, x-evidence: DOC}
components:
  schemas:
    User:
      type: object
      x-evidence: DOC
      required: [id, bio]
      properties:
        id: {type: string}
        bio: {type: string}
"""
NULLABLE: Final = """
overlay: 1.0.0
info: {title: bio is nullable, version: "1"}
actions:
  - target: $.components.schemas.User.properties.bio
    description: every server sends null for a user without a bio
    update: {type: [string, "null"]}
"""
NOTHING_THERE: Final = """
  - target: $.components.schemas.Profile
    update: {x-note: the vendor renamed it}
"""


def _app() -> Starlette:
    async def get_user(request: Request) -> JSONResponse:
        if request.path_params["id"] == KNOWN_ID:
            return JSONResponse({"id": KNOWN_ID, "bio": None})
        return JSONResponse({"error": "not found"}, status_code=404)

    return Starlette(routes=[Route("/users/{id}", get_user)])


@dataclass(frozen=True, slots=True)
class Files:
    spec: Path
    overlay: Path
    directory: Path


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with serve(_app()) as url:
        yield url


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> Files:
    directory = tmp_path_factory.mktemp("overlay")
    spec = directory / "specs" / "users.yaml"
    spec.parent.mkdir()
    spec.write_text(SPEC, encoding="utf-8")
    overlay = directory / "bio-nullable.yaml"
    overlay.write_text(NULLABLE, encoding="utf-8")
    return Files(spec=spec, overlay=overlay, directory=directory)


def _run(tmp_path: Path, url: str, spec: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_cli("run", "--spec", str(spec), "--base-url", url, "--param", f"id={KNOWN_ID}", *args, tmp_path=tmp_path)


def _failures(report: dict[str, Any]) -> list[tuple[str, str, str]]:
    return [
        (finding["check"], finding["pointer"], finding["evidence"])
        for finding in report["findings"]
        if finding["severity"] == "failure" and "accepted" not in finding
    ]


def test_without_the_overlay_the_document_fails_a_conformant_server(tmp_path: Path, server: str, files: Files) -> None:
    """The document as written: `null` in a DOC `type: string` field fails the run on `/bio`."""
    completed = _run(tmp_path, server, files.spec, "--no-history")
    assert completed.returncode == ExitCode.VIOLATIONS, completed.stdout + completed.stderr
    report = load_report(tmp_path / "reports")
    assert _failures(report) == [("type", "/bio", "DOC")]
    assert report["specs"][0]["overlays"] == []


def test_with_the_overlay_the_same_run_passes_and_says_so(tmp_path: Path, server: str, files: Files) -> None:
    """`--overlay` makes the field nullable: exit 0, and the header, report.json, summary and html name it."""
    completed = _run(tmp_path, server, files.spec, "--overlay", str(files.overlay), "--no-history")
    assert completed.returncode == ExitCode.CONFORMANT, completed.stdout + completed.stderr
    reports = tmp_path / "reports"
    report = load_report(reports)
    assert _failures(report) == []
    assert report["specs"][0]["overlays"] == [
        {"path": files.overlay.as_posix(), "title": "bio is nullable", "actions": 1, "unmatched": []}
    ]
    assert f"apiconform: overlay {files.overlay.as_posix()} (bio is nullable) on users: 1 action\n" in completed.stdout
    assert f"`{files.overlay.as_posix()}` (bio is nullable) on users" in (reports / "summary.md").read_text("utf-8")
    assert files.overlay.as_posix() in (reports / "report.html").read_text("utf-8")


def test_config_overlays_are_relative_to_the_config_file(tmp_path: Path, server: str, files: Files) -> None:
    """A target's `apis.<name>.overlays` resolve against the config's directory (the CLI runs elsewhere); an
    action that selects nothing is a warning in the header and the report, and the run still passes.
    """
    config_dir = tmp_path / "project"
    (config_dir / "overlays").mkdir(parents=True)
    overlay = config_dir / "overlays" / "users.yaml"
    overlay.write_text(NULLABLE + NOTHING_THERE, encoding="utf-8")
    config = config_dir / "apiconform.toml"
    config.write_text(
        f'[targets.vendor]\nbase-url = "{server}"\n\n[targets.vendor.apis.users]\noverlays = ["overlays/users.yaml"]\n',
        encoding="utf-8",
    )
    completed = run_cli(
        "run", "--config", str(config), "--target", "vendor", "--spec", str(files.spec),
        "--param", f"id={KNOWN_ID}", "--no-history", tmp_path=tmp_path,
    )  # fmt: skip
    assert completed.returncode == ExitCode.CONFORMANT, completed.stdout + completed.stderr
    applied = load_report(tmp_path / "reports")["specs"][0]["overlays"]
    assert applied == [
        {
            "path": overlay.as_posix(),
            "title": "bio is nullable",
            "actions": 2,
            "unmatched": [{"action": 2, "target": "$.components.schemas.Profile"}],
        }
    ]
    assert "  warning: action 2 target $.components.schemas.Profile selected nothing in users\n" in completed.stdout
    summary = (tmp_path / "reports" / "summary.md").read_text("utf-8")
    assert "  - warning: action 2 target `$.components.schemas.Profile` selected nothing\n" in summary


def test_a_baseline_pattern_accepts_the_defect_across_the_api(tmp_path: Path, server: str, files: Files) -> None:
    """The other way to live with the same defect: one `[[accept]]` entry with `*` and `/**/bio`."""
    baseline = tmp_path / "baseline.toml"
    baseline.write_text(
        '[[accept]]\noperation = "*"\ncheck = "type"\npointer = "/**/bio"\n'
        'reason = "community spec: bio is null for users without one"\nexpires = 2999-12-31\n',
        encoding="utf-8",
    )
    completed = _run(tmp_path, server, files.spec, "--baseline", str(baseline), "--no-history")
    assert completed.returncode == ExitCode.CONFORMANT, completed.stdout + completed.stderr
    report = load_report(tmp_path / "reports")
    assert [(f["pointer"], "accepted" in f) for f in report["findings"] if f["check"] == "type"] == [("/bio", True)]
    assert [entry["status"] for entry in report["baseline"]["entries"]] == ["used"]


BAD_OVERLAYS: Final = [
    pytest.param(
        "overlay: 1.0.0\ninfo: {title: t}\nactions: [{target: $.info, update: {}}]\n",
        "not an Overlay 1.0 document: info: 'version' is required",
        id="not-an-overlay",
    ),
    pytest.param(
        "overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions: [{target: '$.paths[?@.x ==]', remove: true}]\n",
        "action 1: target '$.paths[?@.x ==]' is not RFC 9535 JSONPath (",
        id="jsonpath-syntax-error",
    ),
]


@pytest.mark.parametrize(("text", "problem"), BAD_OVERLAYS)
def test_a_bad_overlay_is_refused_with_one_line(
    tmp_path: Path, server: str, files: Files, text: str, problem: str
) -> None:
    """Exit 2 before any request, one stderr line naming the overlay file and the problem (every other refusal:
    tests/specs/test_overlay.py).
    """
    overlay = tmp_path / "overlay.yaml"
    overlay.write_text(text, encoding="utf-8")
    completed = _run(tmp_path, server, files.spec, "--overlay", str(overlay), "--no-history")
    assert completed.returncode == ExitCode.USAGE_ERROR
    lines = completed.stderr.splitlines()
    assert len(lines) == 1, completed.stderr
    assert lines[0].startswith(f"apiconform: error: {overlay}: {problem}")
    assert not (tmp_path / "reports" / "report.json").exists()


def test_an_overlay_for_another_document_is_refused(tmp_path: Path, files: Files) -> None:
    """`extends` naming a file that is not among the run's specs is a usage error, so it cannot apply nowhere."""
    overlay = tmp_path / "overlay.yaml"
    overlay.write_text(NULLABLE.replace("actions:", "extends: ./vendor.yaml\nactions:"), encoding="utf-8")
    with pytest.raises(UsageError) as raised:
        resolve.load_specs(ConfigFile(), [files.spec], overlays=[overlay])
    assert str(raised.value) == f"--overlay {overlay}: it extends ./vendor.yaml, which is not a spec of this run"


def test_a_config_overlay_for_another_document_is_refused(tmp_path: Path, files: Files) -> None:
    """A target's overlay whose `extends` names another file: an error naming the overlay, not a silent apply."""
    overlay = tmp_path / "overlay.yaml"
    overlay.write_text(NULLABLE.replace("actions:", "extends: ./vendor.yaml\nactions:"), encoding="utf-8")
    target = TargetConfig(name="vendor", apis={"users": ApiConfig(overlays=(overlay,))})
    with pytest.raises(OverlayError) as raised:
        resolve.load_specs(ConfigFile(), [files.spec], target=target)
    assert str(raised.value) == f"{overlay}: extends ./vendor.yaml, but the config applies it to {files.spec}"
