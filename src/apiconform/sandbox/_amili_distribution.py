"""The Amili Distribution APIs in the sandbox: the Invoice API (sending, status, lookup) and the Partner API.

Sent documents are stored under the client's `Identifier`, so status and lookup find them (404 for one
never sent) and a resend with the same Identifier is idempotent. A delivery is RECEIVED at first and
DELIVERED once it settles. Most Partner API operations have no readable page and get the generic
responder; the companies list and its token endpoint are real.
"""

from __future__ import annotations

import time
import uuid
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from apiconform.sandbox._amili_common import INTERNAL, KIND, json_response, now_iso, settled
from apiconform.sandbox._amili_seed import ORGANIZATIONS, distribution_documents
from apiconform.sandbox._app import SandboxContext, VendorApi, error_response, inputs_of, principal_of
from apiconform.sandbox._storage import Store

__all__ = ["DISTRIBUTION_INVOICE", "DISTRIBUTION_PARTNER"]

JsonObject = dict[str, Any]
LOOKUP_BASE = "https://faktura.amili.no/v/"


def _company(request: Request) -> str:
    """The client number a sender's documents are filed under; the static token files under the first one."""
    principal = principal_of(request)
    if principal.clients:
        return next(iter(sorted(principal.clients)))
    return ORGANIZATIONS[0].client_no


def _visible(request: Request, document: JsonObject) -> bool:
    return principal_of(request).may_access_client(str(document.get("CompanyId", "")))


def _send(document_type: str, wrapper: str | None) -> Any:
    async def send(request: Request, context: SandboxContext) -> Response:
        body = inputs_of(request).body
        inner = body.get(wrapper) if isinstance(body, dict) and wrapper else body
        identifier = inner.get("Identifier") if isinstance(inner, dict) else None
        if not isinstance(identifier, str) or not identifier.strip():
            identifier = str(uuid.uuid4())
        existing = context.store.get(KIND.SENT, identifier)
        if existing is not None and _visible(request, existing):
            return json_response(_receipt(existing))
        company = _company(request)
        document = {
            "Identifier": identifier,
            "TransactionRid": f"TR{company}{uuid.uuid4().int % 10**8:08d}",
            "CompanyId": company,
            "DocumentType": document_type,
            "Channel": str(inner.get("Channel", "EHF" if "EHF" in document_type else "PRINT"))
            if isinstance(inner, dict)
            else "PRINT",
            "InvoiceNumber": str(inner.get("InvoiceNo", inner.get("ID", identifier)))
            if isinstance(inner, dict)
            else identifier,
            "Status": "RECEIVED",
            "ReceivedAt": now_iso(),
            INTERNAL: {"started": time.time(), "polls": 0},
        }
        context.store.put(KIND.SENT, identifier, document, owner=company)
        return json_response(_receipt(document))

    return send


def _receipt(document: JsonObject) -> JsonObject:
    return {key: document[key] for key in ("Identifier", "TransactionRid", "Status", "ReceivedAt") if key in document}


def _status(context: SandboxContext, identifier: str) -> JsonObject | None:
    def advance(document: JsonObject) -> JsonObject:
        state = document.get(INTERNAL)
        if state is None:
            return document
        state["polls"] += 1
        if settled(state["started"], state["polls"]):
            document.update(Status="DELIVERED", DeliveredAt=now_iso())
            del document[INTERNAL]
        return document

    document = context.store.modify(KIND.SENT, identifier, advance)
    return None if document is None else {key: value for key, value in document.items() if key != INTERNAL}


def _status_response(request: Request, context: SandboxContext, identifier: str) -> Response:
    document = _status(context, identifier)
    if document is None or not _visible(request, document):
        return error_response(404, f"no document with Identifier {identifier!r}")
    return json_response(document)


async def check_status_post(request: Request, context: SandboxContext) -> Response:
    body = inputs_of(request).body if isinstance(inputs_of(request).body, dict) else {}
    return _status_response(request, context, str(body.get("Identifier", "")))


async def check_status_get(request: Request, context: SandboxContext) -> Response:
    return _status_response(request, context, str(request.path_params["identifier"]))


async def lookup_link(request: Request, context: SandboxContext) -> Response:
    identifier = str(request.path_params["identifier"])
    document = context.store.get(KIND.SENT, identifier)
    if document is None or not _visible(request, document):
        return error_response(404, f"no document with Identifier {identifier!r}")
    token = uuid.uuid5(uuid.NAMESPACE_URL, f"{document['CompanyId']}/{identifier}").hex[:20]
    return json_response({"Identifier": identifier, "LookupUrl": f"{LOOKUP_BASE}{token}", "ExpiresInDays": 90})


async def add_company(request: Request, context: SandboxContext) -> Response:
    body = inputs_of(request).body if isinstance(inputs_of(request).body, dict) else {}
    number = str(body.get("OrganizationNumber", body.get("OrgNo", "")))
    company_id = f"C{uuid.uuid5(uuid.NAMESPACE_URL, number or now_iso()).int % 10**7:07d}"
    company = {**body, "CompanyId": company_id, "Status": "PENDING", "RegisteredAt": now_iso()}
    context.store.put(KIND.COMPANY, company_id, company, owner=_company(request))
    return json_response({"CompanyId": company_id, "Status": "PENDING"})


async def company_status(request: Request, context: SandboxContext) -> Response:
    body = inputs_of(request).body if isinstance(inputs_of(request).body, dict) else {}
    wanted = str(body.get("CompanyId", body.get("OrganizationNumber", "")))
    known = {org.client_no: org for org in ORGANIZATIONS} | {org.organization_number: org for org in ORGANIZATIONS}
    if wanted in known:
        return json_response({"CompanyId": known[wanted].client_no, "Status": "ACTIVE"})
    company = context.store.get(KIND.COMPANY, wanted)
    return json_response({"CompanyId": wanted, "Status": company["Status"] if company else "UNKNOWN"})


async def register_bank_agreement(request: Request, context: SandboxContext) -> Response:
    body = inputs_of(request).body if isinstance(inputs_of(request).body, dict) else {}
    agreement_id = str(uuid.uuid4())
    agreement = {**body, "AgreementId": agreement_id, "Status": "PENDING", "RegisteredAt": now_iso()}
    context.store.put(KIND.BANK_AGREEMENT, agreement_id, agreement, owner=_company(request))
    return json_response({"AgreementId": agreement_id, "Status": "PENDING"})


async def bank_agreement_status(request: Request, context: SandboxContext) -> Response:
    body = inputs_of(request).body if isinstance(inputs_of(request).body, dict) else {}
    agreement_id = str(body.get("AgreementId", ""))
    agreement = context.store.get(KIND.BANK_AGREEMENT, agreement_id) if agreement_id else None
    status = "UNKNOWN" if agreement is None else "ACTIVE"
    return json_response({"AgreementId": agreement_id, "Status": status})


def _seed_invoice(store: Store) -> None:
    for document in distribution_documents():
        store.put(KIND.SENT, document["Identifier"], document, owner=document["CompanyId"])


def _known_invoice(store: Store) -> dict[str, dict[str, list[str]]]:
    identifiers = store.ids(KIND.SENT, owner=ORGANIZATIONS[0].client_no)
    return {
        "GET /send/status/{identifier}": {"identifier": identifiers},
        "GET /lookup/{identifier}": {"identifier": identifiers},
    }


DISTRIBUTION_INVOICE = VendorApi(
    spec_name="amili/distribution-invoice",
    handlers={
        "sendEhfCreditnote": _send("EHF_CREDITNOTE", "Creditnote"),
        "sendEhfInvoice": _send("EHF_INVOICE", "Invoice"),
        "sendB2cInvoice": _send("B2C_INVOICE", "Invoice"),
        "sendB2cLetter": _send("B2C_LETTER", None),
        "sendB2cSwedishInvoice": _send("B2C_INVOICE_SE", "Invoice"),
        "sendB2cDanishInvoice": _send("B2C_INVOICE_DK", "Invoice"),
        "checkInvoiceStatusPost": check_status_post,
        "checkInvoiceStatusGet": check_status_get,
        "getInvoiceLookupLink": lookup_link,
        "addCompany": add_company,
        "checkCompanyStatus": company_status,
        "registerBankAgreement": register_bank_agreement,
        "checkBankAgreementStatus": bank_agreement_status,
    },
    seed=_seed_invoice,
    identity=True,
    known_params=_known_invoice,
)


# --- Partner API -----------------------------------------------------------------------------------


async def partner_companies(request: Request, _: SandboxContext) -> Response:
    principal = principal_of(request)
    companies = [
        {"CompanyId": org.client_no, "Name": org.name, "OrganizationNumber": org.organization_number}
        for org in ORGANIZATIONS
        if principal.may_access_client(org.client_no)
    ]
    return json_response({"Companies": companies})


async def partner_token(request: Request, context: SandboxContext) -> Response:
    """The same tokens as Identiverse, for a JSON body with the client's id and secret."""
    body = inputs_of(request).body if isinstance(inputs_of(request).body, dict) else {}
    client_id = body.get("client_id", body.get("clientId", ""))
    secret = body.get("client_secret", body.get("clientSecret", ""))
    client = context.issuer.authenticate_client(str(client_id), str(secret))
    if client is None:
        return error_response(401, "unknown client or wrong secret")
    return json_response(context.issuer.issue(client))


DISTRIBUTION_PARTNER = VendorApi(
    spec_name="amili/distribution-partner",
    handlers={"getAvailableCompanies": partner_companies, "requestToken": partner_token},
    seed=_seed_invoice,
    identity=True,
)
