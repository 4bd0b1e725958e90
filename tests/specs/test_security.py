"""Every security scheme type, read into where its credential travels and what goes before it."""

from __future__ import annotations

from typing import Any

import pytest

from apiconform.specs.security import requirements, security_schemes

SCHEMES: list[tuple[dict[str, Any], tuple[str, str, str, str]]] = [
    ({"type": "http", "scheme": "bearer"}, ("bearer", "header", "Authorization", "Bearer ")),
    ({"type": "http", "scheme": "Basic"}, ("basic", "header", "Authorization", "Basic ")),
    ({"type": "http", "scheme": "token"}, ("http", "header", "Authorization", "Token ")),
    ({"type": "apiKey", "in": "header", "name": "Authorization"}, ("apiKey", "header", "Authorization", "")),
    ({"type": "apiKey", "in": "query", "name": "api_key"}, ("apiKey", "query", "api_key", "")),
    ({"type": "apiKey", "in": "cookie", "name": "session"}, ("apiKey", "cookie", "session", "")),
    ({"type": "oauth2", "flows": {}}, ("bearer", "header", "Authorization", "Bearer ")),
    ({"type": "openIdConnect", "openIdConnectUrl": "https://x"}, ("bearer", "header", "Authorization", "Bearer ")),
    ({"type": "mutualTLS"}, ("none", "header", "Authorization", "")),
]


@pytest.mark.parametrize(
    ("raw", "expected"),
    SCHEMES,
    ids=[str(raw["type"]) + str(raw.get("in", raw.get("scheme", ""))) for raw, _ in SCHEMES],
)
def test_scheme_placement(raw: dict[str, Any], expected: tuple[str, str, str, str]) -> None:
    """Each type puts its credential where OpenAPI says, after the word its scheme uses."""
    scheme = security_schemes({"components": {"securitySchemes": {"S": raw}}})["S"]
    assert (scheme.kind, scheme.location, scheme.parameter, scheme.prefix) == expected
    assert scheme.sendable is (expected[0] != "none")


def test_referenced_scheme_is_resolved() -> None:
    document = {
        "components": {
            "securitySchemes": {"S": {"$ref": "#/components/x-shared/key"}},
            "x-shared": {"key": {"type": "apiKey", "in": "header", "name": "X-Key"}},
        }
    }
    scheme = security_schemes(document)["S"]
    assert (scheme.kind, scheme.location, scheme.parameter) == ("apiKey", "header", "X-Key")


@pytest.mark.parametrize(
    ("document", "operation", "expected"),
    [
        ({"security": [{"A": []}]}, {}, [["A"]]),
        ({"security": [{"A": []}]}, {"security": []}, []),
        ({}, {"security": [{"A": [], "B": []}, {"C": []}]}, [["A", "B"], ["C"]]),
        ({}, {"security": [{}, {"A": []}]}, [[], ["A"]]),
    ],
    ids=["document-wide", "operation-opts-out", "and-or", "optional"],
)
def test_requirements(document: dict[str, Any], operation: dict[str, Any], expected: list[list[str]]) -> None:
    """The operation's own `security` wins over the document's; alternatives keep their order."""
    assert requirements(document, operation) == expected
