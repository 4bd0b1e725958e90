"""Raw response bodies validated against the spec with format checking on, each violation classified.

The body is parsed from the bytes on the wire, never from a library's deserialised view, so a required
field the server omitted cannot be hidden by a default filled in while parsing.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import jsonschema
import jsonschema_rs
import schemathesis
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012
from schemathesis.core.failures import FailureGroup

from apiconform.checks.violations import ContractViolation
from apiconform.core.vocabulary import CheckClass
from apiconform.specs.evidence import schema_node_evidence
from apiconform.specs.responses import ResponseContract, is_json, json_pointer_escape, response_contract

if TYPE_CHECKING:
    from schemathesis import CheckContext, Response
    from schemathesis.generation.case import Case

__all__ = ["body_violations", "response_body_conformance"]

SPEC_URI = "urn:apiconform:spec"
MAX_VALUE_CHARS = 120
MAX_MESSAGE_CHARS = 400
CLASS_BY_KEYWORD = {
    "enum": CheckClass.ENUM,
    "const": CheckClass.ENUM,
    "required": CheckClass.REQUIRED,
    "type": CheckClass.TYPE,
    "format": CheckClass.FORMAT,
}


class _SpecIndex:
    """Validators per response schema of one document, built once and reused for every response."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document
        resource = Resource.from_contents(document, default_specification=DRAFT202012)
        self._registry: Registry[Any] = Registry().with_resource(SPEC_URI, resource)
        self._validators: dict[str, jsonschema.Draft202012Validator] = {}
        self._fast: dict[str, Any] = {}

    def contract(self, path: str, method: str, status: int) -> ResponseContract | None:
        return response_contract(self.document, path, method, status)

    def is_valid(self, contract: ResponseContract, instance: Any) -> bool | None:
        """The Rust validator answers the common case, a valid body, about twenty times faster; None if it cannot."""
        if contract.pointer not in self._fast:
            root = self._fast_root(contract)
            try:
                self._fast[contract.pointer] = jsonschema_rs.Draft202012Validator(root, validate_formats=True)
            except (jsonschema_rs.ValidationError, ValueError):
                self._fast[contract.pointer] = None
        fast = self._fast[contract.pointer]
        return None if fast is None else bool(fast.is_valid(instance))

    def _fast_root(self, contract: ResponseContract) -> dict[str, Any]:
        """Components and this one schema, never the whole document.

        A validator per response schema holding every path would grow memory with operations times size.
        """
        if "#/paths" in json.dumps(contract.schema):
            return {**self.document, "$ref": f"#{quote(contract.pointer, safe='/~')}"}
        return {
            "components": self.document.get("components", {}),
            "x-response": contract.schema,
            "$ref": "#/x-response",
        }

    def validator(self, contract: ResponseContract) -> jsonschema.Draft202012Validator:
        if contract.pointer not in self._validators:
            ref = f"{SPEC_URI}#{quote(contract.pointer, safe='/~')}"
            self._validators[contract.pointer] = jsonschema.Draft202012Validator(
                {"$ref": ref},
                registry=self._registry,
                format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER,
            )
        return self._validators[contract.pointer]


# Keyed by id() with the document kept alive in the value, so an id is never reused while cached.
_INDEXES: dict[int, _SpecIndex] = {}


def _index(document: dict[str, Any]) -> _SpecIndex:
    index = _INDEXES.get(id(document))
    if index is None or index.document is not document:
        index = _INDEXES[id(document)] = _SpecIndex(document)
    return index


def body_violations(
    document: dict[str, Any], *, path: str, method: str, status: int, content_type: str, body: bytes
) -> list[ContractViolation]:
    """Every documented-body violation in one response; empty when the status or media type is undocumented."""
    index = _index(document)
    contract = index.contract(path, method, status)
    label = f"{method.upper()} {path}"
    if contract is None or not is_json(content_type or "application/json"):
        return []
    try:
        instance = json.loads(body)
    except ValueError as exc:
        return [
            ContractViolation(
                operation=label,
                check_class=CheckClass.SCHEMA,
                evidence=contract.evidence,
                title="Response body is not valid JSON",
                message=f"The {status} response declares JSON but its body does not parse: {exc}",
                expected="a JSON document",
                actual=_short(body.decode("utf-8", errors="replace")),
                doc=contract.doc,
            )
        ]
    if index.is_valid(contract, instance):
        return []
    # Only a body that fails gets the slower validator, whose errors carry what a finding needs.
    errors = sorted(index.validator(contract).iter_errors(instance), key=lambda error: list(error.absolute_path))
    return [_violation(index.document, contract, label, status, error) for error in errors]


@schemathesis.check
def response_body_conformance(ctx: CheckContext, response: Response, case: Case[Any]) -> bool | None:  # noqa: ARG001 - schemathesis's check signature
    operation = case.operation
    violations = body_violations(
        operation.schema.raw_schema,
        path=operation.path,
        method=operation.method,
        status=response.status_code,
        content_type=_header(response.headers, "content-type"),
        body=response.content,
    )
    if not violations:
        return None
    if len(violations) == 1:
        raise violations[0]
    raise FailureGroup(violations)


def _violation(
    document: dict[str, Any],
    contract: ResponseContract,
    label: str,
    status: int,
    error: jsonschema.ValidationError,
) -> ContractViolation:
    path = list(error.absolute_path)
    evidence, doc = schema_node_evidence(document, contract.schema, path, inherited=contract.evidence, doc=contract.doc)
    check_class = CLASS_BY_KEYWORD.get(str(error.validator), CheckClass.SCHEMA)
    # One broken field in a list is one finding: the pointer says `*` for the index, `actual` names the item.
    pointer = "".join("/*" if isinstance(part, int) else f"/{json_pointer_escape(str(part))}" for part in path)
    concrete = "".join(f"/{json_pointer_escape(str(part))}" for part in path)
    expected, actual = _expected_actual(error)
    if error.validator == "required":
        missing = _missing_property(error)
        pointer, concrete = f"{pointer}/{json_pointer_escape(missing)}", f"{concrete}/{json_pointer_escape(missing)}"
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
        doc=doc,
    )


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
