"""What a run saw of each enum: the values the target really returns, field by field.

Recorded for every `enum` (documented, closed) and every `x-known-values` field (seen in the vendor's
examples, open). The report shows per field which documented values were observed; a later run that
sees a new value in an open field reports it as drift.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from apiconform.core.vocabulary import Evidence
from apiconform.specs.document import Operation, SpecDocument
from apiconform.specs.model import is_json
from apiconform.specs.schema import Schema, escape

__all__ = ["EnumObservation", "EnumObserver"]

MAX_DEPTH = 24
MAX_VALUES = 200


@dataclass(slots=True, kw_only=True)
class EnumObservation:
    api: str
    operation: str
    pointer: str
    kind: str
    documented: list[Any]
    evidence: Evidence
    observed: list[Any] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "api": self.api,
            "operation": self.operation,
            "pointer": self.pointer,
            "kind": self.kind,
            "documented": self.documented,
            "observed": self.observed,
            "evidence": self.evidence.value,
        }


class EnumObserver:
    """Collects observations across a run; `pointer` uses `*` for array items so fields aggregate.

    Besides enum values it notes every status code seen per operation and every response field the spec
    does not describe: between two runs, a new one of either is drift.
    """

    def __init__(self) -> None:
        self._seen: dict[tuple[str, str, str], EnumObservation] = {}
        self.statuses: dict[tuple[str, str], set[int]] = {}
        self.undocumented_fields: dict[tuple[str, str], set[str]] = {}
        # Per documented status: the documented fields its bodies held. Between runs, one gone is drift.
        self.documented_fields: dict[tuple[str, str, int], set[str]] = {}

    def undocumented(self) -> list[dict[str, Any]]:
        return [
            {"api": api, "operation": operation, "pointers": sorted(pointers)}
            for (api, operation), pointers in sorted(self.undocumented_fields.items())
        ]

    def documented(self) -> list[dict[str, Any]]:
        return [
            {"api": api, "operation": operation, "status": status, "pointers": sorted(pointers)}
            for (api, operation, status), pointers in sorted(self.documented_fields.items())
        ]

    @property
    def observations(self) -> list[EnumObservation]:
        return sorted(self._seen.values(), key=lambda item: (item.api, item.operation, item.pointer))

    def observe(self, spec: SpecDocument, operation: Operation, status: int, content_type: str, body: bytes) -> None:
        self.statuses.setdefault((spec.name, operation.label), set()).add(status)
        if str(status) not in operation.responses:
            return
        fields = self.documented_fields.setdefault((spec.name, operation.label, status), set())
        response = operation.response(status)
        media = response.json if response is not None else None
        if media is None or media.schema is None or not is_json(content_type or "application/json"):
            return
        try:
            instance = json.loads(body)
        except ValueError:
            return
        self._walk(spec, operation, media.schema, instance, "", 0, fields)

    def _walk(
        self,
        spec: SpecDocument,
        operation: Operation,
        schema: Schema | None,
        instance: Any,
        pointer: str,
        depth: int,
        fields: set[str],
    ) -> None:
        if schema is None or depth > MAX_DEPTH:
            return
        for kind, key in (("enum", "enum"), ("known-values", "x-known-values")):
            if key in schema and isinstance(instance, str | int | float | bool):
                self._record(spec, operation, pointer, kind, list(schema.get(key)), schema.evidence, instance)
        if isinstance(instance, dict):
            for name, value in instance.items():
                where = f"{pointer}/{escape(name)}"
                child = schema.child(name)
                if child is None and "properties" in schema:
                    self.undocumented_fields.setdefault((spec.name, operation.label), set()).add(where)
                elif child is not None and _named(schema, name):
                    fields.add(where)
                self._walk(spec, operation, child, value, where, depth + 1, fields)
        elif isinstance(instance, list):
            items = schema.items()
            for value in instance:
                self._walk(spec, operation, items, value, f"{pointer}/*", depth + 1, fields)

    def _record(
        self,
        spec: SpecDocument,
        operation: Operation,
        pointer: str,
        kind: str,
        documented: list[Any],
        evidence: Evidence,
        value: Any,
    ) -> None:
        key = (spec.name, operation.label, pointer or "/")
        entry = self._seen.get(key)
        if entry is None:
            entry = self._seen[key] = EnumObservation(
                api=spec.name,
                operation=operation.label,
                pointer=pointer or "/",
                kind=kind,
                documented=documented,
                evidence=Evidence.EXAMPLE if kind == "known-values" else evidence,
            )
        if value not in entry.observed and len(entry.observed) < MAX_VALUES:
            entry.observed.append(value)


def _named(schema: Schema, name: str, depth: int = 0) -> bool:
    """A property the schema names (its own or an `allOf` part's), not a key of an `additionalProperties` map."""
    if name in schema.properties():
        return True
    return depth < MAX_DEPTH and any(_named(part, name, depth + 1) for part in schema.parts())
