"""Secrets never reach text apiconform writes."""

from __future__ import annotations

import base64
from urllib.parse import quote, urlencode

import pytest

from apiconform.core.redaction import REDACTED, Redactor

SECRET = "s3cr3t-canary-token-8812"
FORM_SECRET = "Ab+c/d=e f~g:h@i!jkl"  # every character a form or a path encodes


class TestRedactor:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            (f"token={SECRET}", f"token={REDACTED}"),
            (f"Basic {base64.b64encode(SECRET.encode()).decode()}", f"Basic {REDACTED}"),
            ("nothing secret here", "nothing secret here"),
            (urlencode({"client_secret": FORM_SECRET}), f"client_secret={REDACTED}"),
            (f"/x/{quote(FORM_SECRET, safe='')}", f"/x/{REDACTED}"),
        ],
        ids=["plain", "base64", "untouched", "form-encoded", "path-encoded"],
    )
    def test_text(self, text: str, expected: str) -> None:
        """Known secrets are replaced, in plain, base64 and URL-encoded spellings."""
        assert Redactor([SECRET, FORM_SECRET]).text(text) == expected

    def test_credential_headers_always_redacted(self) -> None:
        """Authorization and cookies are redacted even when their value is not a known secret."""
        headers = Redactor().headers({"Authorization": "Bearer abc", "Cookie": "a=b", "X-Trace": "1"})
        assert headers == {"Authorization": REDACTED, "Cookie": REDACTED, "X-Trace": "1"}

    def test_curl_names_the_environment_variable(self) -> None:
        """A curl line carries $TOKEN_ENV, never the token, so it can be rerun as is."""
        curl = Redactor([SECRET], token_env="VENDOR_TOKEN").curl(
            "get", "http://127.0.0.1:1/v1/invoice/inv-1", {"Authorization": f"Bearer {SECRET}"}
        )
        assert SECRET not in curl
        assert '"Authorization: Bearer $VENDOR_TOKEN"' in curl
        assert curl.startswith("curl -X GET")
