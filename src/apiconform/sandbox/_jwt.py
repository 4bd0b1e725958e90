"""HS256 JSON Web Tokens with the standard library: what the sandbox's identity service signs and checks.

Only what a client-credentials sandbox needs: compact serialisation, HMAC-SHA256, `exp` and `nbf`.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import time
from collections.abc import Mapping
from typing import Any

__all__ = ["ALGORITHM", "InvalidTokenError", "decode", "encode"]

ALGORITHM = "HS256"
_HEADER = {"alg": ALGORITHM, "typ": "JWT"}
_SEGMENTS = 3


class InvalidTokenError(Exception):
    """A token the sandbox will not honour; `reason` says why, in the words of RFC 6750 error descriptions."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64decode(text: str) -> bytes:
    padded = text + "=" * (-len(text) % 4)
    try:
        return base64.urlsafe_b64decode(padded.encode("ascii"))
    except (binascii.Error, UnicodeEncodeError, ValueError):
        raise InvalidTokenError("malformed token") from None


def _sign(signing_input: str, key: bytes) -> str:
    return _b64encode(hmac.new(key, signing_input.encode("ascii"), hashlib.sha256).digest())


def encode(claims: Mapping[str, Any], key: bytes) -> str:
    """Sign `claims` as a compact JWS."""
    header = _b64encode(json.dumps(_HEADER, separators=(",", ":")).encode())
    payload = _b64encode(json.dumps(dict(claims), separators=(",", ":"), sort_keys=True).encode())
    signing_input = f"{header}.{payload}"
    return f"{signing_input}.{_sign(signing_input, key)}"


def decode(token: str, key: bytes, *, now: float | None = None, verify_exp: bool = True) -> dict[str, Any]:
    """The claims of a token this key signed; raises InvalidTokenError for anything else, or when expired."""
    parts = token.split(".")
    if len(parts) != _SEGMENTS or not all(parts):
        raise InvalidTokenError("malformed token")
    header_part, payload_part, signature = parts
    try:
        header = json.loads(_b64decode(header_part))
        claims = json.loads(_b64decode(payload_part))
    except (ValueError, UnicodeDecodeError):
        raise InvalidTokenError("malformed token") from None
    if not isinstance(header, dict) or header.get("alg") != ALGORITHM or not isinstance(claims, dict):
        raise InvalidTokenError("unsupported token")
    if not hmac.compare_digest(signature, _sign(f"{header_part}.{payload_part}", key)):
        raise InvalidTokenError("bad signature")
    moment = time.time() if now is None else now
    not_before = claims.get("nbf")
    if isinstance(not_before, int | float) and moment < not_before:
        raise InvalidTokenError("token not yet valid")
    expires = claims.get("exp")
    if not isinstance(expires, int | float):
        raise InvalidTokenError("token has no expiry")
    if verify_exp and moment >= expires:
        raise InvalidTokenError("token expired")
    return claims
