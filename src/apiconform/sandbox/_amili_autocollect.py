"""The Amili AutoCollect legacy webapi in the sandbox: the Batch DTO (creditors, cases, settlements) and friends.

`GET /webapi/api/Batch` filters the seeded DTO the way its query parameters read; `POST` (Basic Auth, as
its page says: a demo client's id and secret) stores what it receives.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from apiconform.sandbox._amili_common import KIND, json_response, now_iso
from apiconform.sandbox._amili_seed import ORGANIZATIONS, autocollect_batch
from apiconform.sandbox._app import SandboxContext, VendorApi, inputs_of, principal_of
from apiconform.sandbox._faults import Fault
from apiconform.sandbox._storage import Store

__all__ = ["AUTOCOLLECT"]

JsonObject = dict[str, Any]
SEEDED = "AC-2026-000117"


async def get_batch(request: Request, context: SandboxContext) -> Response:
    query = inputs_of(request).query
    principal = principal_of(request)
    visible = {org.organization_number for org in ORGANIZATIONS if principal.may_access_organization(org.id)}
    wanted = {str(query["creditorid"])} if "creditorid" in query else visible
    creditors = wanted & visible
    batch = context.store.get(KIND.AUTOCOLLECT_BATCH, SEEDED) or {}
    cases = [case for case in batch.get("case", []) if _case_matches(case, creditors, query)]
    references = {_case_number(case) for case in cases}
    settlements = [item for item in batch.get("settlement", []) if _case_number(item) in references]
    body = {
        "batchid": batch.get("batchid", SEEDED),
        "offline": False,
        "creditor": [creditor for creditor in batch.get("creditor", []) if creditor["idnumber"] in creditors],
        "case": cases,
        "settlement": settlements,
    }
    if context.fault(Fault.AMILI_WRONG_CONTENT_TYPE):
        return Response(json.dumps(body), media_type="text/json; charset=utf-8")
    return json_response(body)


def _case_number(item: JsonObject) -> str:
    return str(item.get("casenumber", item.get("caseNumber", "")))


def _case_matches(case: JsonObject, creditors: set[str], query: dict[str, Any]) -> bool:
    organization = next((org for org in ORGANIZATIONS if org.id == case.get("organizationId")), None)
    creditor = case.get("creditorid", organization.organization_number if organization else "")
    if creditor not in creditors:
        return False
    closed = str(case.get("status_statuscode", case.get("status", ""))).upper() == "CLOSED" or "closedAt" in case
    if closed and query.get("includeclosed") is not True:
        return False
    customer = str(case.get("customerref", _first(case, "debtors").get("customerNumber", "")))
    if "customerref" in query and customer != str(query["customerref"]):
        return False
    ledger = str(case.get("ledgerref", _first(case, "invoices").get("uniqueSourceInvoiceId", "")))
    return "ledgerref" not in query or ledger == str(query["ledgerref"])


def _first(case: JsonObject, key: str) -> JsonObject:
    items = case.get(key)
    first = items[0] if isinstance(items, list) and items else {}
    return first if isinstance(first, dict) else {}


async def post_batch(request: Request, context: SandboxContext) -> Response:
    body = inputs_of(request).body if isinstance(inputs_of(request).body, dict) else {}
    batch_id = str(
        body.get("batchid")
        or f"AC-{now_iso()[:10].replace('-', '')}-{len(context.store.ids(KIND.AUTOCOLLECT_BATCH)):06d}"
    )
    context.store.put(
        KIND.AUTOCOLLECT_BATCH, batch_id, {**body, "batchid": batch_id}, owner=principal_of(request).subject
    )
    counts = {
        key: len(body[key]) if isinstance(body.get(key), list) else 0 for key in ("creditor", "case", "settlement")
    }
    return json_response({"batchid": batch_id, "status": "ACCEPTED", "received": counts, "receivedAt": now_iso()})


async def get_attachment(request: Request, _: SandboxContext) -> Response:
    principal = principal_of(request)
    attachments = [
        {
            "attachmentid": f"ATT-{org.client_no}-0001",
            "filename": f"inkassovarsel-{org.prefix}.pdf",
            "mimetype": "application/pdf",
        }
        for org in ORGANIZATIONS
        if principal.may_access_organization(org.id)
    ]
    return json_response({"attachments": attachments})


async def ping(_: Request, __: SandboxContext) -> Response:
    return json_response({"message": "pong", "time": now_iso()})


def _seed(store: Store) -> None:
    store.put(KIND.AUTOCOLLECT_BATCH, SEEDED, autocollect_batch())


AUTOCOLLECT = VendorApi(
    spec_name="amili/autocollect",
    handlers={"getAttachment": get_attachment, "getBatch": get_batch, "postBatch": post_batch, "ping": ping},
    seed=_seed,
    identity=True,
)
