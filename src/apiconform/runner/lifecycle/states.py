"""Walk a created resource through its state machine: every action from every state it can reach.

An action allowed from the current status must succeed and leave the resource in its target status;
an action not allowed must be refused with a documented 4xx and change nothing. The walk is planned
so that states with no way out (a withdrawn invoice) are entered last, and it is bounded in steps.
"""

from __future__ import annotations

import time
from typing import Any

from apiconform.core.vocabulary import CheckClass, Evidence
from apiconform.runner.lifecycle.creation import Created
from apiconform.runner.lifecycle.flow import Flow, json_body
from apiconform.runner.lifecycle.plan import Transition
from apiconform.runner.lifecycle.values import MISSING, pointer

__all__ = ["walk"]

MAX_STEPS = 16
READ_WAITS = (0.0, 0.1, 0.3, 0.6)


def walk(flow: Flow, resource: Created, rules: list[Transition]) -> None:
    """Every (action, status) pair reachable from the resource's status, each tried once."""
    rules = [rule for rule in rules if rule.read.label == resource.reader.operation.label]
    if not rules:
        return
    status = _status(flow, resource, rules[0])
    tried: set[tuple[str, str]] = set()
    for _ in range(MAX_STEPS):
        untried = [rule for rule in rules if (rule.operation.label, status) not in tried]
        if status is None or not untried:
            return
        current = status
        rule = min(untried, key=lambda rule: _cost(rule, current, rules, tried))
        tried.add((rule.operation.label, status))
        status = _step(flow, resource, rule, status)


def _cost(rule: Transition, status: str, rules: list[Transition], tried: set[tuple[str, str]]) -> tuple[int, int]:
    """Actions that stay put first, then the one whose target still leads to the most untried pairs."""
    target = rule.to if rule.allowed(status) else status
    return (0 if target == status else 1, -_reachable_untried(target, rules, tried))


def _reachable_untried(start: str, rules: list[Transition], tried: set[tuple[str, str]]) -> int:
    seen, queue = {start}, [start]
    while queue:
        state = queue.pop()
        for rule in rules:
            if rule.allowed(state) and rule.to not in seen:
                seen.add(rule.to)
                queue.append(rule.to)
    return sum(1 for state in seen for rule in rules if (rule.operation.label, state) not in tried)


def _step(flow: Flow, resource: Created, rule: Transition, status: str) -> str | None:
    operation = rule.operation
    exchange = flow.send(operation, resource.path, check=CheckClass.STATEFUL)
    succeeded = exchange.succeeded
    allowed = rule.allowed(status)
    # An accepted action may still be in progress (202): the status is read until it arrives, briefly.
    after = _status(flow, resource, rule, until=rule.to if allowed and succeeded else None)
    where = f"{operation.label} on a resource whose {rule.status} is {status}"
    if after is None:
        flow.fail(
            operation,
            flow.last[rule.read.label],
            check=CheckClass.STATEFUL,
            evidence=Evidence.INFERRED,
            title=f"{rule.status} cannot be read back after the transition",
            message=f"{where}: answered {exchange.status}; {rule.read.label} gave no {rule.status}. The walk stops.",
            expected=f"a 2xx answer with {rule.status}",
        )
        return None
    if allowed and not succeeded:
        flow.fail(
            operation,
            exchange,
            check=CheckClass.STATEFUL,
            evidence=rule.evidence,
            title=f"An allowed transition was refused ({exchange.status})",
            message=f"{where}: allowed from {sorted(rule.allowed_from)}.",
            expected="a 2xx status",
            doc=rule.doc,
        )
    elif allowed and after != rule.to:
        flow.fail(
            operation,
            flow.last[rule.read.label],
            check=CheckClass.STATEFUL,
            evidence=rule.evidence,
            title=f"{rule.status} after the transition is not {rule.to}",
            message=f"{where}: answered {exchange.status}; read back afterwards.",
            expected=f"{rule.status} = {rule.to}",
            actual=f"{rule.status} = {after}",
            pointer=rule.status,
            doc=rule.doc,
        )
    elif not allowed:
        _refusal(flow, rule, exchange.status, status, after, where, exchange)
    return after


def _refusal(
    flow: Flow, rule: Transition, answered: int, before: str, after: str | None, where: str, exchange: Any
) -> None:
    """An illegal transition: refused with a documented 4xx, and the status left alone."""
    operation = rule.operation
    documented = str(answered) in operation.documented_statuses
    if 200 <= answered < 300 or after != before:  # noqa: PLR2004 - the 2xx class
        flow.fail(
            operation,
            exchange,
            check=CheckClass.STATEFUL,
            evidence=rule.evidence,
            title=f"An illegal transition was accepted ({answered})",
            message=f"{where}: allowed only from {sorted(rule.allowed_from)}; {rule.status} is now {after}.",
            expected=f"a documented 4xx and {rule.status} unchanged ({before})",
            actual=f"status {answered}, {rule.status} = {after}",
            doc=rule.doc,
        )
    elif answered >= 500 or not documented:  # noqa: PLR2004 - the 5xx class
        # Which code refuses a transition rests on the transition rule too: an inferred rule is never a
        # documented refusal, however complete the status list.
        refusal = Evidence.weakest(operation.status_codes_evidence, rule.evidence)
        flow.fail(
            operation,
            exchange,
            check=CheckClass.SERVER_ERROR if answered >= 500 else CheckClass.STATUS_CODE,  # noqa: PLR2004 - 5xx
            evidence=operation.evidence if answered >= 500 else refusal,  # noqa: PLR2004
            title=f"An illegal transition answered {answered}",
            message=f"{where}: documented statuses are {', '.join(operation.documented_statuses)}.",
            expected="a documented 4xx",
        )


def _status(flow: Flow, resource: Created, rule: Transition, *, until: str | None = None) -> str | None:
    """The resource's status; with `until`, read again (bounded) while it is not that one yet."""
    status = None
    for wait in READ_WAITS if until is not None else READ_WAITS[:1]:
        time.sleep(wait)
        exchange = flow.send(rule.read, resource.path, check=CheckClass.STATEFUL)
        value = pointer(json_body(exchange), rule.status) if exchange.succeeded else MISSING
        status = None if value is MISSING or isinstance(value, dict | list) else str(value).upper()
        if status is None or status == until or until is None:
            return status
    return status
