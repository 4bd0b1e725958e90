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
from apiconform.specs.labels import spec_name
from apiconform.specs.model import Operation
from apiconform.specs.overlay import Overlay, apply_overlays
from apiconform.specs.parsing import collector_paused, load_yaml, read_document
from apiconform.specs.screening import DocumentWarning, screen
from apiconform.specs.swagger import from_swagger

__all__ = ["Operation", "SpecDocument", "discover_specs", "load_spec"]

SPEC_SUFFIXES = (".yaml", ".yml", ".json")


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
    # Slips testing can live with (a string default on a boolean), each with its location; see specs/screening.py.
    warnings: tuple[DocumentWarning, ...] = ()
    # "swagger 2.0" when the file was Swagger, converted to OpenAPI 3.0 at load; else "openapi <version>".
    dialect: str = ""
    # Whether any node carries an evidence mark (screening walks every node anyway); None: not known.
    marked: bool | None = None

    @property
    def title(self) -> str:
        return str(self.raw.get("info", {}).get("title", self.name))

    @property
    def version(self) -> str:
        return str(self.raw.get("info", {}).get("version", ""))

    @cached_property
    def contract(self) -> Contract:
        """The resolved model every other layer reads; built on first use, once per document."""
        return Contract(self.raw, self.path, default=self.evidence_default, marked=self.marked)

    @property
    def operations(self) -> list[Operation]:
        return self.contract.operations

    def security_evidence(self, operation: Operation) -> Evidence | None:
        """How well the need for credentials is known; None for an operation that needs none."""
        return operation.security_evidence

    def operation(self, method: str, path: str) -> Operation | None:
        return self.contract.operation(method, path)


def load_spec(
    path: Path | str,
    *,
    root: Path | None = None,
    name: str | None = None,
    overlays: Sequence[Overlay] | Callable[[str], Sequence[Overlay]] = (),
) -> SpecDocument:
    """Overlays apply to the document as the file says, before validation.

    `name` is the API's name when the config gives one; else it comes from the file (specs/labels.py).
    Given as a function, `overlays` is asked with the spec's name, so a config can key them by API.
    """
    path = Path(path)
    with collector_paused():
        raw = read_document(path)
        dialect = f"openapi {raw.get('openapi', '')}"
        if str(raw.get("swagger", "")) == "2.0" and "openapi" not in raw:
            raw, dialect = from_swagger(raw), "swagger 2.0"
        name = name or spec_name(path, root, raw)
        applied = apply_overlays(raw, overlays(name) if callable(overlays) else overlays, spec=path)
        try:
            screening = screen(path, raw)
        except SpecError as exc:
            if not applied:
                raise
            after = ", ".join(overlay.path for overlay in applied)
            raise SpecError(path, f"not a valid OpenAPI document after overlays {after}: {exc.problem}") from None
    return SpecDocument(
        name=name,
        path=path,
        raw=raw,
        overlays=applied,
        warnings=screening.warnings,
        dialect=dialect,
        marked=screening.marked,
    )


def discover_specs(root: Path) -> list[Path]:
    """Every OpenAPI document below `root`; other YAML files (data, doc trees) are skipped."""
    if not root.is_dir():
        raise SpecError(root, "spec directory does not exist")
    found = []
    for candidate in sorted(root.rglob("*")):
        if candidate.suffix in SPEC_SUFFIXES and candidate.is_file():
            try:
                head = load_yaml(candidate.read_text(encoding="utf-8"))
            except (yaml.YAMLError, UnicodeDecodeError):
                found.append(candidate)  # let load_spec report it properly
                continue
            if isinstance(head, dict) and ("openapi" in head or "swagger" in head):
                found.append(candidate)
    return found
