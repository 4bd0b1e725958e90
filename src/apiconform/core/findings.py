"""One contract finding: what broke, where, how well the broken contract is known, and how to reproduce it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from apiconform.core.vocabulary import CheckClass, Evidence, Severity

__all__ = ["Acceptance", "Finding", "ResponseSnapshot"]

# Enough of a body to see what went wrong without turning a report into a dump of the target's data.
MAX_BODY_CHARS = 2000


@dataclass(frozen=True, slots=True, kw_only=True)
class ResponseSnapshot:
    """The response a finding was judged on, with secrets already redacted and the body truncated."""

    status: int
    headers: dict[str, str]
    body: str
    body_truncated: bool = False

    @classmethod
    def from_text(cls, *, status: int, headers: dict[str, str], text: str) -> ResponseSnapshot:
        truncated = len(text) > MAX_BODY_CHARS
        return cls(status=status, headers=headers, body=text[:MAX_BODY_CHARS], body_truncated=truncated)

    def to_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "headers": self.headers,
            "body": self.body,
            "body_truncated": self.body_truncated,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class Acceptance:
    """A baseline entry that accepts a finding: a known deviation, with its reason, until its expiry date."""

    reason: str
    expires: str

    def to_dict(self) -> dict[str, Any]:
        return {"reason": self.reason, "expires": self.expires}


@dataclass(frozen=True, slots=True, kw_only=True)
class Finding:
    """A contract violation seen in one response, judged against the spec's evidence for that contract."""

    api: str
    operation: str
    check: CheckClass
    evidence: Evidence
    title: str
    message: str
    pointer: str = ""
    expected: str = ""
    actual: str = ""
    doc: str = ""
    source: str = ""
    phase: str = ""
    curl: str = ""
    response: ResponseSnapshot | None = None
    occurrences: int = field(default=1, compare=False)
    accepted: Acceptance | None = None

    @property
    def severity(self) -> Severity:
        return Severity.for_evidence(self.evidence)

    @property
    def gating(self) -> bool:
        """A failure on documented contract that no baseline entry accepts: it fails the run."""
        return self.severity is Severity.FAILURE and self.accepted is None

    @property
    def status(self) -> int | None:
        """The status of the response the finding was judged on; None when no response came."""
        return None if self.response is None else self.response.status

    @property
    def identity(self) -> tuple[str, str, CheckClass, str, str, str, int | None]:
        """One problem seen several times (across phases, cases or values) has one identity.

        `actual` is left out: five invoices with five wrong statuses are one broken field, reported once
        with its first value and a count. The response status is in: a 409 and a 500 from one operation
        are two wrong answers, not one seen twice. For body checks `expected` names the violated keyword
        (`type string`, `format date`, `minLength: 3`), so two keywords broken at one pointer stay apart.
        """
        return (self.api, self.operation, self.check, self.pointer, self.expected, self.source, self.status)

    def to_dict(self) -> dict[str, Any]:
        return {
            "api": self.api,
            "operation": self.operation,
            "check": self.check.value,
            "severity": self.severity.value,
            "evidence": self.evidence.value,
            "title": self.title,
            "message": self.message,
            "pointer": self.pointer,
            "expected": self.expected,
            "actual": self.actual,
            "doc": self.doc,
            "source": self.source,
            "phase": self.phase,
            "curl": self.curl,
            "response": None if self.response is None else self.response.to_dict(),
            "occurrences": self.occurrences,
        } | ({} if self.accepted is None else {"accepted": self.accepted.to_dict()})
