"""Credentials for a run: a static bearer token, HTTP Basic, or an OAuth2 client-credentials flow.

The client-credentials token is fetched once per run, reused until shortly before it expires, and
fetched again when the target answers 401 (schemathesis's reactive re-auth calls `invalidate`).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from apiconform.core.errors import CredentialsError, TargetUnreachable

__all__ = ["BasicCredentials", "ClientCredentials", "TokenSource"]

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
