"""What a run tells its console while it goes: how far it is, and each failure the moment it is found.

The runner only emits these events; the CLI decides how they look (a live display at a terminal, one line
per operation in CI).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from apiconform.core.findings import Finding
from apiconform.core.results import RunResult

__all__ = [
    "Event",
    "FailureFound",
    "OperationDone",
    "ProgressCallback",
    "ProgressEvent",
    "RunStarted",
    "Tracker",
]


@dataclass(frozen=True, slots=True, kw_only=True)
class RunStarted:
    """The run is about to send: this many operations to test."""

    operations: int


@dataclass(frozen=True, slots=True, kw_only=True)
class ProgressEvent:
    """One finished scenario of schemathesis's phases; `sent` is every request of the run so far."""

    api: str
    operation: str
    phase: str
    status: str
    requests: int
    sent: int = 0


@dataclass(frozen=True, slots=True, kw_only=True)
class OperationDone:
    """Every phase and scenario of one operation has run (lifecycles across operations may still add to it)."""

    api: str
    operation: str
    requests: int
    failures: int
    warnings: int
    sent: int = 0


@dataclass(frozen=True, slots=True, kw_only=True)
class FailureFound:
    """A new finding that fails the gate, so a person sees it now rather than at the end of a long run."""

    finding: Finding


Event = RunStarted | ProgressEvent | OperationDone | FailureFound
ProgressCallback = Callable[[Event], None]


class Tracker:
    """Turns what the run folded into its result into events: new failures since last asked, operations done."""

    def __init__(self, result: RunResult, callback: ProgressCallback | None, *, sent: Callable[[], int]) -> None:
        self.result = result
        self.callback = callback
        self.sent = sent
        self._seen = 0

    def emit(self, event: Event) -> None:
        if self.callback is not None:
            self.callback(event)

    def new_failures(self) -> None:
        findings = self.result.findings
        for finding in findings[self._seen :]:
            if finding.gating:
                self.emit(FailureFound(finding=finding))
        self._seen = len(findings)

    def operation_done(self, api: str, label: str) -> None:
        self.new_failures()
        mine = [finding for finding in self.result.findings if finding.api == api and finding.operation == label]
        requests = sum(
            operation.requests
            for operation in self.result.operations
            if operation.api == api and operation.operation == label
        )
        self.emit(
            OperationDone(
                api=api,
                operation=label,
                requests=requests,
                failures=sum(1 for finding in mine if finding.gating),
                warnings=sum(1 for finding in mine if not finding.gating and finding.accepted is None),
                sent=self.sent(),
            )
        )
