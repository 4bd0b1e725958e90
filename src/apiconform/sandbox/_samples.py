"""A deterministic instance of a JSON Schema, built once from the spec for operations the sandbox only mimics.

Values come from what the spec itself offers first (`examples`, `const`, `enum`, `x-known-values`,
`default`), then from the type and format. No randomness: the same spec gives the same body every time,
and every instance is checked against its schema when it is built.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from apiconform.specs.schema import Schema

__all__ = ["sample"]

MAX_DEPTH = 8
_FORMAT_SAMPLES: dict[str, str] = {
    "uuid": "9f1c2a4e-5b6d-4c7e-8f90-1a2b3c4d5e6f",
    "date-time": "2026-03-02T09:00:00Z",
    "date": "2026-03-02",
    "time": "09:00:00Z",
    "email": "post@example.no",
    "uri": "https://example.no/",
    "hostname": "example.no",
    "ipv4": "192.0.2.1",
}


def sample(schema: Schema, *, name: str = "value", depth: int = 0) -> Any:
    """An instance of `schema` (references followed by the model); `name` labels otherwise plain strings."""
    node = schema.node
    for keyword in ("const", "default"):
        if keyword in node:
            return node[keyword]
    for keyword in ("examples", "enum", "x-known-values"):
        values = node.get(keyword)
        if isinstance(values, list) and values:
            return values[0]
    if "example" in node:
        return node["example"]
    for keyword in ("anyOf", "oneOf"):
        first = next(schema.parts(keyword), None)
        if first is not None:
            return _merge(sample(first, name=name, depth=depth), _own(schema, name, depth))
    parts = list(schema.parts("allOf"))
    if parts:
        merged: Any = _own(schema, name, depth)
        for part in parts:
            merged = _merge(merged, sample(part, name=name, depth=depth))
        return merged
    return _own(schema, name, depth)


def _own(schema: Schema, name: str, depth: int) -> Any:
    node = schema.node
    kind = _type(node)
    if kind == "object":
        if depth >= MAX_DEPTH:
            return {}
        return {key: sample(value, name=key, depth=depth + 1) for key, value in schema.properties().items()}
    if kind == "array":
        items = schema.items()
        if depth >= MAX_DEPTH or items is None:
            return []
        return [sample(items, name=name, depth=depth + 1)] * max(1, int(node.get("minItems", 1)))
    scalars: dict[str | None, Any] = {
        "integer": int(node.get("minimum", 0)),
        "number": float(node.get("minimum", 0)),
        "boolean": False,
        "null": None,
    }
    if kind in scalars:
        return scalars[kind]
    return _FORMAT_SAMPLES.get(str(node.get("format", "")), name)


def _type(node: Mapping[str, Any]) -> str | None:
    kind = node.get("type")
    if isinstance(kind, list):
        kind = next((value for value in kind if value != "null"), kind[0] if kind else None)
    if kind is None and "properties" in node:
        return "object"
    return str(kind) if kind is not None else None


def _merge(left: Any, right: Any) -> Any:
    if isinstance(left, dict) and isinstance(right, dict):
        return {**right, **left}
    return left if left is not None else right
