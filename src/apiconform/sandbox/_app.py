"""The sandbox's ASGI app, with its routes taken from the specs so it cannot drift from them.

Each spec is mounted under `/<spec name>`, so APIs whose paths collide (every vendor has a `/token`)
live side by side, and each API's base URL is the sandbox URL plus its name. Every request passes the
same pipeline: method dispatch (405 with `Allow` for an undocumented method), the operation's security
requirements, validation of parameters and body against the spec, the vendor's guard (organisation or
client scoping), then the vendor's handler, or, for operations whose behaviour no page describes, a
generic responder that answers the documented success with a body built once from the documented schema.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import json
import re
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from http import HTTPStatus
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route
from starlette.types import Receive, Scope, Send

from apiconform.core.vocabulary import Evidence
from apiconform.sandbox import _jwt
from apiconform.sandbox._auth import Principal, TokenIssuer
from apiconform.sandbox._faults import FAULTS, Fault
from apiconform.sandbox._samples import sample
from apiconform.sandbox._storage import Store
from apiconform.sandbox._validation import Inputs, Invalid, RequestContract
from apiconform.specs.document import SpecDocument
from apiconform.specs.model import HTTP_METHODS, Operation

__all__ = [
    "ANONYMOUS",
    "Handler",
    "SandboxContext",
    "VendorApi",
    "base_path",
    "build_app",
    "documented_status",
    "error_response",
    "inputs_of",
    "operation_of",
    "principal_of",
    "refuse",
]

# Faults that change the auth layer of the API they belong to.
SKIP_AUTH = frozenset({Fault.AP_NO_AUTH, Fault.AMILI_NO_AUTH})
ACCEPT_ANY_TOKEN = frozenset({Fault.AP_GARBAGE_TOKEN_ACCEPTED, Fault.AMILI_GARBAGE_TOKEN_ACCEPTED})
ACCEPT_EXPIRED = frozenset({Fault.AMILI_EXPIRED_TOKEN_ACCEPTED})
IGNORE_SCOPING = frozenset({Fault.AMILI_OTHER_ORGANIZATION_ALLOWED})
# Faults that switch request validation off for their one operation, or make it ignore some keywords.
SKIP_VALIDATION = frozenset({Fault.AMILI_INVALID_BODY_ACCEPTED})
IGNORED_KEYWORDS = {Fault.AMILI_PAGING_CAP_IGNORED: frozenset({"maximum"})}

# Statuses a refused request is answered with, best first; the first one the operation documents wins.
INVALID_REQUEST = (400, 422)
INVALID_PATH = (400, 404, 422)
UNSUPPORTED_MEDIA_TYPE = (415, 400, 422)
PARAMETER = re.compile(r"\{([^}/]+)\}")
ANONYMOUS = Principal(subject="anonymous", organizations=frozenset(), clients=frozenset(), scopes=frozenset())


@dataclass(frozen=True, slots=True, kw_only=True)
class SandboxContext:
    store: Store
    token: str
    issuer: TokenIssuer
    faults: frozenset[Fault] = frozenset()

    def fault(self, fault: Fault) -> bool:
        return fault in self.faults


Handler = Callable[[Request, SandboxContext], Awaitable[Response]]
Guard = Callable[[Request, SandboxContext], Response | None]


@dataclass(frozen=True, slots=True, kw_only=True)
class VendorApi:
    """What the sandbox implements of one spec: handlers by operationId, seed data, and ids worth testing.

    Operations without a handler get the generic responder; `guard` runs before every handler of the API
    (the place for organisation or client scoping).
    """

    spec_name: str
    handlers: Mapping[str, Handler]
    seed: Callable[[Store], None]
    known_params: Callable[[Store], dict[str, dict[str, list[str]]]] = field(default=lambda _: {})
    guard: Guard | None = None
    # Whether the API takes the tokens of the sandbox's identity service as well as the static token.
    identity: bool = False
    # The generic sandbox (`_generic.py`): a handler for every operation, and error bodies as documented.
    responder: Callable[[Operation], Handler] | None = None
    error_body: Callable[[Operation, int], tuple[bytes, str] | None] | None = None


def error_response(status: int, message: str, headers: Mapping[str, str] | None = None) -> JSONResponse:
    body = {"statusCode": status, "error": HTTPStatus(status).phrase, "message": message}
    return JSONResponse(body, status_code=status, headers=dict(headers or {}))


def operation_of(request: Request) -> Operation:
    operation: Operation = request.state.operation
    return operation


def principal_of(request: Request) -> Principal:
    principal: Principal = request.state.principal
    return principal


def inputs_of(request: Request) -> Inputs:
    inputs: Inputs = request.state.inputs
    return inputs


def documented_status(operation: Operation, preferred: Iterable[int], fallback: int) -> int:
    """The first of `preferred` the operation documents, else `fallback`."""
    return next((status for status in preferred if str(status) in operation.responses), fallback)


def refuse(request: Request, preferred: Iterable[int], message: str) -> JSONResponse:
    """An error answer with the best status the operation documents (the first preferred one if none is)."""
    preferred = tuple(preferred)
    return error_response(documented_status(operation_of(request), preferred, preferred[0]), message)


def build_app(
    specs: list[SpecDocument], vendors: Mapping[str, VendorApi], context: SandboxContext
) -> tuple[Starlette, dict[str, frozenset[str]]]:
    """The app, and per spec the operation ids it serves.

    Routes carry the spec's prefix themselves rather than sitting under a Mount, whose catch-all does
    not match every byte a fuzzer puts in a path segment (a newline, say).
    """
    routes: list[BaseRoute] = []
    served: dict[str, frozenset[str]] = {}
    for spec in specs:
        vendor = vendors.get(spec.name)
        by_path: dict[str, dict[str, Callable[[Request], Awaitable[Response]]]] = {}
        for operation in spec.operations:
            by_path.setdefault(operation.path, {})[operation.method] = _endpoint(spec, operation, vendor, context)
        served[spec.name] = (
            frozenset(operation.operation_id for operation in spec.operations) if vendor is not None else frozenset()
        )
        by_shape: dict[str, list[str]] = {}
        for path in sorted(by_path, key=_concrete_first):
            by_shape.setdefault(PARAMETER.sub("{}", path), []).append(path)
        for paths in by_shape.values():
            app: _PathEndpoint | _SharedShape = _PathEndpoint(by_path[paths[0]])
            if len(paths) > 1:
                app = _SharedShape(spec, [(path, _PathEndpoint(by_path[path])) for path in paths])
            routes.append(Route(f"/{spec.name}{paths[0]}", app))
    return Starlette(routes=routes, exception_handlers={HTTPException: _http_error}), served


def base_path(request: Request) -> str:
    """Where this request's API is mounted (`/amili/collection`), for Location headers."""
    prefix: str = request.state.base_path
    return prefix


def _concrete_first(path: str) -> tuple[tuple[int, str], ...]:
    """OpenAPI matches concrete paths before templated ones (`/customers/batches` before `/customers/{no}`)."""
    return tuple((1 if segment.startswith("{") else 0, segment) for segment in path.strip("/").split("/"))


class _PathEndpoint:
    """One path's methods: documented ones go to their operation, anything else is 405 with `Allow`."""

    def __init__(self, endpoints: dict[str, Callable[[Request], Awaitable[Response]]]) -> None:
        self.endpoints = endpoints
        self.allow = _allow(endpoints)

    def method(self, requested: str) -> str | None:
        """The documented method that answers `requested` (GET answers HEAD); None when none does."""
        method = requested.lower()
        method = "get" if method == "head" and "head" not in self.endpoints else method
        return method if method in self.endpoints else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        method = self.method(request.method)
        if method is None:
            response: Response = error_response(
                405, f"{request.method} is not supported here; use {self.allow}", {"Allow": self.allow}
            )
        else:
            response = await self.endpoints[method](request)
        await response(scope, receive, send)


class _SharedShape:
    """Templates no router tells apart (Xero's `.../Attachments/{AttachmentID}` and `.../{FileName}`).

    A request goes to the first whose method it uses and whose path parameters take its values, as a
    server reading the value would choose; the parameters are renamed to that template's own names.
    """

    def __init__(self, spec: SpecDocument, templates: list[tuple[str, _PathEndpoint]]) -> None:
        self.templates = [(PARAMETER.findall(path), endpoint) for path, endpoint in templates]
        self.contracts = {
            (operation.path, operation.method): RequestContract(spec, operation)
            for path, _ in templates
            for operation in spec.operations
            if operation.path == path
        }
        self.paths = [path for path, _ in templates]
        self.allow = _allow({method: None for _, endpoint in templates for method in endpoint.endpoints})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        values = list(scope.get("path_params", {}).values())
        requested = str(scope.get("method", "GET"))
        serving = []
        for path, (names, endpoint) in zip(self.paths, self.templates, strict=True):
            method = endpoint.method(requested)
            if method is not None:
                params = dict(zip(names, values, strict=False))
                serving.append((self.contracts[path, method].path_fits(params), params, endpoint))
        if not serving:
            message = f"{requested} is not supported here; use {self.allow}"
            await error_response(405, message, {"Allow": self.allow})(scope, receive, send)
            return
        _, params, endpoint = next((candidate for candidate in serving if candidate[0]), serving[0])
        await endpoint({**scope, "path_params": params}, receive, send)


def _allow(methods: Mapping[str, object]) -> str:
    allowed = [method.upper() for method in HTTP_METHODS if method in methods]
    if "GET" in allowed and "HEAD" not in allowed:
        allowed.append("HEAD")
    return ", ".join(allowed)


def _endpoint(
    spec: SpecDocument, operation: Operation, vendor: VendorApi | None, context: SandboxContext
) -> Callable[[Request], Awaitable[Response]]:
    faults = {fault for fault in context.faults if FAULTS[fault].api == spec.name}
    generic = vendor is not None and vendor.responder is not None
    auth = _Auth(
        requirements=list(operation.security),
        schemes={name: scheme.raw for name, scheme in operation.schemes.items()},
        issuer=context.issuer,
        identity=vendor is not None and vendor.identity,
        skip=bool(faults & SKIP_AUTH),
        any_token=bool(faults & ACCEPT_ANY_TOKEN),
        accept_expired=bool(faults & ACCEPT_EXPIRED),
        ignore_scoping=bool(faults & IGNORE_SCOPING),
        bearer_for_any=generic,
    )
    own = {fault for fault in faults if FAULTS[fault].operation == operation.label}
    ignored = frozenset().union(*(IGNORED_KEYWORDS.get(fault, frozenset()) for fault in own))
    contract = RequestContract(spec, operation, ignored=ignored)
    validate = not own & SKIP_VALIDATION
    handler: Handler | None = None
    if vendor is not None and vendor.responder is not None:
        handler = vendor.responder(operation)
    elif vendor is not None:
        handler = vendor.handlers.get(operation.operation_id) or generic_handler(spec, operation)
    guard = vendor.guard if vendor is not None else None
    error_body = vendor.error_body if vendor is not None else None

    prefix = f"/{spec.name}"

    async def endpoint(request: Request) -> Response:
        response = await answer(request)
        return _documented_error(response, operation, error_body) if error_body is not None else response

    async def answer(request: Request) -> Response:
        request.state.operation = operation
        request.state.base_path = prefix
        principal = auth.principal(request, operation)
        if isinstance(principal, Response):
            return principal
        request.state.principal = principal
        if handler is None:
            return error_response(501, f"{operation.label} is not implemented by the sandbox")
        raw_body = await request.body()
        try:
            request.state.inputs = contract.parse(request, raw_body) if validate else _lenient(request, raw_body)
        except Invalid as exc:
            return error_response(_rejection_status(operation, exc), "; ".join(exc.problems))
        if guard is not None:
            refused = guard(request, context)
            if refused is not None:
                return refused
        return await handler(request, context)

    return endpoint


def _documented_error(
    response: Response, operation: Operation, error_body: Callable[[Operation, int], tuple[bytes, str] | None]
) -> Response:
    """An error answer re-bodied as the operation documents that status; its headers (WWW-Authenticate) kept."""
    documented = error_body(operation, response.status_code) if response.status_code >= 400 else None  # noqa: PLR2004 - errors only
    if documented is None:
        return response
    dropped = {"content-length", "content-type"}
    headers = {key: value for key, value in response.headers.items() if key.lower() not in dropped}
    return Response(documented[0], status_code=response.status_code, media_type=documented[1], headers=headers)


def _rejection_status(operation: Operation, invalid: Invalid) -> int:
    """The status an invalid request gets: the best one the operation documents.

    A malformed id in the path is naturally 404 where 400 is not listed. Elsewhere 400 (or 422) is the
    answer; where the operation lists neither, a documented (DOC) status list still decides (404 if it
    has one, as "nothing matches"), while an inferred list gets the realistic 400, which then shows up
    as a warning: that list is the spec's guess and is missing it.
    """
    if "path" in invalid.locations:
        return documented_status(operation, INVALID_PATH, 404)
    preferred = UNSUPPORTED_MEDIA_TYPE if invalid.media_type else INVALID_REQUEST
    status = documented_status(operation, preferred, 0)
    if status:
        return status
    if operation.status_codes_evidence is Evidence.DOC:
        return documented_status(operation, (404,), preferred[0])
    return preferred[0]


def _lenient(request: Request, raw_body: bytes) -> Inputs:
    """What a server that skips validation makes of a request: whatever parses, typed or not."""
    query: dict[str, Any] = dict(request.query_params.items())
    try:
        body = json.loads(raw_body) if raw_body else None
    except ValueError:
        body = raw_body.decode("utf-8", errors="replace")
    return Inputs(path=dict(request.path_params), query=query, body=body, media_type="")


@dataclass(frozen=True, slots=True)
class _Refusal:
    reason: str
    insufficient_scope: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class _Auth:
    requirements: list[dict[str, list[str]]]
    schemes: Mapping[str, Any]
    issuer: TokenIssuer
    identity: bool = False
    skip: bool = False
    any_token: bool = False
    accept_expired: bool = False
    ignore_scoping: bool = False
    # The generic sandbox also takes the static token as a bearer for basic and apiKey schemes.
    bearer_for_any: bool = False

    def principal(self, request: Request, operation: Operation) -> Principal | Response:
        """Who is calling, or the 401/403 answer; any one requirement of the operation's list suffices."""
        if not self.requirements or any(not requirement for requirement in self.requirements):
            return ANONYMOUS
        if self.skip:
            return Principal(subject="anonymous")
        scheme, _, credential = request.headers.get("authorization", "").partition(" ")
        outcomes = [
            self._satisfy(request, requirement, scheme.lower(), credential.strip()) for requirement in self.requirements
        ]
        for outcome in outcomes:
            if isinstance(outcome, Principal):
                return replace(outcome, organizations=None, clients=None) if self.ignore_scoping else outcome
        refusals = [outcome for outcome in outcomes if isinstance(outcome, _Refusal)]
        lacking = next((refusal for refusal in refusals if refusal.insufficient_scope), None)
        if lacking is not None and "403" in operation.responses:
            return error_response(403, lacking.reason)
        kinds = {_scheme_kind(self.schemes.get(name, {})) for requirement in self.requirements for name in requirement}
        challenge = 'Basic realm="sandbox"' if kinds == {"basic"} else 'Bearer realm="sandbox"'
        return error_response(401, refusals[0].reason, {"WWW-Authenticate": challenge})

    def _satisfy(
        self, request: Request, requirement: Mapping[str, list[str]], scheme: str, credential: str
    ) -> Principal | _Refusal:
        principal: Principal | None = None
        for name, scopes in requirement.items():
            declared = self.schemes.get(name, {})
            kind = _scheme_kind(declared)
            if kind == "apiKey":
                found = self._api_key(request, declared, scheme, credential)
                if isinstance(found, str):
                    return _Refusal(found)
                principal = found
                continue
            if self.bearer_for_any and scheme == "bearer" and kind:
                # Until the runner sends every scheme as declared, the static token as a bearer stands in.
                scheme = kind
                if kind == "basic":
                    credential = base64.b64encode(f"sandbox:{credential}".encode()).decode()
            if not kind:
                return _Refusal("unsupported security scheme")
            if kind != scheme:
                return _Refusal(f"missing {kind} credentials" if not scheme else f"{kind} credentials required")
            found = self._credential(kind, credential)
            if isinstance(found, str):
                return _Refusal(found)
            if not all(found.has_scope(scope) for scope in scopes):
                return _Refusal(f"the token lacks the scope {' '.join(scopes)}", insufficient_scope=True)
            principal = found
        return principal if principal is not None else _Refusal("credentials required")

    def _api_key(self, request: Request, declared: Mapping[str, Any], scheme: str, credential: str) -> Principal | str:
        """An API key where the scheme puts it (header, query or cookie); the static token is the one key."""
        name, where = str(declared.get("name", "")), declared.get("in")
        sources = {"header": request.headers, "query": request.query_params, "cookie": request.cookies}
        value = sources.get(str(where), {}).get(name)
        if value is None and self.bearer_for_any and scheme == "bearer":
            value = credential
        if not value:
            return f"missing API key {name!r} in the {where}"
        if self.any_token or hmac.compare_digest(
            value.removeprefix("Bearer ").encode(), self.issuer.static_token.encode()
        ):
            return Principal(subject="sandbox")
        return f"invalid API key {name!r}"

    def _credential(self, kind: str, credential: str) -> Principal | str:
        if not credential:
            return f"missing {kind} credentials"
        if self.any_token:
            return Principal(subject="anyone")
        return self._basic(credential) if kind == "basic" else self._bearer(credential)

    def _bearer(self, credential: str) -> Principal | str:
        if not self.identity:
            same = hmac.compare_digest(credential.encode(), self.issuer.static_token.encode())
            return Principal(subject="sandbox") if same else "invalid bearer token"
        try:
            return self.issuer.principal(credential, accept_expired=self.accept_expired)
        except _jwt.InvalidTokenError as exc:
            return f"invalid bearer token: {exc.reason}"

    def _basic(self, credential: str) -> Principal | str:
        try:
            user, _, password = base64.b64decode(credential, validate=True).decode("utf-8").partition(":")
        except (binascii.Error, UnicodeDecodeError, ValueError):
            return "malformed basic credentials"
        if password == self.issuer.static_token:
            return Principal(subject=user or "sandbox")
        client = self.issuer.authenticate_client(user, password)
        if client is None:
            return "invalid username or password"
        return Principal(
            subject=client.client_id,
            organizations=frozenset({client.organization_id}),
            clients=frozenset({client.client_no}),
        )


def _scheme_kind(scheme: Mapping[str, Any]) -> str:
    """The Authorization header scheme a security scheme expects: `bearer`, `basic`, or '' if none."""
    kind = scheme.get("type")
    if kind == "apiKey":
        return "apiKey"
    if kind == "http":
        return str(scheme.get("scheme", "")).lower()
    if kind in {"oauth2", "openIdConnect"}:
        return "bearer"
    return ""


def generic_handler(spec: SpecDocument, operation: Operation) -> Handler:
    """The documented success status with a body built once from the documented schema, for unknown behaviour."""
    successes = [int(code) for code in operation.responses if code.isdigit() and 200 <= int(code) < 300]  # noqa: PLR2004 - the 2xx class
    status = min(successes, default=200)
    response = operation.responses.get(str(status))
    media = response.json if response is not None else None
    body: Any = None
    if media is not None and media.schema is not None:
        body = sample(media.schema)
        errors = [error.message for error in spec.contract.validators.errors(media.schema, body)]
        if errors:
            msg = f"the generic body for {media.schema.ref} does not match its schema: {errors[0]}"
            raise ValueError(msg)
    encoded = json.dumps(body).encode() if media is not None else b""

    async def respond(_: Request, __: SandboxContext) -> Response:
        if media is None:
            return Response(status_code=status)
        return Response(encoded, status_code=status, media_type=media.name)

    return respond


async def _http_error(_: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)  # noqa: S101 - Starlette routes only HTTPException here
    headers: Mapping[str, Any] = exc.headers or {}
    return error_response(exc.status_code, str(exc.detail), {key: str(value) for key, value in headers.items()})
