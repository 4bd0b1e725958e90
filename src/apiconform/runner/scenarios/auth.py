"""Error codes by credential condition, on a resource that exists, with expectations from the spec.

No credentials, a malformed token and an expired token must each be refused with 401; another
organisation's valid token must get the documented 403. A 2xx is an `auth` failure resting on the
security scheme's evidence; the wrong refusal is an `error_code` finding resting on the documented
status's evidence.
"""

from __future__ import annotations

from dataclasses import dataclass

from apiconform.core.vocabulary import CheckClass, Evidence
from apiconform.runner.scenarios._kit import ScenarioOutcome, Sender

__all__ = ["auth_conditions"]

SOURCE = "auth_conditions"
MALFORMED = "Bearer apiconform.malformed.token"
EXPIRED_ENV = "APICONFORM_EXPIRED_TOKEN"
OTHER_ENV = "APICONFORM_OTHER_TOKEN"


@dataclass(frozen=True, slots=True)
class _Condition:
    name: str
    authorization: str | None
    expected: str
    # schemathesis's ignored_auth already fails a 2xx without credentials; report it once.
    report_success: bool = True
    # Where a rerun of the curl line gets this credential; "" keeps the (harmless) literal.
    credential_env: str = ""


def auth_conditions(sender: Sender) -> ScenarioOutcome:
    outcome = ScenarioOutcome()
    security = sender.api.spec.security_evidence(sender.operation)
    path = sender.known_path()
    if security is None or path is None or not sender.is_read:
        return outcome
    conditions = [
        _Condition("no credentials", None, "401", report_success=False),
        _Condition("a malformed token", MALFORMED, "401"),
    ]
    if sender.api.expired_token:
        conditions.append(
            _Condition("an expired token", f"Bearer {sender.api.expired_token}", "401", credential_env=EXPIRED_ENV)
        )
    # Only a path that names a resource belongs to one organisation; a collection answers each with its own.
    if sender.api.other_token and sender.documented("403") is not None and sender.path_parameters():
        conditions.append(
            _Condition(
                "another organisation's token", f"Bearer {sender.api.other_token}", "403", credential_env=OTHER_ENV
            )
        )
    for condition in conditions:
        exchange = sender.send(path, authorization=condition.authorization, credential_env=condition.credential_env)
        outcome.requests += 1
        status = exchange.status
        common = {"source": SOURCE, "expected": f"status {condition.expected} for {condition.name}"}
        if status < 300 and condition.report_success:  # noqa: PLR2004 - the 2xx class
            outcome.findings.append(
                sender.finding(
                    exchange,
                    check=CheckClass.AUTH,
                    evidence=security,
                    title=f"Accepted {condition.name}",
                    message=f"A request with {condition.name} got {status}; the operation requires credentials.",
                    **common,
                )
            )
        elif status >= 500:  # noqa: PLR2004 - the 5xx class
            outcome.findings.append(
                sender.finding(
                    exchange,
                    check=CheckClass.SERVER_ERROR,
                    evidence=sender.operation.evidence,
                    title=f"Server error for {condition.name}",
                    message=f"A request with {condition.name} answered {status}.",
                    **common,
                )
            )
        elif status >= 300 and str(status) != condition.expected:  # noqa: PLR2004 - refused, but not as documented
            outcome.findings.append(
                sender.finding(
                    exchange,
                    check=CheckClass.ERROR_CODE,
                    evidence=Evidence.weakest(security, sender.response_evidence(condition.expected)),
                    title=f"{condition.name.capitalize()} refused with {status}, not {condition.expected}",
                    message=f"Expected {condition.expected} for a request with {condition.name}.",
                    **common,
                )
            )
        outcome.findings += sender.body_findings(exchange, source=SOURCE)
    outcome.checks_run |= {CheckClass.AUTH, CheckClass.ERROR_CODE, CheckClass.SCHEMA}
    return outcome
