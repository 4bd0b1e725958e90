"""Operations the target refused every request of: sent to, yet nothing about them was tested.

A run whose credentials the target rejects gets 401 or 403 on everything; each answer conforms (the
documented refusal), so without this count such a run would look covered and clean. Deliberate
refusals are not counted: schemathesis's probes without credentials (cases a check derived) and the
auth scenario's. An operation is "credentials rejected" when at least one request counted and every
one of them was a 401 or 403.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass, field

from schemathesis.engine.recorder import ScenarioRecorder

from apiconform.core.results import OperationResult
from apiconform.runner.settings import ApiTarget

__all__ = ["CREDENTIALS_REJECTED", "Refusals"]

CREDENTIALS_REJECTED = "credentials rejected"
REFUSED = frozenset({401, 403})


@dataclass(slots=True)
class Refusals:
    """Per (api, operation): requests counted, and how many of them were refused."""

    counts: dict[tuple[str, str], list[int]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def count(self, api: str, label: str, status: int) -> None:
        with self._lock:
            tally = self.counts.setdefault((api, label), [0, 0])
            tally[0] += 1
            tally[1] += status in REFUSED

    def count_recorded(self, api: ApiTarget, recorder: ScenarioRecorder) -> None:
        """Schemathesis's generated requests and stateful steps that carried the run's credentials.

        Not the cases a check derived as a probe, nor a case generated without its credential on purpose
        (negative testing of the security parameter); where the run has no credential for an operation,
        every case counts.
        """
        for case_id, node in recorder.cases.items():
            interaction = recorder.interactions.get(case_id)
            if interaction is None or interaction.response is None:
                continue
            if node.parent_id is not None and node.transition is None:
                continue
            case = node.value
            operation = api.spec.operation(case.operation.method, case.operation.path)
            if operation is None or (api.placements(operation.raw) and not case._has_explicit_auth):  # noqa: SLF001 - schemathesis's only record of it
                continue
            self.count(api.spec.name, operation.label, interaction.response.status_code)

    def judge(self, operations: Iterable[OperationResult]) -> None:
        for operation in operations:
            sent, refused = self.counts.get((operation.api, operation.operation), (0, 0))
            if sent and sent == refused and not operation.skip_reason and not operation.uncovered_reason:
                operation.uncovered_reason = CREDENTIALS_REJECTED
