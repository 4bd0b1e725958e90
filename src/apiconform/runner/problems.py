"""What went wrong on the wire, in one line a person can act on, from whichever HTTP library raised it.

Schemathesis sends through `requests`, the scenarios through `httpx` (bridged onto the same bounded
session), and both wrap the socket's own error in layers of their own. `transport_problem` walks those
layers to the first cause it recognises, so a reset reads "connection reset by the server" whether it
came through `requests.ConnectionError(ProtocolError(ConnectionResetError))` or an httpx error.
"""

from __future__ import annotations

import http.client
import socket
import ssl
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum

import requests
import urllib3

from apiconform.runner.bounded import ResponseDeadlineExceeded

__all__ = ["ProblemKind", "ResponseTooLarge", "TransportProblem", "byte_size", "transport_problem"]

MAX_REASON_CHARS = 200
HTTP_CLIENT_MAX_HEADERS = 100


class ProblemKind(StrEnum):
    """Kinds of failure to get a usable response; each fails the operation except TOO_LARGE (our own limit)."""

    TIMEOUT = "timeout"
    RESET = "reset"
    CLOSED = "closed"
    INCOMPLETE = "incomplete"
    MALFORMED = "malformed"
    REDIRECTS = "redirects"
    TLS = "tls"
    REFUSED = "refused"
    UNKNOWN_HOST = "unknown_host"
    TOO_LARGE = "too_large"
    OTHER = "other"


class ResponseTooLarge(Exception):
    """A response body over the run's byte cap where a truncated body cannot be judged (the scenarios')."""


@dataclass(frozen=True, slots=True, kw_only=True)
class TransportProblem:
    kind: ProblemKind
    reason: str

    @property
    def expected(self) -> str:
        return _EXPECTED.get(self.kind, "a complete HTTP response")

    @property
    def is_contract_failure(self) -> bool:
        """Whether the target is at fault; a body over our own cap is our limit, not its violation."""
        return self.kind is not ProblemKind.TOO_LARGE


_EXPECTED = {
    ProblemKind.TIMEOUT: "a complete response within the request timeout",
    ProblemKind.MALFORMED: "a well-formed HTTP response",
    ProblemKind.REDIRECTS: "a response after a bounded number of redirects",
    ProblemKind.TLS: "a TLS handshake that verifies",
}


def transport_problem(exc: BaseException) -> TransportProblem | None:
    """The recognised wire failure behind `exc`, or None when `exc` is not about the wire at all."""
    chain = list(_causes(exc))
    for kind, reason in _RULES:
        for cause in chain:
            found = reason(cause)
            if found is not None:
                return TransportProblem(kind=kind, reason=_short(found))
    wrappers = requests.RequestException | urllib3.exceptions.MaxRetryError
    if any(isinstance(cause, wrappers | urllib3.exceptions.HTTPError) for cause in chain):
        # The innermost cause says what happened; the wrappers around it repeat the URL.
        inner = next((cause for cause in chain if not isinstance(cause, wrappers)), exc)
        return TransportProblem(kind=ProblemKind.OTHER, reason=_short(_first_line(inner)))
    return None


def _causes(exc: BaseException) -> Iterator[BaseException]:
    """`exc`, its causes and contexts, and exceptions kept in args or `reason` (urllib3's habit), each once."""
    pending: list[object] = [exc]
    seen: set[int] = set()
    while pending:
        current = pending.pop(0)
        if not isinstance(current, BaseException) or id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        pending += [current.__cause__, current.__context__, getattr(current, "reason", None), *current.args]


def _timeout(exc: BaseException) -> str | None:
    if isinstance(exc, ResponseDeadlineExceeded):
        return _first_line(exc)
    # urllib3's NewConnectionError is a ConnectTimeoutError by inheritance only; a refusal is not a timeout.
    if isinstance(exc, urllib3.exceptions.NewConnectionError):
        return None
    if isinstance(exc, requests.ConnectTimeout | urllib3.exceptions.ConnectTimeoutError):
        return "no connection within the request timeout"
    if isinstance(exc, requests.ReadTimeout | urllib3.exceptions.ReadTimeoutError | TimeoutError):
        return "no data within the request timeout"
    return None


def _too_large(exc: BaseException) -> str | None:
    return _first_line(exc) if isinstance(exc, ResponseTooLarge) else None


def _redirects(exc: BaseException) -> str | None:
    if isinstance(exc, requests.TooManyRedirects):
        return f"redirect loop: {_first_line(exc)}"
    return None


def _malformed(exc: BaseException) -> str | None:
    if isinstance(exc, http.client.LineTooLong):
        return "a response header line longer than 64 KiB"
    if isinstance(exc, http.client.BadStatusLine) and not isinstance(exc, http.client.RemoteDisconnected):
        return f"not an HTTP response (status line {str(exc)[:60]!r})"
    if isinstance(exc, http.client.HTTPException) and "more than" in str(exc):
        return f"more than {HTTP_CLIENT_MAX_HEADERS} response headers"
    if isinstance(exc, requests.exceptions.ContentDecodingError | urllib3.exceptions.DecodeError):
        return "the body does not decode as its Content-Encoding says"
    if isinstance(exc, requests.exceptions.InvalidHeader | urllib3.exceptions.HeaderParsingError):
        return f"invalid response header: {_first_line(exc)}"
    return None


def _tls(exc: BaseException) -> str | None:
    if isinstance(exc, ssl.SSLCertVerificationError):
        return f"TLS certificate not trusted: {exc.verify_message or _first_line(exc)}"
    if isinstance(exc, ssl.SSLError):
        return f"TLS failed: {_first_line(exc)}"
    return None


def _reset(exc: BaseException) -> str | None:
    if isinstance(exc, ConnectionResetError | BrokenPipeError | ConnectionAbortedError):
        return "connection reset by the server"
    return None


def _incomplete(exc: BaseException) -> str | None:
    if isinstance(exc, http.client.IncompleteRead | urllib3.exceptions.IncompleteRead):
        return "the server closed the connection before the body was complete"
    if isinstance(exc, requests.exceptions.ChunkedEncodingError) or "ended prematurely" in str(exc):
        return "the server closed the connection before the body was complete"
    return None


def _closed(exc: BaseException) -> str | None:
    if isinstance(exc, http.client.RemoteDisconnected):
        return "the server closed the connection without a response"
    return None


def _refused(exc: BaseException) -> str | None:
    return "connection refused" if isinstance(exc, ConnectionRefusedError) else None


def _unknown_host(exc: BaseException) -> str | None:
    if isinstance(exc, socket.gaierror | urllib3.exceptions.NameResolutionError):
        return "unknown host"
    return None


# Most specific first: a timeout or a cap can surface as a reset of the socket we shut ourselves.
_RULES = (
    (ProblemKind.TIMEOUT, _timeout),
    (ProblemKind.TOO_LARGE, _too_large),
    (ProblemKind.REDIRECTS, _redirects),
    (ProblemKind.MALFORMED, _malformed),
    (ProblemKind.TLS, _tls),
    # RemoteDisconnected is a ConnectionResetError too; a close before any answer is the more precise name.
    (ProblemKind.CLOSED, _closed),
    (ProblemKind.RESET, _reset),
    (ProblemKind.INCOMPLETE, _incomplete),
    (ProblemKind.REFUSED, _refused),
    (ProblemKind.UNKNOWN_HOST, _unknown_host),
)


def byte_size(count: int) -> str:
    """`52428800` reads `50.0 MiB`; small counts stay in bytes."""
    mib = count / (1024 * 1024)
    return f"{mib:.1f} MiB" if mib >= 1 else f"{count} bytes"


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _short(text: str) -> str:
    return text if len(text) <= MAX_REASON_CHARS else text[: MAX_REASON_CHARS - 1] + "…"
