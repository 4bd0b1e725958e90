"""Scenarios schemathesis does not generate: requests whose expected answer depends on a condition.

Each scenario reads its expectations from the spec (documented statuses, defaults, security), sends a
handful of requests through the run's gate, and judges them with the same body check and evidence
rules as everything else. Scenarios only read: they send GET and HEAD, never a write.
"""

from __future__ import annotations

from collections.abc import Callable

import httpx

from apiconform.core.redaction import Redactor
from apiconform.runner.auth_answers import Condition, RecordedAnswer
from apiconform.runner.limits import RequestGate
from apiconform.runner.scenarios._kit import ScenarioOutcome, Sender
from apiconform.runner.scenarios.auth import auth_conditions
from apiconform.runner.scenarios.paging import paging_defaults
from apiconform.runner.scenarios.unknown import unknown_resource
from apiconform.runner.settings import ApiTarget
from apiconform.specs.document import Operation

__all__ = ["ScenarioOutcome", "run_scenarios"]

SCENARIOS = (unknown_resource, auth_conditions, paging_defaults)


def run_scenarios(
    api: ApiTarget,
    operation: Operation,
    client: httpx.Client,
    redactor: Redactor,
    gate: RequestGate,
    on_response: Callable[[Operation, int, str, bytes], None],
    on_counted: Callable[[Operation, int], None] = lambda *_: None,
    recorded: Callable[[str, Condition], RecordedAnswer | None] = lambda *_: None,
) -> ScenarioOutcome:
    """Every scenario that applies to `operation`; RunLimitReached from the gate ends them early."""
    sender = Sender(
        api=api,
        operation=operation,
        client=client,
        redactor=redactor,
        gate=gate,
        on_response=on_response,
        on_counted=on_counted,
        recorded=recorded,
    )
    total = ScenarioOutcome()
    for scenario in SCENARIOS:
        outcome = scenario(sender)
        total.requests += outcome.requests
        total.checks_run |= outcome.checks_run
        total.findings += outcome.findings
    return total
