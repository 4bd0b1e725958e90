"""Raw response bodies validated against the spec with format checking on, each violation classified.

The body is parsed from the bytes on the wire, never from a library's deserialised view, so a required
field the server omitted cannot be hidden by a default filled in while parsing.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import schemathesis
from schemathesis.core.failures import FailureGroup

from apiconform.checks.strict_json import NotStrictJson, parse_strict
from apiconform.checks.success import success_response
from apiconform.checks.violations import ContractViolation
from apiconform.core.vocabulary import CheckClass, Evidence
from apiconform.specs.contract import Contract, contract_for
from apiconform.specs.model import Operation, is_json
from apiconform.specs.schema import Schema, escape

if TYPE_CHECKING:
    import jsonschema
    from schemathesis import CheckContext, Response
    from schemathesis.generation.case import Case

__all__ = ["body_violations", "response_body_conformance"]

MAX_VALUE_CHARS = 120
MAX_MESSAGE_CHARS = 400
CLASS_BY_KEYWORD = {
    "enum": CheckClass.ENUM,
    "const": CheckClass.ENUM,
    "required": CheckClass.REQUIRED,
    "type": CheckClass.TYPE,
    "format": CheckClass.FORMAT,
}


def body_violations(
    contract: Contract, operation: Operation, *, status: int, content_type: str, body: bytes
) -> list[ContractViolation]:
    """Every documented-body violation in one response; empty when the status or media type is undocumented."""
    response = success_response(operation, status)
    media = response.json if response is not None else None
    if response is None or media is None or media.schema is None or not is_json(content_type or "application/json"):
        return []
    schema = media.schema
    try:
        instance = parse_strict(body)
    except NotStrictJson as exc:
        return [
            ContractViolation(
                operation=operation.label,
                check_class=exc.check,
                evidence=schema.evidence,
                title="Response body is not valid JSON",
                message=f"The {status} response declares JSON but {exc.reason}",
                expected=exc.expected,
                actual=_short(body.decode("utf-8", errors="replace")),
                doc=schema.doc,
            )
        ]
    errors = [found for error in contract.validators.errors(schema, instance) for found in _specific(error)]
    errors.sort(key=lambda error: [str(part) for part in error.absolute_path])
    return [_violation(schema, operation.label, status, error) for error in errors]


def _specific(error: jsonschema.ValidationError) -> list[jsonschema.ValidationError]:
    """A 3.0 `nullable` reads as `anyOf: [schema, null]`; a non-null value is judged by the schema alone."""
    branches = error.validator_value if error.validator in {"anyOf", "oneOf"} else None
    if error.instance is None or not isinstance(branches, list) or {"type": "null"} not in branches:
        return [error]
    null = branches.index({"type": "null"})
    inner = [child for child in error.context or [] if child.schema_path and child.schema_path[0] != null]
    return [found for child in inner for found in _specific(child)] or [error]


@schemathesis.check
def response_body_conformance(ctx: CheckContext, response: Response, case: Case[Any]) -> bool | None:  # noqa: ARG001 - schemathesis's check signature
    contract = contract_for(case.operation.schema.raw_schema)
    operation = contract.operation(case.operation.method, case.operation.path)
    if operation is None:
        return None
    violations = body_violations(
        contract,
        operation,
        status=response.status_code,
        content_type=_header(response.headers, "content-type"),
        body=response.content,
    )
    if not violations:
        return None
    if len(violations) == 1:
        raise violations[0]
    raise FailureGroup(violations)


def _violation(schema: Schema, label: str, status: int, error: jsonschema.ValidationError) -> ContractViolation:
    path = list(error.absolute_path)
    judged = schema.at_path(path)
    evidence = judged.evidence
    check_class = CLASS_BY_KEYWORD.get(str(error.validator), CheckClass.SCHEMA)
    if error.validator == "type" and error.instance is None and _optional(schema, path):
        # The nullability rule (specs/README.md): no page says whether an optional field may be null.
        evidence = Evidence.weakest(evidence, Evidence.EXAMPLE)
    # One broken field in a list is one finding: the pointer says `*` for the index, `actual` names the item.
    pointer = "".join("/*" if isinstance(part, int) else f"/{escape(str(part))}" for part in path)
    concrete = "".join(f"/{escape(str(part))}" for part in path)
    expected, actual = _expected_actual(error)
    if error.validator == "required":
        missing = _missing_property(error)
        pointer, concrete = f"{pointer}/{escape(missing)}", f"{concrete}/{escape(missing)}"
        expected, actual = f"property {missing!r} present", "missing"
    if concrete != pointer:
        actual = f"{actual} at {concrete}"
    return ContractViolation(
        operation=label,
        check_class=check_class,
        evidence=evidence,
        title=f"{check_class.value}: {pointer or '/'} in the {status} response",
        message=error.message if len(error.message) <= MAX_MESSAGE_CHARS else error.message[:MAX_MESSAGE_CHARS] + "…",
        pointer=pointer,
        expected=expected,
        actual=actual,
        doc=judged.doc,
    )


def _optional(schema: Schema, path: list[str | int]) -> bool:
    """Whether the value at `path` is a property its object does not require."""
    if not path or not isinstance(path[-1], str):
        return False
    parent = schema
    for segment in path[:-1]:
        child = parent.child(segment)
        if child is None:
            return False
        parent = child
    required = set(parent.get("required", []))
    for part in parent.parts():
        required |= set(part.get("required", []))
    return path[-1] not in required


def _expected_actual(error: jsonschema.ValidationError) -> tuple[str, str]:
    keyword, wanted = str(error.validator), error.validator_value
    if keyword == "enum":
        return f"one of {_short(json.dumps(wanted))}", _short(json.dumps(error.instance))
    if keyword == "type":
        return f"type {wanted}", f"{_json_type(error.instance)} {_short(json.dumps(error.instance))}"
    if keyword == "format":
        return f"format {wanted}", _short(json.dumps(error.instance))
    return f"{keyword}: {_short(json.dumps(wanted, default=str))}", _short(json.dumps(error.instance, default=str))


def _missing_property(error: jsonschema.ValidationError) -> str:
    present = error.instance if isinstance(error.instance, dict) else {}
    required = error.validator_value if isinstance(error.validator_value, list) else []
    return next((str(name) for name in required if name not in present), "?")


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    names: dict[type, str] = {str: "string", list: "array", dict: "object"}
    return names.get(type(value), type(value).__name__)


def _short(text: str) -> str:
    return text if len(text) <= MAX_VALUE_CHARS else text[: MAX_VALUE_CHARS - 1] + "…"


def _header(headers: dict[str, list[str]], name: str) -> str:
    for key, values in headers.items():
        if key.lower() == name and values:
            return values[0]
    return ""
