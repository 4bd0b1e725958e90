"""Lifecycles: what happens across requests to a resource the run creates itself.

Issue, verify and refresh a token of the run's own; create from the spec's example, follow the async
batch to a terminal status, read the record back, check documented defaults, then walk the resource
through its state machine. Runs only where the target allows the writes involved, and never touches a
resource the run did not create: a vendor's real invoice is not withdrawn to see whether withdrawing works.
"""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import Callable
from functools import partial
from typing import Any, TypeVar

import httpx

from apiconform.core.redaction import Redactor
from apiconform.runner.lifecycle.creation import Created, check_defaults, create
from apiconform.runner.lifecycle.flow import Flow
from apiconform.runner.lifecycle.plan import Creation, creations, transitions
from apiconform.runner.lifecycle.states import walk
from apiconform.runner.lifecycle.tokens import token_lifecycle, token_roles
from apiconform.runner.limits import RequestGate, RunLimitReached
from apiconform.runner.scenarios._kit import Sender
from apiconform.runner.settings import ApiTarget
from apiconform.specs.document import Operation

__all__ = ["Flow", "run_lifecycles"]

_T = TypeVar("_T")


def run_lifecycles(
    api: ApiTarget,
    client: httpx.Client,
    redactor: Redactor,
    gate: RequestGate,
    on_response: Callable[[Operation, int, str, bytes], None],
    *,
    selected: frozenset[str],
    reachable: frozenset[str] | None = None,
    on_counted: Callable[[Operation, int], None] = lambda *_: None,
) -> Flow | None:
    """The finished flow (outcomes per operation, wire troubles), or None when no lifecycle applies.

    A lifecycle starts at a `selected` operation (a create, a token request) and may go on to any
    `reachable` one: an operation another shard tests is still the next step of this resource's life,
    and a create another shard owns is still the prerequisite of one this shard owns (a payment needs
    an invoice). RunLimitReached from the gate ends them early.
    """
    reachable = selected if reachable is None else reachable
    plans = [
        plan for plan in creations(api.spec) if plan.operation.label in reachable and api.may_send(plan.operation.label)
    ]
    owned = [plan for plan in plans if plan.operation.label in selected]
    roles = token_roles(api.spec)
    credentials = api.token_source.credentials if api.token_source is not None else None
    tokens = roles is not None and roles.issue.label in selected and roles.verify.label in reachable
    if not owned and not (tokens and credentials is not None):
        return None
    flow = Flow(
        Sender(
            api=api,
            operation=api.spec.operations[0],
            client=client,
            redactor=redactor,
            gate=gate,
            on_response=on_response,
            on_counted=on_counted,
        )
    )
    # Unique business keys carry a tag per run, so a rerun against the same vendor does not collide.
    tag = f"ac{secrets.token_hex(4)}"
    with contextlib.suppress(RunLimitReached):
        # Like every POST, the token requests run only where the target allows them (allow-writes).
        if roles is not None and credentials is not None and tokens:
            refresh = (
                roles.refresh is not None and roles.refresh.label in reachable and api.may_send(roles.refresh.label)
            )
            _guarded(flow, roles.issue.label, lambda: token_lifecycle(flow, roles, credentials, refresh=refresh))
        _run(flow, api, plans, owned, reachable, tag)
    return flow


def _run(
    flow: Flow, api: ApiTarget, plans: list[Creation], owned: list[Creation], reachable: frozenset[str], tag: str
) -> None:
    needed = {name for plan in owned for name in plan.needs}
    bound: dict[str, Any] = {}
    made: list[Created] = []
    for index, plan in enumerate(plans):
        mine = plan in owned
        if not plan.needs <= bound.keys() or not (mine or needed & set(plan.provides)):
            continue
        resource = _guarded(flow, plan.operation.label, partial(create, flow, plan, bound, f"{tag}{index}"))
        if resource is None:
            continue
        bound.update(resource.path)
        if mine:
            made.append(resource)
            _guarded(flow, plan.operation.label, partial(check_defaults, flow, plan, bound, f"{tag}{index}"))
    moves = [rule for rule in transitions(api.spec) if rule.operation.label in reachable]
    for resource in made:
        allowed = [rule for rule in moves if api.may_send(rule.operation.label)]
        _guarded(flow, resource.reader.operation.label, partial(walk, flow, resource, allowed))


def _guarded(flow: Flow, label: str, step: Callable[[], _T]) -> _T | None:
    """A request that got no usable answer ends its step, not the lifecycle; the run says why."""
    try:
        return step()
    except httpx.HTTPError as exc:
        flow.troubles.append((label, exc))
        return None
