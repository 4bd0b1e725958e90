"""One document's contract model, and the rule that decided how well its unmarked parts are known.

A document that says nothing about evidence (no `x-evidence` anywhere) is the user's documentation as
written: all of it gates, status lists included. A marked one is judged by its marks. A config can
make any document report-only (`evidence-default = "INFERRED"`).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property
from pathlib import Path
from typing import Any

from apiconform.core.vocabulary import Evidence, EvidenceRule
from apiconform.specs.build import OperationBuilder
from apiconform.specs.evidence import EVIDENCE_KEYS
from apiconform.specs.model import Operation, SecurityScheme
from apiconform.specs.parsing import collector_paused
from apiconform.specs.resolve import Resolver
from apiconform.specs.validation import Validators

__all__ = ["Contract", "EvidenceRule", "contract_for", "share"]


class Contract:
    """Operations and security schemes of one document, resolved once; validators built on first use."""

    def __init__(
        self,
        document: Mapping[str, Any],
        path: Path | None = None,
        *,
        default: Evidence | None = None,
        marked: bool | None = None,
    ) -> None:
        """`marked`: whether any node carries an evidence mark, when screening already walked the document."""
        self.document = document
        self.resolver = Resolver(document, path)
        self.rule: EvidenceRule
        self.root: Evidence
        if default is not None and default is not Evidence.DOC:
            self.rule, self.root = EvidenceRule.REPORT_ONLY, default
        elif marked if marked is not None else _has_marks(document):
            self.rule, self.root = EvidenceRule.MARKED, Evidence.DOC
        else:
            self.rule, self.root = EvidenceRule.UNMARKED, Evidence.DOC
        status_lists = None if self.rule is EvidenceRule.MARKED else self.root
        self._builder = OperationBuilder(self.resolver, root=self.root, status_lists=status_lists)

    @cached_property
    def operations(self) -> list[Operation]:
        with collector_paused():
            return self._builder.operations()

    @property
    def schemes(self) -> dict[str, SecurityScheme]:
        return self._builder.schemes

    @cached_property
    def validators(self) -> Validators:
        return Validators(self.resolver, openapi=str(self.document.get("openapi", "3.1")))

    @cached_property
    def _by_label(self) -> dict[tuple[str, str], Operation]:
        return {(operation.method, operation.path): operation for operation in self.operations}

    def operation(self, method: str, path: str) -> Operation | None:
        return self._by_label.get((method.lower(), path))

    def by_id(self, operation_id: str) -> Operation | None:
        return next((operation for operation in self.operations if operation.operation_id == operation_id), None)


def _has_marks(document: Mapping[str, Any]) -> bool:
    """Whether any node carries an evidence mark; exact types, as this walks every node of a large document."""
    stack: list[Any] = [document]
    while stack:
        node = stack.pop()
        if type(node) is dict:
            if not EVIDENCE_KEYS.isdisjoint(node):
                return True
            stack.extend(node.values())
        elif type(node) is list:
            stack.extend(node)
    return False


# Keyed by id() with the document kept alive in the value, so an id is never reused while shared.
_SHARED: dict[int, tuple[Mapping[str, Any], Contract]] = {}


def share(document: Mapping[str, Any], contract: Contract) -> None:
    """Declare `document` (a prepared copy handed to schemathesis) to mean `contract`'s model."""
    _SHARED[id(document)] = (document, contract)


def contract_for(document: Mapping[str, Any]) -> Contract:
    """The model of a document schemathesis holds: the shared one, or one built from the dict alone."""
    found = _SHARED.get(id(document))
    if found is None or found[0] is not document:
        found = _SHARED[id(document)] = (document, Contract(document))
    return found[1]
