"""The fault catalogue: one contract violation per fault, each switchable on the sandbox.

Faults exist to prove the checks. They live only in the sandbox; no check may import this module
(a test enforces it), so detection is judged from HTTP alone. Each fault records which check class on
which operation should catch it, so tests and the detection table read their expectations from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from apiconform.core.vocabulary import CheckClass, Severity

__all__ = ["FAULTS", "Fault", "FaultInfo"]


class Fault(StrEnum):
    AP_ENUM_OUT_OF_SET = "ap-enum-out-of-set"
    AP_ENUM_CASE_DRIFT = "ap-enum-case-drift"
    AP_REQUIRED_DROPPED = "ap-required-dropped"
    AP_WRONG_TYPE = "ap-wrong-type"
    AP_BAD_DATE_TIME = "ap-bad-date-time"
    AP_ARRAY_TURNED_OBJECT = "ap-array-turned-object"
    AP_NO_AUTH = "ap-no-auth"
    AP_GARBAGE_TOKEN_ACCEPTED = "ap-garbage-token-accepted"
    AP_SERVER_ERROR_UNKNOWN_ID = "ap-500-unknown-id"
    AP_WRONG_CONTENT_TYPE = "ap-wrong-content-type"
    AP_UNDOCUMENTED_STATUS = "ap-undocumented-status"


@dataclass(frozen=True, slots=True, kw_only=True)
class FaultInfo:
    description: str
    api: str
    operation: str
    detected_by: CheckClass
    severity: Severity


AP_GET = "GET /v1/invoice/{id}"
FAULTS: dict[Fault, FaultInfo] = {
    Fault.AP_ENUM_OUT_OF_SET: FaultInfo(
        description="currency 'XBT', outside the 28 documented values",
        api="ap-invoice",
        operation=AP_GET,
        detected_by=CheckClass.ENUM,
        severity=Severity.FAILURE,
    ),
    Fault.AP_ENUM_CASE_DRIFT: FaultInfo(
        description="status in lower case ('new' for NEW)",
        api="ap-invoice",
        operation=AP_GET,
        detected_by=CheckClass.ENUM,
        severity=Severity.FAILURE,
    ),
    Fault.AP_REQUIRED_DROPPED: FaultInfo(
        description="the required field 'status' left out of every invoice",
        api="ap-invoice",
        operation=AP_GET,
        detected_by=CheckClass.REQUIRED,
        severity=Severity.FAILURE,
    ),
    Fault.AP_WRONG_TYPE: FaultInfo(
        description="totalAmount sent as a string ('1234.50')",
        api="ap-invoice",
        operation=AP_GET,
        detected_by=CheckClass.TYPE,
        severity=Severity.FAILURE,
    ),
    Fault.AP_BAD_DATE_TIME: FaultInfo(
        description="createdAt without the 'T' and zone ('2026-03-14 09:30:00')",
        api="ap-invoice",
        operation=AP_GET,
        detected_by=CheckClass.FORMAT,
        severity=Severity.FAILURE,
    ),
    Fault.AP_ARRAY_TURNED_OBJECT: FaultInfo(
        description="splits sent as a single object instead of an array",
        api="ap-invoice",
        operation=AP_GET,
        detected_by=CheckClass.TYPE,
        severity=Severity.FAILURE,
    ),
    Fault.AP_NO_AUTH: FaultInfo(
        description="200 without any Authorization header",
        api="ap-invoice",
        operation=AP_GET,
        detected_by=CheckClass.AUTH,
        severity=Severity.FAILURE,
    ),
    Fault.AP_GARBAGE_TOKEN_ACCEPTED: FaultInfo(
        description="any bearer token accepted, however malformed",
        api="ap-invoice",
        operation=AP_GET,
        detected_by=CheckClass.AUTH,
        severity=Severity.FAILURE,
    ),
    Fault.AP_SERVER_ERROR_UNKNOWN_ID: FaultInfo(
        description="500 with a stack trace for an id that does not exist",
        api="ap-invoice",
        operation=AP_GET,
        detected_by=CheckClass.SERVER_ERROR,
        severity=Severity.FAILURE,
    ),
    Fault.AP_WRONG_CONTENT_TYPE: FaultInfo(
        description="the invoice served as text/plain",
        api="ap-invoice",
        operation=AP_GET,
        detected_by=CheckClass.CONTENT_TYPE,
        severity=Severity.FAILURE,
    ),
    Fault.AP_UNDOCUMENTED_STATUS: FaultInfo(
        description="203 instead of 200 (the page lists only 200, so this rests on inferred contract)",
        api="ap-invoice",
        operation=AP_GET,
        detected_by=CheckClass.STATUS_CODE,
        severity=Severity.WARNING,
    ),
}
