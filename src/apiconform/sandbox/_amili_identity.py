"""The Amili identity service (Identiverse) in the sandbox: client-credentials tokens, refresh, verify, health.

`POST /token` takes the form the workflow guide shows and issues an HS256 JWT with `exp`, the scopes
granted and the client's organisation and ARM client number; every Amili API in the sandbox accepts it.
The demo clients' secrets are derived from the sandbox token, so `apiconform serve` prints stable ones.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from apiconform.sandbox import _jwt
from apiconform.sandbox._amili_common import json_response, now_iso
from apiconform.sandbox._amili_seed import AMILI_RESOURCE, ORGANIZATIONS, amili_id
from apiconform.sandbox._app import SandboxContext, VendorApi, inputs_of
from apiconform.sandbox._auth import ALL_SCOPES, DemoClient
from apiconform.sandbox._faults import Fault
from apiconform.sandbox._storage import Store

__all__ = ["IDENTITY", "demo_clients"]

GRANT_TYPE = "client_credentials"
DEMO_CLIENT_IDS = ("nordvik-elektro-erp", "solheim-bygg-regnskap")


def demo_clients(static_token: str) -> list[DemoClient]:
    """One client for each of the first two organisations; the second one is 'another organisation'."""
    return [
        DemoClient(
            client_id=client_id,
            client_secret=hmac.new(static_token.encode(), client_id.encode(), hashlib.sha256).hexdigest()[:32],
            name=organization.name,
            organization_id=organization.id,
            client_no=organization.client_no,
            resource=AMILI_RESOURCE if index == 0 else amili_id("resource", client_id),
        )
        for index, (client_id, organization) in enumerate(zip(DEMO_CLIENT_IDS, ORGANIZATIONS, strict=False))
    ]


def _oauth_error(status: int, error: str, description: str) -> JSONResponse:
    headers = {"WWW-Authenticate": 'Basic realm="identiverse"'} if status == 401 else {}  # noqa: PLR2004 - RFC 6749 5.2
    return JSONResponse({"error": error, "error_description": description}, status_code=status, headers=headers)


async def request_token(request: Request, context: SandboxContext) -> Response:
    form: dict[str, Any] = inputs_of(request).body or {}
    client = context.issuer.authenticate_client(str(form.get("client_id", "")), str(form.get("client_secret", "")))
    if client is None:
        return _oauth_error(401, "invalid_client", "unknown client or wrong secret")
    if form.get("grant_type") != GRANT_TYPE:
        return _oauth_error(400, "unsupported_grant_type", f"only {GRANT_TYPE} is supported")
    requested = str(form.get("scope", "")).split()
    unknown = [scope for scope in requested if scope not in ALL_SCOPES]
    if unknown:
        return _oauth_error(400, "invalid_scope", f"unknown scope {unknown[0]}")
    return json_response(context.issuer.issue(client, scopes=tuple(requested) or ALL_SCOPES))


async def refresh_token(request: Request, context: SandboxContext) -> Response:
    """A fresh token for a token this service issued (even an expired one), with the same scopes."""
    form = inputs_of(request).body if isinstance(inputs_of(request).body, dict) else {}
    presented = str(form.get("refresh_token", ""))
    try:
        claims = _jwt.decode(presented, context.issuer.key, verify_exp=False)
    except _jwt.InvalidTokenError as exc:
        return _oauth_error(401, "invalid_grant", f"refresh_token: {exc.reason}")
    client = context.issuer.clients.get(str(claims.get("sub", "")))
    if client is None:
        return _oauth_error(401, "invalid_grant", "refresh_token: unknown client")
    scopes = tuple(scope for scope in str(claims.get("scope", "")).split() if scope in ALL_SCOPES)
    issued = context.issuer.issue(client, scopes=scopes or ALL_SCOPES)
    if context.fault(Fault.AMILI_REFRESHED_TOKEN_REJECTED):
        token = str(issued["access_token"])
        issued["access_token"] = _jwt.encode(_jwt.decode(token, context.issuer.key), b"not-this-service's-key")
    return json_response(issued)


async def verify_token(request: Request, context: SandboxContext) -> Response:
    credential = request.headers.get("authorization", "").partition(" ")[2].strip()
    try:
        return json_response(context.issuer.claims(credential))
    except _jwt.InvalidTokenError:
        # Only reachable when a fault waves tokens through the auth layer.
        return json_response({"active": False})


async def check_health(_: Request, __: SandboxContext) -> Response:
    return json_response({"status": "Healthy", "checkedAt": now_iso()})


def _seed(_: Store) -> None:
    """Nothing to store: the clients live in the token issuer."""


IDENTITY = VendorApi(
    spec_name="amili/identity",
    handlers={
        "requestToken": request_token,
        "refreshToken": refresh_token,
        "verifyToken": verify_token,
        "checkHealth": check_health,
    },
    seed=_seed,
    identity=True,
)
