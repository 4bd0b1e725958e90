"""The fault catalogue: one contract violation per fault, each switchable on the sandbox.

Faults exist to prove the checks. They live only in the sandbox; no check may import this module
(a test enforces it), so detection is judged from HTTP alone. Each fault records which check class on
which operation should catch it, so tests and the detection table read their expectations from here.
A fault whose detection waits for something apiconform does not have yet names it in `needs`; tests
expect such a fault to go undetected rather than pretend otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from apiconform.core.regression import DriftKind
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
    AP_OK_UNKNOWN_ID = "ap-200-unknown-id"
    AP_OK_UNKNOWN_ID_OTHER_INVOICE = "ap-200-unknown-id-other-invoice"
    AP_CREATED_FOR_READ = "ap-201-for-read"
    AMILI_ENUM_OUT_OF_SET = "amili-enum-out-of-set"
    AMILI_REQUIRED_DROPPED = "amili-required-dropped"
    AMILI_ENVELOPE_DROPPED = "amili-envelope-dropped"
    AMILI_WRONG_TYPE = "amili-wrong-type"
    AMILI_BAD_DATE_TIME = "amili-bad-date-time"
    AMILI_ARRAY_TURNED_OBJECT = "amili-array-turned-object"
    AMILI_STATUS_NEITHER_SHAPE = "amili-status-neither-shape"
    AMILI_NO_AUTH = "amili-no-auth"
    AMILI_GARBAGE_TOKEN_ACCEPTED = "amili-garbage-token-accepted"
    AMILI_EXPIRED_TOKEN_ACCEPTED = "amili-expired-token-accepted"
    AMILI_OTHER_ORGANIZATION_ALLOWED = "amili-other-organization-allowed"
    AMILI_SERVER_ERROR_UNKNOWN_ID = "amili-500-unknown-id"
    AMILI_OK_UNKNOWN_ID = "amili-200-unknown-id"
    AMILI_UNDOCUMENTED_STATUS = "amili-undocumented-status"
    AMILI_INVALID_BODY_ACCEPTED = "amili-invalid-body-accepted"
    AMILI_WRONG_CONTENT_TYPE = "amili-wrong-content-type"
    AMILI_DEFAULT_NOT_APPLIED = "amili-default-not-applied"
    AMILI_PAGING_CAP_IGNORED = "amili-paging-cap-ignored"
    AMILI_ILLEGAL_TRANSITION_ACCEPTED = "amili-illegal-transition-accepted"
    AMILI_BATCH_STUCK_QUEUED = "amili-batch-stuck-queued"
    AMILI_DELETED_CUSTOMER_SERVED = "amili-deleted-customer-served"
    AMILI_REFRESHED_TOKEN_REJECTED = "amili-refreshed-token-rejected"
    AMILI_WRONG_INVOICE = "amili-wrong-invoice"
    AMILI_NAN_AMOUNT = "amili-nan-amount"
    AMILI_FORBIDDEN_UNKNOWN_ID = "amili-403-unknown-id"
    AMILI_FIELD_VANISHED = "amili-field-vanished"


@dataclass(frozen=True, slots=True, kw_only=True)
class FaultInfo:
    description: str
    api: str
    operation: str
    detected_by: CheckClass
    severity: Severity
    # Other operations a run must include for the violation to show (a stateful fault needs its create and delete).
    also: tuple[str, ...] = ()
    # A fault no single run can see: comparing with a clean run (`--compare-to`) shows it as this drift at
    # `pointer`; on its own the run finds nothing, so `detected_by` and `severity` say what it is not failed as.
    drift: DriftKind | None = None
    pointer: str = ""

    @property
    def operations(self) -> tuple[str, ...]:
        return (self.operation, *self.also)


AP_GET = "GET /v1/invoice/{id}"
COLLECTION = "amili/collection"
AUTOCOLLECT = "amili/autocollect"
ARM = "amili/arm"
DISTRIBUTION = "amili/distribution-invoice"
ALL_BATCHES = "GET /batches"
BATCH_BY_ID = "GET /batches/{batchId}"
ORG_INVOICES = "GET /orgs/{orgId}/invoices"
INVOICE_BY_ID = "GET /orgs/{orgId}/invoices/{invoiceId}"
AR_ITEMS = "GET /clients/{clientno}/aritems"
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
        # The status list is INFERRED, but the documented success is DOC: another 2xx breaks the contract.
        description="203 instead of the documented 200",
        api="ap-invoice",
        operation=AP_GET,
        detected_by=CheckClass.STATUS_CODE,
        severity=Severity.FAILURE,
    ),
    Fault.AP_CREATED_FOR_READ: FaultInfo(
        description="201 instead of the documented 200, and the invoice without its required status",
        api="ap-invoice",
        operation=AP_GET,
        # The undocumented success's body is still judged by the documented 200's schema.
        detected_by=CheckClass.REQUIRED,
        severity=Severity.FAILURE,
    ),
    Fault.AP_OK_UNKNOWN_ID: FaultInfo(
        description="200 with an empty invoice for an id that does not exist",
        api="ap-invoice",
        operation=AP_GET,
        detected_by=CheckClass.ERROR_CODE,
        severity=Severity.WARNING,
    ),
    Fault.AP_OK_UNKNOWN_ID_OTHER_INVOICE: FaultInfo(
        description="200 with another, complete invoice for an id that does not exist",
        api="ap-invoice",
        operation=AP_GET,
        # The 404 is INFERRED, but the body's `id` (DOC) names a resource nobody asked for.
        detected_by=CheckClass.SCHEMA,
        severity=Severity.FAILURE,
    ),
    Fault.AMILI_ENUM_OUT_OF_SET: FaultInfo(
        description="a finished batch reports 'COMPLETED', none of the guide's terminal SUCCESS/PARTIAL/FAILED",
        api=COLLECTION,
        operation="POST /orgs/{orgId}/invoices",
        # The guide gives a lifecycle, not a closed value set: an unknown status is drift in a batch read and,
        # since the poll never sees a terminal one, a warning on the create whose batch never finishes.
        detected_by=CheckClass.STATEFUL,
        severity=Severity.WARNING,
    ),
    Fault.AMILI_REQUIRED_DROPPED: FaultInfo(
        description="Get invoice by ID drops the envelope's `data` member and sends the invoice bare",
        api=COLLECTION,
        operation=INVOICE_BY_ID,
        detected_by=CheckClass.REQUIRED,
        severity=Severity.FAILURE,
    ),
    Fault.AMILI_ENVELOPE_DROPPED: FaultInfo(
        description="Get all batches answers a bare array instead of the {summary, data} envelope",
        api=COLLECTION,
        operation=ALL_BATCHES,
        detected_by=CheckClass.TYPE,
        severity=Severity.FAILURE,
    ),
    Fault.AMILI_WRONG_TYPE: FaultInfo(
        description="invoice amounts sent as strings ('1250.00') instead of numbers",
        api=COLLECTION,
        operation=ORG_INVOICES,
        detected_by=CheckClass.TYPE,
        severity=Severity.FAILURE,
    ),
    Fault.AMILI_BAD_DATE_TIME: FaultInfo(
        description="batch createdAt in Norwegian display format ('09.03.2026 14:30') instead of ISO 8601",
        api=COLLECTION,
        operation=ALL_BATCHES,
        detected_by=CheckClass.FORMAT,
        severity=Severity.FAILURE,
    ),
    Fault.AMILI_ARRAY_TURNED_OBJECT: FaultInfo(
        description="a batch's `succeeded` list sent as its first item alone (an object instead of an array)",
        api=COLLECTION,
        operation=ALL_BATCHES,
        detected_by=CheckClass.TYPE,
        severity=Severity.FAILURE,
    ),
    Fault.AMILI_STATUS_NEITHER_SHAPE: FaultInfo(
        description="legacy batch status sent as a bare status code, neither the status object nor a lifecycle string",
        api=COLLECTION,
        operation=ALL_BATCHES,
        detected_by=CheckClass.SCHEMA,
        severity=Severity.FAILURE,
    ),
    Fault.AMILI_NO_AUTH: FaultInfo(
        description="the Collection API answers 200 without any Authorization header",
        api=COLLECTION,
        operation=ALL_BATCHES,
        detected_by=CheckClass.AUTH,
        severity=Severity.FAILURE,
    ),
    Fault.AMILI_GARBAGE_TOKEN_ACCEPTED: FaultInfo(
        description="the Collection API accepts any bearer token, however malformed",
        api=COLLECTION,
        operation=ALL_BATCHES,
        detected_by=CheckClass.AUTH,
        severity=Severity.FAILURE,
    ),
    Fault.AMILI_EXPIRED_TOKEN_ACCEPTED: FaultInfo(
        description="the Collection API accepts an Identiverse token past its `exp`",
        api=COLLECTION,
        operation=ALL_BATCHES,
        detected_by=CheckClass.AUTH,
        severity=Severity.FAILURE,
    ),
    Fault.AMILI_OTHER_ORGANIZATION_ALLOWED: FaultInfo(
        description="a token scoped to one organisation reads another organisation's invoices (200 instead of 403)",
        api=COLLECTION,
        operation=INVOICE_BY_ID,
        detected_by=CheckClass.AUTH,
        severity=Severity.FAILURE,
    ),
    Fault.AMILI_SERVER_ERROR_UNKNOWN_ID: FaultInfo(
        description="500 with a stack trace for an invoice id that does not exist",
        api=COLLECTION,
        operation=INVOICE_BY_ID,
        detected_by=CheckClass.SERVER_ERROR,
        severity=Severity.FAILURE,
    ),
    Fault.AMILI_OK_UNKNOWN_ID: FaultInfo(
        description="200 with an empty AR item for an AR item id that does not exist",
        api=ARM,
        operation="GET /clients/{clientno}/aritems/{aritemid}",
        detected_by=CheckClass.ERROR_CODE,
        severity=Severity.FAILURE,
    ),
    Fault.AMILI_UNDOCUMENTED_STATUS: FaultInfo(
        description="Get batch by ID answers 206 for a partly done batch (its page lists 200, 401, 403, 404, 500, 503)",
        api=COLLECTION,
        operation=BATCH_BY_ID,
        detected_by=CheckClass.STATUS_CODE,
        severity=Severity.FAILURE,
    ),
    Fault.AMILI_INVALID_BODY_ACCEPTED: FaultInfo(
        description="Add a new B2C invoice accepts any body (e.g. `Invoice` as a string) with 200",
        api=DISTRIBUTION,
        operation="POST /send/invoice",
        detected_by=CheckClass.ERROR_CODE,
        severity=Severity.WARNING,
    ),
    Fault.AMILI_WRONG_CONTENT_TYPE: FaultInfo(
        description="the legacy Batch DTO served as text/json instead of application/json",
        api=AUTOCOLLECT,
        operation="GET /webapi/api/Batch",
        detected_by=CheckClass.CONTENT_TYPE,
        severity=Severity.FAILURE,
    ),
    Fault.AMILI_DEFAULT_NOT_APPLIED: FaultInfo(
        description="without `pagesize`, the AR item list returns every item instead of the documented default 100",
        api=ARM,
        operation=AR_ITEMS,
        detected_by=CheckClass.DEFAULT,
        severity=Severity.FAILURE,
    ),
    Fault.AMILI_PAGING_CAP_IGNORED: FaultInfo(
        description="the AR item list accepts `pagesize` above the documented cap 1000 and pages past it",
        api=ARM,
        operation=AR_ITEMS,
        detected_by=CheckClass.ERROR_CODE,
        severity=Severity.WARNING,
    ),
    Fault.AMILI_ILLEGAL_TRANSITION_ACCEPTED: FaultInfo(
        description="Resume reopens a withdrawn invoice (202) instead of refusing the transition with 409",
        api=COLLECTION,
        operation="POST /orgs/{orgId}/invoices/{invoiceId}/resume",
        detected_by=CheckClass.STATEFUL,
        # Which transitions are legal is INFERRED: the pages list Resume's 400 but not the state machine.
        severity=Severity.WARNING,
        also=(
            "POST /orgs/{orgId}/invoices",
            "POST /orgs/{orgId}/invoices/{invoiceId}/pause",
            "POST /orgs/{orgId}/invoices/{invoiceId}/withdraw",
        ),
    ),
    Fault.AMILI_BATCH_STUCK_QUEUED: FaultInfo(
        description="batches created by Create a new invoice never leave QUEUED",
        api=COLLECTION,
        operation="POST /orgs/{orgId}/invoices",
        detected_by=CheckClass.STATEFUL,
        # The lifecycle is documented, its duration is not: stuck and slow look the same from outside.
        severity=Severity.WARNING,
    ),
    Fault.AMILI_DELETED_CUSTOMER_SERVED: FaultInfo(
        description="a deleted ARM customer is still served with 200 instead of 404",
        api=ARM,
        # schemathesis's use_after_free names the DELETE whose resource is still served.
        operation="DELETE /clients/{clientno}/customers/{customerno}",
        detected_by=CheckClass.STATEFUL,
        # Delete a customer and Get one customer (with its 404) are both documented pages.
        severity=Severity.FAILURE,
        also=("POST /clients/{clientno}/customers", "GET /clients/{clientno}/customers/{customerno}"),
    ),
    Fault.AMILI_REFRESHED_TOKEN_REJECTED: FaultInfo(
        description="Refresh answers a token the service's own Verify refuses (signed with another key)",
        api="amili/identity",
        operation="GET /verify",
        detected_by=CheckClass.STATEFUL,
        # Refresh and Verify are known by their titles only: what they take and answer is INFERRED.
        severity=Severity.WARNING,
        also=("POST /token", "POST /refresh"),
    ),
    Fault.AMILI_WRONG_INVOICE: FaultInfo(
        description="Get invoice by ID answers with another invoice of the organisation (a cache keyed too coarsely)",
        api=COLLECTION,
        operation=INVOICE_BY_ID,
        detected_by=CheckClass.SCHEMA,
        severity=Severity.FAILURE,
    ),
    Fault.AMILI_NAN_AMOUNT: FaultInfo(
        description="Get invoice by ID sends currentAmount as the bare literal NaN, which JSON does not allow",
        api=COLLECTION,
        operation=INVOICE_BY_ID,
        detected_by=CheckClass.SCHEMA,
        severity=Severity.FAILURE,
    ),
    Fault.AMILI_FORBIDDEN_UNKNOWN_ID: FaultInfo(
        description="an invoice id that does not exist answers 403 (documented, but for another condition) not 404",
        api=COLLECTION,
        operation=INVOICE_BY_ID,
        detected_by=CheckClass.ERROR_CODE,
        severity=Severity.FAILURE,
    ),
    Fault.AMILI_FIELD_VANISHED: FaultInfo(
        description="Get invoice by ID stops sending the documented, optional collectionCaseNumber",
        api=COLLECTION,
        operation=INVOICE_BY_ID,
        detected_by=CheckClass.SCHEMA,
        severity=Severity.WARNING,
        drift=DriftKind.FIELD_GONE,
        pointer="/data/collectionCaseNumber",
    ),
}
