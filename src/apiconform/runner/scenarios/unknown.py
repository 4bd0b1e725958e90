"""A well-formed id that does not exist: exactly the documented 404, never a 2xx, never a 5xx.

Given known ids, schemathesis draws mostly from them, so a run rarely asks for a missing resource;
this asks once per read operation with path parameters.
"""

from __future__ import annotations

from typing import Any

from apiconform.core.vocabulary import CheckClass, Evidence
from apiconform.runner.scenarios._kit import ScenarioOutcome, Sender
from apiconform.specs.schema import Schema
from apiconform.specs.validation import Validators

__all__ = ["unknown_resource", "unknown_value"]

UNKNOWN_UUID = "00000000-0000-4000-8000-00000000a404"
UNKNOWN_INTEGER = 987654321
UNKNOWN_STRING = "apiconform-unknown-a404"
SOURCE = "unknown_resource"


def unknown_resource(sender: Sender) -> ScenarioOutcome:
    outcome = ScenarioOutcome()
    parameters = sender.path_parameters()
    if not sender.is_read or not parameters or _needs_more(sender):
        return outcome
    *context, resource = parameters
    known = {param.name: sender.known_value(param.name) for param in context}
    values = {param.name: known[param.name] or unknown_value(param.schema) for param in context}
    values[resource.name] = unknown_value(resource.schema)
    exchange = sender.send(values)
    outcome.requests = 1
    outcome.checks_run |= {CheckClass.SERVER_ERROR, CheckClass.ERROR_CODE, CheckClass.STATUS_CODE, CheckClass.SCHEMA}
    name = resource.name
    documented_404 = sender.documented("404") is not None
    # Only a request that is about this id alone must get exactly 404: an unknown parent (another org's, say)
    # may rightly be 403, and a stand-in id the parameter's schema refuses may rightly be 400.
    exact = all(known.values()) and _fits(sender.api.spec.contract.validators, resource.schema, values[resource.name])
    expected = "status 404" if documented_404 else "a 4xx status"
    status = exchange.status
    if status >= 500:  # noqa: PLR2004 - the 5xx class
        outcome.findings.append(
            sender.finding(
                exchange,
                source=SOURCE,
                check=CheckClass.SERVER_ERROR,
                evidence=sender.operation.evidence,
                title=f"Server error for an unknown {name}",
                message=f"A well-formed {name} that does not exist answered {status}.",
                expected=expected,
            )
        )
    elif status < 400:  # noqa: PLR2004 - anything but a client error
        outcome.findings.append(
            sender.finding(
                exchange,
                source=SOURCE,
                check=CheckClass.ERROR_CODE,
                evidence=sender.response_evidence("404"),
                title=f"Unknown {name} answered {status}",
                message=f"A well-formed {name} that does not exist must not succeed.",
                expected=expected,
            )
        )
    elif documented_404 and exact and status not in {404, 401}:  # a 401 is about the credentials, not the id
        # The page promises 404 for this condition; another documented refusal (403, 400) misleads a client.
        outcome.findings.append(
            sender.finding(
                exchange,
                source=SOURCE,
                check=CheckClass.ERROR_CODE,
                evidence=sender.response_evidence("404"),
                title=f"Unknown {name} answered {status}, not 404",
                message=f"A well-formed {name} that does not exist must get the documented 404.",
                expected=expected,
            )
        )
    elif sender.documented(str(status)) is None:
        documented = ", ".join(sender.operation.documented_statuses)
        outcome.findings.append(
            sender.finding(
                exchange,
                source=SOURCE,
                check=CheckClass.STATUS_CODE,
                # A stand-in the parameter's schema refuses makes the request invalid, and pages rarely list
                # how invalid input is refused: judged as a negative case's status is (`checks/classify.py`).
                evidence=sender.operation.status_codes_evidence if exact else Evidence.INFERRED,
                title=f"Undocumented status {status} for an unknown {name}",
                message=f"Documented statuses: {documented}.",
                expected=expected,
            )
        )
    # A success that names another resource is wrong on the body's own contract, whatever the 404's evidence.
    outcome.findings += sender.body_findings(exchange, source=SOURCE, requested=values)
    return outcome


def _fits(validators: Validators, schema: Schema | None, value: Any) -> bool:
    """Whether the stand-in id is one the parameter's schema accepts; a schema the validator cannot read says no."""
    if schema is None:
        return True
    return bool(validators.is_valid(schema, value))


def unknown_value(schema: Schema | None) -> Any:
    """A value the schema accepts, so the server's answer is about existence, not about validation."""
    if schema is not None and (schema.is_type("integer") or schema.is_type("number")):
        return UNKNOWN_INTEGER
    if schema is not None and schema.get("format") == "uuid":
        return UNKNOWN_UUID
    return UNKNOWN_STRING


def _needs_more(sender: Sender) -> bool:
    """A required query or header parameter with no known value: the request could not be well-formed.

    Its answer (a 400 for the missing parameter) would say nothing about whether the id exists.
    """
    return any(
        parameter.required and parameter.location in {"query", "header"} and not sender.known_value(parameter.name)
        for parameter in sender.operation.parameters
    )
