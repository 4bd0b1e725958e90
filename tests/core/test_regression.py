"""Baseline entry patterns: which operations and JSON pointers an entry with `*` or `**` names."""

from __future__ import annotations

import pytest

from apiconform.core.regression import operation_matches, pointer_matches


@pytest.mark.parametrize(
    ("pattern", "operation", "matches"),
    [
        pytest.param("GET /v1/invoice/{id}", "GET /v1/invoice/{id}", True, id="exact"),
        pytest.param("GET /v1/invoice/{id}", "GET /v1/invoice/{id}/lines", False, id="exact-is-not-a-prefix"),
        pytest.param("GET /v1/invoice/{id}", "get /v1/invoice/{id}", False, id="exact-is-case-sensitive"),
        pytest.param("*", "DELETE /amili/arm/x", True, id="star-is-every-operation"),
        pytest.param("GET /v1/*", "GET /v1/invoice/{id}", True, id="glob-crosses-slashes"),
        pytest.param("GET /v1/*", "POST /v1/invoice", False, id="glob-keeps-the-method"),
        pytest.param("GET /v1/*", "GET /v2/invoice", False, id="glob-keeps-the-prefix"),
        pytest.param("* /users/{id}", "PATCH /users/{id}", True, id="any-method"),
        pytest.param("GET /a.b/*", "GET /aXb/c", False, id="dot-is-literal"),
    ],
)
def test_operation_patterns(pattern: str, operation: str, *, matches: bool) -> None:
    """`*` stands for any text; anything else is literal, so an exact label matches only itself."""
    assert operation_matches(pattern, operation) is matches


@pytest.mark.parametrize(
    ("pattern", "pointer", "matches"),
    [
        pytest.param("/currency", "/currency", True, id="exact"),
        pytest.param("/currency", "/lines/0/currency", False, id="exact-is-not-a-suffix"),
        pytest.param("", "", True, id="whole-response"),
        pytest.param("", "/bio", False, id="whole-response-is-not-a-field"),
        pytest.param("/**/bio", "/bio", True, id="double-star-none"),
        pytest.param("/**/bio", "/data/3/author/bio", True, id="double-star-many"),
        pytest.param("/**/bio", "/data/biography", False, id="double-star-whole-segments"),
        pytest.param("/**/bio", "/bio/text", False, id="double-star-anchored-at-the-end"),
        pytest.param("/data/*/id", "/data/7/id", True, id="star-one-segment"),
        pytest.param("/data/*/id", "/data/id", False, id="star-not-zero-segments"),
        pytest.param("/data/*/id", "/data/7/x/id", False, id="star-not-two-segments"),
        pytest.param("/**", "", True, id="double-star-alone-is-everything"),
        pytest.param("/**", "/a/b", True, id="double-star-alone-any-depth"),
        pytest.param("/a~1b/*", "/a~1b/c", True, id="escaped-segments-literal"),
        pytest.param("/b*o", "/bio", False, id="star-inside-a-segment-is-literal"),
    ],
)
def test_pointer_patterns(pattern: str, pointer: str, *, matches: bool) -> None:
    """`*` is one pointer segment, `**` any number of them; other segments compare exactly."""
    assert pointer_matches(pattern, pointer) is matches
