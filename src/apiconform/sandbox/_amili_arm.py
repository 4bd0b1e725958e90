"""The Amili ARM API (accounts receivable) in the sandbox: AR items, customers, documents, ledgers and batches.

Paging follows the About page: `maximumcount` bounds the records returned, `pagesize` the records per page,
each with the entity's default and cap, and a `pagesize` below 5 falls back to 10. Customers are created,
updated, deleted and then gone (404). Every path is scoped to one client number: an unknown client is 404
(403 where 404 is not documented) and another organisation's client is 403.
"""

from __future__ import annotations

import time
import uuid
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from apiconform.sandbox._amili_common import (
    FORBIDDEN,
    INTERNAL,
    KIND,
    NOT_FOUND,
    json_response,
    location,
    now_iso,
    seed_organizations,
    settled,
)
from apiconform.sandbox._amili_seed import (
    ORGANIZATIONS,
    arm_aritems,
    arm_batches,
    arm_customers,
    arm_documents,
    arm_glitems,
)
from apiconform.sandbox._app import SandboxContext, VendorApi, error_response, inputs_of, principal_of, refuse
from apiconform.sandbox._faults import Fault
from apiconform.sandbox._identifiers import kid_mod10
from apiconform.sandbox._storage import Store

__all__ = ["ARM"]

JsonObject = dict[str, Any]
SMALL_PAGE_BELOW = 5
SMALL_PAGE_FALLBACK = 10
# Per entity: (default maximumcount, default pagesize); documents' were not readable, the rest are documented.
PAGING = {
    KIND.AR_ITEM: (10000, 100),
    KIND.ARM_DOCUMENT: (1000, 100),
    KIND.GL_ITEM: (10000, 100),
    KIND.CUSTOMER: (10000, 100),
}
# The AR item list is documented as an array; the other lists as objects, so their items get a key.
WRAPPERS = {KIND.ARM_DOCUMENT: "documents", KIND.GL_ITEM: "glItems", KIND.CUSTOMER: "customers"}
BATCH_STATUS_CODES = {"FINISHED": 200, "PROCESSING": 202, "PARTIAL": 206}
DELETED = "deleted"
# Fields a client may change on an AR item (the page: "updates details on an existing AR item").
AR_ITEM_FIELDS = ("dueDate", "referenceNo", "kid", "status", "customerNo")
DOCUMENT_KEYS = ("arItemId", "documentNo", "documentUuid", "referenceNo", "kid")
CUSTOMER_KEYS = ("accountNo", "customerNo", "kid")


def guard(request: Request, context: SandboxContext) -> Response | None:
    client_no = request.path_params.get("clientno")
    if client_no is None:
        return None
    if context.store.get(KIND.CLIENT, str(client_no)) is None:
        return refuse(request, NOT_FOUND, f"client {client_no} not found")
    if not principal_of(request).may_access_client(str(client_no)):
        return refuse(request, FORBIDDEN, f"the token is not scoped to client {client_no}")
    return None


def _client(request: Request) -> str:
    return str(request.path_params["clientno"])


def _listing(request: Request, context: SandboxContext, kind: str, items: list[JsonObject]) -> Response:
    """One page of a list, as the About page's paging rules shape it; the totals go in response headers."""
    query = inputs_of(request).query
    default_count, default_size = PAGING[kind]
    maximum = query.get("maximumcount", default_count)
    size = query.get("pagesize")
    if size is None:
        size = default_size if not (kind == KIND.AR_ITEM and context.fault(Fault.AMILI_DEFAULT_NOT_APPLIED)) else None
    elif isinstance(size, int) and size < SMALL_PAGE_BELOW:
        size = SMALL_PAGE_FALLBACK
    # Later pages: `page` is not on any readable page, so it is taken from the raw query, undocumented.
    page_number = request.query_params.get("page", "1")
    total = items[: maximum if isinstance(maximum, int) and maximum > 0 else default_count]
    if not isinstance(size, int) or size <= 0:
        size = len(total) or 1
    number = int(page_number) if page_number.isdigit() and int(page_number) > 0 else 1
    chosen = total[(number - 1) * size : number * size]
    headers = {
        "X-Total-Count": str(len(total)),
        "X-Page-Size": str(size),
        "X-Page": str(number),
        "X-Page-Count": str(max(1, -(-len(total) // size))),
    }
    wrapper = WRAPPERS.get(kind)
    body = chosen if wrapper is None else {wrapper: chosen, "totalCount": len(total), "page": number}
    return json_response(body, headers=headers)


# --- AR items --------------------------------------------------------------------------------------


async def list_aritems(request: Request, context: SandboxContext) -> Response:
    return _listing(request, context, KIND.AR_ITEM, context.store.documents(KIND.AR_ITEM, owner=_client(request)))


async def get_aritem(request: Request, context: SandboxContext) -> Response:
    item_id = str(request.path_params["aritemid"])
    item = (
        context.store.get(KIND.AR_ITEM, item_id)
        if context.store.owner(KIND.AR_ITEM, item_id) == _client(request)
        else None
    )
    if item is None:
        if context.fault(Fault.AMILI_OK_UNKNOWN_ID):
            return json_response({"arItemId": item_id})
        return error_response(404, f"AR item {item_id} not found")
    expand = {part.strip().lower() for part in str(inputs_of(request).query.get("expand", "")).split(",")}
    if "customer" in expand:
        item = {**item, "customer": context.store.get(KIND.CUSTOMER, f"{_client(request)}/{item['customerNo']}")}
    if "document" in expand:
        document = next(
            (
                doc
                for doc in context.store.documents(KIND.ARM_DOCUMENT, owner=_client(request))
                if doc["documentNo"] == item["documentNo"]
            ),
            None,
        )
        item = {**item, "document": document}
    return json_response(item)


async def update_aritem(request: Request, context: SandboxContext) -> Response:
    body = inputs_of(request).body if isinstance(inputs_of(request).body, dict) else {}
    client_no = _client(request)
    item = _find(
        context.store.documents(KIND.AR_ITEM, owner=client_no), body, ("arItemId", "documentNo", "documentUuid")
    )
    if item is None:
        return error_response(404, "no AR item matches arItemId, documentNo or documentUuid")
    credit = body.get("creditNote")
    if isinstance(credit, dict):
        amount = credit.get("amount")
        if not isinstance(amount, int | float) or isinstance(amount, bool) or not 0 < amount <= abs(item["openAmount"]):
            return refuse(request, (422, 400), "creditNote.amount must be positive and at most the open amount")
        sequence = len(context.store.ids(KIND.AR_ITEM, owner=client_no)) + 1
        note = {
            **item,
            "arItemId": f"{client_no}{sequence:06d}",
            "documentNo": f"K{item['documentNo']}",
            "documentUuid": str(uuid.uuid4()),
            "documentType": "CREDIT_NOTE",
            "amountInclVat": -round(float(amount), 2),
            "amountExclVat": -round(float(amount) / 1.25, 2),
            "vatAmount": -round(float(amount) - float(amount) / 1.25, 2),
            "openAmount": -round(float(amount), 2),
            "creditedItemId": item["arItemId"],
        }
        context.store.put(KIND.AR_ITEM, note["arItemId"], note, owner=client_no)
        return json_response(note)
    changes = {key: body[key] for key in AR_ITEM_FIELDS if key in body}
    if "customerNo" in changes and context.store.get(KIND.CUSTOMER, f"{client_no}/{changes['customerNo']}") is None:
        return refuse(request, (422, 400), f"customer {changes['customerNo']} does not exist")
    updated = context.store.modify(KIND.AR_ITEM, item["arItemId"], lambda stored: {**stored, **changes})
    return json_response(updated)


def _find(items: list[JsonObject], body: JsonObject, keys: tuple[str, ...]) -> JsonObject | None:
    for key in keys:
        value = body.get(key)
        if value is not None:
            return next((item for item in items if str(item.get(key)) == str(value)), None)
    return None


# --- documents, auto postings, GL items, files ----------------------------------------------------


async def list_documents(request: Request, context: SandboxContext) -> Response:
    documents = context.store.documents(KIND.ARM_DOCUMENT, owner=_client(request))
    return _listing(request, context, KIND.ARM_DOCUMENT, documents)


async def create_document(request: Request, context: SandboxContext) -> Response:
    client_no = _client(request)
    body = inputs_of(request).body if isinstance(inputs_of(request).body, dict) else {}
    document = _new_document(context.store, client_no, body)
    return json_response(
        document, headers={"Location": location(request, f"/clients/{client_no}/documents/{document['documentNo']}")}
    )


def _new_document(store: Store, client_no: str, body: JsonObject) -> JsonObject:
    sequence = len(store.ids(KIND.ARM_DOCUMENT, owner=client_no)) + 1
    document = {
        "documentNo": f"API{client_no}{sequence:05d}",
        "documentType": "INVOICE",
        "currency": "NOK",
        "issueDate": now_iso()[:10],
        **{key: value for key, value in body.items() if isinstance(key, str)},
        "documentId": f"D{client_no}9{sequence:05d}",
        "documentUuid": str(uuid.uuid4()),
        "createdAt": now_iso(),
    }
    document.setdefault("kid", kid_mod10(f"{client_no}9{sequence:05d}"))
    store.put(KIND.ARM_DOCUMENT, document["documentId"], document, owner=client_no)
    return document


async def create_document_batch(request: Request, context: SandboxContext) -> Response:
    return _queue(request, context, "DOCUMENTS", "documents")


async def get_document(request: Request, context: SandboxContext) -> Response:
    """Found by its documentNo, as the page says; the store keys documents by their id."""
    document_no = str(request.path_params["documentno"])
    documents = context.store.documents(KIND.ARM_DOCUMENT, owner=_client(request))
    found = next((document for document in documents if str(document.get("documentNo")) == document_no), None)
    if found is None:
        return error_response(404, f"document {document_no} not found")
    return json_response(found)


async def create_auto_postings(request: Request, context: SandboxContext) -> Response:
    client_no = _client(request)
    body = inputs_of(request).body if isinstance(inputs_of(request).body, dict) else {}
    entries = body.get("autoPostings")
    entries = [entry for entry in entries if isinstance(entry, dict)] if isinstance(entries, list) else [body]
    created = []
    for entry in entries:
        posting_id = f"AP{client_no}{len(context.store.ids(KIND.AUTO_POSTING, owner=client_no)) + 1:06d}"
        posting = {**entry, "autoPostingId": posting_id, "status": "POSTED", "postedAt": now_iso()}
        context.store.put(KIND.AUTO_POSTING, posting_id, posting, owner=client_no)
        created.append(posting)
    return json_response({"created": len(created), "autoPostings": created})


async def list_glitems(request: Request, context: SandboxContext) -> Response:
    return _listing(request, context, KIND.GL_ITEM, context.store.documents(KIND.GL_ITEM, owner=_client(request)))


async def get_glitem(request: Request, context: SandboxContext) -> Response:
    return _one(request, context, KIND.GL_ITEM, str(request.path_params["glitemid"]), "GL item")


async def upload_files(request: Request, context: SandboxContext) -> Response:
    client_no = _client(request)
    body = inputs_of(request).body if isinstance(inputs_of(request).body, dict) else {}
    files = body.get("files", [])
    stored = []
    for content in files if isinstance(files, list) else [files]:
        file_id = str(uuid.uuid4())
        record = {"fileId": file_id, "size": len(str(content).encode()), "receivedAt": now_iso(), "status": "RECEIVED"}
        context.store.put(KIND.FILE, file_id, record, owner=client_no)
        stored.append(record)
    return json_response({"files": stored})


def _one(request: Request, context: SandboxContext, kind: str, resource_id: str, what: str) -> Response:
    if context.store.owner(kind, resource_id) != _client(request):
        return error_response(404, f"{what} {resource_id} not found")
    return json_response(context.store.get(kind, resource_id))


# --- customers -------------------------------------------------------------------------------------


def _customer_key(client_no: str, customer_no: str) -> str:
    return f"{client_no}/{customer_no}"


def _customers(store: Store, client_no: str) -> list[JsonObject]:
    return [customer for customer in store.documents(KIND.CUSTOMER, owner=client_no) if not customer.get(INTERNAL)]


async def list_customers(request: Request, context: SandboxContext) -> Response:
    customers = [_public(customer) for customer in _customers(context.store, _client(request))]
    return _listing(request, context, KIND.CUSTOMER, customers)


def _public(customer: JsonObject) -> JsonObject:
    return {key: value for key, value in customer.items() if key != INTERNAL}


async def create_customer(request: Request, context: SandboxContext) -> Response:
    """Created and answered at once; an existing customerNo is updated, as the page says."""
    client_no = _client(request)
    body = inputs_of(request).body if isinstance(inputs_of(request).body, dict) else {}
    customer_no = body.get("customerNo")
    if not isinstance(customer_no, str) or not customer_no.strip():
        numbers = [int(customer["customerNo"]) for customer in context.store.documents(KIND.CUSTOMER, owner=client_no)
                   if str(customer.get("customerNo", "")).isdigit()]  # fmt: skip
        customer_no = str(max(numbers, default=10000) + 1)
    key = _customer_key(client_no, customer_no)
    existing = context.store.get(KIND.CUSTOMER, key)
    base = existing if existing is not None and not existing.get(INTERNAL) else {"createdAt": now_iso()}
    customer = {
        **_public(base),
        **{name: value for name, value in body.items() if isinstance(name, str)},
        "customerNo": customer_no,
        "updatedAt": now_iso(),
    }
    customer.setdefault("kid", kid_mod10(f"{client_no}{customer_no}") if customer_no.isdigit() else "")
    context.store.put(KIND.CUSTOMER, key, customer, owner=client_no)
    return json_response(
        customer, headers={"Location": location(request, f"/clients/{client_no}/customers/{customer_no}")}
    )


async def update_customer(request: Request, context: SandboxContext) -> Response:
    client_no = _client(request)
    body = inputs_of(request).body if isinstance(inputs_of(request).body, dict) else {}
    customer_no = str(body.get("customerNo", ""))
    current = context.store.get(KIND.CUSTOMER, _customer_key(client_no, customer_no)) if customer_no else None
    if current is None or current.get(INTERNAL):
        return error_response(404, f"customer {customer_no or '(no customerNo)'} not found")
    changes = {name: value for name, value in body.items() if isinstance(name, str)}
    updated = context.store.modify(
        KIND.CUSTOMER,
        _customer_key(client_no, customer_no),
        lambda stored: {**stored, **changes, "updatedAt": now_iso()},
    )
    return json_response(updated)


async def get_customer(request: Request, context: SandboxContext) -> Response:
    customer_no = str(request.path_params["customerno"])
    customer = context.store.get(KIND.CUSTOMER, _customer_key(_client(request), customer_no))
    served = customer is not None and (not customer.get(INTERNAL) or context.fault(Fault.AMILI_DELETED_CUSTOMER_SERVED))
    if customer is None or not served:
        return error_response(404, f"customer {customer_no} not found")
    return json_response(_public(customer))


async def delete_customer(request: Request, context: SandboxContext) -> Response:
    client_no, customer_no = _client(request), str(request.path_params["customerno"])
    key = _customer_key(client_no, customer_no)
    customer = context.store.get(KIND.CUSTOMER, key)
    if customer is None or customer.get(INTERNAL):
        return error_response(404, f"customer {customer_no} not found")
    if context.fault(Fault.AMILI_DELETED_CUSTOMER_SERVED):
        # The broken server only flags the row; its reads forget to look at the flag.
        context.store.modify(KIND.CUSTOMER, key, lambda stored: {**stored, INTERNAL: DELETED})
    else:
        context.store.delete(KIND.CUSTOMER, key)
    return Response(status_code=200)


async def create_customer_batch(request: Request, context: SandboxContext) -> Response:
    return _queue(request, context, "CUSTOMERS", "customers")


async def update_customer_batch(request: Request, context: SandboxContext) -> Response:
    return _queue(request, context, "CUSTOMERS", "customers")


# --- batches and payment reservations -------------------------------------------------------------


def _queue(request: Request, context: SandboxContext, kind: str, key: str) -> Response:
    """A batch for asynchronous treatment: PROCESSING now, FINISHED or PARTIAL once it settles."""
    client_no = _client(request)
    body = inputs_of(request).body
    items = body.get(key) if isinstance(body, dict) else body
    items = items if isinstance(items, list) else []
    batch_uuid = str(uuid.uuid4())
    batch = {
        "batchUuid": batch_uuid,
        "type": kind,
        "status": "PROCESSING",
        "createdAt": now_iso(),
        "itemCount": len(items),
        "succeededCount": 0,
        "failedCount": 0,
        "errors": [],
        INTERNAL: {"started": time.time(), "polls": 0, "items": items, "key": key},
    }
    context.store.put(KIND.ARM_BATCH, batch_uuid, batch, owner=client_no)
    public = _public(batch)
    return json_response(
        public, 202, headers={"Location": location(request, f"/clients/{client_no}/batches/{batch_uuid}")}
    )


async def get_batch(request: Request, context: SandboxContext) -> Response:
    client_no, batch_uuid = _client(request), str(request.path_params["batchuuid"])
    if context.store.owner(KIND.ARM_BATCH, batch_uuid) != client_no:
        return error_response(404, f"batch {batch_uuid} not found")
    batch = context.store.modify(KIND.ARM_BATCH, batch_uuid, lambda stored: _advance(stored, context.store, client_no))
    assert batch is not None  # noqa: S101 - its owner was just read
    return json_response(_public(batch), BATCH_STATUS_CODES[batch["status"]])


def _advance(batch: JsonObject, store: Store, client_no: str) -> JsonObject:
    state = batch.get(INTERNAL)
    if state is None or state.get("hold"):
        return batch
    state["polls"] += 1
    if not settled(state["started"], state["polls"]):
        return batch
    errors = []
    for index, item in enumerate(state["items"]):
        if not isinstance(item, dict):
            errors.append({"index": index, "message": "an item must be an object"})
        elif state["key"] == "customers":
            customer_no = item.get("customerNo")
            if not isinstance(customer_no, str) or not customer_no:
                errors.append({"index": index, "message": "customerNo is missing"})
                continue
            store.put(
                KIND.CUSTOMER, _customer_key(client_no, customer_no), {**item, "updatedAt": now_iso()}, owner=client_no
            )
        else:
            _new_document(store, client_no, item)
    batch.update(
        status="PARTIAL" if errors else "FINISHED",
        succeededCount=len(state["items"]) - len(errors),
        failedCount=len(errors),
        errors=errors,
        finishedAt=now_iso(),
    )
    del batch[INTERNAL]
    return batch


async def create_payment_reservation(request: Request, context: SandboxContext) -> Response:
    """Tied to one AR item or one customer, found by any identification the page lists."""
    client_no = _client(request)
    body = inputs_of(request).body if isinstance(inputs_of(request).body, dict) else {}
    item = _find(context.store.documents(KIND.AR_ITEM, owner=client_no), body, DOCUMENT_KEYS)
    customer = None if item is not None else _find(_customers(context.store, client_no), body, CUSTOMER_KEYS)
    if item is None and customer is None:
        return error_response(404, "no AR item or customer matches the identification given")
    payment_id = str(body.get("paymentId", ""))
    target = (
        {"arItemId": item["arItemId"]}
        if item is not None
        else {"customerNo": customer["customerNo"] if customer else ""}
    )
    existing = context.store.get(KIND.RESERVATION, f"{client_no}/{payment_id}")
    if existing is not None:
        if all(existing.get(key) == value for key, value in target.items()):
            return json_response(existing)
        return refuse(request, (422, 400), f"paymentId {payment_id} is already reserved for another item")
    reservation = {
        "reservationId": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{client_no}/{payment_id}")),
        "paymentId": payment_id,
        **target,
        "amount": item["openAmount"] if item is not None else body.get("amount"),
        "currency": "NOK",
        "status": "RESERVED",
        "createdAt": now_iso(),
    }
    context.store.put(KIND.RESERVATION, f"{client_no}/{payment_id}", reservation, owner=client_no)
    return json_response(reservation)


async def check_api_health(_: Request, __: SandboxContext) -> Response:
    return json_response({"status": "Healthy", "version": "1.0", "checkedAt": now_iso()})


# --- seed and known ids ----------------------------------------------------------------------------

# Customers the known params offer to DELETE, so reads of the others keep finding theirs.
DELETABLE = 3


def _seed(store: Store) -> None:
    seed_organizations(store)
    for organization in ORGANIZATIONS:
        client_no = organization.client_no
        client = {
            "clientNo": client_no,
            "name": organization.name,
            "organizationNumber": organization.organization_number,
        }
        store.put(KIND.CLIENT, client_no, client, owner=client_no)
        customers = arm_customers(organization)
        store.put_many(
            KIND.CUSTOMER, ((_customer_key(client_no, c["customerNo"]), c) for c in customers), owner=client_no
        )
        aritems = arm_aritems(organization)
        store.put_many(KIND.AR_ITEM, ((item["arItemId"], item) for item in aritems), owner=client_no)
        documents = arm_documents(organization, aritems)
        store.put_many(KIND.ARM_DOCUMENT, ((doc["documentId"], doc) for doc in documents), owner=client_no)
        glitems = arm_glitems(organization, aritems)
        store.put_many(KIND.GL_ITEM, ((item["glItemId"], item) for item in glitems), owner=client_no)
        batches = arm_batches(organization)
        for batch in batches:
            if batch["status"] == "PROCESSING":
                # A long import that stays in progress, so a reader always finds one batch answering 202.
                batch[INTERNAL] = {"hold": True}
        store.put_many(KIND.ARM_BATCH, ((batch["batchUuid"], batch) for batch in batches), owner=client_no)


def _known_params(store: Store) -> dict[str, dict[str, list[str]]]:
    client_no = ORGANIZATIONS[0].client_no
    client = {"clientno": [client_no]}
    customers = [customer["customerNo"] for customer in store.documents(KIND.CUSTOMER, owner=client_no)]
    documents = store.documents(KIND.ARM_DOCUMENT, owner=client_no)
    return {
        "GET /clients/{clientno}/aritems": client,
        "PUT /clients/{clientno}/aritems": client,
        "GET /clients/{clientno}/aritems/{aritemid}": {
            **client,
            "aritemid": store.ids(KIND.AR_ITEM, owner=client_no)[:5],
        },
        "GET /clients/{clientno}/documents": client,
        "POST /clients/{clientno}/documents": client,
        "POST /clients/{clientno}/documents/batches": client,
        "GET /clients/{clientno}/documents/{documentno}": {
            **client,
            "documentno": [str(document["documentNo"]) for document in documents[:5]],
        },
        "POST /clients/{clientno}/autopostings": client,
        "GET /clients/{clientno}/glitems": client,
        "GET /clients/{clientno}/glitems/{glitemid}": {
            **client,
            "glitemid": store.ids(KIND.GL_ITEM, owner=client_no)[:5],
        },
        "GET /clients/{clientno}/customers": client,
        "POST /clients/{clientno}/customers": client,
        "PUT /clients/{clientno}/customers": client,
        "POST /clients/{clientno}/customers/batches": client,
        "PUT /clients/{clientno}/customers/batches": client,
        "GET /clients/{clientno}/customers/{customerno}": {**client, "customerno": customers[:5]},
        "DELETE /clients/{clientno}/customers/{customerno}": {**client, "customerno": customers[-DELETABLE:]},
        "GET /clients/{clientno}/batches/{batchuuid}": {
            **client,
            "batchuuid": store.ids(KIND.ARM_BATCH, owner=client_no),
        },
        "POST /clients/{clientno}/paymentreservations": client,
        "POST /clients/{clientno}/files": client,
    }


ARM = VendorApi(
    spec_name="amili/arm",
    handlers={
        "checkApiHealth": check_api_health,
        "listArItems": list_aritems,
        "updateArItem": update_aritem,
        "getArItem": get_aritem,
        "listDocuments": list_documents,
        "createDocument": create_document,
        "createDocumentBatch": create_document_batch,
        "getDocument": get_document,
        "createAutoPostings": create_auto_postings,
        "listGlItems": list_glitems,
        "getGlItem": get_glitem,
        "listCustomers": list_customers,
        "createCustomer": create_customer,
        "updateCustomer": update_customer,
        "createCustomerBatch": create_customer_batch,
        "updateCustomerBatch": update_customer_batch,
        "getCustomer": get_customer,
        "deleteCustomer": delete_customer,
        "getBatch": get_batch,
        "createPaymentReservation": create_payment_reservation,
        "uploadFiles": upload_files,
    },
    seed=_seed,
    identity=True,
    known_params=_known_params,
    guard=guard,
)
