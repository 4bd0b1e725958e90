"""What a run is judged against besides the spec: a baseline of accepted deviations, a previous run, its history.

The report layer computes these (report/baseline.py, report/diff.py, report/history.py); they live here so
a RunResult can carry them into report.json without core importing the report layer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import cache
from typing import Any

from apiconform.core.findings import Acceptance, Finding
from apiconform.core.vocabulary import CheckClass

__all__ = [
    "DRIFT_LABEL",
    "BaselineEntry",
    "BaselineEntryOutcome",
    "BaselineOutcome",
    "BaselineStatus",
    "Comparison",
    "DiffItem",
    "DriftItem",
    "DriftKind",
    "HistoryTrend",
    "TrendPoint",
    "operation_matches",
    "pointer_matches",
]


class BaselineStatus(StrEnum):
    """What became of one baseline entry in a run."""

    USED = "used"  # in force, and it accepted at least one finding
    EXPIRED = "expired"  # past its date: the findings it matches count again
    UNUSED = "unused"  # in force, but nothing matched it: the deviation is gone or the entry is wrong


@dataclass(frozen=True, slots=True, kw_only=True)
class BaselineEntry:
    """One accepted deviation: an operation's check at a JSON pointer, for a reason, until a date (inclusive).

    `api` is optional: empty matches the operation in any API. `operation` and `pointer` may be patterns, so
    one entry accepts one known spec defect wherever it shows (see `operation_matches`, `pointer_matches`).
    """

    operation: str
    check: CheckClass
    pointer: str
    reason: str
    expires: date
    api: str = ""

    def matches(self, finding: Finding) -> bool:
        return (
            finding.check is self.check
            and (not self.api or finding.api == self.api)
            and operation_matches(self.operation, finding.operation)
            and pointer_matches(self.pointer, finding.pointer)
        )

    def expired_on(self, day: date) -> bool:
        return day > self.expires

    @property
    def acceptance(self) -> Acceptance:
        return Acceptance(reason=self.reason, expires=self.expires.isoformat())

    def to_dict(self) -> dict[str, Any]:
        return {
            "api": self.api,
            "operation": self.operation,
            "check": self.check.value,
            "pointer": self.pointer,
            "reason": self.reason,
            "expires": self.expires.isoformat(),
        }


def operation_matches(pattern: str, operation: str) -> bool:
    """`*` in an operation pattern stands for any text: `*` is every operation, `GET /v1/*` every GET below /v1/.

    A pattern without `*` is an exact label, compared as before patterns existed.
    """
    if "*" not in pattern:
        return pattern == operation
    return _operation_regex(pattern).fullmatch(operation) is not None


def pointer_matches(pattern: str, pointer: str) -> bool:
    """A pointer segment `*` is exactly one segment, `**` any number (none too): `/**/bio` is `bio` at any depth.

    A pattern with neither segment is an exact JSON pointer, compared as before patterns existed.
    """
    segments = pattern.split("/")[1:]
    if not any(segment in _WILDCARDS for segment in segments):
        return pattern == pointer
    return _pointer_regex(pattern).fullmatch(pointer) is not None


_WILDCARDS = ("*", "**")


@cache
def _operation_regex(pattern: str) -> re.Pattern[str]:
    return re.compile(".*".join(re.escape(part) for part in pattern.split("*")), re.DOTALL)


@cache
def _pointer_regex(pattern: str) -> re.Pattern[str]:
    wildcard = {"*": "/[^/]*", "**": "(?:/[^/]*)*"}
    segments = pattern.split("/")[1:]
    return re.compile("".join(wildcard.get(segment, "/" + re.escape(segment)) for segment in segments))


@dataclass(frozen=True, slots=True, kw_only=True)
class BaselineEntryOutcome:
    entry: BaselineEntry
    status: BaselineStatus
    matched: int

    def to_dict(self) -> dict[str, Any]:
        return self.entry.to_dict() | {"status": self.status.value, "matched": self.matched}


@dataclass(frozen=True, slots=True, kw_only=True)
class BaselineOutcome:
    """The baseline file a run was judged with, and what each of its entries did."""

    path: str
    checked_on: str
    entries: tuple[BaselineEntryOutcome, ...]

    def with_status(self, status: BaselineStatus) -> list[BaselineEntryOutcome]:
        return [outcome for outcome in self.entries if outcome.status is status]

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> BaselineOutcome:
        """The baseline section of a report.json, read back (shard reports judged by one baseline merge)."""
        return cls(
            path=data["path"],
            checked_on=data["checked_on"],
            entries=tuple(
                BaselineEntryOutcome(
                    entry=BaselineEntry(
                        api=item["api"],
                        operation=item["operation"],
                        check=CheckClass(item["check"]),
                        pointer=item["pointer"],
                        reason=item["reason"],
                        expires=date.fromisoformat(item["expires"]),
                    ),
                    status=BaselineStatus(item["status"]),
                    matched=item["matched"],
                )
                for item in data["entries"]
            ),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "checked_on": self.checked_on,
            "entries": [outcome.to_dict() for outcome in self.entries],
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class DiffItem:
    """One finding on one side of a comparison, named by the fields of Finding.identity."""

    api: str
    operation: str
    check: str
    pointer: str
    expected: str
    source: str
    title: str
    evidence: str
    actual: str
    note: str = ""

    @classmethod
    def from_finding(cls, finding: dict[str, Any], note: str = "") -> DiffItem:
        return cls(
            api=finding["api"],
            operation=finding["operation"],
            check=finding["check"],
            pointer=finding["pointer"],
            expected=finding["expected"],
            source=finding["source"],
            title=finding["title"],
            evidence=finding["evidence"],
            actual=finding["actual"],
            note=note,
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "api": self.api,
            "operation": self.operation,
            "check": self.check,
            "pointer": self.pointer,
            "expected": self.expected,
            "source": self.source,
            "title": self.title,
            "evidence": self.evidence,
            "actual": self.actual,
            "note": self.note,
        }


class DriftKind(StrEnum):
    """Changes between two runs that are not failures appearing or going away."""

    WARNING_NEW = "warning_new"
    WARNING_GONE = "warning_gone"
    ACTUAL_CHANGED = "actual_changed"
    COVERAGE_LOST = "coverage_lost"
    COVERAGE_GAINED = "coverage_gained"
    OPERATION_ADDED = "operation_added"
    OPERATION_REMOVED = "operation_removed"
    SPEC_VERSION = "spec_version"
    # What the target returns changed where the docs only gave examples or nothing at all.
    VALUE_NEW = "value_new"
    FIELD_NEW = "field_new"
    STATUS_NEW = "status_new"
    # A documented field or status the previous run saw and this one never did: removed, renamed or broken.
    FIELD_GONE = "field_gone"
    STATUS_GONE = "status_gone"


# How every report format names a drift kind; one table, so HTML and Markdown cannot disagree.
DRIFT_LABEL: dict[str, str] = {
    DriftKind.WARNING_NEW: "new warning",
    DriftKind.WARNING_GONE: "warning gone",
    DriftKind.ACTUAL_CHANGED: "value changed",
    DriftKind.COVERAGE_LOST: "coverage lost",
    DriftKind.COVERAGE_GAINED: "coverage gained",
    DriftKind.OPERATION_ADDED: "operation added",
    DriftKind.OPERATION_REMOVED: "operation removed",
    DriftKind.SPEC_VERSION: "spec version changed",
    DriftKind.VALUE_NEW: "new value in an example-only field",
    DriftKind.FIELD_NEW: "new undocumented field",
    DriftKind.STATUS_NEW: "new status code",
    DriftKind.FIELD_GONE: "documented field no longer sent",
    DriftKind.STATUS_GONE: "documented status no longer seen",
}


@dataclass(frozen=True, slots=True, kw_only=True)
class DriftItem:
    kind: DriftKind
    api: str
    operation: str = ""
    check: str = ""
    pointer: str = ""
    before: str = ""
    after: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind.value,
            "api": self.api,
            "operation": self.operation,
            "check": self.check,
            "pointer": self.pointer,
            "before": self.before,
            "after": self.after,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class Comparison:
    """A run against a previous one: failures that are new, fixed or persisting, and everything else that drifted."""

    previous: str
    previous_started_at: str
    previous_verdict: str
    new_failures: tuple[DiffItem, ...] = ()
    fixed: tuple[DiffItem, ...] = ()
    persisting: tuple[DiffItem, ...] = ()
    drift: tuple[DriftItem, ...] = ()

    @property
    def has_new(self) -> bool:
        return bool(self.new_failures)

    def to_dict(self) -> dict[str, Any]:
        return {
            "previous": self.previous,
            "previous_started_at": self.previous_started_at,
            "previous_verdict": self.previous_verdict,
            "new_failures": [item.to_dict() for item in self.new_failures],
            "fixed": [item.to_dict() for item in self.fixed],
            "persisting": [item.to_dict() for item in self.persisting],
            "drift": [item.to_dict() for item in self.drift],
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class TrendPoint:
    """One past run of the same target and specs, as the trend chart and `apiconform history` show it."""

    run_id: int
    started_at: str
    verdict: str
    pass_rate: float | None
    failures: int
    warnings: int
    accepted: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "started_at": self.started_at,
            "verdict": self.verdict,
            "pass_rate": self.pass_rate,
            "failures": self.failures,
            "warnings": self.warnings,
            "accepted": self.accepted,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class HistoryTrend:
    """Where the run was recorded, and the recent runs of its series (same target, same specs), oldest first."""

    database: str
    series: str
    run_id: int
    runs: tuple[TrendPoint, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "database": self.database,
            "series": self.series,
            "run_id": self.run_id,
            "runs": [point.to_dict() for point in self.runs],
        }
