"""The words every layer shares: check classes, evidence levels, severities and exit codes."""

from __future__ import annotations

from enum import IntEnum, StrEnum

__all__ = ["CheckClass", "Evidence", "EvidenceRule", "ExitCode", "Severity", "Verdict"]


class CheckClass(StrEnum):
    """What kind of contract a finding is about; the report's columns and JUnit's test names."""

    ENUM = "enum"
    REQUIRED = "required"
    TYPE = "type"
    FORMAT = "format"
    DEFAULT = "default"
    STATUS_CODE = "status_code"
    ERROR_CODE = "error_code"
    AUTH = "auth"
    CONTENT_TYPE = "content_type"
    SERVER_ERROR = "server_error"
    STATEFUL = "stateful"
    SCHEMA = "schema"


class Evidence(StrEnum):
    """How well a piece of contract is known; only DOC contract may fail a gate."""

    DOC = "DOC"
    EXAMPLE = "EXAMPLE"
    INFERRED = "INFERRED"

    @property
    def strength(self) -> int:
        return _STRENGTH[self]

    @classmethod
    def weakest(cls, *levels: Evidence) -> Evidence:
        """A conclusion is only as well known as the least known contract it rests on."""
        # Membership, not min() by strength: an enum member hashes in Python, and this runs per model node.
        if not levels:
            raise ValueError("weakest() needs at least one level")
        for level in _WEAKEST_FIRST:
            if level in levels:
                return level
        return cls.DOC


_STRENGTH = {Evidence.DOC: 2, Evidence.EXAMPLE: 1, Evidence.INFERRED: 0}
_WEAKEST_FIRST = (Evidence.INFERRED, Evidence.EXAMPLE)


class EvidenceRule(StrEnum):
    """Which rule judged a document (specs/contract.py decides); the run header and every report name it per API."""

    MARKED = "marked"
    UNMARKED = "unmarked"
    REPORT_ONLY = "report-only"

    @property
    def description(self) -> str:
        return _RULE_DESCRIPTIONS[self]


_RULE_DESCRIPTIONS = {
    EvidenceRule.MARKED: "judged by its x-evidence marks",
    EvidenceRule.UNMARKED: "no x-evidence marks: everything it states gates (DOC), status lists included",
    EvidenceRule.REPORT_ONLY: "evidence-default INFERRED: report-only, nothing gates",
}


class Severity(StrEnum):
    """Whether a finding fails the gate."""

    FAILURE = "failure"
    WARNING = "warning"

    @classmethod
    def for_evidence(cls, evidence: Evidence) -> Severity:
        return cls.FAILURE if evidence is Evidence.DOC else cls.WARNING


class ExitCode(IntEnum):
    """Process exit codes; CI scripts branch on these, so they never change meaning."""

    CONFORMANT = 0
    VIOLATIONS = 1
    USAGE_ERROR = 2
    TARGET_UNREACHABLE = 3
    # Stopped early (budget, time, interrupt), shards missing, or too little tested to say "conformant".
    INCOMPLETE = 4


class Verdict(StrEnum):
    """What a run says of its target; each has one exit code, so a report and its process never disagree."""

    CONFORMANT = "conformant"
    VIOLATIONS = "violations"
    INCOMPLETE = "incomplete"

    @property
    def exit_code(self) -> ExitCode:
        return _VERDICT_EXIT[self]


_VERDICT_EXIT = {
    Verdict.CONFORMANT: ExitCode.CONFORMANT,
    Verdict.VIOLATIONS: ExitCode.VIOLATIONS,
    Verdict.INCOMPLETE: ExitCode.INCOMPLETE,
}
