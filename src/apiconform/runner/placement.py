"""Where each request carries its credentials: the scheme its operation requires, in that scheme's place.

Schemathesis's requests, the scenarios' and the lifecycles' all ask here, so a probe with a malformed
token travels exactly where the real token does (same header, query parameter or cookie, same prefix).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, MutableMapping
from dataclasses import dataclass
from http import HTTPStatus
from http.cookies import SimpleCookie
from typing import TYPE_CHECKING, Any

from apiconform.core.redaction import Redactor
from apiconform.runner.credentials import ACCESS_TOKEN_REFERENCE, Credential

if TYPE_CHECKING:
    from schemathesis import AuthContext, BaseSchema
    from schemathesis.generation.case import Case

    from apiconform.runner.settings import ApiTarget
from apiconform.specs.security import SecurityScheme, requirements, security_schemes

__all__ = ["Placement", "apply", "authenticate", "cookie_header", "placements", "required_schemes"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Placement:
    """One credential in one place: `scheme` says where, `credential` what."""

    scheme: SecurityScheme
    credential: Credential

    def value(self, *, token: str | None = None) -> str:
        return self.credential.value(self.scheme, token=token)


def required_schemes(document: dict[str, Any], operation: dict[str, Any]) -> list[list[SecurityScheme]] | None:
    """The operation's alternatives as schemes; None when one alternative needs nothing (optional auth)."""
    schemes = security_schemes(document)
    alternatives = [[schemes[name] for name in names if name in schemes] for names in requirements(document, operation)]
    if any(not alternative for alternative in alternatives):
        return None
    return alternatives


def placements(
    document: dict[str, Any], operation: dict[str, Any], credentials: Iterable[Credential]
) -> list[Placement]:
    """The first alternative of the operation's requirement the run has credentials for; [] if none or none needed.

    A credential named for a scheme wins over the default one.
    """
    given = list(credentials)
    for alternative in required_schemes(document, operation) or []:
        chosen = [_credential_for(scheme, given) for scheme in alternative]
        if all(chosen):
            return [
                Placement(scheme=scheme, credential=credential)
                for scheme, credential in zip(alternative, chosen, strict=True)
                if credential is not None
            ]
    return []


def _credential_for(scheme: SecurityScheme, given: list[Credential]) -> Credential | None:
    named = [credential for credential in given if credential.scheme == scheme.name and credential.fits(scheme)]
    return next(iter(named), None) or next((credential for credential in given if credential.fits(scheme)), None)


def apply(
    chosen: Iterable[Placement],
    *,
    headers: MutableMapping[str, str],
    query: MutableMapping[str, str],
    cookies: MutableMapping[str, str],
    token: str | None = None,
) -> None:
    """Put each credential in its place; `token` sends that instead of the real one, with the same prefix."""
    for placement in chosen:
        scheme = placement.scheme
        value = placement.value(token=token)
        if scheme.location == "query":
            query[scheme.parameter] = value
        elif scheme.location == "cookie":
            cookies[scheme.parameter] = value
        else:
            for name in [name for name in headers if name.lower() == scheme.parameter.lower()]:
                del headers[name]
            headers[scheme.parameter] = value


# How long static credentials stay cached in schemathesis's auth provider (they never change).
STATIC_REFRESH_SECONDS = 3600.0


def cookie_header(cookies: MutableMapping[str, str]) -> str:
    """Cookies as one `Cookie` header, for a client that sends headers as given."""
    jar: SimpleCookie = SimpleCookie()
    for name, value in cookies.items():
        jar[name] = value
    return "; ".join(f"{name}={morsel.coded_value}" for name, morsel in jar.items())


def authenticate(schema: BaseSchema, api: ApiTarget, redactor: Redactor) -> None:
    """One auth provider puts each case's credentials where its operation's security requirement says.

    A client-credentials token is cached by schemathesis for its lifetime and, on a 401, invalidated and
    asked for again; so every call after the first fetches anew: the first reuses the token the run
    already fetched (once per run), later ones follow expiry or a 401.
    """
    credentials = api.all_credentials()
    if not credentials:
        return
    sources = list(
        {id(credential.source): credential.source for credential in credentials if credential.source}.values()
    )
    for source in sources:
        redactor.add(source.token(), reference=ACCESS_TOKEN_REFERENCE)
    served = threading.Event()

    class RunCredentials:
        def get(self, _: Case[Any], __: AuthContext) -> dict[int, str]:
            tokens = {id(source): source.token(fresh=served.is_set()) for source in sources}
            served.set()
            for token in tokens.values():
                redactor.add(token, reference=ACCESS_TOKEN_REFERENCE)
            return tokens

        def set(self, case: Case[Any], data: dict[int, str], _: AuthContext) -> None:
            operation = api.spec.operation(case.operation.method, case.operation.path)
            if operation is None:
                return
            for placement in api.placements(operation.raw):
                source = placement.credential.source
                token = data.get(id(source)) if source is not None else None
                apply([placement], headers=case.headers, query=case.query, cookies=case.cookies, token=token)

    refresh = max(1, int(min((source.seconds_left for source in sources), default=STATIC_REFRESH_SECONDS)))
    retry = [HTTPStatus.UNAUTHORIZED.value] if sources else []
    schema.auth(refresh_interval=refresh, retry_on=retry)(RunCredentials)
