"""Error codes by credential condition, on a resource that exists, with expectations from the spec.

No credentials, a malformed token and an expired token must each be refused with 401; another
organisation's valid token must get the documented 403. Each probe speaks the operation's own scheme:
the same header, query parameter or cookie and the same prefix as the real credential (`Token <malformed>`
for a `Token` apiKey), so it reaches the server's token validation rather than its header parser.
A 2xx is an `auth` failure resting on the security scheme's evidence; the wrong refusal is an
`error_code` finding resting on the documented status's evidence.
"""

from __future__ import annotations

import base64
import dataclasses
from dataclasses import dataclass

from apiconform.core.vocabulary import CheckClass, Evidence
from apiconform.runner.auth_answers import Condition
from apiconform.runner.scenarios._kit import ScenarioOutcome, Sender

__all__ = ["auth_conditions"]

SOURCE = "auth_conditions"
MALFORMED = "apiconform.malformed.token"
# Basic's malformed credential is well-formed base64 of a pair no server knows, so it reaches the password check.
MALFORMED_BASIC = base64.b64encode(b"apiconform:malformed-password").decode()
PREFIXED_BY_SCHEMATHESIS = frozenset({"bearer", "basic"})


@dataclass(frozen=True, slots=True)
class _Condition:
    name: str
    # The token sent in the scheme's place, after its prefix; None sends no credential at all.
    credential: str | None
    expected: str
    # The same question schemathesis's `ignored_auth` asks; where it has, its answer is judged instead.
    asked_by_schemathesis: Condition | None = None
    # schemathesis's ignored_auth already fails a 2xx without credentials; report it once.
    report_success: bool = True


def auth_conditions(sender: Sender) -> ScenarioOutcome:
    outcome = ScenarioOutcome()
    security = sender.api.spec.security_evidence(sender.operation)
    path = sender.known_path()
    if security is None or path is None or not sender.is_read or not sender.placements():
        return outcome
    malformed = MALFORMED_BASIC if any(place.scheme.kind == "basic" for place in sender.placements()) else MALFORMED
    sender.redactor.allow(malformed)
    # Refusals are what these probes ask for; they say nothing about whether the run's credentials work.
    sender = dataclasses.replace(sender, counted=False)
    # schemathesis's invalid value carries the scheme's own prefix only for bearer and basic; an apiKey
    # (`Token <value>`) gets a bare value, which a server's header parser refuses before any token check.
    prefixed = all(place.scheme.kind in PREFIXED_BY_SCHEMATHESIS for place in sender.placements())
    invalid = Condition.INVALID_CREDENTIAL if prefixed else None
    conditions = [
        _Condition("no credentials", None, "401", report_success=False, asked_by_schemathesis=Condition.NO_CREDENTIALS),
        _Condition("a malformed token", malformed, "401", asked_by_schemathesis=invalid),
    ]
    if sender.api.expired_token:
        conditions.append(_Condition("an expired token", sender.api.expired_token, "401"))
    # Only a path that names a resource belongs to one organisation; a collection answers each with its own.
    if sender.api.other_token and sender.documented("403") is not None and sender.path_parameters():
        conditions.append(_Condition("another organisation's token", sender.api.other_token, "403"))
    for condition in conditions:
        asked = sender.replay(condition.asked_by_schemathesis) if condition.asked_by_schemathesis else None
        exchange = asked or sender.send(path, credential=condition.credential)
        outcome.requests += 0 if asked else 1
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
