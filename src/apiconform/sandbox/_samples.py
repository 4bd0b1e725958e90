"""A deterministic instance of a JSON Schema, built once from the spec for operations the sandbox only mimics.

Values come from what the spec itself offers first (`examples`, `const`, `enum`, `x-known-values`,
`default`), then from the type and format. No randomness: the same spec gives the same body every time,
and every instance is checked against its schema when it is built.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from apiconform.specs.evidence import resolve_ref

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


def sample(document: Mapping[str, Any], schema: Mapping[str, Any], *, name: str = "value", depth: int = 0) -> Any:
    """An instance of `schema` (local `$ref`s resolved in `document`); `name` labels otherwise plain strings."""
    node = resolve_ref(document, schema)
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
        branches = node.get(keyword)
        if isinstance(branches, list) and branches:
            return _merge(sample(document, branches[0], name=name, depth=depth), _own(document, node, name, depth))
    parts = node.get("allOf")
    if isinstance(parts, list) and parts:
        merged: Any = _own(document, node, name, depth)
        for part in parts:
            merged = _merge(merged, sample(document, part, name=name, depth=depth))
        return merged
    return _own(document, node, name, depth)


def _own(document: Mapping[str, Any], node: Mapping[str, Any], name: str, depth: int) -> Any:
    kind = _type(node)
    if kind == "object":
        if depth >= MAX_DEPTH:
            return {}
        properties = node.get("properties", {})
        return {
            key: sample(document, value, name=key, depth=depth + 1)
            for key, value in properties.items()
            if isinstance(value, Mapping)
        }
    if kind == "array":
        items = node.get("items")
        if depth >= MAX_DEPTH or not isinstance(items, Mapping):
            return []
        return [sample(document, items, name=name, depth=depth + 1)] * max(1, int(node.get("minItems", 1)))
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
