"""Schemathesis's own credential probes, kept for the auth scenario to judge instead of sending them again.

For each operation that answered 2xx with the run's credentials, schemathesis's `ignored_auth` check sends
the same request once without credentials and once with an invalid one. The auth scenario
(`scenarios/auth.py`) asks exactly that of a resource that exists (and holds the refusal to the documented
401): where schemathesis has already asked, the scenario judges that answer, and only asks itself where it
has not. A probe is told from the rest by how it was sent (a check's request comes without the run's
session) and by what it carries: none of the run's secrets, or one of schemathesis's invalid credentials.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING, Final

from apiconform.core.redaction import Redactor

if TYPE_CHECKING:
    from schemathesis import Response

__all__ = ["AuthAnswers", "Condition", "RecordedAnswer"]

READS: Final = frozenset({"GET", "HEAD"})


class Condition(Enum):
    NO_CREDENTIALS = "no credentials"
    INVALID_CREDENTIAL = "an invalid credential"


@dataclass(frozen=True, slots=True, kw_only=True)
class RecordedAnswer:
    """One exchange as it went over the wire: enough to judge it and to print its curl line."""

    method: str
    url: str
    request_headers: dict[str, str]
    status: int
    headers: dict[str, str]
    body: bytes


class AuthAnswers:
    """The first answer to each probe condition, per operation (schemathesis sends each once per operation)."""

    def __init__(self, redactor: Redactor, invalid_credentials: tuple[str, ...]) -> None:
        self._redactor = redactor
        self._invalid = invalid_credentials
        self._answers: dict[tuple[str, Condition], RecordedAnswer] = {}
        self._lock = threading.Lock()

    def note(self, label: str, response: Response) -> None:
        """A response to a request a check sent on its own; kept when it is a credential probe of a read."""
        request = response.request
        method = (request.method or "").upper()
        if method not in READS:
            return
        headers = {name: str(value) for name, value in request.headers.items()}
        carried = " ".join([request.url or "", *headers.values()])
        if any(value in carried for value in self._invalid):
            condition = Condition.INVALID_CREDENTIAL
        elif not self._redactor.holds_secret(carried):
            condition = Condition.NO_CREDENTIALS
        else:
            return
        answer = RecordedAnswer(
            method=method,
            url=request.url or "",
            request_headers=headers,
            status=response.status_code,
            headers={name: ", ".join(values) for name, values in response.headers.items()},
            body=response.content or b"",
        )
        with self._lock:
            self._answers.setdefault((label, condition), answer)

    def answer(self, label: str, condition: Condition) -> RecordedAnswer | None:
        with self._lock:
            return self._answers.get((label, condition))
