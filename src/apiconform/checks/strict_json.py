"""JSON as RFC 8259 defines it, not as Python's `json` module forgives it.

`json.loads` takes `NaN`, `Infinity` and `-Infinity`, and guesses UTF-16 or UTF-32 from bytes; a client in
another language (JavaScript's `JSON.parse`, Go's `encoding/json`) refuses all of them. A body is judged
by what every conforming parser accepts: exactly one JSON text, UTF-8 encoded, numbers finite.
"""

from __future__ import annotations

import json
from typing import Any

from apiconform.core.vocabulary import CheckClass

__all__ = ["NotStrictJson", "parse_strict"]


class NotStrictJson(ValueError):
    """Why a body is not one strict JSON text, and which check class that failure belongs to.

    A byte sequence that is not UTF-8 breaks the media type (`content_type`: application/json is UTF-8);
    a non-finite number or a second text breaks the JSON grammar the schema presumes (`schema`).
    """

    def __init__(self, reason: str, *, check: CheckClass, expected: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.check = check
        self.expected = expected


class _NonFiniteError(Exception):
    def __init__(self, literal: str) -> None:
        super().__init__(literal)
        self.literal = literal


def _refuse(literal: str) -> Any:
    raise _NonFiniteError(literal)


def parse_strict(body: bytes) -> Any:
    """The one JSON value `body` holds; NotStrictJson when a strict parser would refuse it."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise NotStrictJson(
            f"the body is not UTF-8 (byte 0x{body[exc.start]:02x} at offset {exc.start})",
            check=CheckClass.CONTENT_TYPE,
            expected="a UTF-8 encoded body",
        ) from None
    try:
        return json.loads(text, parse_constant=_refuse)
    except _NonFiniteError as exc:
        raise NotStrictJson(
            f"the body holds the bare literal {exc.literal}, which JSON does not allow",
            check=CheckClass.SCHEMA,
            expected="finite JSON numbers (no NaN, Infinity or -Infinity)",
        ) from None
    except json.JSONDecodeError as exc:
        reason = "more than one JSON text" if exc.msg == "Extra data" else exc.msg
        raise NotStrictJson(
            f"{reason}: line {exc.lineno} column {exc.colno} (char {exc.pos})",
            check=CheckClass.SCHEMA,
            expected="exactly one JSON text",
        ) from None
