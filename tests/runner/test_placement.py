"""Credentials placed as each operation's scheme says: header, query or cookie, with the scheme's prefix."""

from __future__ import annotations

from typing import Any

import pytest

from apiconform.runner.credentials import BasicCredentials, Credential
from apiconform.runner.placement import apply, placements

SECRET = "s3cret-value-77"


def _document(scheme: dict[str, Any], *, security: list[dict[str, list[str]]] | None = None) -> dict[str, Any]:
    return {"components": {"securitySchemes": {"S": scheme}}, "security": security or [{"S": []}]}


def _sent(document: dict[str, Any], credentials: list[Credential], token: str | None = None) -> dict[str, Any]:
    headers: dict[str, str] = {}
    query: dict[str, str] = {}
    cookies: dict[str, str] = {}
    apply(placements(document, {}, credentials), headers=headers, query=query, cookies=cookies, token=token)
    return {"headers": headers, "query": query, "cookies": cookies}


CASES = [
    (
        {"type": "http", "scheme": "bearer"},
        Credential(token=SECRET),
        {"headers": {"Authorization": f"Bearer {SECRET}"}},
    ),
    ({"type": "http", "scheme": "token"}, Credential(token=SECRET), {"headers": {"Authorization": f"Token {SECRET}"}}),
    ({"type": "oauth2", "flows": {}}, Credential(token=SECRET), {"headers": {"Authorization": f"Bearer {SECRET}"}}),
    (
        {"type": "apiKey", "in": "header", "name": "Authorization"},
        Credential(scheme="S", token=SECRET, prefix="Token "),
        {"headers": {"Authorization": f"Token {SECRET}"}},
    ),
    ({"type": "apiKey", "in": "query", "name": "key"}, Credential(token=SECRET), {"query": {"key": SECRET}}),
    ({"type": "apiKey", "in": "cookie", "name": "sid"}, Credential(token=SECRET), {"cookies": {"sid": SECRET}}),
    (
        {"type": "http", "scheme": "basic"},
        Credential(basic=BasicCredentials(username="u", password="p")),
        {"headers": {"Authorization": "Basic dTpw"}},
    ),
    (
        {"type": "apiKey", "in": "header", "name": "Authorization"},
        Credential(scheme="S", header="authorization", token=SECRET, prefix="Token "),
        {"headers": {"Authorization": f"Token {SECRET}"}},
    ),
]


@pytest.mark.parametrize(
    ("scheme", "credential", "expected"),
    CASES,
    ids=["bearer", "http-token", "oauth2", "apikey-prefix", "query", "cookie", "basic", "from-header"],
)
def test_placed_as_the_scheme_says(scheme: dict[str, Any], credential: Credential, expected: dict[str, Any]) -> None:
    sent = _sent(_document(scheme), [credential])
    assert {key: value for key, value in sent.items() if value} == expected


def test_probe_keeps_place_and_prefix() -> None:
    """A probe's token goes where the real one goes, after the same prefix."""
    scheme = {"type": "apiKey", "in": "header", "name": "Authorization"}
    sent = _sent(_document(scheme), [Credential(token=SECRET, prefix="Token ")], token="malformed")
    assert sent["headers"] == {"Authorization": "Token malformed"}


@pytest.mark.parametrize(
    ("credentials", "expected"),
    [
        ([Credential(token="default"), Credential(scheme="S", token="named")], "named"),
        ([Credential(basic=BasicCredentials(username="u", password="p"))], None),
        ([Credential(scheme="Other", token="other")], None),
    ],
    ids=["named-wins", "basic-fits-no-key", "other-scheme"],
)
def test_which_credential_serves(credentials: list[Credential], expected: str | None) -> None:
    sent = _sent(_document({"type": "apiKey", "in": "header", "name": "X-Key"}), credentials)
    assert sent["headers"].get("X-Key") == expected


def test_alternative_the_run_can_satisfy() -> None:
    """OR of requirements: the first alternative with a credential for every scheme in it."""
    document = {
        "components": {
            "securitySchemes": {
                "Basic": {"type": "http", "scheme": "basic"},
                "Key": {"type": "apiKey", "in": "query", "name": "k"},
            }
        },
        "security": [{"Basic": []}, {"Key": []}],
    }
    assert _sent(document, [Credential(token=SECRET)])["query"] == {"k": SECRET}
