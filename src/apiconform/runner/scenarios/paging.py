"""Documented paging defaults and caps, checked by server behaviour rather than read from the schema.

A JSON Schema `default` is an annotation; what matters is what the server does without the parameter.
For every integer query parameter with a documented default, cap or fallback (ARM's `pagesize < 5`
gives 10), this sends the request without it, above the cap and below the fallback threshold, and
counts the items of the response's documented array.
"""

from __future__ import annotations

import json
from typing import Any

from apiconform.core.findings import Finding
from apiconform.core.vocabulary import CheckClass, Evidence
from apiconform.runner.scenarios._kit import Exchange, ScenarioOutcome, Sender
from apiconform.specs.schema import Schema

__all__ = ["paging_defaults"]

SOURCE = "paging_defaults"


def paging_defaults(sender: Sender) -> ScenarioOutcome:
    outcome = ScenarioOutcome()
    path = sender.known_path()
    array = _array_property(sender)
    if not sender.is_read or path is None or array is None:
        return outcome
    for parameter in sender.operation.parameters:
        schema = parameter.schema
        if parameter.location != "query" or schema is None or not schema.is_type("integer"):
            continue
        evidence = schema.evidence
        for query, limit, title, expected in _checks(parameter.name, schema):
            exchange = sender.send(path, query=query)
            outcome.requests += 1
            outcome.checks_run.add(CheckClass.DEFAULT)
            count = _count(exchange, array)
            if count is not None and count > limit:
                outcome.findings.append(
                    _finding(sender, exchange, evidence, array, title=title, expected=expected, count=count)
                )
        fallback = parameter.raw.get("x-fallback") or schema.get("x-fallback")
        if isinstance(fallback, dict) and {"below", "value"} <= set(fallback):
            _check_fallback(sender, outcome, path, array, parameter.name, fallback, evidence)
    return outcome


def _check_fallback(
    sender: Sender,
    outcome: ScenarioOutcome,
    path: dict[str, Any],
    array: str,
    name: str,
    fallback: dict[str, Any],
    evidence: Evidence,
) -> None:
    """Below the threshold the server must answer as if asked for the fallback value."""
    below, value = int(fallback["below"]), int(fallback["value"])
    small = sender.send(path, query={name: below - 1})
    reference = sender.send(path, query={name: value})
    outcome.requests += 2
    outcome.checks_run.add(CheckClass.DEFAULT)
    small_count, reference_count = _count(small, array), _count(reference, array)
    if small_count is not None and reference_count is not None and small_count != reference_count:
        outcome.findings.append(
            _finding(
                sender,
                small,
                evidence,
                array,
                title=f"{name} below {below} does not fall back to {value}",
                expected=f"{name}={below - 1} answered like {name}={value} ({reference_count} items)",
                count=small_count,
            )
        )


def _finding(
    sender: Sender, exchange: Exchange, evidence: Evidence, array: str, *, title: str, expected: str, count: int
) -> Finding:
    return sender.finding(
        exchange,
        source=SOURCE,
        check=CheckClass.DEFAULT,
        evidence=evidence,
        title=title,
        message=f"Expected {expected}; the response holds {count} items.",
        pointer=array or "/",
        expected=expected,
        actual=f"{count} items",
    )


def _checks(name: str, schema: Schema) -> list[tuple[dict[str, Any] | None, int, str, str]]:
    """(query, most items allowed, title, expectation) for each documented bound of one parameter."""
    found: list[tuple[dict[str, Any] | None, int, str, str]] = []
    default = schema.get("default")
    if isinstance(default, int) and not isinstance(default, bool):
        found.append(
            (None, default, f"Default {name}={default} not applied", f"at most {default} items without {name}")
        )
    maximum = schema.get("maximum")
    if isinstance(maximum, int) and not isinstance(maximum, bool):
        found.append(
            (
                {name: maximum + 1},
                maximum,
                f"{name} above its cap of {maximum} not capped",
                f"at most {maximum} items (or a rejection) for {name}={maximum + 1}",
            )
        )
    return found


def _array_property(sender: Sender) -> str | None:
    """Pointer to the documented item array of a 200 response: the root, or its first array property."""
    response = sender.operation.response(200)
    media = response.json if response is not None else None
    if media is None or media.schema is None:
        return None
    if media.schema.get("type") == "array":
        return ""
    for name, child in media.schema.properties().items():
        if child.get("type") == "array":
            return f"/{name}"
    return None


def _count(exchange: Exchange, pointer: str) -> int | None:
    if not exchange.response.is_success:
        return None
    try:
        node: Any = json.loads(exchange.response.content)
    except ValueError:
        return None
    for part in [segment for segment in pointer.split("/") if segment]:
        node = node.get(part) if isinstance(node, dict) else None
    return len(node) if isinstance(node, list) else None
