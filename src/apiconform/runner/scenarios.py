"""Scenarios schemathesis does not generate: requests whose expected answer depends on a condition.

Given known ids, schemathesis draws mostly from them, so a run rarely asks for a resource that does not
exist. This module asks once per read operation, with a well-formed id, and judges the answer by the
spec: the documented 404, never a 2xx, never a 5xx.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import httpx

from apiconform.checks.body import body_violations
from apiconform.core.findings import Finding, ResponseSnapshot
from apiconform.core.redaction import Redactor
from apiconform.core.vocabulary import CheckClass, Evidence
from apiconform.runner.limits import RequestGate
from apiconform.runner.settings import ApiTarget
from apiconform.specs.document import Operation
from apiconform.specs.evidence import evidence_of, resolve_ref

__all__ = ["ScenarioOutcome", "unknown_resource"]

UNKNOWN_UUID = "00000000-0000-4000-8000-00000000a404"
UNKNOWN_INTEGER = 987654321
UNKNOWN_STRING = "apiconform-unknown-a404"
SOURCE = "unknown_resource"
READ_METHODS = frozenset({"get", "head"})


@dataclass(slots=True)
class ScenarioOutcome:
    requests: int = 0
    checks_run: set[CheckClass] = field(default_factory=set)
    findings: list[Finding] = field(default_factory=list)


def unknown_resource(
    api: ApiTarget, operation: Operation, client: httpx.Client, redactor: Redactor, gate: RequestGate
) -> ScenarioOutcome:
    outcome = ScenarioOutcome()
    path_parameters = [param for param in operation.raw.get("parameters", []) if param.get("in") == "path"]
    if operation.method not in READ_METHODS or not path_parameters:
        return outcome
    document = api.spec.raw
    *context, resource = path_parameters
    values = {str(param["name"]): _known_or_unknown(api, operation, param) for param in context}
    values[str(resource["name"])] = _unknown_value(resolve_ref(document, resource.get("schema", {})))
    url = api.base_url.rstrip("/") + operation.path.format_map(values)
    headers = {"Accept": "application/json"}
    token = api.bearer_token()
    if token:
        redactor.add(token)
        headers["Authorization"] = f"Bearer {token}"
    gate.acquire()
    response = client.request(operation.method.upper(), url, headers=headers)
    outcome.requests = 1
    outcome.checks_run |= {CheckClass.SERVER_ERROR, CheckClass.ERROR_CODE, CheckClass.STATUS_CODE}

    responses = operation.raw.get("responses", {})
    not_found = resolve_ref(document, responses["404"]) if "404" in responses else None
    expectation = Evidence.weakest(
        operation.evidence, evidence_of(not_found) if not_found is not None else Evidence.INFERRED
    )
    expected = "status 404" if not_found is not None else "a 4xx status"
    status = response.status_code
    snapshot = ResponseSnapshot.from_text(
        status=status, headers=redactor.headers(dict(response.headers)), text=redactor.text(response.text)
    )
    common: dict[str, Any] = {
        "api": api.spec.name,
        "operation": operation.label,
        "doc": operation.doc,
        "source": SOURCE,
        "phase": "scenario",
        "curl": redactor.curl(operation.method, url, headers),
        "response": snapshot,
        "actual": f"status {status}",
    }
    resource_name = resource["name"]
    if status >= 500:  # noqa: PLR2004 - the 5xx class
        outcome.findings.append(
            Finding(
                check=CheckClass.SERVER_ERROR,
                evidence=operation.evidence,
                title=f"Server error for an unknown {resource_name}",
                message=f"A well-formed {resource_name} that does not exist answered {status}.",
                expected=expected,
                **common,
            )
        )
    elif status < 400:  # noqa: PLR2004 - anything but a client error
        outcome.findings.append(
            Finding(
                check=CheckClass.ERROR_CODE,
                evidence=expectation,
                title=f"Unknown {resource_name} answered {status}",
                message=f"A well-formed {resource_name} that does not exist must not succeed.",
                expected=expected,
                **common,
            )
        )
    elif str(status) not in responses:
        outcome.findings.append(
            Finding(
                check=CheckClass.STATUS_CODE,
                evidence=operation.status_codes_evidence,
                title=f"Undocumented status {status} for an unknown {resource_name}",
                message=f"Documented statuses: {', '.join(responses)}.",
                expected=expected,
                **common,
            )
        )
    violations = body_violations(
        document,
        path=operation.path,
        method=operation.method,
        status=status,
        content_type=response.headers.get("content-type", ""),
        body=response.content,
    )
    outcome.checks_run |= {CheckClass.SCHEMA}
    for violation in violations:
        outcome.findings.append(
            Finding(
                check=violation.check_class,
                evidence=violation.evidence,
                title=violation.title,
                message=violation.message,
                pointer=violation.pointer,
                expected=violation.expected,
                **{**common, "actual": violation.actual, "doc": violation.doc or operation.doc},
            )
        )
    return outcome


def _known_or_unknown(api: ApiTarget, operation: Operation, parameter: dict[str, Any]) -> Any:
    known = api.known_values(operation.label, str(parameter["name"]))
    return known[0] if known else _unknown_value(parameter.get("schema", {}))


def _unknown_value(schema: Any) -> Any:
    """A value the schema accepts, so the server's answer is about existence, not about validation."""
    kind = schema.get("type") if isinstance(schema, dict) else None
    if kind == "integer":
        return UNKNOWN_INTEGER
    if isinstance(schema, dict) and schema.get("format") == "uuid":
        return UNKNOWN_UUID
    return UNKNOWN_STRING
