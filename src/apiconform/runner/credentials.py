"""Credentials for a run: a static token, HTTP Basic, or an OAuth2 client-credentials flow, per scheme.

A `Credential` says what is sent for one security scheme of the document (or, without a scheme name, for
every scheme it fits); `runner/placement.py` puts it where the scheme says. The client-credentials token
is fetched once per run, reused until shortly before it expires, and fetched again when the target
answers 401 (schemathesis's reactive re-auth calls `invalidate`).
"""

from __future__ import annotations

import base64
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from apiconform.core.errors import CredentialsError, TargetUnreachable
from apiconform.specs.security import SecurityScheme

if TYPE_CHECKING:
    import httpx

__all__ = ["ACCESS_TOKEN_REFERENCE", "BasicCredentials", "ClientCredentials", "Credential", "TokenSource"]

# How curl lines name a token the client-credentials flow fetched: no variable of the user's holds it.
ACCESS_TOKEN_REFERENCE = "$ACCESS_TOKEN"
# Refetch this long before expiry, so no request leaves with a token that dies on the way.
EXPIRY_MARGIN_SECONDS = 30.0
DEFAULT_LIFETIME_SECONDS = 300.0
TOKEN_TIMEOUT = 10.0


@dataclass(frozen=True, slots=True, kw_only=True)
class BasicCredentials:
    username: str
    password: str = field(repr=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class ClientCredentials:
    """An OAuth2 client-credentials grant, e.g. Amili's Identiverse `POST /token`.

    Usage::

        ClientCredentials(token_url="https://auth.staging.amili.no/token",
                          client_id=os.environ["AMILI_CLIENT_ID"], client_secret=os.environ["AMILI_CLIENT_SECRET"])
    """

    token_url: str
    client_id: str
    client_secret: str = field(repr=False)
    scope: str | None = None


class TokenSource:
    """One cached access token per run; thread-safe because schemathesis may run workers."""

    def __init__(
        self,
        credentials: ClientCredentials,
        *,
        verify: bool | str = True,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.credentials = credentials
        self.verify = verify
        self.fetches = 0
        self._clock = clock
        self._lock = threading.Lock()
        self._token: str | None = None
        self._expires_at = 0.0

    def token(self, *, fresh: bool = False) -> str:
        with self._lock:
            if fresh or self._token is None or self._clock() >= self._expires_at - EXPIRY_MARGIN_SECONDS:
                self._token, self._expires_at = self._fetch()
            return self._token

    @property
    def seconds_left(self) -> float:
        return max(0.0, self._expires_at - EXPIRY_MARGIN_SECONDS - self._clock())

    def invalidate(self) -> None:
        with self._lock:
            self._token = None

    def _fetch(self) -> tuple[str, float]:
        form = {
            "grant_type": "client_credentials",
            "client_id": self.credentials.client_id,
            "client_secret": self.credentials.client_secret,
        }
        if self.credentials.scope:
            form["scope"] = self.credentials.scope
        url = self.credentials.token_url
        import httpx  # noqa: PLC0415 - only a client-credentials flow needs it, after the run's probe

        try:
            response = httpx.post(url, data=form, timeout=TOKEN_TIMEOUT, verify=self.verify)
        except httpx.TransportError as exc:
            raise TargetUnreachable(url, str(exc).splitlines()[0] if str(exc) else type(exc).__name__) from None
        self.fetches += 1
        if response.status_code != httpx.codes.OK:
            raise CredentialsError(f"token endpoint {url} answered {response.status_code}: {_error_text(response)}")
        try:
            body: Any = response.json()
            token = str(body["access_token"])
        except (ValueError, KeyError, TypeError):
            raise CredentialsError(f"token endpoint {url} answered without an access_token") from None
        return token, self._expiry(body)

    def _expiry(self, body: dict[str, Any]) -> float:
        """`expires_on` (Unix time, Amili's and Azure's) wins over `expires_in` (seconds, RFC 6749)."""
        for key, base in (("expires_on", 0.0), ("expires_in", self._clock())):
            try:
                return base + float(body[key])
            except (KeyError, TypeError, ValueError):
                continue
        return self._clock() + DEFAULT_LIFETIME_SECONDS


def _error_text(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.reason_phrase
    if isinstance(body, dict):
        return str(body.get("error_description") or body.get("error") or response.reason_phrase)
    return response.reason_phrase


@dataclass(frozen=True, slots=True, kw_only=True)
class Credential:
    """What the run sends for the scheme named `scheme`, or for every scheme it fits when that is None.

    Usage::

        Credential(scheme="ApiKeyAuth", token=os.environ["VENDOR_TOKEN"], prefix="Token ")
        Credential(header="Authorization", prefix="Token ", token=...)   # from --header 'Authorization: Token ${T}'
        Credential(source=TokenSource(ClientCredentials(...)))         # every bearer-like scheme
    """

    scheme: str | None = None
    token: str | None = field(default=None, repr=False)
    source: TokenSource | None = None
    basic: BasicCredentials | None = None
    # What goes before the token; None: the scheme's own (`Bearer `, `Token ` for `scheme: token`, none for apiKey).
    prefix: str | None = None
    # Given as a whole header (`--header`, a target's `headers`): it serves the scheme placed in that header.
    header: str | None = None

    def fits(self, scheme: SecurityScheme) -> bool:
        if not scheme.sendable or (self.scheme is not None and self.scheme != scheme.name):
            return False
        if self.header is not None:
            return scheme.location == "header" and scheme.parameter.lower() == self.header.lower()
        if self.basic is not None:
            return scheme.kind == "basic"
        return scheme.kind != "basic" or self.scheme == scheme.name

    def prefix_for(self, scheme: SecurityScheme) -> str:
        if self.basic is not None:
            return "Basic "
        return self.prefix if self.prefix is not None else scheme.prefix

    def value(self, scheme: SecurityScheme, *, token: str | None = None) -> str:
        """The value sent now: prefix and token; `token` replaces the real one (a probe's malformed token)."""
        if token is None and self.basic is not None:
            pair = f"{self.basic.username}:{self.basic.password}".encode()
            return f"Basic {base64.b64encode(pair).decode()}"
        if token is None:
            token = self.source.token() if self.source is not None else (self.token or "")
        return f"{self.prefix_for(scheme)}{token}"
