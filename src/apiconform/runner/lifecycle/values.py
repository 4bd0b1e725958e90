"""Values a lifecycle carries between requests: link expressions, unique business keys, records read back."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any

from apiconform.specs.schema import Schema

__all__ = [
    "MISSING",
    "bind",
    "evaluate",
    "find_record",
    "item_schema",
    "items_of",
    "pointer",
    "same",
    "unique_keys",
    "uniquify",
]

MISSING: Any = object()


def pointer(document: Any, path: str) -> Any:
    """The value at a JSON pointer, or MISSING."""
    node = document
    for raw in path.lstrip("/").split("/") if path.strip("/") else []:
        part = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return MISSING
    return node


def evaluate(expression: str, *, path: dict[str, Any], request: Any, response: Any) -> Any:
    """An OpenAPI link runtime expression: `$response.body#/p`, `$request.body#/p`, `$request.path.name`."""
    if expression.startswith("$response.body#"):
        return pointer(response, expression.partition("#")[2])
    if expression.startswith("$request.body#"):
        return pointer(request, expression.partition("#")[2])
    if expression.startswith("$request.path."):
        return path.get(expression.removeprefix("$request.path."), MISSING)
    # Headers, $url, $statusCode: not followed; a constant is taken as written.
    return MISSING if expression.startswith("$") else expression


def items_of(body: Any) -> list[dict[str, Any]]:
    """The records a create sends: the items of its list member (`{"invoices": [...]}`), or the body itself."""
    if isinstance(body, dict):
        for value in body.values():
            if isinstance(value, list) and value and all(isinstance(item, dict) for item in value):
                return list(value)
        return [body]
    return []


def unique_keys(schema: Schema | None, body: Any) -> set[str]:
    """Names of the item properties marked `x-unique`."""
    node = item_schema(schema, body)
    properties = node.properties() if node is not None else {}
    return {name for name, child in properties.items() if child.get("x-unique")}


def uniquify(schema: Schema | None, body: Any, tag: str) -> Any:
    """A copy whose unique business keys carry this run's tag, so a second create is not a duplicate."""
    copied = copy.deepcopy(body)
    keys = unique_keys(schema, copied)
    for item in items_of(copied):
        for key in keys & set(item):
            item[key] = f"{item[key]}-{tag}"
    return copied


def bind(body: Any, values: dict[str, Any]) -> Any:
    """Items whose fields name a created resource (a payment's `invoiceId`) get that resource's value."""
    bound = copy.deepcopy(body)
    for item in items_of(bound):
        for key in set(values) & set(item):
            item[key] = values[key]
    return bound


def find_record(body: Any, sent: dict[str, Any], keys: set[str]) -> dict[str, Any] | None:
    """The object in a read-back answer that is the record sent: same unique keys, or most fields alike."""
    scalars = {key: value for key, value in sent.items() if not isinstance(value, dict | list)}
    keys = keys & set(scalars)  # a unique key the create did not send identifies nothing
    best, best_score = None, 0
    for candidate in _objects(body):
        if keys and all(key in candidate and same(candidate[key], scalars[key]) for key in keys):
            return candidate
        score = sum(1 for key, value in scalars.items() if key in candidate and same(candidate[key], value))
        if not keys and score > best_score:
            best, best_score = candidate, score
    return best


def same(left: Any, right: Any) -> bool:
    """Equal as a contract means it: 1250 is 1250.0, and two spellings of one instant are one instant."""
    if isinstance(left, bool) or isinstance(right, bool):
        return left is right
    if isinstance(left, int | float) and isinstance(right, int | float):
        return float(left) == float(right)
    if isinstance(left, str) and isinstance(right, str):
        if left == right or left.upper() == right.upper():
            return True
        return _instant(left) is not None and _instant(left) == _instant(right)
    return bool(left == right)


def _instant(value: str) -> datetime | None:
    """A date is its midnight and a time without a zone is UTC: specs show both spellings of one value."""
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def _objects(node: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    stack = [node]
    while stack:
        current = stack.pop(0)
        if isinstance(current, dict):
            found.append(current)
            stack.extend(current.values())
        elif isinstance(current, list):
            stack.extend(current)
    return found


def item_schema(schema: Schema | None, body: Any) -> Schema | None:
    """The schema of the created items: of the body's list member's items, or of the body itself."""
    if schema is not None and isinstance(body, dict):
        for name, value in body.items():
            if isinstance(value, list) and value and all(isinstance(item, dict) for item in value):
                listed = schema.child(name)
                return listed.child(0) if listed is not None else None
    return schema
