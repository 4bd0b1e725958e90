"""Deterministic instances of any document's schemas, for the generic sandbox to answer with.

A vendor's document is read through the contract model: references followed by `Schema`,
`allOf`/`oneOf`/`anyOf`, 3.0 `nullable`, 3.1 type arrays, `enum`/`const`, formats, length and value
bounds, patterns. The document's own examples come first where they fit; every instance is checked with
the document's validators, and built again without the document's nested examples when one spoiled it,
so the sandbox conforms by construction. Optional properties are filled near the top only: Stripe's
objects nest expandable objects a dozen levels deep, and a full instance would be megabytes.
"""

from __future__ import annotations

import math
import random
import re
from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any

from apiconform.specs.contract import Contract
from apiconform.specs.schema import Schema

__all__ = ["Instances"]

OPTIONAL_DEPTH = 2
MAX_DEPTH = 12
# No property is called this; `Schema.child` answers it with `additionalProperties`.
_ANY_NAME = "\x00additional"
_FORMATS: dict[str, str] = {
    "uuid": "9f1c2a4e-5b6d-4c7e-8f90-1a2b3c4d5e6f",
    "date-time": "2026-03-02T09:00:00Z",
    "date": "2026-03-02",
    "time": "09:00:00Z",
    "email": "post@example.com",
    "idn-email": "post@example.com",
    "uri": "https://example.com/",
    "url": "https://example.com/",
    "uri-reference": "https://example.com/",
    "iri": "https://example.com/",
    "hostname": "example.com",
    "ipv4": "192.0.2.1",
    "ipv6": "2001:db8::1",
    "byte": "YXBpY29uZm9ybQ==",
    "duration": "P1D",
    "json-pointer": "/a",
    "regex": "a+",
}


class Instances:
    """Instances of one document's schemas, checked by the document's own validators."""

    def __init__(self, contract: Contract) -> None:
        self.contract = contract
        self._trust = True

    def valid(self, schema: Schema, instance: Any) -> bool:
        # The Python validator: built lazily, so a huge document (Stripe's) costs nothing up front.
        return next(iter(self.contract.validators.errors(schema, instance)), None) is None

    def of(self, schema: Schema | None, examples: Sequence[Any] = ()) -> Any:
        """The first of the document's examples that fits, else a generated instance (valid or the best try)."""
        if schema is None:
            return next(iter(examples), None)
        for example in examples:
            if self.valid(schema, example):
                return example
        built = self.build(schema, 0)
        if self.valid(schema, built):
            return built
        self._trust = False
        try:
            return self.build(schema, 0)
        finally:
            self._trust = True

    def build(self, schema: Schema | None, depth: int) -> Any:  # noqa: PLR0911 - one branch per JSON Schema construct
        if schema is None or depth > MAX_DEPTH:
            return None
        node = schema.node
        if "const" in node:
            return node["const"]
        enum = node.get("enum")
        if isinstance(enum, list) and enum:
            return next((value for value in enum if value is not None), enum[0])
        offered = [node[keyword] for keyword in ("example", "default") if keyword in node]
        offered += node["examples"] if isinstance(node.get("examples"), list) else []
        for value in offered if self._trust else ():
            if value is not None and _plausible(node, value):
                return value
        own = self._typed(schema, _kind(node), depth)
        parts = list(schema.parts("allOf"))
        for part in parts:
            own = _merge(self.build(part, depth), own)
        if isinstance(own, dict) and len(parts) > 1:
            own = self._agreed(own, parts, depth)
        one_of = sorted(schema.parts("oneOf"), key=_cost)
        if one_of:
            return self._one_of(schema, one_of, own, depth)
        any_of = sorted(schema.parts("anyOf"), key=_cost)
        if any_of:
            return _merge(self.build(any_of[0], depth), own)
        return own

    def _agreed(self, merged: dict[str, Any], parts: list[Schema], depth: int) -> dict[str, Any]:
        """Each property as every `allOf` part allows it: one part's value another part narrows is rebuilt.

        Lago's events extend a record with `lago_customer_id: {type: "null"}`, optional and so not built
        deep down, while the record's own part built an id.
        """
        for part in parts:
            for name, child in part.properties().items():
                if name in merged and self.contract.validators.is_valid(child, merged[name]) is False:
                    merged[name] = self.build(child, depth + 1)
        return merged

    def _one_of(self, schema: Schema, branches: list[Schema], own: Any, depth: int) -> Any:
        candidates = [_merge(self.build(branch, depth), own) for branch in branches]
        for candidate in candidates:
            if self.valid(schema, candidate):
                return candidate
        # Branches that overlap (an integer is also a number) need a value only one of them takes.
        for candidate in candidates:
            for variant in _variants(candidate):
                if self.valid(schema, variant):
                    return variant
        return candidates[0]

    def _typed(self, schema: Schema, kind: str | None, depth: int) -> Any:  # noqa: PLR0911 - one per type
        node = schema.node
        if kind == "object":
            return self._object(schema, depth)
        if kind == "array":
            count = max(int(node.get("minItems", 0)), 1 if depth < OPTIONAL_DEPTH else 0)
            items = schema.items()
            return [self.build(items, depth + 1 + index) for index in range(count)] if items is not None else []
        if kind in {"integer", "number"}:
            return _number(node, integer=kind == "integer")
        if kind == "boolean":
            return True
        if kind == "null":
            return None
        if kind == "string":
            return _string(node)
        return None

    def _object(self, schema: Schema, depth: int) -> dict[str, Any]:
        node = schema.node
        properties = schema.properties()
        required = [name for name in node.get("required", []) if isinstance(name, str)]
        names = list(properties) if depth < OPTIONAL_DEPTH else [name for name in properties if name in required]
        built = {}
        for name in names:
            child = properties[name]
            if child.node.get("writeOnly") and name not in required:
                continue
            built[name] = self.build(child, depth + 1)
        extra = schema.child(_ANY_NAME) if isinstance(node.get("additionalProperties"), Mapping) else None
        for name in required:
            if name not in built:
                built[name] = self.build(extra, depth + 1) if extra is not None else name
        while len(built) < int(node.get("minProperties", 0)):
            filler = f"key{len(built)}"
            built[filler] = self.build(extra, depth + 1) if extra is not None else filler
        return built


def _merge(left: Any, right: Any) -> Any:
    if isinstance(left, dict) and isinstance(right, dict):
        return {**right, **left}
    return left if left is not None else right


def _plausible(node: Mapping[str, Any], value: Any) -> bool:
    """A document's own example or default, checked for what commonly goes wrong (Xero's `default: "false"`)."""
    kind = _kind(node)
    expected = {"boolean": bool, "integer": int, "number": int | float, "string": str}
    if kind in expected and (not isinstance(value, expected[kind]) or (isinstance(value, bool) and kind != "boolean")):
        return False
    if isinstance(value, str):
        pattern = node.get("pattern")
        if isinstance(pattern, str) and not _matches(pattern, value):
            return False
        if not int(node.get("minLength", 0) or 0) <= len(value) <= int(node.get("maxLength", len(value)) or 0):
            return False
    return not isinstance(value, dict | list)


def _matches(pattern: str, value: str) -> bool:
    try:
        return re.search(pattern, value) is not None
    except re.error:
        return False


def _variants(value: Any) -> list[Any]:
    if isinstance(value, bool):
        return [not value]
    if isinstance(value, int | float):
        return [value + 0.5, value + 1, value + 1.5]
    if isinstance(value, str):
        return [value + "x", value + "1"]
    return []


def _kind(node: Mapping[str, Any]) -> str | None:
    kind = node.get("type")
    if isinstance(kind, list):
        kind = next((value for value in kind if value != "null"), kind[0] if kind else None)
    if kind is None:
        if "properties" in node or "additionalProperties" in node or "required" in node:
            return "object"
        if "items" in node:
            return "array"
        if "pattern" in node or "format" in node or "minLength" in node:
            return "string"
    return str(kind) if kind is not None else None


def _cost(branch: Schema) -> int:
    """Scalars before objects, `null` last: an expandable field (`string` or the whole object) is cheapest as its id."""
    node = branch.node
    if node.get("type") == "null":
        return 3
    return {"object": 2, "array": 1}.get(_kind(node) or "", 0)


def _number(node: Mapping[str, Any], *, integer: bool) -> int | float:
    low, high = node.get("minimum"), node.get("maximum")
    exclusive_low, exclusive_high = node.get("exclusiveMinimum"), node.get("exclusiveMaximum")
    if isinstance(exclusive_low, bool):
        exclusive_low = low if exclusive_low else None
    if isinstance(exclusive_high, bool):
        exclusive_high = high if exclusive_high else None
    step = node.get("multipleOf") if isinstance(node.get("multipleOf"), int | float) else (1 if integer else None)
    value: float = 0
    if isinstance(low, int | float):
        value = max(value, low) if not isinstance(high, int | float) or high >= 0 else low
    if isinstance(exclusive_low, int | float) and value <= exclusive_low:
        value = exclusive_low + (step or 1)
    if isinstance(high, int | float) and value > high:
        value = high
    if isinstance(exclusive_high, int | float) and value >= exclusive_high:
        value = exclusive_high - (step or 1)
    if step:
        value = math.ceil(value / step) * step
    return int(value) if integer or (float(value).is_integer() and not isinstance(step, float)) else value


def _string(node: Mapping[str, Any]) -> str:
    pattern = node.get("pattern")
    low, high = int(node.get("minLength", 0) or 0), node.get("maxLength")
    if isinstance(pattern, str):
        return _from_pattern(pattern, low, high if isinstance(high, int) else None)
    value = _FORMATS.get(str(node.get("format", "")), "string")
    if len(value) < low:
        value = value + "x" * (low - len(value))
    if isinstance(high, int) and len(value) > high:
        value = value[:high]
    return value


@cache
def _from_pattern(pattern: str, low: int, high: int | None) -> str:
    """The simplest string the pattern matches, found by hypothesis from a fixed seed (the same every run)."""
    from hypothesis import HealthCheck, find, settings  # noqa: PLC0415 - only documents with patterns need it
    from hypothesis import strategies as st  # noqa: PLC0415 - as above

    quiet = settings(database=None, max_examples=50, deadline=None, suppress_health_check=list(HealthCheck))
    strategy = st.from_regex(pattern, fullmatch=True).filter(lambda text: low <= len(text) <= (high or len(text)))
    try:
        return str(find(strategy, lambda _: True, settings=quiet, random=random.Random(0)))  # noqa: S311 - a seed, not a secret
    except Exception:  # noqa: BLE001 - a pattern Python cannot read, or none that hypothesis can satisfy
        return "string"
