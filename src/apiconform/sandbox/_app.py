"""The sandbox's ASGI app, with its routes taken from the specs so it cannot drift from them.

Each spec is mounted under `/<spec name>`, so APIs whose paths collide (every vendor has a `/token`)
live side by side, and each API's base URL is the sandbox URL plus its name.
"""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Mount, Route

from apiconform.sandbox._faults import FAULTS, Fault
from apiconform.sandbox._storage import Store
from apiconform.specs.document import Operation, SpecDocument

__all__ = ["Handler", "SandboxContext", "VendorApi", "build_app", "error_response"]

# Faults that make the auth layer wave requests through, and the API each one applies to.
SKIP_AUTH = frozenset({Fault.AP_NO_AUTH})
ACCEPT_ANY_TOKEN = frozenset({Fault.AP_GARBAGE_TOKEN_ACCEPTED})


@dataclass(frozen=True, slots=True, kw_only=True)
class SandboxContext:
    store: Store
    token: str
    faults: frozenset[Fault] = frozenset()

    def fault(self, fault: Fault) -> bool:
        return fault in self.faults


Handler = Callable[[Request, SandboxContext], Awaitable[Response]]


@dataclass(frozen=True, slots=True, kw_only=True)
class VendorApi:
    """What the sandbox implements of one spec: handlers by operationId, seed data, and ids worth testing."""

    spec_name: str
    handlers: Mapping[str, Handler]
    seed: Callable[[Store], None]
    known_params: Callable[[Store], dict[str, dict[str, list[str]]]] = field(default=lambda _: {})


def error_response(status: int, message: str, headers: Mapping[str, str] | None = None) -> JSONResponse:
    body = {"statusCode": status, "error": HTTPStatus(status).phrase, "message": message}
    return JSONResponse(body, status_code=status, headers=dict(headers or {}))


def build_app(specs: list[SpecDocument], vendors: Mapping[str, VendorApi], context: SandboxContext) -> Starlette:
    routes: list[BaseRoute] = []
    for spec in specs:
        vendor = vendors.get(spec.name)
        mounted = [
            Route(
                operation.path,
                _endpoint(spec, operation, vendor.handlers.get(operation.operation_id) if vendor else None, context),
                methods=[operation.method.upper()],
            )
            for operation in spec.operations
        ]
        routes.append(Mount(f"/{spec.name}", routes=mounted))
    return Starlette(routes=routes, exception_handlers={HTTPException: _http_error})


def _endpoint(
    spec: SpecDocument, operation: Operation, handler: Handler | None, context: SandboxContext
) -> Callable[[Request], Awaitable[Response]]:
    secured = bool(operation.raw.get("security", spec.raw.get("security", [])))
    faults = {fault for fault in context.faults if FAULTS[fault].api == spec.name}
    skip_auth = bool(faults & SKIP_AUTH)
    any_token = bool(faults & ACCEPT_ANY_TOKEN)

    async def endpoint(request: Request) -> Response:
        if secured and not skip_auth:
            denied = _authenticate(request, context.token, any_token=any_token)
            if denied is not None:
                return denied
        if handler is None:
            return error_response(501, f"{operation.label} is not implemented by the sandbox")
        return await handler(request, context)

    return endpoint


def _authenticate(request: Request, token: str, *, any_token: bool) -> Response | None:
    header = request.headers.get("authorization", "")
    scheme, _, credential = header.partition(" ")
    challenge = {"WWW-Authenticate": 'Bearer realm="sandbox"'}
    if scheme.lower() != "bearer" or not credential:
        return error_response(401, "missing bearer token", challenge)
    if any_token or hmac.compare_digest(credential.encode(), token.encode()):
        return None
    return error_response(401, "invalid bearer token", challenge)


async def _http_error(_: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)  # noqa: S101 - Starlette routes only HTTPException here
    headers: Mapping[str, Any] = exc.headers or {}
    return error_response(exc.status_code, str(exc.detail), {key: str(value) for key, value in headers.items()})
