"""Judging a schemathesis failure: which check class it belongs to and how well the contract it rests on is known.

One table maps every check that can run to a check class and to the part of the spec whose evidence
decides its severity, so a 404 that only we inferred never fails a gate while a documented enum does.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from schemathesis.core.failures import Failure

from apiconform.checks.negation import negated_evidence
from apiconform.checks.violations import ContractViolation
from apiconform.core.vocabulary import CheckClass, Evidence
from apiconform.specs.document import SpecDocument
from apiconform.specs.model import Operation

if TYPE_CHECKING:
    from schemathesis.generation.meta import CaseMetadata

__all__ = ["CHECK_CLASS_BY_NAME", "Classification", "classify_failure"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Classification:
    check: CheckClass
    evidence: Evidence
    pointer: str = ""
    expected: str = ""
    actual: str = ""
    doc: str = ""


EvidenceRule = Callable[[SpecDocument, Operation, Failure, int | None], Evidence]


def _operation(_: SpecDocument, operation: Operation, __: Failure, ___: int | None) -> Evidence:
    return operation.evidence


def _status_codes(_: SpecDocument, operation: Operation, __: Failure, ___: int | None) -> Evidence:
    return operation.status_codes_evidence


def _security(document: SpecDocument, operation: Operation, _: Failure, __: int | None) -> Evidence:
    return document.security_evidence(operation) or Evidence.INFERRED


def _response(_: SpecDocument, operation: Operation, failure: Failure, received: int | None) -> Evidence:
    """Judged by the documented response the server answered with; an undocumented one rests on the status list."""
    status = getattr(failure, "status_code", received)
    response = operation.responses.get(str(status)) if status is not None else None
    return operation.status_codes_evidence if response is None else response.evidence


def _http_semantics(_: SpecDocument, __: Operation, ___: Failure, ____: int | None) -> Evidence:
    # 405 and Allow come from HTTP itself; no vendor page documents them, so they never gate.
    return Evidence.INFERRED


# check name -> (class, whose evidence decides severity)
CHECKS: dict[str, tuple[CheckClass, EvidenceRule]] = {
    "not_a_server_error": (CheckClass.SERVER_ERROR, _operation),
    "status_code_conformance": (CheckClass.STATUS_CODE, _status_codes),
    "content_type_conformance": (CheckClass.CONTENT_TYPE, _response),
    "response_headers_conformance": (CheckClass.SCHEMA, _response),
    "response_schema_conformance": (CheckClass.SCHEMA, _response),
    "negative_data_rejection": (CheckClass.ERROR_CODE, _status_codes),
    # "Schema-valid input must succeed" is schemathesis's inference, not a vendor's word: a documented 4xx
    # for a business rule (resuming a closed invoice) is valid behaviour.
    "positive_data_acceptance": (CheckClass.ERROR_CODE, _http_semantics),
    "missing_required_header": (CheckClass.ERROR_CODE, _status_codes),
    "ignored_auth": (CheckClass.AUTH, _security),
    "object_level_authorization": (CheckClass.AUTH, _security),
    "unsupported_method": (CheckClass.STATUS_CODE, _http_semantics),
    "allow_header_conformance": (CheckClass.STATUS_CODE, _http_semantics),
    "use_after_free": (CheckClass.STATEFUL, _operation),
    "ensure_resource_availability": (CheckClass.STATEFUL, _operation),
}
CHECK_CLASS_BY_NAME: dict[str, CheckClass] = {
    "response_body_conformance": CheckClass.SCHEMA,
    "response_resource_identity": CheckClass.SCHEMA,
    **{name: check for name, (check, _) in CHECKS.items()},
}
# A body check that passes has checked all of these at once.
BODY_CLASSES = frozenset({CheckClass.ENUM, CheckClass.REQUIRED, CheckClass.TYPE, CheckClass.FORMAT, CheckClass.SCHEMA})
# Invalid input accepted: as well known as the constraint that was broken, not only as the status list.
NEGATION_CHECKS = frozenset({"negative_data_rejection", "missing_required_header"})


def classes_exercised(check_name: str) -> frozenset[CheckClass]:
    """Which matrix columns a check covers when it runs, whether or not it fails."""
    if check_name == "response_body_conformance":
        return BODY_CLASSES
    check = CHECK_CLASS_BY_NAME.get(check_name)
    return frozenset({check}) if check is not None else frozenset()


def classify_failure(
    failure: Failure,
    *,
    check_name: str,
    document: SpecDocument,
    operation: Operation,
    status: int | None = None,
    negative: bool = False,
    meta: CaseMetadata | None = None,
) -> Classification:
    if isinstance(failure, ContractViolation):
        return Classification(
            check=failure.check_class,
            evidence=failure.evidence,
            pointer=failure.pointer,
            expected=failure.expected,
            actual=failure.actual,
            doc=failure.doc or operation.doc,
        )
    check, rule = CHECKS.get(check_name, (CheckClass.SCHEMA, _operation))
    expected, actual = _expected_actual(failure)
    evidence = rule(document, operation, failure, status)
    if check_name in NEGATION_CHECKS:
        negated = negated_evidence(document, operation, meta)
        evidence = evidence if negated is None else Evidence.weakest(evidence, negated)
    if check is CheckClass.STATUS_CODE and negative and status is not None and 400 <= status < 500:  # noqa: PLR2004
        # Pages list the statuses of valid requests; how invalid input is refused is rarely on them.
        evidence = Evidence.INFERRED
    elif check_name == "status_code_conformance" and not negative and status is not None and 200 <= status < 300:  # noqa: PLR2004
        # A valid request answered with a success the page does not list breaks the documented success itself,
        # however incomplete the page's list of error statuses is.
        success = _documented_success_evidence(operation)
        if success is not None and success.strength > evidence.strength:
            evidence = success
    return Classification(
        check=check,
        evidence=evidence,
        expected=expected,
        actual=actual,
        doc=operation.doc,
    )


def _documented_success_evidence(operation: Operation) -> Evidence | None:
    """How well the operation's success answers are known: the weakest of them; None when none is documented."""
    successes = [response for key, response in operation.responses.items() if key.startswith("2")]
    if not successes:
        return None
    return Evidence.weakest(operation.evidence, *(response.evidence for response in successes))


def _expected_actual(failure: Failure) -> tuple[str, str]:
    status = getattr(failure, "status_code", None)
    actual = f"status {status}" if status is not None else ""
    for attribute in ("defined_status_codes", "expected_statuses", "allowed_statuses", "allowed_status_codes"):
        value: Any = getattr(failure, attribute, None)
        if value:
            return f"status in {_listing(value)}", actual
    if hasattr(failure, "defined_content_types"):
        return (
            f"content type in {_listing(failure.defined_content_types)}",
            f"content type {getattr(failure, 'content_type', '')}",
        )
    if hasattr(failure, "media_types"):
        return f"content type in {_listing(failure.media_types)}", "no Content-Type header"
    if failure.__class__.__name__ == "ServerError":
        return "no 5xx response", actual
    if failure.__class__.__name__ == "IgnoredAuth":
        return "401 or 403 without valid credentials", _first_line(failure.message)
    return "", actual or _first_line(failure.message)


def _listing(values: Any) -> str:
    return json.dumps(sorted(str(value) for value in values))


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else ""
