"""Who is calling: the static sandbox token, or a JWT the identity service issued to one demo client.

The static token (what `apiconform run` sends) may do anything. An issued token is scoped: it carries
the scopes asked for and the one organisation and ARM client its client belongs to, so a request for
another organisation's resource is refused.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from dataclasses import dataclass
from typing import Any

from apiconform.sandbox import _jwt

__all__ = ["ALL_SCOPES", "DemoClient", "Principal", "TokenIssuer"]

ISSUER = "https://auth.staging.amili.no"
TOKEN_LIFETIME_SECONDS = 3600
# The scopes an issued token may carry; the workflow guide names write:collection.case.
ALL_SCOPES = (
    "read:collection",
    "write:collection.case",
    "write:collection.payment",
    "read:arm",
    "write:arm",
    "distribution",
)


@dataclass(frozen=True, slots=True, kw_only=True)
class DemoClient:
    """A client Amili would issue ClientId and ClientSecret to: one organisation and its ARM client number."""

    client_id: str
    client_secret: str
    name: str
    organization_id: str
    client_no: str
    # The Identiverse `resource` (audience) of tokens issued to this client.
    resource: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Principal:
    """The caller of one request; None in a field means 'unrestricted' (the static sandbox token)."""

    subject: str
    organizations: frozenset[str] | None = None
    clients: frozenset[str] | None = None
    scopes: frozenset[str] | None = None

    def may_access_organization(self, organization_id: str) -> bool:
        return self.organizations is None or organization_id in self.organizations

    def may_access_client(self, client_no: str) -> bool:
        return self.clients is None or client_no in self.clients

    def has_scope(self, scope: str) -> bool:
        return self.scopes is None or scope in self.scopes


SUPERUSER = Principal(subject="sandbox")


class TokenIssuer:
    """Issues and verifies the sandbox's HS256 tokens; the signing key is derived from the static token."""

    def __init__(self, static_token: str, clients: list[DemoClient]) -> None:
        self.static_token = static_token
        self.key = hmac.new(static_token.encode(), b"apiconform-sandbox-jwt-signing-key", hashlib.sha256).digest()
        self.clients = {client.client_id: client for client in clients}

    def authenticate_client(self, client_id: str, client_secret: str) -> DemoClient | None:
        client = self.clients.get(client_id)
        if client is None or not hmac.compare_digest(client.client_secret.encode(), client_secret.encode()):
            return None
        return client

    def issue(
        self,
        client: DemoClient,
        *,
        scopes: tuple[str, ...] = ALL_SCOPES,
        now: float | None = None,
        lifetime: int = TOKEN_LIFETIME_SECONDS,
    ) -> dict[str, Any]:
        """A token response as the Identiverse guide shows it (`not_before`, `expires_on`, `resource`)."""
        issued = int(time.time() if now is None else now)
        claims = {
            "iss": ISSUER,
            "sub": client.client_id,
            "aud": client.resource,
            "iat": issued,
            "nbf": issued,
            "exp": issued + lifetime,
            "scope": " ".join(scopes),
            "org": client.organization_id,
            "clientno": client.client_no,
        }
        return {
            "access_token": _jwt.encode(claims, self.key),
            "token_type": "Bearer",
            "not_before": issued,
            "expires_in": lifetime,
            "expires_on": issued + lifetime,
            "resource": client.resource,
        }

    def principal(self, credential: str, *, accept_expired: bool = False) -> Principal:
        """The caller a bearer credential identifies; raises InvalidTokenError for anything not honoured."""
        if hmac.compare_digest(credential.encode(), self.static_token.encode()):
            return SUPERUSER
        claims = _jwt.decode(credential, self.key, verify_exp=not accept_expired)
        client = self.clients.get(str(claims.get("sub", "")))
        if client is None:
            raise _jwt.InvalidTokenError("unknown client")
        return Principal(
            subject=client.client_id,
            organizations=frozenset({str(claims.get("org", ""))}),
            clients=frozenset({str(claims.get("clientno", ""))}),
            scopes=frozenset(str(claims.get("scope", "")).split()),
        )

    def claims(self, credential: str) -> dict[str, Any]:
        """What `/verify` reports about a token: its claims, or the static token's description."""
        if hmac.compare_digest(credential.encode(), self.static_token.encode()):
            return {"active": True, "sub": SUPERUSER.subject, "scope": " ".join(ALL_SCOPES), "token_type": "static"}
        return {"active": True, "token_type": "JWT", **_jwt.decode(credential, self.key)}
