"""The failure apiconform's own checks raise: a schemathesis Failure that carries the finding's fields."""

from __future__ import annotations

from typing import ClassVar

from schemathesis.core.failures import Failure, Severity

from apiconform.core.vocabulary import CheckClass, Evidence

__all__ = ["ContractViolation"]


class ContractViolation(Failure):
    """One violated constraint, already classified, so nothing downstream has to parse a message."""

    code: ClassVar[str] = "AC100"
    checks: ClassVar[tuple[str, ...]] = ("response_body_conformance",)
    kind_title: ClassVar[str] = "Response violates the documented contract"

    __slots__ = ("actual", "check_class", "doc", "evidence", "expected", "pointer")

    def __init__(
        self,
        *,
        operation: str,
        check_class: CheckClass,
        evidence: Evidence,
        title: str,
        message: str,
        pointer: str = "",
        expected: str = "",
        actual: str = "",
        doc: str = "",
        case_id: str | None = None,
    ) -> None:
        severity = Severity.HIGH if evidence is Evidence.DOC else Severity.LOW
        super().__init__(operation=operation, title=title, message=message, case_id=case_id, severity=severity)
        self.check_class = check_class
        self.evidence = evidence
        self.pointer = pointer
        self.expected = expected
        self.actual = actual
        self.doc = doc

    @property
    def _unique_key(self) -> str:
        # Distinct constraints on one operation are distinct findings, never collapsed into the first.
        return f"{self.check_class}|{self.pointer}|{self.expected}|{self.actual}"
