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
        redactor = Redactor()
        redactor.add(SECRET, reference="$VENDOR_TOKEN")
        curl = redactor.curl("get", "http://127.0.0.1:1/v1/invoice/inv-1", {"Authorization": f"Bearer {SECRET}"})
        assert SECRET not in curl
        assert '"Authorization: Bearer $VENDOR_TOKEN"' in curl
        assert curl.startswith("curl -X GET")


class TestCurlReferences:
    """Curl lines name the variable each credential came from, wherever it travelled; nothing else is masked."""

    @pytest.mark.parametrize(
        ("url", "headers", "expected"),
        [
            ("http://h/x", {"Authorization": f"Token {SECRET}"}, '-H "Authorization: Token $T" http://h/x'),
            (f"http://h/x?api_key={SECRET}&author=alice", {}, '"http://h/x?api_key=$T&author=alice"'),
            ("http://h/x", {"Cookie": f"sid={SECRET}"}, '-H "Cookie: sid=$T" http://h/x'),
            ("http://h/x?author=alice", {}, "'http://h/x?author=alice'"),
            ("http://h/x", {"Authorization": "Bearer unknown-value"}, "-H 'Authorization: [REDACTED]' http://h/x"),
        ],
        ids=["header-with-prefix", "query", "cookie", "author-untouched", "unknown-credential"],
    )
    def test_reference(self, url: str, headers: dict[str, str], expected: str) -> None:
        redactor = Redactor()
        redactor.add(SECRET, reference="$T")
        curl = redactor.curl("GET", url, headers)
        assert curl.endswith(expected), curl
        assert SECRET not in curl

    def test_basic_pair_is_curl_u(self) -> None:
        redactor = Redactor()
        redactor.add("user:pass-word", reference="$U:$P")
        value = base64.b64encode(b"user:pass-word").decode()
        assert redactor.curl("GET", "http://h/", {"Authorization": f"Basic {value}"}) == (
            'curl -X GET -u "$U:$P" http://h/'
        )

    def test_literal_around_a_reference_is_escaped(self) -> None:
        redactor = Redactor()
        redactor.add(SECRET, reference="$T")
        curl = redactor.curl("GET", f'http://h/x?q=a"$b`c&k={SECRET}', {})
        assert curl.endswith('"http://h/x?q=a\\"\\$b\\`c&k=$T"')


class TestIssuedSecrets:
    """Credentials the target hands out in bodies are secrets from the moment they are seen."""

    @pytest.mark.parametrize(
        "body",
        [
            '{"user": {"token": "eyJhbGciOi.canary.sig"}}',
            '{"access_token":"eyJhbGciOi.canary.sig","token_type":"Bearer"}',
            '{"refreshToken": "eyJhbGciOi.canary.sig"}',
            '{"client_secret": "eyJhbGciOi.canary.sig"}',
            '{"apiKey": "eyJhbGciOi.canary.sig"}',
            "access_token=eyJhbGciOi.canary.sig&expires_in=3600",
            '{"password": "eyJhbGciOi.canary.sig", "tru',
        ],
        ids=["nested-token", "access_token", "camel-case", "client_secret", "apiKey", "form", "cut-off"],
    )
    def test_field_value_redacted_everywhere(self, body: str) -> None:
        redactor = Redactor()
        assert "eyJhbGciOi.canary.sig" not in redactor.text(body)
        assert redactor.text("later: eyJhbGciOi.canary.sig") == f"later: {REDACTED}"

    def test_other_fields_untouched(self) -> None:
        body = '{"token_type": "Bearer", "author": "alice-the-writer", "expires_in": 3600}'
        assert Redactor().text(body) == body
