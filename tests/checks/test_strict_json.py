"""Strict JSON: what every conforming parser accepts, not what Python's `json` forgives."""

from __future__ import annotations

from typing import Any

import pytest

from apiconform.checks.strict_json import NotStrictJson, parse_strict
from apiconform.core.vocabulary import CheckClass


class TestParseStrict:
    @pytest.mark.parametrize(
        ("body", "value"),
        [
            (b'{"amount": 1.5e3}', {"amount": 1500.0}),
            (b' [1, "\xc3\xa6\xc3\xb8\xc3\xa5"] \n', [1, "æøå"]),
            (b'"NaN"', "NaN"),
            (b"null", None),
        ],
        ids=["number", "utf-8-and-whitespace", "nan-as-a-string", "null"],
    )
    def test_accepts(self, body: bytes, value: Any) -> None:
        """Well-formed JSON parses to its value; `"NaN"` as a string is just a string."""
        assert parse_strict(body) == value

    @pytest.mark.parametrize(
        ("body", "check", "reason"),
        [
            (b'{"amount": NaN}', CheckClass.SCHEMA, "bare literal NaN"),
            (b'{"amount": Infinity}', CheckClass.SCHEMA, "bare literal Infinity"),
            (b'{"amount": -Infinity}', CheckClass.SCHEMA, "bare literal -Infinity"),
            (b'{"name": "\xe6"}', CheckClass.CONTENT_TYPE, "not UTF-8"),
            ('{"a": 1}'.encode("utf-16"), CheckClass.CONTENT_TYPE, "not UTF-8"),
            (b'{"a": 1}{"a": 2}', CheckClass.SCHEMA, "more than one JSON text"),
            (b'{"a": 1}\n{"a": 2}\n', CheckClass.SCHEMA, "more than one JSON text"),
            (b"", CheckClass.SCHEMA, "Expecting value"),
            (b'\xef\xbb\xbf{"a": 1}', CheckClass.SCHEMA, "BOM"),
        ],
        ids=["nan", "infinity", "minus-infinity", "latin-1", "utf-16", "two-texts", "ndjson", "empty", "bom"],
    )
    def test_refuses(self, body: bytes, check: CheckClass, reason: str) -> None:
        """Each body Python's json would take (or guess at) is refused, with its check class and reason."""
        with pytest.raises(NotStrictJson) as caught:
            parse_strict(body)
        assert caught.value.check is check
        assert reason in caught.value.reason
