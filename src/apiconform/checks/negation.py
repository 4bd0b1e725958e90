"""How well the constraint a negative case broke is known.

A server that accepts a value outside a parameter's type has broken that type, not its status list: if
the type is our guess, accepting the value contradicts nothing the vendor wrote. So "invalid input was
accepted" is judged by the evidence of the constraint schemathesis negated, never stronger than the
status list it is also measured against.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from apiconform.core.vocabulary import Evidence

if TYPE_CHECKING:
    from schemathesis.generation.meta import CaseMetadata

    from apiconform.specs.document import SpecDocument
    from apiconform.specs.model import Operation

__all__ = ["negated_evidence", "refused_path"]

BODY = "body"


def negated_evidence(document: SpecDocument, operation: Operation, meta: CaseMetadata | None) -> Evidence | None:  # noqa: ARG001 - the classifier's rule signature
    """The weakest evidence among the constraints the case negated; None when the case does not say."""
    if meta is None:
        return None
    data = meta.phase.data
    targets: list[tuple[str | None, str | None, tuple[Any, ...]]] = []
    if data.parameter_location is not None or data.parameter is not None:
        targets.append((_location(data.parameter_location), data.parameter, ()))
    targets.extend(
        (_location(mutation.parameter_location), mutation.parameter, tuple(mutation.path))
        for mutation in getattr(data, "mutations", ())
    )
    if not targets:
        targets = [(_location(where), None, ()) for where, info in meta.components.items() if info.mode.is_negative]
    levels = [level for target in targets for level in _target_evidence(operation, *target)]
    return Evidence.weakest(*levels) if levels else None


def _location(value: Any) -> str | None:
    raw = getattr(value, "value", value)
    return str(raw) if raw is not None else None


def _target_evidence(
    operation: Operation, location: str | None, name: str | None, path: tuple[Any, ...]
) -> Iterable[Evidence]:
    if location == BODY:
        body = operation.request_body
        if body is None:
            return
        for media in body.content.values():
            if media.schema is None:
                yield body.evidence
                continue
            yield media.schema.at_path([step for step in path if isinstance(step, str | int)]).evidence
        return
    for parameter in operation.parameters:
        if (location is None or parameter.location == location) and (name is None or parameter.name == name):
            yield parameter.schema.evidence if parameter.schema is not None else parameter.evidence


def refused_path(document: SpecDocument, operation: Operation, values: Mapping[str, Any] | None) -> bool:
    """Whether a path carries a value its own parameter's schema refuses, whatever the case's mode says.

    A stateful link may feed one response's field into another operation's path (`"string"` for a numeric
    `{userId}`): that request is invalid, and how a server refuses it is no more documented than for a case
    generated negative.
    """
    validators = document.contract.validators
    for parameter in operation.parameters:
        value = (values or {}).get(parameter.name)
        if parameter.location != "path" or parameter.schema is None or value is None:
            continue
        if not any(validators.is_valid(parameter.schema, reading) is not False for reading in _readings(value)):
            return True
    return False


def _readings(value: Any) -> list[Any]:
    """A path value as a server may type it: the text itself, or the number or boolean it spells."""
    if not isinstance(value, str):
        return [value]
    readings: list[Any] = [value]
    for parse in (int, float):
        try:
            readings.append(parse(value))
        except ValueError:
            continue
    if value in {"true", "false"}:
        readings.append(value == "true")
    return readings
