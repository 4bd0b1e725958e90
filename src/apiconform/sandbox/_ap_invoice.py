"""The AP invoice API in the sandbox: `GET /v1/invoice/{id}` served from storage."""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response

from apiconform.sandbox._ap_invoice_seed import seed_invoices
from apiconform.sandbox._app import SandboxContext, VendorApi, error_response
from apiconform.sandbox._faults import Fault
from apiconform.sandbox._storage import Store

__all__ = ["AP_INVOICE"]

KIND = "ap-invoice"


async def get_invoice(request: Request, context: SandboxContext) -> Response:
    invoice_id = request.path_params["id"]
    invoice = context.store.get(KIND, invoice_id)
    if invoice is None:
        return _unknown(invoice_id, context)
    invoice = _apply_faults(invoice, context)
    if context.fault(Fault.AP_WRONG_CONTENT_TYPE):
        return PlainTextResponse(json.dumps(invoice))
    if context.fault(Fault.AP_CREATED_FOR_READ):
        return JSONResponse({key: value for key, value in invoice.items() if key != "status"}, status_code=201)
    status = 203 if context.fault(Fault.AP_UNDOCUMENTED_STATUS) else 200
    return JSONResponse(invoice, status_code=status)


def _unknown(invoice_id: str, context: SandboxContext) -> Response:
    if context.fault(Fault.AP_SERVER_ERROR_UNKNOWN_ID):
        return PlainTextResponse("Traceback (most recent call last):\n  KeyError: " + invoice_id, status_code=500)
    template = context.store.get(KIND, context.store.ids(KIND)[0]) or {}
    if context.fault(Fault.AP_OK_UNKNOWN_ID_OTHER_INVOICE):
        # Not found falls back to "the latest invoice": complete and valid, but another one.
        return JSONResponse(template)
    if context.fault(Fault.AP_OK_UNKNOWN_ID):
        # A template invoice under the asked-for id: only the status is wrong, not the body.
        return JSONResponse({**template, "id": invoice_id})
    return error_response(404, f"invoice {invoice_id!r} not found")


def _apply_faults(invoice: dict[str, Any], context: SandboxContext) -> dict[str, Any]:
    invoice = dict(invoice)
    if context.fault(Fault.AP_ENUM_OUT_OF_SET):
        invoice["currency"] = "XBT"
    if context.fault(Fault.AP_ENUM_CASE_DRIFT):
        invoice["status"] = str(invoice["status"]).lower()
    if context.fault(Fault.AP_REQUIRED_DROPPED):
        invoice.pop("status", None)
    if context.fault(Fault.AP_WRONG_TYPE):
        invoice["totalAmount"] = f"{invoice.get('totalAmount', 0):.2f}"
    if context.fault(Fault.AP_BAD_DATE_TIME):
        invoice["createdAt"] = "2026-03-14 09:30:00"
    if context.fault(Fault.AP_ARRAY_TURNED_OBJECT):
        splits = invoice.get("splits") or [{}]
        invoice["splits"] = splits[0]
    return invoice


def _seed(store: Store) -> None:
    store.put_many(KIND, ((invoice["id"], invoice) for invoice in seed_invoices()))


def _known_params(store: Store) -> dict[str, dict[str, list[str]]]:
    return {"GET /v1/invoice/{id}": {"id": store.ids(KIND)}}


AP_INVOICE = VendorApi(
    spec_name="ap-invoice",
    handlers={"getInvoice": get_invoice},
    seed=_seed,
    known_params=_known_params,
)
