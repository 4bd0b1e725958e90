"""Answering a read schemathesis already sent, unchanged, from the answer it got: no request tests nothing new.

Hypothesis draws the same value again and again where a parameter has few (a known id given as an example,
an enum), and the coverage phase repeats every example the examples phase sent: about one request in
twelve of a default run was a GET identical to one the target had already answered, with nothing written
to the API in between. Such a case is still judged, by every check, on the answer already received; only
the request is not sent again (and is not counted as sent). Any other method sent through the API's
transport forgets every answer, since the write may have changed what a read would return, unless the
target refused it with a 4xx (as it does the undocumented methods the coverage phase tries). Scenarios and
lifecycles do not pass through here: polling a status until it changes is their point.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Final

from schemathesis.core import SCHEMATHESIS_TEST_CASE_HEADER

if TYPE_CHECKING:
    import requests
    from schemathesis import Response
    from schemathesis.generation.case import Case

__all__ = ["Replays", "replayed"]

READS: Final = frozenset({"GET", "HEAD"})
# What one API keeps: when either bound would be passed, everything kept is dropped (repeats come close together).
MAX_ANSWERS: Final = 4096
MAX_KEPT_BYTES: Final = 64 * 1024 * 1024
# A body larger than this is not kept at all.
MAX_ANSWER_BYTES: Final = 1024 * 1024
REPLAYED_ATTRIBUTE: Final = "apiconform_replayed"
CLIENT_ERRORS: Final = range(400, 500)


class Replays:
    """The answers to the reads one API's transport sent since its last write, by everything that made the request."""

    def __init__(self) -> None:
        self._answers: dict[str, Response] = {}
        self._bytes = 0

    @staticmethod
    def key(case: Case[Any], serialize: Callable[[], dict[str, Any]], session: requests.Session) -> str | None:
        """What decides the bytes on the wire (`serialize` is the transport's own serialisation); None for a write."""
        if case.method.upper() not in READS:
            return None
        serialized = serialize()
        headers = {
            name: value
            for name, value in (serialized.get("headers") or {}).items()
            if name.lower() != SCHEMATHESIS_TEST_CASE_HEADER.lower()
        }
        shared = sorted(session.headers.items())
        fields = {name: value for name, value in serialized.items() if name != "headers"}
        return repr((case.operation.label, sorted(fields.items()), sorted(headers.items()), shared))

    def answer(self, key: str | None, case: Case[Any]) -> Response | None:
        """The answer already received, as the answer to `case`; None when there is none."""
        kept = self._answers.get(key) if key is not None else None
        if kept is None:
            return None
        answer = copy.copy(kept)
        request = kept.request.copy()
        request.headers[SCHEMATHESIS_TEST_CASE_HEADER] = case.id
        setattr(request, REPLAYED_ATTRIBUTE, True)
        answer.request = request
        return answer

    def keep(self, key: str | None, response: Response) -> None:
        """A read's answer is kept for the next identical read."""
        size = len(response.content or b"")
        if key is None or size > MAX_ANSWER_BYTES:
            return
        if len(self._answers) >= MAX_ANSWERS or self._bytes + size > MAX_KEPT_BYTES:
            self._forget()
        self._answers[key] = response
        self._bytes += size

    def written(self, status: int | None) -> None:
        """After any other method: every answer is forgotten, unless the target refused it (4xx) and so changed nothing.

        `status` is None when no answer came back: the request may still have reached the target.
        """
        if status is None or not CLIENT_ERRORS.start <= status < CLIENT_ERRORS.stop:
            self._forget()

    def _forget(self) -> None:
        self._answers = {}
        self._bytes = 0


def replayed(response: Response) -> bool:
    """True for an answer given again to an identical read, which was not sent (and is not counted as sent)."""
    return bool(getattr(response.request, REPLAYED_ATTRIBUTE, False))
