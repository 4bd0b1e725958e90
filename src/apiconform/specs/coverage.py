"""Doc coverage: how much of each spec is documented, and whether every documentation-tree entry has an operation.

A doc tree (`doc-tree.yaml` beside a vendor's specs) lists the vendor's documented operations as data;
an entry with no operation means the specs silently dropped part of the documentation.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from apiconform.core.errors import SpecError
from apiconform.core.vocabulary import Evidence
from apiconform.specs.document import SpecDocument
from apiconform.specs.evidence import evidence_of

__all__ = ["ApiCoverage", "DocCoverage", "TreeEntry", "doc_coverage", "load_doc_trees"]

DOC_TREE_FILE = "doc-tree.yaml"
# Maps whose keys are names chosen by the spec author, not keywords.
NAME_MAPS = frozenset({"properties", "patternProperties", "schemas", "parameters", "responses", "securitySchemes"})
# Keywords that state a contract the suite can check; each counts once per schema node that carries it.
CONSTRAINT_KEYWORDS = frozenset(
    {
        "type", "format", "enum", "const", "required", "default", "minimum", "maximum", "exclusiveMinimum",
        "exclusiveMaximum", "minLength", "maxLength", "pattern", "minItems", "maxItems", "x-known-values",
        "x-fallback",
    }
)  # fmt: skip


@dataclass(frozen=True, slots=True, kw_only=True)
class TreeEntry:
    api: str
    group: str
    title: str
    method: str | None = None

    @property
    def label(self) -> str:
        method = f" [{self.method}]" if self.method else ""
        return f"{self.api} > {self.group} > {self.title}{method}"


@dataclass(slots=True, kw_only=True)
class ApiCoverage:
    api: str
    title: str
    operations: Counter[Evidence] = field(default_factory=Counter)
    constraints: Counter[Evidence] = field(default_factory=Counter)
    tree_entries: int = 0
    tree_mapped: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "api": self.api,
            "title": self.title,
            "operations_by_evidence": {level.value: self.operations[level] for level in Evidence},
            "constraints_by_evidence": {level.value: self.constraints[level] for level in Evidence},
            "tree_entries": self.tree_entries,
            "tree_mapped": self.tree_mapped,
        }


@dataclass(slots=True, kw_only=True)
class DocCoverage:
    apis: list[ApiCoverage]
    unmapped_entries: list[TreeEntry]

    def to_dict(self) -> dict[str, Any]:
        return {
            "apis": [api.to_dict() for api in self.apis],
            "unmapped_entries": [entry.label for entry in self.unmapped_entries],
        }


def load_doc_trees(root: Path) -> list[TreeEntry]:
    """Every `doc-tree.yaml` below the spec root; `api: arm` in `amili/` names the spec `amili/arm`."""
    entries = []
    for path in sorted(root.rglob(DOC_TREE_FILE)):
        prefix = path.parent.relative_to(root).as_posix()
        try:
            rows = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as exc:
            raise SpecError(path, f"cannot read the documentation tree: {exc}") from None
        if not isinstance(rows, list):
            raise SpecError(path, "a documentation tree is a list of {api, group, title} entries")
        for row in rows:
            api = f"{prefix}/{row['api']}" if prefix != "." else str(row["api"])
            entries.append(
                TreeEntry(api=api, group=str(row["group"]), title=str(row["title"]), method=row.get("method"))
            )
    return entries


def doc_coverage(specs: list[SpecDocument], tree: list[TreeEntry]) -> DocCoverage:
    apis = []
    mapped: set[TreeEntry] = set()
    by_api: dict[str, list[TreeEntry]] = {}
    for entry in tree:
        by_api.setdefault(entry.api, []).append(entry)
    for spec in specs:
        coverage = ApiCoverage(api=spec.name, title=spec.title)
        entries = by_api.get(spec.name, [])
        coverage.tree_entries = len(entries)
        for operation in spec.operations:
            coverage.operations[operation.evidence] += 1
            title = operation.raw.get("x-doc-tree")
            for entry in entries:
                if entry.title == title and entry.method in {None, operation.method.upper()}:
                    mapped.add(entry)
        coverage.tree_mapped = sum(1 for entry in entries if entry in mapped)
        for evidence, count in _constraints(spec.raw, spec.contract.root):
            coverage.constraints[evidence] += count
        apis.append(coverage)
    known = {spec.name for spec in specs}
    unmapped = [entry for entry in tree if entry.api in known and entry not in mapped]
    return DocCoverage(apis=apis, unmapped_entries=unmapped)


def _constraints(node: Any, inherited: Evidence, *, names: bool = False) -> Iterator[tuple[Evidence, int]]:
    """Count constraint keywords per node; a `properties` map holds field names, not keywords."""
    if isinstance(node, Mapping):
        evidence = evidence_of(node, default=inherited)
        if not names:
            keywords = [key for key in node if key in CONSTRAINT_KEYWORDS]
            # Values seen only in examples are example evidence whatever the node around them says.
            yield Evidence.EXAMPLE, keywords.count("x-known-values")
            yield evidence, len(keywords) - keywords.count("x-known-values")
        for key, child in node.items():
            if key not in {"examples", "example"}:
                yield from _constraints(child, evidence, names=key in NAME_MAPS and not names)
    elif isinstance(node, list):
        for item in node:
            yield from _constraints(item, inherited)
