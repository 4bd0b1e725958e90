"""The Amili Collection API in the sandbox: invoices in collection, their batches, payments and settlements.

Creation is asynchronous as the workflow guide describes: invoices and payments are answered 202 with a
batch reference, and the batch moves from QUEUED to SUCCESS, PARTIAL or FAILED after a few reads or a
couple of seconds; only then do the invoices exist or the payments count. Pause, resume and withdraw
follow a state machine and refuse illegal transitions. Every organisation-scoped path is guarded: an
unknown organisation is 404 (403 where 404 is not documented), another organisation's is 403.
"""

from __future__ import annotations

import json
import time
import traceback
import uuid
from datetime import UTC, datetime
from functools import partial
from typing import Any

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from apiconform.sandbox._amili_common import (
    FORBIDDEN,
    INTERNAL,
    KIND,
    NOT_FOUND,
    envelope,
    json_response,
    location,
    now_iso,
    page,
    seed_organizations,
    settled,
)
from apiconform.sandbox._amili_seed import (
    ORGANIZATIONS,
    PAUSE_SLOTS,
    RESUME_SLOTS,
    WITHDRAW_SLOTS,
    collection_batches,
    collection_cases,
    collection_invoices,
    invoice_documents,
    invoice_events,
    invoice_payments,
    organization_reports,
    organization_settlements,
)
from apiconform.sandbox._app import (
    SandboxContext,
    VendorApi,
    error_response,
    inputs_of,
    principal_of,
    refuse,
)
from apiconform.sandbox._faults import Fault
from apiconform.sandbox._identifiers import kid_mod10
from apiconform.sandbox._storage import Store

__all__ = ["COLLECTION"]

JsonObject = dict[str, Any]
TERMINAL = frozenset({"SUCCESS", "PARTIAL", "FAILED"})
# Which status each action moves an invoice to, from the statuses it may start from. Repeating an action
# that already took effect is accepted (idempotent); anything else is an illegal transition.
TRANSITIONS: dict[str, dict[str, str]] = {
    "pause": {"OPEN": "PAUSED", "PAUSED": "PAUSED"},
    "resume": {"PAUSED": "OPEN", "OPEN": "OPEN"},
    "withdraw": {"OPEN": "WITHDRAWN", "PAUSED": "WITHDRAWN", "WITHDRAWN": "WITHDRAWN"},
}
EVENTS = {"PAUSED": "Saken er satt på pause", "OPEN": "Saken er gjenopptatt", "WITHDRAWN": "Trukket av kreditor"}
LEGACY_STATUS_CODES = {"SUCCESS": 0, "PARTIAL": 1, "FAILED": 2, "QUEUED": 3}


# --- guard -----------------------------------------------------------------------------------------


def guard(request: Request, context: SandboxContext) -> Response | None:
    """Organisation scoping for every path that names one (`orgId` or `organizationId`)."""
    organization_id = _organization_id(request)
    if organization_id is None:
        return None
    if context.store.get(KIND.ORGANIZATION, organization_id) is None:
        return refuse(request, NOT_FOUND, f"organization {organization_id} not found")
    if not principal_of(request).may_access_organization(organization_id):
        return refuse(request, FORBIDDEN, f"the token is not scoped to organization {organization_id}")
    return None


def _organization_id(request: Request) -> str | None:
    params = request.path_params
    value = params.get("orgId", params.get("organizationId"))
    return str(value) if value is not None else None


def _org(request: Request) -> str:
    organization_id = _organization_id(request)
    assert organization_id is not None  # noqa: S101 - only called on organisation paths
    return organization_id


# --- batches ---------------------------------------------------------------------------------------


def _load_batch(context: SandboxContext, batch_id: str) -> JsonObject | None:
    """A batch as of now: reading it counts as a poll, and a poll may settle it."""
    return context.store.modify(KIND.BATCH, batch_id, lambda batch: _advance(batch, context))


def _advance(batch: JsonObject, context: SandboxContext) -> JsonObject:
    if batch["status"] in TERMINAL or context.fault(Fault.AMILI_BATCH_STUCK_QUEUED):
        return batch
    state = batch.setdefault(INTERNAL, {"started": time.time(), "polls": 0, "pending": None})
    state["polls"] += 1
    if not settled(state["started"], state["polls"]):
        return batch
    pending = state.pop("pending", None) or {}
    if pending.get("kind") == "invoices":
        _settle_invoices(batch, pending["items"], context.store)
    elif pending.get("kind") == "payments":
        _settle_payments(batch, pending["items"], context.store)
    succeeded, failed = batch["succeeded"], batch["failed"]
    batch["status"] = "SUCCESS" if not failed else "FAILED" if not succeeded else "PARTIAL"
    batch["finishedAt"] = now_iso()
    del batch[INTERNAL]
    return batch


def _settle_invoices(batch: JsonObject, items: list[Any], store: Store) -> None:
    organization_id = batch["organizationId"]
    organization = next(org for org in ORGANIZATIONS if org.id == organization_id)
    taken = {invoice["invoiceNumber"] for invoice in store.documents(KIND.INVOICE, owner=organization_id)}
    for index, item in enumerate(items):
        problem = _invoice_problem(item, taken)
        if problem is not None:
            batch["failed"].append(
                {"objectindex": index, "invoiceNumber": str(item.get("invoiceNumber", "")), "message": problem}
            )
            continue
        taken.add(item["invoiceNumber"])
        sequence = len(store.ids(KIND.INVOICE, owner=organization_id)) + 1
        invoice_id = str(uuid.uuid5(uuid.UUID(batch["batchId"]), str(index)))
        amount = round(float(item["originalInvoiceAmount"]), 2)
        invoice = {
            "id": invoice_id,
            "organization": organization.summary(),
            "invoiceNumber": item["invoiceNumber"],
            "collectionCaseNumber": f"{7100000 + 1000 * organization.index + sequence}",
            "type": str(item.get("type") or "NOTICE"),
            "status": "OPEN",
            "createdAt": now_iso(),
            "originalInvoiceAmount": amount,
            "currency": str(item.get("currency") or "NOK"),
            "invoiceDate": _as_date_time(item.get("invoiceDate")) or now_iso(),
            "dueDate": _as_date_time(item.get("dueDate")) or now_iso(),
            "ocrReferenceNumber": kid_mod10(f"{organization.client_no}{sequence + 500:06d}"),
            "uniqueSourceInvoiceId": str(item.get("uniqueSourceInvoiceId") or f"api-{sequence:05d}"),
            "currentAmount": amount,
            "paidAmount": 0.0,
            "claims": [
                {
                    "type": "PRINCIPAL",
                    "originalAmount": amount,
                    "currentAmount": amount,
                    "paidAmount": 0.0,
                    "currency": str(item.get("currency") or "NOK"),
                },
            ],
            "debtors": [debtor for debtor in item.get("debtors", []) if isinstance(debtor, dict)]
            if isinstance(item.get("debtors"), list)
            else [],
        }
        store.put(KIND.INVOICE, invoice_id, invoice, owner=organization_id)
        _event(store, invoice_id, "REGISTERED", "Faktura registrert via API")
        batch["succeeded"].append(
            {
                "$type": "invoiceSuccess",
                "invoiceNumber": invoice["invoiceNumber"],
                "caseId": invoice["collectionCaseNumber"],
                "invoiceId": invoice_id,
            }
        )


def _invoice_problem(item: Any, taken: set[str]) -> str | None:  # noqa: PLR0911 - one answer per rule, in order
    if not isinstance(item, dict):
        return "an invoice must be an object"
    number = item.get("invoiceNumber")
    if not isinstance(number, str) or not number.strip():
        return "invoiceNumber is missing"
    if number in taken:
        return f"invoiceNumber {number} is already registered"
    amount = item.get("originalInvoiceAmount")
    if not isinstance(amount, int | float) or isinstance(amount, bool) or amount <= 0:
        return "originalInvoiceAmount must be a positive number"
    currency = item.get("currency")
    if currency is not None and (not isinstance(currency, str) or len(currency) != 3 or not currency.isupper()):  # noqa: PLR2004 - ISO 4217 codes
        return "currency must be an ISO 4217 code"
    invoice_date, due_date = _as_date_time(item.get("invoiceDate")), _as_date_time(item.get("dueDate"))
    if invoice_date and due_date and due_date < invoice_date:
        return "dueDate is before invoiceDate"
    return None


def _as_date_time(value: Any) -> str | None:
    """Dates are shown both as yyyy-MM-dd and as date-times; both are read, anything else is ignored."""
    parsed = _instant(value)
    if parsed is None:
        return None
    return parsed.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _settle_payments(batch: JsonObject, items: list[Any], store: Store) -> None:
    organization_id = batch["organizationId"]
    for index, item in enumerate(items):
        invoice_id = str(item.get("invoiceId", "")) if isinstance(item, dict) else ""
        problem = _payment_problem(item, store, organization_id)
        if problem is not None:
            batch["failed"].append({"objectindex": index, "invoiceId": invoice_id, "message": problem})
            continue
        amount = round(float(item["amount"]), 2)
        store.modify(KIND.INVOICE, invoice_id, partial(_apply_payment, amount=amount))
        invoice = store.get(KIND.INVOICE, invoice_id) or {}
        payment_id = str(uuid.uuid5(uuid.UUID(batch["batchId"]), f"payment-{index}"))
        store.put(
            KIND.PAYMENT,
            payment_id,
            {
                "paymentId": payment_id,
                "invoiceId": invoice_id,
                "type": str(item.get("type") or "DIRECT_PAYMENT"),
                "amount": amount,
                "currency": str(item.get("currency") or "NOK"),
                "kid": invoice.get("ocrReferenceNumber", ""),
                "paidAt": now_iso(),
            },
            owner=invoice_id,
        )
        _event(store, invoice_id, "PAYMENT_REGISTERED", f"Innbetaling på {amount:.2f} NOK registrert")
        batch["succeeded"].append(
            {
                "$type": "paymentSuccess",
                "invoiceNumber": invoice.get("invoiceNumber", ""),
                "caseId": invoice.get("collectionCaseNumber", ""),
                "invoiceId": invoice_id,
            }
        )


def _payment_problem(item: Any, store: Store, organization_id: str) -> str | None:
    if not isinstance(item, dict):
        return "a payment must be an object"
    invoice_id = str(item.get("invoiceId", ""))
    if store.owner(KIND.INVOICE, invoice_id) != organization_id:
        return "invoice not found"
    invoice = store.get(KIND.INVOICE, invoice_id) or {}
    amount = item.get("amount")
    if not isinstance(amount, int | float) or isinstance(amount, bool) or amount <= 0:
        return "amount must be a positive number"
    if str(invoice.get("status", "")).upper() in {"CLOSED", "WITHDRAWN"}:
        return "the invoice is closed"
    if round(float(amount), 2) > float(invoice.get("currentAmount", 0)):
        return "amount exceeds the remaining amount"
    return None


def _apply_payment(invoice: JsonObject, amount: float) -> JsonObject:
    left = amount
    for claim in invoice.get("claims", []):
        covered = min(left, float(claim.get("currentAmount", 0)))
        left -= covered
        claim["paidAmount"] = round(float(claim.get("paidAmount", 0)) + covered, 2)
        claim["currentAmount"] = round(float(claim.get("currentAmount", 0)) - covered, 2)
    invoice["paidAmount"] = round(float(invoice["paidAmount"]) + amount, 2)
    invoice["currentAmount"] = round(float(invoice["currentAmount"]) - amount, 2)
    if invoice["currentAmount"] <= 0:
        invoice["status"] = "CLOSED"
        invoice["closedAt"] = now_iso()
    return invoice


def _queue(request: Request, context: SandboxContext, kind: str, items: list[Any]) -> Response:
    organization_id = _org(request)
    batch_id = str(uuid.uuid4())
    batch = {
        "batchId": batch_id,
        "type": kind,
        "status": "QUEUED",
        "createdAt": now_iso(),
        "organizationId": organization_id,
        "createdBy": str(uuid.uuid5(uuid.NAMESPACE_URL, principal_of(request).subject)),
        "succeeded": [],
        "failed": [],
        INTERNAL: {"started": time.time(), "polls": 0, "pending": {"kind": kind.lower() + "s", "items": items}},
    }
    context.store.put(KIND.BATCH, batch_id, batch, owner=organization_id)
    return json_response(
        envelope({"batchId": batch_id}), 202, headers={"Location": location(request, f"/batches/{batch_id}")}
    )


def _batch_view(batch: JsonObject, context: SandboxContext) -> JsonObject:
    """A batch as the newer generation shows it (string status)."""
    view = {key: value for key, value in batch.items() if key != INTERNAL}
    if context.fault(Fault.AMILI_ENUM_OUT_OF_SET) and view["status"] == "SUCCESS":
        view["status"] = "COMPLETED"
    return view


def _legacy_batch_view(batch: JsonObject, context: SandboxContext) -> JsonObject:
    """A batch as Get all batches shows it: `status` is an object with errors and responses."""
    view = {key: value for key, value in batch.items() if key != INTERNAL}
    status = str(view["status"])
    view["status"] = {
        "statuscode": LEGACY_STATUS_CODES[status],
        "errors": [
            {
                "objectname": "invoice",
                "objectindex": int(item.get("objectindex", 0)),
                "message": str(item.get("message", "")),
            }
            for item in view["failed"]
            if isinstance(item, dict)
        ],
        "responses": [
            {"objectname": "invoice", "objectindex": index, "ledgerref": item["caseId"], "status_statuscode": "OK"}
            for index, item in enumerate(view["succeeded"])
        ],
    }
    if context.fault(Fault.AMILI_STATUS_NEITHER_SHAPE):
        view["status"] = LEGACY_STATUS_CODES[status]
    if context.fault(Fault.AMILI_BAD_DATE_TIME):
        view["createdAt"] = datetime.fromisoformat(view["createdAt"]).strftime("%d.%m.%Y %H:%M")
    if context.fault(Fault.AMILI_ARRAY_TURNED_OBJECT) and view["succeeded"]:
        view["succeeded"] = view["succeeded"][0]
    return view


def _batches(context: SandboxContext, request: Request, owner: str | None) -> list[JsonObject]:
    query = inputs_of(request).query
    principal = principal_of(request)
    state, kind = str(query.get("State", "")).upper(), str(query.get("Type", "")).upper()
    batches = [
        _load_batch(context, batch["batchId"]) or batch
        for batch in context.store.documents(KIND.BATCH, owner=owner)
        if principal.may_access_organization(batch["organizationId"])
    ]
    batches = [
        batch
        for batch in batches
        if (not state or batch["status"] == state) and (not kind or str(batch["type"]).upper() == kind)
    ]
    descending = str(query.get("SortDirection", "desc")).lower() not in {"asc", "ascending"}
    return sorted(batches, key=lambda batch: batch["createdAt"], reverse=descending)


async def get_all_batches(request: Request, context: SandboxContext) -> Response:
    query = inputs_of(request).query
    chosen, token = page(_batches(context, request, None), query.get("PageToken"), query.get("PageSize"))
    data = [_legacy_batch_view(batch, context) for batch in chosen]
    if context.fault(Fault.AMILI_ENVELOPE_DROPPED):
        return json_response(data)
    return json_response(envelope(data, next_page_token=token))


async def get_organization_batches(request: Request, context: SandboxContext) -> Response:
    query = inputs_of(request).query
    chosen, token = page(_batches(context, request, _org(request)), query.get("PageToken"), query.get("PageSize"))
    return json_response(envelope([_batch_view(batch, context) for batch in chosen], next_page_token=token))


async def get_batch_by_id(request: Request, context: SandboxContext) -> Response:
    batch = _load_batch(context, str(request.path_params["batchId"]))
    if batch is None:
        return error_response(404, "batch not found")
    if not principal_of(request).may_access_organization(batch["organizationId"]):
        return error_response(403, "the token is not scoped to this batch's organization")
    status = 206 if context.fault(Fault.AMILI_UNDOCUMENTED_STATUS) and batch["status"] == "PARTIAL" else 200
    return json_response(envelope(_batch_view(batch, context)), status)


async def get_organization_batch_by_id(request: Request, context: SandboxContext) -> Response:
    batch_id = str(request.path_params["batchId"])
    if context.store.owner(KIND.BATCH, batch_id) != _org(request):
        return error_response(404, "batch not found in this organization")
    batch = _load_batch(context, batch_id)
    assert batch is not None  # noqa: S101 - its owner was just read
    return json_response(envelope(_batch_view(batch, context)))


async def create_invoices(request: Request, context: SandboxContext) -> Response:
    body = inputs_of(request).body
    items = body.get("invoices", []) if isinstance(body, dict) else []
    return _queue(request, context, "INVOICE", items if isinstance(items, list) else [])


async def create_payments(request: Request, context: SandboxContext) -> Response:
    body = inputs_of(request).body
    items = body.get("payments", []) if isinstance(body, dict) else []
    return _queue(request, context, "PAYMENT", items if isinstance(items, list) else [])


# --- invoices --------------------------------------------------------------------------------------


def _invoice_view(invoice: JsonObject, context: SandboxContext) -> JsonObject:
    if not context.fault(Fault.AMILI_WRONG_TYPE):
        return invoice
    view = dict(invoice)
    for key in ("originalInvoiceAmount", "currentAmount", "paidAmount"):
        view[key] = f"{float(view[key]):.2f}"
    return view


def _invoice_in(request: Request, context: SandboxContext) -> JsonObject | None:
    invoice_id = str(request.path_params["invoiceId"])
    if context.store.owner(KIND.INVOICE, invoice_id) != _org(request):
        return None
    return context.store.get(KIND.INVOICE, invoice_id)


async def get_organization_invoices(request: Request, context: SandboxContext) -> Response:
    query = inputs_of(request).query
    invoices = [
        invoice for invoice in context.store.documents(KIND.INVOICE, owner=_org(request)) if _matches(invoice, query)
    ]
    chosen, token = page(invoices, query.get("PageToken"), None)
    return json_response(envelope([_invoice_view(invoice, context) for invoice in chosen], next_page_token=token))


def _matches(invoice: JsonObject, query: dict[str, Any]) -> bool:
    customer_numbers = {str(debtor.get("customerNumber", "")) for debtor in invoice.get("debtors", [])}
    created = _instant(invoice["createdAt"])
    checks = (
        ("Status", lambda value: str(invoice["status"]).upper() == value.upper()),
        ("Type", lambda value: str(invoice["type"]).upper() == value.upper()),
        ("InvoiceNumber", lambda value: invoice["invoiceNumber"] == value),
        ("UniqueSourceInvoiceId", lambda value: invoice["uniqueSourceInvoiceId"] == value),
        ("CustomerNumber", lambda value: value in customer_numbers),
        ("From", lambda value: _after(created, value)),
        ("To", lambda value: _after(_instant(value), invoice["createdAt"])),
    )
    return all(name not in query or test(str(query[name])) for name, test in checks)


def _instant(value: Any) -> datetime | None:
    """A date-time parameter as an aware instant; None for what Python cannot read (a leap second, say)."""
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.upper())
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def _after(moment: datetime | None, bound: Any) -> bool:
    """Whether `moment` is at or after `bound`; an unreadable side does not filter."""
    other = _instant(bound) if not isinstance(bound, datetime) else bound
    return moment is None or other is None or moment >= other


async def get_invoice_by_id(request: Request, context: SandboxContext) -> Response:
    invoice = _invoice_in(request, context)
    if invoice is None:
        if context.fault(Fault.AMILI_SERVER_ERROR_UNKNOWN_ID):
            trace = "".join(traceback.format_stack(limit=3))
            return PlainTextResponse(f"System.NullReferenceException: invoice is null\n{trace}", status_code=500)
        if context.fault(Fault.AMILI_FORBIDDEN_UNKNOWN_ID):
            return error_response(403, "access to this invoice is denied")
        return error_response(404, "invoice not found")
    if context.fault(Fault.AMILI_WRONG_INVOICE):
        # A cache keyed by organisation alone: the org's other invoice, valid and complete, for any id.
        others = [other for other in context.store.documents(KIND.INVOICE, owner=_org(request)) if other != invoice]
        invoice = others[0] if others else invoice
    view = _invoice_view(invoice, context)
    if context.fault(Fault.AMILI_FIELD_VANISHED):
        view = {key: value for key, value in view.items() if key != "collectionCaseNumber"}
    if context.fault(Fault.AMILI_REQUIRED_DROPPED):
        return json_response(view)
    if context.fault(Fault.AMILI_NAN_AMOUNT):
        # What a .NET or Python serialiser writes for a double NaN when nobody forbade it.
        body = json.dumps(envelope({**view, "currentAmount": float("nan")}))
        return Response(body, media_type="application/json")
    return json_response(envelope(view))


async def get_invoice_documents(request: Request, context: SandboxContext) -> Response:
    return _invoice_children(request, context, KIND.INVOICE_DOCUMENT)


async def get_invoice_history(request: Request, context: SandboxContext) -> Response:
    return _invoice_children(request, context, KIND.EVENT)


async def get_invoice_payments(request: Request, context: SandboxContext) -> Response:
    return _invoice_children(request, context, KIND.PAYMENT)


def _invoice_children(request: Request, context: SandboxContext, kind: str) -> Response:
    invoice = _invoice_in(request, context)
    if invoice is None:
        return error_response(404, "invoice not found")
    return json_response(envelope(context.store.documents(kind, owner=invoice["id"])))


def _event(store: Store, invoice_id: str, event: str, description: str) -> None:
    sequence = len(store.ids(KIND.EVENT, owner=invoice_id))
    store.put(
        KIND.EVENT,
        f"{invoice_id}/{sequence}",
        {"event": event, "at": now_iso(), "description": description},
        owner=invoice_id,
    )


async def pause_invoice(request: Request, context: SandboxContext) -> Response:
    return _transition(request, context, "pause")


async def resume_invoice(request: Request, context: SandboxContext) -> Response:
    return _transition(request, context, "resume")


async def withdraw_invoice(request: Request, context: SandboxContext) -> Response:
    return _transition(request, context, "withdraw")


def _transition(request: Request, context: SandboxContext, action: str) -> Response:
    invoice = _invoice_in(request, context)
    if invoice is None:
        return error_response(404, "invoice not found")
    current = str(invoice["status"]).upper()
    allowed = TRANSITIONS[action]
    target = allowed.get(current)
    if target is None and action == "resume" and context.fault(Fault.AMILI_ILLEGAL_TRANSITION_ACCEPTED):
        target = "OPEN"
    if target is None:
        return refuse(request, (409, 400), f"cannot {action} an invoice that is {current}")
    if target != current:

        def change(stored: JsonObject) -> JsonObject:
            stored["status"] = target
            if target == "WITHDRAWN":
                stored["closedAt"] = now_iso()
            elif target == "OPEN":
                stored.pop("closedAt", None)
            return stored

        context.store.modify(KIND.INVOICE, invoice["id"], change)
        _event(context.store, invoice["id"], target if target != "OPEN" else "RESUMED", EVENTS[target])
    return Response(status_code=202)


# --- cases, settlements, reports, status ---------------------------------------------------------


async def get_cases(request: Request, context: SandboxContext) -> Response:
    query = inputs_of(request).query
    term = str(query.get("SearchTerm", "")).lower()
    exact = {"Status": "status", "Type": "type", "CaseNumber": "caseNumber", "CustomerNumber": "customerNumber",
             "UniqueSourceInvoiceId": "uniqueSourceInvoiceId"}  # fmt: skip
    cases = []
    for case in context.store.documents(KIND.CASE, owner=_org(request)):
        if any(name in query and str(case[key]).upper() != str(query[name]).upper() for name, key in exact.items()):
            continue
        if term and term not in f"{case['debtorName']} {case['caseNumber']} {case['customerNumber']}".lower():
            continue
        created = _instant(case["createdAt"])
        if "FromCreatedAt" in query and not _after(created, query["FromCreatedAt"]):
            continue
        if "ToCreatedAt" in query and not _after(_instant(query["ToCreatedAt"]), created):
            continue
        cases.append(case)
    chosen, token = page(cases, query.get("PageToken"), query.get("PageSize"))
    return json_response(envelope(chosen, next_page_token=token))


async def get_settlements(request: Request, context: SandboxContext) -> Response:
    query = inputs_of(request).query
    start, end = _as_date_time(query.get("fromDate")), _as_date_time(query.get("toDate"))
    settlements = [
        settlement
        for settlement in context.store.documents(KIND.SETTLEMENT, owner=_org(request))
        if (start is None or settlement["settledAt"] >= start) and (end is None or settlement["settledAt"] <= end)
    ]
    chosen, token = page(settlements, query.get("pageToken"), query.get("pageSize"))
    return json_response(envelope(chosen, next_page_token=token))


async def get_settlement_by_id(request: Request, context: SandboxContext) -> Response:
    settlement_id = str(request.path_params["settlementId"])
    if context.store.owner(KIND.SETTLEMENT, settlement_id) != _org(request):
        return error_response(404, "settlement not found")
    return json_response(envelope(context.store.get(KIND.SETTLEMENT, settlement_id)))


async def get_reports(request: Request, context: SandboxContext) -> Response:
    return json_response(envelope(context.store.documents(KIND.REPORT, owner=_org(request))))


async def banqsoft(_: Request, __: SandboxContext) -> Response:
    return json_response({"system": "BanqSoft", "status": "Connected", "checkedAt": now_iso()})


async def ping(_: Request, __: SandboxContext) -> Response:
    return json_response({"message": "pong", "time": now_iso()})


async def ping_authorized(request: Request, _: SandboxContext) -> Response:
    return json_response({"message": "pong", "authorized": True, "subject": principal_of(request).subject})


async def check_health(_: Request, __: SandboxContext) -> Response:
    return json_response({"status": "Healthy", "checks": {"database": "Healthy", "banqsoft": "Healthy"}})


# --- seed and known ids ----------------------------------------------------------------------------


def _seed(store: Store) -> None:
    seed_organizations(store)
    for organization in ORGANIZATIONS:
        owner = organization.id
        invoices = collection_invoices(organization)
        store.put_many(KIND.INVOICE, ((invoice["id"], invoice) for invoice in invoices), owner=owner)
        for invoice in invoices:
            for kind, children, key in (
                (KIND.PAYMENT, invoice_payments(invoice), "paymentId"),
                (KIND.INVOICE_DOCUMENT, invoice_documents(invoice), "documentId"),
            ):
                store.put_many(kind, ((child[key], child) for child in children), owner=invoice["id"])
            events = invoice_events(invoice)
            store.put_many(
                KIND.EVENT, ((f"{invoice['id']}/{i}", event) for i, event in enumerate(events)), owner=invoice["id"]
            )
        store.put_many(
            KIND.BATCH, ((batch["batchId"], batch) for batch in collection_batches(organization, invoices)), owner=owner
        )
        store.put_many(
            KIND.CASE, ((case["caseId"], case) for case in collection_cases(organization, invoices)), owner=owner
        )
        settlements = organization_settlements(organization, invoices)
        store.put_many(KIND.SETTLEMENT, ((item["settlementId"], item) for item in settlements), owner=owner)
        reports = organization_reports(organization)
        store.put_many(KIND.REPORT, ((report["reportId"], report) for report in reports), owner=owner)


def _known_params(store: Store) -> dict[str, dict[str, list[str]]]:
    organization = ORGANIZATIONS[0].id
    invoices = store.ids(KIND.INVOICE, owner=organization)
    batches = store.ids(KIND.BATCH, owner=organization)
    readable = {"orgId": [organization], "invoiceId": invoices[:6]}

    def slots(chosen: range) -> dict[str, list[str]]:
        return {"orgId": [organization], "invoiceId": [invoices[slot] for slot in chosen]}

    return {
        "GET /orgs/{orgId}/batches": {"orgId": [organization]},
        "GET /batches/{batchId}": {"batchId": batches},
        "GET /orgs/{organizationId}/batches/{batchId}": {"organizationId": [organization], "batchId": batches},
        "GET /orgs/{organizationId}/cases": {"organizationId": [organization]},
        "POST /orgs/{orgId}/invoices": {"orgId": [organization]},
        "GET /orgs/{orgId}/invoices": {"orgId": [organization]},
        "GET /orgs/{orgId}/invoices/{invoiceId}": readable,
        "GET /orgs/{orgId}/invoices/{invoiceId}/documents": readable,
        "GET /orgs/{orgId}/invoices/{invoiceId}/history": readable,
        "GET /orgs/{orgId}/invoices/{invoiceId}/payments": readable,
        "POST /orgs/{orgId}/invoices/{invoiceId}/pause": slots(PAUSE_SLOTS),
        "POST /orgs/{orgId}/invoices/{invoiceId}/resume": slots(RESUME_SLOTS),
        "POST /orgs/{orgId}/invoices/{invoiceId}/withdraw": slots(WITHDRAW_SLOTS),
        "POST /orgs/{orgId}/payments": {"orgId": [organization]},
        "GET /orgs/{orgId}/reports": {"orgId": [organization]},
        "GET /orgs/{orgId}/settlements": {"orgId": [organization]},
        "GET /orgs/{organizationId}/settlements/{settlementId}": {
            "organizationId": [organization],
            "settlementId": store.ids(KIND.SETTLEMENT, owner=organization),
        },
    }


COLLECTION = VendorApi(
    spec_name="amili/collection",
    handlers={
        "banqsoft": banqsoft,
        "getAllBatches": get_all_batches,
        "getOrganizationBatches": get_organization_batches,
        "getBatchById": get_batch_by_id,
        "getOrganizationBatchById": get_organization_batch_by_id,
        "getCasesByOrganization": get_cases,
        "createInvoices": create_invoices,
        "getOrganizationInvoices": get_organization_invoices,
        "getInvoiceById": get_invoice_by_id,
        "getInvoiceDocuments": get_invoice_documents,
        "getInvoiceHistory": get_invoice_history,
        "getInvoicePayments": get_invoice_payments,
        "pauseInvoice": pause_invoice,
        "withdrawInvoice": withdraw_invoice,
        "resumeInvoice": resume_invoice,
        "createPayments": create_payments,
        "ping": ping,
        "pingAuthorized": ping_authorized,
        "checkHealth": check_health,
        "getOrganizationReports": get_reports,
        "getSettlements": get_settlements,
        "getSettlementById": get_settlement_by_id,
    },
    seed=_seed,
    identity=True,
    known_params=_known_params,
    guard=guard,
)
