"""A read of one resource must describe that resource: its identifier is the one the request asked for.

A caching or tenancy bug answers a read by id with another, perfectly valid record; no schema catches
that. Where the response schema ties a field to a path parameter, the field's value must equal the
requested one. A field is tied when it has the parameter's name, when it is `id` and the path ends in
the parameter (`/invoices/{invoiceId}`), or when it says so with `x-identifies: <parameter>`; an
`x-identifies` naming a parameter replaces the implicit ties to it in that object, and
`x-identifies: false` unties a field. Fields are looked for at the body's root and in a `data` envelope
(`{"summary": ..., "data": {...}}`), never in nested records or lists, which describe other resources.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

import schemathesis
from schemathesis.core.failures import FailureGroup

from apiconform.checks.strict_json import NotStrictJson, parse_strict
from apiconform.checks.success import success_response
from apiconform.checks.violations import ContractViolation
from apiconform.core.vocabulary import CheckClass, Evidence
from apiconform.specs.contract import contract_for
from apiconform.specs.model import Operation, is_json
from apiconform.specs.schema import Schema, escape

if TYPE_CHECKING:
    from schemathesis import CheckContext, Response
    from schemathesis.generation.case import Case

__all__ = ["identity_violations", "response_resource_identity"]

ENVELOPE = "data"
MAX_VALUE_CHARS = 80
MAX_ALL_OF = 8
PARAMETER = re.compile(r"\{([^}/]+)\}")
UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
INTEGER = re.compile(r"^[+-]?\d+$")
NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


@dataclass(frozen=True, slots=True)
class _Tie:
    field: tuple[str, ...]
    parameter: str
    schema: Schema


def identity_violations(
    operation: Operation,
    *,
    status: int,
    content_type: str,
    body: bytes,
    requested: Mapping[str, Any],
) -> list[ContractViolation]:
    """Every tied field of a successful GET whose value is not the requested parameter's; empty otherwise."""
    if operation.method != "get" or not 200 <= status < 300 or not is_json(content_type or "application/json"):  # noqa: PLR2004 - the 2xx class
        return []
    response = success_response(operation, status)
    media = response.json if response is not None else None
    if media is None or media.schema is None:
        return []
    ties = _ties(operation, media.schema)
    if not ties:
        return []
    try:
        instance = parse_strict(body)
    except NotStrictJson:
        return []  # the body check reports a body that is not JSON
    found = []
    for tie in ties:
        wanted = requested.get(tie.parameter)
        value = _at(instance, tie.field)
        if _scalar(wanted) and _scalar(value) and _could_hold(tie.schema, wanted) and not _same(wanted, value):
            found.append(_violation(operation, status, tie, wanted, value))
    return found


@schemathesis.check
def response_resource_identity(ctx: CheckContext, response: Response, case: Case[Any]) -> bool | None:  # noqa: ARG001 - schemathesis's check signature
    operation = contract_for(case.operation.schema.raw_schema).operation(case.operation.method, case.operation.path)
    if operation is None:
        return None
    requested = requested_values(operation.path, str(response.request.url or ""))
    if requested is None:
        return None
    content_type = next((values[0] for name, values in response.headers.items() if name.lower() == "content-type"), "")
    violations = identity_violations(
        operation,
        status=response.status_code,
        content_type=content_type,
        body=response.content,
        requested=requested,
    )
    if not violations:
        return None
    if len(violations) == 1:
        raise violations[0]
    raise FailureGroup(violations)


def requested_values(template: str, url: str) -> dict[str, str] | None:
    """The path parameters as the server reads them: taken from the URL sent, each segment percent-decoded.

    A generated value the client normalised on the way (a character it dropped or escaped differently) is
    compared as it arrived, never as it was generated. None when the URL does not end in the template.
    """
    pattern = "".join(
        f"(?P<p{index // 2}>[^/]*)" if index % 2 else re.escape(part)
        for index, part in enumerate(PARAMETER.split(template))
    )
    found = re.search(pattern + "$", urlsplit(url).path)
    if found is None:
        return None
    names = PARAMETER.findall(template)
    return {name: unquote(found.group(f"p{index}")) for index, name in enumerate(names)}


# Keyed by id() with the schema kept alive in the value, so an id is never reused while cached.
_TIES: dict[int, tuple[Schema, list[_Tie]]] = {}


def _ties(operation: Operation, schema: Schema) -> list[_Tie]:
    cached = _TIES.get(id(schema))
    if cached is None or cached[0] is not schema:
        cached = _TIES[id(schema)] = (schema, _find_ties(operation, schema))
    return cached[1]


def _find_ties(operation: Operation, root: Schema) -> list[_Tie]:
    # From the path template itself: a parameter the document forgot to declare still names the resource.
    parameters = PARAMETER.findall(operation.path)
    if not parameters:
        return []
    last = parameters[-1] if operation.path.endswith("}") else None
    ties = _object_ties(root, (), parameters, last)
    envelope = _properties(root).get(ENVELOPE)
    if envelope is not None and ENVELOPE not in parameters:
        ties += _object_ties(envelope, (ENVELOPE,), parameters, last)
    return ties


def _object_ties(node: Schema, prefix: tuple[str, ...], parameters: list[str], last: str | None) -> list[_Tie]:
    explicit: dict[str, tuple[str, Schema]] = {}
    implicit: dict[str, tuple[str, Schema]] = {}
    for name, child in _properties(node).items():
        marker = child.get("x-identifies")
        if marker is False:
            continue
        if isinstance(marker, str) and marker in parameters:
            explicit[name] = (marker, child)
        elif name in parameters:
            implicit[name] = (name, child)
        elif name == "id" and last is not None and last.lower().endswith("id"):
            # `id` stands for the last parameter only when that names an id too: `/users/{username}` answers
            # a user whose `id` is a number, not the name asked for.
            implicit[name] = (last, child)
    claimed = {parameter for parameter, _ in explicit.values()}
    chosen = explicit | {name: tie for name, tie in implicit.items() if tie[0] not in claimed}
    return [_Tie(field=(*prefix, name), parameter=tie[0], schema=tie[1]) for name, tie in sorted(chosen.items())]


def _properties(node: Schema, depth: int = 0) -> dict[str, Schema]:
    """An object schema's own properties and those of its `allOf` parts; its own win."""
    found: dict[str, Schema] = {}
    if depth < MAX_ALL_OF:
        for part in node.parts():
            found |= _properties(part, depth + 1)
    return found | node.properties()


def _at(instance: Any, field: tuple[str, ...]) -> Any:
    for part in field:
        if not isinstance(instance, dict):
            return None
        instance = instance.get(part)
    return instance


def _scalar(value: Any) -> bool:
    return isinstance(value, str | int | float) and not isinstance(value, bool)


def _could_hold(field: Schema, wanted: Any) -> bool:
    """Whether the tied field could carry the requested value: a number field cannot carry `abc`, an integer `2.5`.

    A document that types the path parameter as text and the field as a number leaves a server nothing to
    answer a non-numeric id with; whether such an id may succeed is the unknown-id scenario's question.
    """
    if field.is_type("string") or not (field.is_type("integer") or field.is_type("number")):
        return True
    text = str(wanted)
    if NUMBER.match(text) is None:
        return False
    return field.is_type("number") or float(text).is_integer()


def _same(wanted: Any, value: Any) -> bool:
    """Compared as the path carries them: text, except that numbers and UUIDs have more than one spelling."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    wanted_text, value_text = str(wanted), str(value)
    if isinstance(value, int) and INTEGER.match(wanted_text):
        return int(wanted_text) == value
    if isinstance(value, int | float) and NUMBER.match(wanted_text):
        return float(wanted_text) == value
    if UUID.match(wanted_text) and UUID.match(value_text):
        return wanted_text.lower() == value_text.lower()
    return wanted_text == value_text


def _violation(operation: Operation, status: int, tie: _Tie, wanted: Any, value: Any) -> ContractViolation:
    pointer = "".join(f"/{escape(part)}" for part in tie.field)
    return ContractViolation(
        operation=operation.label,
        check_class=CheckClass.SCHEMA,
        evidence=Evidence.weakest(operation.evidence, tie.schema.evidence),
        title=f"Another resource: {pointer} is not the requested {tie.parameter}",
        message=(
            f"The {status} response to a read of {tie.parameter}={_short(wanted)} describes "
            f"{pointer}={_short(value)}: the answer is about another resource."
        ),
        pointer=pointer,
        expected=f"{pointer} equal to the requested {tie.parameter}",
        actual=_short(value),
        doc=tie.schema.doc or operation.doc,
    )


def _short(value: Any) -> str:
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= MAX_VALUE_CHARS else text[: MAX_VALUE_CHARS - 1] + "…"
