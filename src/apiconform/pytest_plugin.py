"""Running apiconform's checks inside a team's own pytest suite, judged exactly as `apiconform run` judges.

A gating (DOC) finding fails the test as an assertion; anything resting on EXAMPLE or INFERRED contract
becomes a ContractWarning, which pytest shows in its summary without failing the test.
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any

from schemathesis.core.failures import Failure, FailureGroup

from apiconform.checks.classify import classify_failure
from apiconform.core.errors import ContractFailure
from apiconform.core.redaction import Redactor
from apiconform.core.vocabulary import Evidence

if TYPE_CHECKING:
    from schemathesis import Response
    from schemathesis.generation.case import Case

    from apiconform.specs.document import SpecDocument

__all__ = ["ContractWarning", "judge"]


class ContractWarning(UserWarning):
    """A finding that rests on EXAMPLE or INFERRED contract: worth reading, never worth failing a build."""


def judge(case: Case[Any], response: Response, *, document: SpecDocument) -> None:
    """Run every enabled check on one response and split the findings by the evidence they rest on."""
    try:
        case.validate_response(response)
    except (Failure, FailureGroup) as exc:
        failures = list(exc.exceptions) if isinstance(exc, FailureGroup) else [exc]
    else:
        return
    operation = document.operation(case.operation.method, case.operation.path)
    if operation is None:
        raise ContractFailure(f"{case.operation.label} is not in {document.path}")
    gating = []
    for failure in failures:
        check_name = type(failure).checks[0] if type(failure).checks else ""
        judged = classify_failure(
            failure,
            check_name=check_name,
            document=document,
            operation=operation,
            status=response.status_code,
            negative=case.meta is not None and case.meta.generation.mode.is_negative,
            meta=case.meta,
        )
        line = f"[{judged.check.value}] {operation.label} {judged.pointer} ({judged.evidence.value}): {failure.title}"
        detail = f"expected {judged.expected}; got {judged.actual}" if judged.expected else failure.message
        if judged.evidence is Evidence.DOC:
            gating.append(f"{line}\n    {detail}")
        else:
            warnings.warn(ContractWarning(f"{line}: {detail}"), stacklevel=2)
    if gating:
        # Hypothesis prints the falsifying case, headers and all; the token must not reach that output.
        if case.headers:
            for name, value in Redactor().headers(dict(case.headers)).items():
                case.headers[name] = value
        raise ContractFailure("\n".join(gating))
