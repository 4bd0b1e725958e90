"""Create from the spec's example, follow the batch to its end, read the resource back, check what stuck.

A vendor that answers 202 and queues the work has a contract schemathesis cannot see from single
requests: the batch must reach a terminal status, and what was sent must be what is stored. The
documented defaults are checked the same way: omit one defaulted field, read the record back.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from apiconform.core.vocabulary import CheckClass, Evidence
from apiconform.runner.lifecycle.flow import Flow, json_body
from apiconform.runner.lifecycle.plan import Creation, Poll, Readback
from apiconform.runner.lifecycle.values import (
    MISSING,
    bind,
    find_record,
    item_schema,
    items_of,
    pointer,
    same,
    unique_keys,
    uniquify,
)
from apiconform.runner.scenarios._kit import Exchange

__all__ = ["Created", "check_defaults", "create"]

# A batch gets this many polls and this long to settle; the run's own limits still apply to every poll.
MAX_POLLS = 20
POLL_SECONDS = 15.0
POLL_WAITS = (0.0, 0.05, 0.1, 0.2, 0.4, 0.8)
MAX_DEFAULTS = 5


@dataclass(frozen=True, slots=True, kw_only=True)
class Created:
    """A resource this run made: only these are ever moved through their states."""

    reader: Readback
    path: dict[str, Any]
    record: dict[str, Any]


def create(flow: Flow, creation: Creation, bound: dict[str, Any], tag: str, *, omit: str = "") -> Created | None:
    """One create, followed to the stored record; every step that breaks says so on the create operation."""
    operation = creation.operation
    path = flow.path_for(operation)
    if path is None:
        return None
    body = bind(uniquify(creation.schema, creation.example, tag), bound)
    if omit:
        for item in items_of(body):
            item.pop(omit, None)
    exchange = flow.send(operation, path, body=body, check=CheckClass.STATEFUL)
    if not exchange.succeeded:
        flow.fail(
            operation,
            exchange,
            check=CheckClass.STATEFUL,
            evidence=Evidence.INFERRED,  # the example's values are ours, so a refusal may be our mistake
            title="Create from the spec's example was refused",
            message="The lifecycle needs one created resource; the example body was not accepted.",
            expected="a 2xx status",
        )
        return None
    answer, readback = json_body(exchange), creation.created
    if creation.poll is not None:
        polled = _settle(flow, creation, creation.poll, path, body, answer)
        if polled is None:
            return None
        exchange, answer, readback = polled[0], polled[1], creation.poll.created
    if readback is None:
        return None
    sent = items_of(body)[0] if items_of(body) else {}
    return _read_back(flow, creation, readback, exchange, answer, path, body, sent)


def check_defaults(flow: Flow, creation: Creation, bound: dict[str, Any], tag: str) -> None:
    """For each defaulted field of the created item: omit it, and the stored record must hold the default."""
    schema = item_schema(creation.schema, creation.example)
    properties = schema.properties() if schema is not None else {}
    defaulted = [(name, node) for name, node in properties.items() if "default" in node][:MAX_DEFAULTS]
    for index, (name, node) in enumerate(defaulted):
        made = create(flow, creation, bound, f"{tag}-d{index}", omit=name)
        if made is None:
            continue
        flow.outcome(creation.operation).checks_run.add(CheckClass.DEFAULT)
        value, default = made.record.get(name, MISSING), node.get("default")
        if value is not MISSING and same(value, default):
            continue
        last = flow.last[made.reader.operation.label]
        flow.fail(
            creation.operation,
            last,
            check=CheckClass.DEFAULT,
            evidence=Evidence.weakest(creation.operation.evidence, made.reader.evidence, node.evidence),
            title=f"Default of {name!r} not applied on create",
            message=f"Created without {name!r}; the record read back does not hold the documented default.",
            expected=f"{name} = {default!r}",
            actual="absent" if value is MISSING else repr(value),
            pointer=f"/{name}",
            source="default_on_create",
        )


def _settle(
    flow: Flow, creation: Creation, poll: Poll, path: dict[str, Any], body: Any, answer: Any
) -> tuple[Exchange, Any] | None:
    """Poll the linked batch until its status is terminal; None (after a finding) when it never gets there."""
    operation = creation.operation
    target = flow.link_path(poll.operation, poll.parameters, path=path, request=body, answer=answer)
    if target is None:
        flow.fail(
            operation,
            flow.last[operation.label],
            check=CheckClass.STATEFUL,
            evidence=poll.link_evidence,
            title="No batch reference in the create answer",
            message=f"The link to {poll.operation.label} could not be followed: {poll.parameters}.",
            expected="a batch reference",
        )
        return None
    started, status, exchange = time.monotonic(), MISSING, flow.last[operation.label]
    for attempt in range(MAX_POLLS):
        time.sleep(POLL_WAITS[min(attempt, len(POLL_WAITS) - 1)])
        exchange = flow.send(poll.operation, target, check=CheckClass.STATEFUL)
        status = pointer(json_body(exchange), poll.status)
        if not exchange.succeeded or str(status).upper() in poll.terminal:
            break
        if time.monotonic() - started > POLL_SECONDS:
            break
    if not exchange.succeeded:
        flow.fail(
            operation,
            exchange,
            check=CheckClass.STATEFUL,
            evidence=poll.link_evidence,
            title=f"The batch of a create could not be read ({exchange.status})",
            message=f"{poll.operation.label} answered {exchange.status} for the batch the create returned.",
            expected="a 2xx status",
        )
        return None
    if str(status).upper() not in poll.terminal:
        # No page says how long a batch may take, so a batch still queued at the end of the budget is a
        # warning: slow and stuck look the same from outside. A status outside the enum is the body check's.
        flow.fail(
            operation,
            exchange,
            check=CheckClass.STATEFUL,
            evidence=Evidence.INFERRED,
            title="The batch never reached a terminal status",
            message=f"Polled {attempt + 1} times in {time.monotonic() - started:.1f} s (budget {POLL_SECONDS:.0f} s).",
            expected=f"{poll.status} one of {sorted(poll.terminal)}",
            actual=f"{poll.status} = {'absent' if status is MISSING else status}",
            pointer=poll.status,
            doc=poll.doc,
        )
        return None
    return exchange, json_body(exchange)


def _read_back(
    flow: Flow,
    creation: Creation,
    readback: Readback,
    exchange: Exchange,
    answer: Any,
    path: dict[str, Any],
    body: Any,
    sent: dict[str, Any],
) -> Created | None:
    operation = creation.operation
    target = flow.link_path(readback.operation, readback.parameters, path=path, request=body, answer=answer)
    if target is None:
        flow.fail(
            operation,
            exchange,
            check=CheckClass.STATEFUL,
            evidence=Evidence.INFERRED,
            title="The created resource is not named in the answer",
            message=f"Expected {readback.parameters} in the answer; a refused example lands here too.",
            expected="a reference to the created resource",
        )
        return None
    read = flow.send(readback.operation, target, check=CheckClass.STATEFUL)
    keys = unique_keys(creation.schema, creation.example)
    record = find_record(json_body(read), sent, keys) if read.succeeded else None
    if record is None:
        flow.fail(
            operation,
            read,
            check=CheckClass.STATEFUL,
            evidence=readback.evidence,
            title="The created record cannot be read back",
            message=f"{readback.operation.label} answered {read.status} without the record that was created.",
            expected="the created record",
        )
        return None
    for key, value in sent.items():
        if key in record and not isinstance(value, dict | list) and not same(record[key], value):
            flow.fail(
                operation,
                read,
                check=CheckClass.STATEFUL,
                evidence=readback.evidence,
                title=f"{key!r} read back differs from what was created",
                message="A created field must be stored as sent.",
                expected=repr(value),
                actual=repr(record[key]),
                pointer=f"/{key}",
            )
    return Created(reader=readback, path=target, record=record)
