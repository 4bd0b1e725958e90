"""HS256 tokens: what the sandbox signs it reads back, and anything tampered, expired or foreign is refused."""

from __future__ import annotations

import base64
import json

import pytest

from apiconform.sandbox import _jwt

KEY = b"k" * 32
NOW = 1_800_000_000
CLAIMS = {"sub": "nordvik-elektro-erp", "nbf": NOW - 10, "exp": NOW + 3600, "scope": "read:collection"}


def _segment(data: dict[str, object]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


class TestRoundTrip:
    """A token signed with a key decodes with it."""

    def test_claims_come_back(self) -> None:
        """decode(encode(claims)) returns the claims."""
        assert _jwt.decode(_jwt.encode(CLAIMS, KEY), KEY, now=NOW) == CLAIMS

    def test_header_names_hs256(self) -> None:
        """The header is {"alg": "HS256", "typ": "JWT"}, as any JWT library expects."""
        header = _jwt.encode(CLAIMS, KEY).split(".")[0]
        assert json.loads(base64.urlsafe_b64decode(header + "==")) == {"alg": "HS256", "typ": "JWT"}

    def test_expired_token_reads_when_asked(self) -> None:
        """verify_exp=False reads an expired token (what /refresh does)."""
        token = _jwt.encode({**CLAIMS, "exp": NOW - 1}, KEY)
        assert _jwt.decode(token, KEY, now=NOW, verify_exp=False)["sub"] == CLAIMS["sub"]


class TestRefused:
    """Tokens the sandbox must not honour."""

    @pytest.mark.parametrize(
        ("token", "reason"),
        [
            (_jwt.encode(CLAIMS, b"another key"), "bad signature"),
            (_jwt.encode({**CLAIMS, "exp": NOW}, KEY), "token expired"),
            (_jwt.encode({**CLAIMS, "nbf": NOW + 60}, KEY), "token not yet valid"),
            (_jwt.encode({"sub": "x"}, KEY), "token has no expiry"),
            ("not-a-token", "malformed token"),
            ("a.b", "malformed token"),
            ("a..c", "malformed token"),
            ("!!!.###.$$$", "malformed token"),
            (f"{_segment({'alg': 'none'})}.{_segment(CLAIMS)}.x", "unsupported token"),
        ],
        ids=[
            "foreign-key",
            "expired",
            "not-yet-valid",
            "no-exp",
            "no-dots",
            "two-segments",
            "empty-segment",
            "not-base64",
            "alg-none",
        ],
    )
    def test_refused_with_reason(self, token: str, reason: str) -> None:
        """Each bad token raises InvalidTokenError naming why."""
        with pytest.raises(_jwt.InvalidTokenError) as raised:
            _jwt.decode(token, KEY, now=NOW)
        assert raised.value.reason == reason

    def test_tampered_payload(self) -> None:
        """Changing one claim after signing breaks the signature."""
        header, _, signature = _jwt.encode(CLAIMS, KEY).split(".")
        forged = f"{header}.{_segment({**CLAIMS, 'scope': 'write:collection.case'})}.{signature}"
        with pytest.raises(_jwt.InvalidTokenError, match="bad signature"):
            _jwt.decode(forged, KEY, now=NOW)
