"""What the Amili APIs share: storage kinds, the `{summary, data}` envelope, opaque page tokens, the clock."""

from __future__ import annotations

import base64
import binascii
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse

from apiconform.sandbox._amili_seed import ORGANIZATIONS, Organization, iso
from apiconform.sandbox._app import base_path
from apiconform.sandbox._storage import Store

__all__ = [
    "FORBIDDEN",
    "INTERNAL",
    "KIND",
    "NOT_FOUND",
    "SETTLE_POLLS",
    "SETTLE_SECONDS",
    "envelope",
    "json_response",
    "location",
    "now_iso",
    "organization_by_client",
    "page",
    "seed_organizations",
    "settled",
]

JsonObject = dict[str, Any]
# Statuses a refusal may take when the spec documents one but not the other (the first is preferred).
NOT_FOUND = (404, 403)
FORBIDDEN = (403, 404)
# Owner of documents the sandbox keeps for itself, which no organisation may see.
INTERNAL = "_sandbox"


class KIND:
    """Storage kinds, one per resource type; the owner column holds the organisation id or client number."""

    ORGANIZATION = "amili/organization"
    INVOICE = "amili/collection/invoice"
    BATCH = "amili/collection/batch"
    CASE = "amili/collection/case"
    SETTLEMENT = "amili/collection/settlement"
    PAYMENT = "amili/collection/payment"
    INVOICE_DOCUMENT = "amili/collection/invoice-document"
    EVENT = "amili/collection/event"
    REPORT = "amili/collection/report"
    AUTOCOLLECT_BATCH = "amili/autocollect/batch"
    CLIENT = "amili/arm/client"
    CUSTOMER = "amili/arm/customer"
    AR_ITEM = "amili/arm/aritem"
    ARM_DOCUMENT = "amili/arm/document"
    GL_ITEM = "amili/arm/glitem"
    ARM_BATCH = "amili/arm/batch"
    RESERVATION = "amili/arm/payment-reservation"
    AUTO_POSTING = "amili/arm/auto-posting"
    FILE = "amili/arm/file"
    SENT = "amili/distribution/document"
    COMPANY = "amili/distribution/company"
    BANK_AGREEMENT = "amili/distribution/bank-agreement"


# An asynchronous job (a batch, a delivery) settles after this many reads or this much time, whichever first.
SETTLE_POLLS = 2
SETTLE_SECONDS = 2.0
DEFAULT_PAGE_SIZE = 25
MAX_PAGE_SIZE = 100
_TOKEN_PREFIX = "offset:"


def now_iso() -> str:
    return iso(datetime.now(UTC))


def settled(started: float, polls: int) -> bool:
    return polls >= SETTLE_POLLS or time.time() - started >= SETTLE_SECONDS


def seed_organizations(store: Store) -> None:
    for organization in ORGANIZATIONS:
        store.put(KIND.ORGANIZATION, organization.id, organization.summary(), owner=organization.id)


def organization_by_client(client_no: str) -> Organization | None:
    return next((organization for organization in ORGANIZATIONS if organization.client_no == client_no), None)


def envelope(data: Any, *, next_page_token: str | None = None) -> JsonObject:
    """The documented `{summary, data}` envelope; `summary.status` is SUCCESS, the only value the pages show."""
    summary: JsonObject = {"status": "SUCCESS"}
    if next_page_token is not None:
        summary["nextPageToken"] = next_page_token
    return {"summary": summary, "data": data}


def page(items: Sequence[JsonObject], token: str | None, size: int | None) -> tuple[list[JsonObject], str | None]:
    """One page and the token of the next; a token this server did not issue reads as past the end."""
    size = DEFAULT_PAGE_SIZE if size is None or size <= 0 else min(size, MAX_PAGE_SIZE)
    offset = 0
    if token:
        offset = _offset(token)
    chunk = list(items[offset : offset + size])
    following = offset + size
    return chunk, (_token(following) if following < len(items) else None)


def _token(offset: int) -> str:
    return base64.urlsafe_b64encode(f"{_TOKEN_PREFIX}{offset}".encode()).decode().rstrip("=")


def _offset(token: str) -> int:
    try:
        text = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return 2**31
    if not text.startswith(_TOKEN_PREFIX) or not text.removeprefix(_TOKEN_PREFIX).isdigit():
        return 2**31
    return int(text.removeprefix(_TOKEN_PREFIX))


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(body, status_code=status, headers=headers)


def location(request: Request, path: str) -> str:
    """A Location header for a resource of this API (where the API is mounted plus the resource path)."""
    return f"{base_path(request)}{path}"
