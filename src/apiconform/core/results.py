"""The outcome of a run, in the one shape every report format is rendered from.

`RunResult.from_dict` reads a report.json document back (the inverse of `to_dict`), so shard reports can be
merged into one run (`apiconform merge`, `run --workers N`) and every format rendered from the merge.
"""

from __future__ import annotations

import dataclasses
import math
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from apiconform.core.findings import Acceptance, Finding, ResponseSnapshot
from apiconform.core.regression import BaselineOutcome, Comparison, HistoryTrend
from apiconform.core.vocabulary import CheckClass, Evidence, EvidenceRule, ExitCode, Severity, Verdict

__all__ = [
    "COMPLETED",
    "NOT_REACHED",
    "SHARD_SKIP_PREFIX",
    "CellStatus",
    "OperationResult",
    "OverlayInfo",
    "RunResult",
    "SpecInfo",
    "TargetInfo",
    "cells_pass_rate",
    "percent",
    "shard_skip_reason",
]

# 2: a finding's identity includes its response status (core/findings.py); report/diff.py compares a
# version-1 report on the identity of its day, without the status.
REPORT_FORMAT_VERSION = "2"
COMPLETED = "completed"
# Why a selected operation was not tested when nothing more specific is known.
NOT_REACHED = "no request reached it"
# The skip reason of an operation another shard tests; merging shard reports looks for it.
SHARD_SKIP_PREFIX = "in another shard than "


def shard_skip_reason(shard: tuple[int, int]) -> str:
    return f"{SHARD_SKIP_PREFIX}{shard[0]}/{shard[1]}"


class CellStatus:
    """Values of one operation × check cell of the matrix."""

    PASS = "pass"
    FAIL = "fail"
    WARNING = "warning"
    ACCEPTED = "accepted"
    NOT_COVERED = "not_covered"

    ALL = (PASS, FAIL, WARNING, ACCEPTED, NOT_COVERED)


@dataclass(frozen=True, slots=True, kw_only=True)
class OverlayInfo:
    """An Overlay document applied to a spec before the run, so a report says the contract judged is not the file's.

    `unmatched` holds (action number from 1, target) of every action whose target selected nothing.
    """

    path: str
    title: str
    actions: int
    unmatched: tuple[tuple[int, str], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "title": self.title,
            "actions": self.actions,
            "unmatched": [{"action": number, "target": target} for number, target in self.unmatched],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> OverlayInfo:
        return cls(
            path=data["path"],
            title=data["title"],
            actions=data["actions"],
            unmatched=tuple((item["action"], item["target"]) for item in data["unmatched"]),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class SpecInfo:
    name: str
    path: str
    title: str
    version: str
    overlays: tuple[OverlayInfo, ...] = ()
    # Document slips testing lived with, each {"location": JSON pointer, "message": ...} (specs/screening.py).
    warnings: tuple[dict[str, str], ...] = ()
    # Which rule judged the document; None in a report written before the field existed.
    evidence_rule: EvidenceRule | None = None

    def to_dict(self) -> dict[str, Any]:
        rule = {"evidence_rule": self.evidence_rule.value} if self.evidence_rule is not None else {}
        return {
            "name": self.name,
            "path": self.path,
            "title": self.title,
            "version": self.version,
            **rule,
            "overlays": [overlay.to_dict() for overlay in self.overlays],
            "warnings": [dict(warning) for warning in self.warnings],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SpecInfo:
        return cls(
            name=data["name"],
            path=data["path"],
            title=data["title"],
            version=data["version"],
            overlays=tuple(OverlayInfo.from_dict(item) for item in data.get("overlays", [])),
            warnings=tuple(dict(warning) for warning in data.get("warnings", [])),
            evidence_rule=EvidenceRule(data["evidence_rule"]) if "evidence_rule" in data else None,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class TargetInfo:
    name: str
    base_url: str
    embedded: bool

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TargetInfo:
        return cls(name=data["name"], base_url=data["base_url"], embedded=data["embedded"])


@dataclass(slots=True, kw_only=True)
class OperationResult:
    """What was exercised of one operation; a check class never exercised is 'not covered', never 'pass'."""

    api: str
    operation: str
    operation_id: str
    evidence: Evidence
    doc: str
    requests: int = 0
    checks_run: set[CheckClass] = field(default_factory=set)
    skip_reason: str = ""
    # Every status the target answered with, documented or not: a new one between runs is drift.
    statuses: set[int] = field(default_factory=set)
    # Why requests were sent yet nothing was tested (e.g. "credentials rejected": every answer a 401/403).
    uncovered_reason: str = ""

    @property
    def covered(self) -> bool:
        return self.requests > 0 and not self.uncovered_reason

    def to_dict(self) -> dict[str, Any]:
        return {
            "api": self.api,
            "operation": self.operation,
            "operation_id": self.operation_id,
            "evidence": self.evidence.value,
            "doc": self.doc,
            "requests": self.requests,
            "covered": self.covered,
            "checks_run": sorted(check.value for check in self.checks_run),
            "skip_reason": self.skip_reason,
            "statuses": sorted(self.statuses),
        } | ({"uncovered_reason": self.uncovered_reason} if self.uncovered_reason else {})

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> OperationResult:
        return cls(
            api=data["api"],
            operation=data["operation"],
            operation_id=data["operation_id"],
            evidence=Evidence(data["evidence"]),
            doc=data["doc"],
            requests=data["requests"],
            checks_run={CheckClass(check) for check in data["checks_run"]},
            skip_reason=data["skip_reason"],
            statuses=set(data.get("statuses", [])),
            uncovered_reason=data.get("uncovered_reason", ""),
        )


@dataclass(slots=True, kw_only=True)
class RunResult:
    """Everything a report needs; writers never reach back into the runner."""

    tool_version: str
    target: TargetInfo
    specs: list[SpecInfo]
    seed: int
    max_examples: int
    started_at: str
    duration_seconds: float = 0.0
    request_count: int = 0
    operations: list[OperationResult] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    stop_reason: str = COMPLETED
    # (index, total) when this run tested one shard of the operations (`--shard K/N`); None for all of them.
    shard: tuple[int, int] | None = None
    baseline: BaselineOutcome | None = None
    comparison: Comparison | None = None
    history: HistoryTrend | None = None
    # Observed enum values per field, and documentation coverage per spec; rendered as given.
    enum_coverage: list[dict[str, Any]] = field(default_factory=list)
    doc_coverage: list[dict[str, Any]] = field(default_factory=list)
    undocumented_fields: list[dict[str, Any]] = field(default_factory=list)
    # Per operation and documented status: the documented fields seen; one gone since the last run is drift.
    documented_fields: list[dict[str, Any]] = field(default_factory=list)

    @property
    def failures(self) -> list[Finding]:
        """Findings that fail the gate: on documented contract, and not accepted by the baseline."""
        return [finding for finding in self.findings if finding.gating]

    @property
    def warnings(self) -> list[Finding]:
        return [
            finding for finding in self.findings if finding.severity is Severity.WARNING and finding.accepted is None
        ]

    @property
    def accepted(self) -> list[Finding]:
        """Findings a baseline entry accepts: shown, never gating."""
        return [finding for finding in self.findings if finding.accepted is not None]

    @property
    def incomplete_reasons(self) -> list[str]:
        """Why the run cannot call the target conformant: it stopped early, or left selected operations untested.

        Operations skipped on purpose (`skip_reason`: --include, read-only, another shard, not served) do not
        count; an operation the run meant to test and did not (`covered` is False) does, whatever the cause.
        """
        reasons = [] if self.stop_reason == COMPLETED else [f"the run stopped early ({self.stop_reason})"]
        untested = Counter(
            operation.uncovered_reason or NOT_REACHED
            for operation in self.operations
            if not operation.skip_reason and not operation.covered
        )
        reasons += [
            f"{count} selected operation{'s' if count != 1 else ''} not tested ({reason})"
            for reason, count in sorted(untested.items())
        ]
        if not any(operation.covered for operation in self.operations) and not untested:
            reasons.append("no operation was tested")
        return reasons

    @property
    def verdict(self) -> Verdict:
        """A failure decides; otherwise a run that tested too little is incomplete, never conformant."""
        if self.failures:
            return Verdict.VIOLATIONS
        return Verdict.INCOMPLETE if self.incomplete_reasons else Verdict.CONFORMANT

    @property
    def exit_code(self) -> ExitCode:
        return self.verdict.exit_code

    def cell(self, operation: OperationResult, check: CheckClass) -> str:
        """The matrix cell: the worst finding wins, an accepted failure above a warning; never run is not covered."""
        findings = [
            finding
            for finding in self.findings
            if finding.api == operation.api and finding.operation == operation.operation and finding.check is check
        ]
        if any(finding.gating for finding in findings):
            return CellStatus.FAIL
        if any(finding.accepted is not None for finding in findings):
            return CellStatus.ACCEPTED
        if findings:
            return CellStatus.WARNING
        if check in operation.checks_run:
            return CellStatus.PASS
        return CellStatus.NOT_COVERED

    def cell_counts(self) -> dict[str, int]:
        counts = Counter(self.cell(operation, check) for operation in self.operations for check in CheckClass)
        return {status: counts.get(status, 0) for status in CellStatus.ALL}

    @property
    def pass_rate(self) -> float | None:
        """Share of exercised operation × check cells that did not fail the gate; None when nothing was exercised."""
        return cells_pass_rate(self.cell_counts())

    def to_dict(self) -> dict[str, Any]:
        by_check = Counter(finding.check.value for finding in self.failures)
        return {
            "format_version": REPORT_FORMAT_VERSION,
            "tool": {"name": "apiconform", "version": self.tool_version},
            "verdict": self.verdict.value,
            "exit_code": int(self.exit_code),
            "incomplete": self.incomplete_reasons,
            "target": self.target.to_dict(),
            "specs": [spec.to_dict() for spec in self.specs],
            "run": {
                "seed": self.seed,
                "max_examples": self.max_examples,
                "started_at": self.started_at,
                "duration_seconds": round(self.duration_seconds, 3),
                "request_count": self.request_count,
                "stop_reason": self.stop_reason,
            }
            | ({} if self.shard is None else {"shard": {"index": self.shard[0], "total": self.shard[1]}}),
            "summary": {
                "operations": len(self.operations),
                "operations_covered": sum(1 for operation in self.operations if operation.covered),
                "failures": len(self.failures),
                "warnings": len(self.warnings),
                "failures_by_check": dict(sorted(by_check.items())),
                "accepted": len(self.accepted),
                "cells": self.cell_counts(),
                "pass_rate": self.pass_rate,
            },
            "operations": [operation.to_dict() for operation in self.operations],
            "matrix": [
                {
                    "api": operation.api,
                    "operation": operation.operation,
                    "cells": {check.value: self.cell(operation, check) for check in CheckClass},
                }
                for operation in self.operations
            ],
            "findings": [finding.to_dict() for finding in self.findings],
            "errors": list(self.errors),
        } | self._optional_sections()

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RunResult:
        """A report.json document (validated against its schema) read back as the run it describes.

        What is derived (verdict, summary, matrix, severities) is computed again; the comparison with a
        previous run and the history trend belong to the run that wrote the report and are not read.
        """
        run = data["run"]
        shard = run.get("shard")
        baseline = data.get("baseline")
        return cls(
            tool_version=data["tool"]["version"],
            target=TargetInfo.from_dict(data["target"]),
            specs=[SpecInfo.from_dict(spec) for spec in data["specs"]],
            seed=run["seed"],
            max_examples=run["max_examples"],
            started_at=run["started_at"],
            duration_seconds=run["duration_seconds"],
            request_count=run["request_count"],
            stop_reason=run["stop_reason"],
            shard=None if shard is None else (shard["index"], shard["total"]),
            operations=[OperationResult.from_dict(operation) for operation in data["operations"]],
            findings=[_finding(finding) for finding in data["findings"]],
            errors=list(data["errors"]),
            baseline=None if baseline is None else BaselineOutcome.from_dict(baseline),
            enum_coverage=list(data.get("enum_coverage", [])),
            doc_coverage=list(data.get("doc_coverage", [])),
            undocumented_fields=list(data.get("undocumented_fields", [])),
            documented_fields=list(data.get("documented_fields", [])),
        )

    def _optional_sections(self) -> dict[str, Any]:
        sections: dict[str, Any] = {}
        if self.baseline is not None:
            sections["baseline"] = self.baseline.to_dict()
        if self.comparison is not None:
            sections["comparison"] = self.comparison.to_dict()
        if self.history is not None:
            sections["history"] = self.history.to_dict()
        if self.enum_coverage:
            sections["enum_coverage"] = self.enum_coverage
        if self.doc_coverage:
            sections["doc_coverage"] = self.doc_coverage
        if self.undocumented_fields:
            sections["undocumented_fields"] = self.undocumented_fields
        if self.documented_fields:
            sections["documented_fields"] = self.documented_fields
        return sections


def _finding(data: dict[str, Any]) -> Finding:
    """The inverse of `Finding.to_dict`: severity is left out, as the evidence decides it."""
    response = data.get("response")
    accepted = data.get("accepted")
    return Finding(
        api=data["api"],
        operation=data["operation"],
        check=CheckClass(data["check"]),
        evidence=Evidence(data["evidence"]),
        title=data["title"],
        message=data["message"],
        pointer=data["pointer"],
        expected=data["expected"],
        actual=data["actual"],
        doc=data["doc"],
        source=data["source"],
        phase=data["phase"],
        curl=data["curl"],
        response=None
        if response is None
        else ResponseSnapshot(
            status=response["status"],
            headers=dict(response["headers"]),
            body=response["body"],
            body_truncated=response["body_truncated"],
        ),
        occurrences=data["occurrences"],
        accepted=None if accepted is None else Acceptance(reason=accepted["reason"], expires=accepted["expires"]),
    )


def cells_pass_rate(cells: dict[str, int]) -> float | None:
    """Passing share of exercised cells, rounded to 4 places; the one definition report.json and history share."""
    exercised = sum(count for status, count in cells.items() if status != CellStatus.NOT_COVERED)
    if not exercised:
        return None
    return round((exercised - cells.get(CellStatus.FAIL, 0)) / exercised, 4)


def percent(rate: float | None, *, space: str = "") -> str:
    """A pass rate with one decimal, rounded down: a run short of 100 % never reads as 100 %; None is '–'."""
    if rate is None:
        return "–"
    if rate >= 1:
        return f"100{space}%"
    # Rounded to 6 places first, so 0.995 * 1000 = 994.999… still reads 99.5.
    return f"{math.floor(round(rate * 1000, 6)) / 10:.1f}{space}%"
