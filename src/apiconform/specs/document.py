"""Loading a spec file into a validated document and listing its operations.

Validation happens here, once, so every later layer can trust the document's shape and a broken
spec is reported as one line naming the file, not as a traceback from deep inside a library.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml

from apiconform.core.errors import SpecError
from apiconform.core.results import OverlayInfo
from apiconform.core.vocabulary import Evidence
from apiconform.specs.contract import Contract
from apiconform.specs.model import Operation
from apiconform.specs.overlay import Overlay, apply_overlays

__all__ = ["Operation", "SpecDocument", "discover_specs", "load_spec"]

SPEC_SUFFIXES = (".yaml", ".yml", ".json")
# libyaml's parser builds the same objects as PyYAML's pure-Python SafeLoader about ten times faster; every
# run reads every spec at start-up (twice with discovery), so this is most of a short run's spec-loading time.
_YAML_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True, kw_only=True)
class SpecDocument:
    """A loaded, validated OpenAPI document; `raw` is exactly what the file says, never default-filled."""

    name: str
    path: Path
    raw: dict[str, Any] = field(repr=False, compare=False)
    # Set from the config (`evidence-default`): the level of everything the document does not mark.
    evidence_default: Evidence | None = None
    # The Overlay documents applied to the file before validation: `raw` is the file as they corrected it.
    overlays: tuple[OverlayInfo, ...] = ()

    @property
    def title(self) -> str:
        return str(self.raw.get("info", {}).get("title", self.name))

    @property
    def version(self) -> str:
        return str(self.raw.get("info", {}).get("version", ""))

    @cached_property
    def contract(self) -> Contract:
        """The resolved model every other layer reads; built on first use, once per document."""
        return Contract(self.raw, self.path, default=self.evidence_default)

    @property
    def operations(self) -> list[Operation]:
        return self.contract.operations

    def security_evidence(self, operation: Operation) -> Evidence | None:
        """How well the need for credentials is known; None for an operation that needs none."""
        return operation.security_evidence

    def operation(self, method: str, path: str) -> Operation | None:
        return self.contract.operation(method, path)


SPEC_DIR_NAME = "specs"


def spec_name(path: Path, root: Path | None) -> str:
    """`specs/ap-invoice/openapi.yaml` is named `ap-invoice`; `specs/amili/arm.yaml` is `amili/arm`.

    The name is the path below the spec root, or else below the nearest `specs` directory, so it does
    not change with where a config file happens to live; the sandbox and reports key APIs by it.
    """
    resolved = path.resolve()
    if root is None or not resolved.is_relative_to(root.resolve()):
        root = next((parent for parent in resolved.parents if parent.name == SPEC_DIR_NAME), resolved.parent)
        if root == resolved.parent and resolved.stem == "openapi":
            root = resolved.parent.parent
    relative = resolved.relative_to(root.resolve())
    stem = relative.with_suffix("")
    if stem.name == "openapi" and len(stem.parts) > 1:
        stem = stem.parent
    return stem.as_posix()


def load_spec(
    path: Path | str,
    *,
    root: Path | None = None,
    overlays: Sequence[Overlay] | Callable[[str], Sequence[Overlay]] = (),
) -> SpecDocument:
    """Overlays apply to the document as the file says, before validation.

    Given as a function, `overlays` is asked with the spec's name (taken from the file as written), so a
    config can key them by API.
    """
    path = Path(path)
    raw = _read(path)
    name = spec_name(path, root)
    applied = apply_overlays(raw, overlays(name) if callable(overlays) else overlays, spec=path)
    # Imported here: it brings jsonschema and pydantic, which only a command that loads a spec needs.
    from openapi_spec_validator import validate as validate_openapi  # noqa: PLC0415

    try:
        validate_openapi(raw, base_uri=path.resolve().as_uri())  # file references resolve beside the spec
    except Exception as exc:  # noqa: BLE001 - the validator raises many unrelated types; each becomes one line
        where = "/".join(str(part) for part in getattr(exc, "absolute_path", []) or [])
        located = f" at /{where}" if where else ""
        after = f" after overlays {', '.join(overlay.path for overlay in applied)}" if applied else ""
        raise SpecError(path, f"not a valid OpenAPI document{after}{located}: {_first_line(exc)}") from None
    return SpecDocument(name=name, path=path, raw=raw, overlays=applied)


def discover_specs(root: Path) -> list[Path]:
    """Every OpenAPI document below `root`; other YAML files (data, doc trees) are skipped."""
    if not root.is_dir():
        raise SpecError(root, "spec directory does not exist")
    found = []
    for candidate in sorted(root.rglob("*")):
        if candidate.suffix in SPEC_SUFFIXES and candidate.is_file():
            try:
                head = _load_yaml(candidate.read_text(encoding="utf-8"))
            except (yaml.YAMLError, UnicodeDecodeError):
                found.append(candidate)  # let load_spec report it properly
                continue
            if isinstance(head, dict) and "openapi" in head:
                found.append(candidate)
    return found


def _read(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SpecError(path, "no such file") from None
    except IsADirectoryError:
        raise SpecError(path, "is a directory; --spec takes one spec file (repeat it for several)") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SpecError(path, f"cannot read: {exc}") from None
    try:
        raw = _load_yaml(text)
    except yaml.YAMLError as exc:
        raise SpecError(path, f"not valid YAML or JSON: {_first_line(exc)}") from None
    if not isinstance(raw, dict):
        raise SpecError(path, "not an OpenAPI document (the top level is not a mapping)")
    version = str(raw.get("openapi", ""))
    if not version.startswith("3."):
        found = f"openapi: {version}" if version else "no 'openapi' field"
        raise SpecError(path, f"not an OpenAPI 3.x document ({found})")
    return raw


def _load_yaml(text: str) -> Any:
    return yaml.load(text, Loader=_YAML_LOADER)  # noqa: S506 - a safe loader, the C one when libyaml is there


MAX_PROBLEM_CHARS = 300


def _first_line(exc: BaseException) -> str:
    """The validator quotes whole documents ("... does not exist within {...}"); a person needs the first clause."""
    text = str(exc).strip() or type(exc).__name__
    line = " ".join(text.splitlines()[0].split())
    line = line.split(" within {", 1)[0]
    return line if len(line) <= MAX_PROBLEM_CHARS else line[: MAX_PROBLEM_CHARS - 1] + "…"
