"""Every request a run sends is bounded: a total deadline, a cap on body bytes, credentials for one host only.

`requests` times out per read, so a server that drips one byte a second never trips its timeout. Here a
watchdog shuts the connection's socket when the request's total time is up (headers, body and same-host
redirects included), and the body is read in chunks up to a byte cap; past the cap the connection is
dropped, the response keeps the first bytes, and the exchange records that it was truncated.

Usage::

    session = bounded_session(timeout=10.0, max_bytes=8 * 1024 * 1024)
    with bounded_exchange(timeout=10.0, max_bytes=8 * 1024 * 1024) as exchange:
        response = session.get(url)              # never longer than 10 s, never more than 8 MiB in memory
    exchange.truncated                           # True when the body was cut at the cap
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, cast
from urllib.parse import urlsplit

import requests
import urllib3
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from apiconform.core.redaction import ALWAYS_SECRET_HEADERS
from apiconform.runner import deadlines
from apiconform.runner.environment import ca_bundle, proxies_for

__all__ = [
    "CREDENTIAL_HEADERS",
    "DEFAULT_MAX_REDIRECTS",
    "DEFAULT_MAX_RESPONSE_BYTES",
    "BoundedAdapter",
    "Exchange",
    "ResponseDeadlineExceeded",
    "bounded_exchange",
    "bounded_session",
    "mount_bounds",
]

DEFAULT_MAX_RESPONSE_BYTES = 8 * 1024 * 1024
DEFAULT_MAX_REDIRECTS = 5
CHUNK_BYTES = 64 * 1024
# Never sent to a host other than the one a request started at, whatever the redirect.
CREDENTIAL_HEADERS = ALWAYS_SECRET_HEADERS


class ResponseDeadlineExceeded(requests.exceptions.ReadTimeout):
    """No complete response within the request's total time; a `requests` timeout, so every caller handles it."""

    def __init__(self, seconds: float, *, request: requests.PreparedRequest) -> None:
        self.seconds = seconds
        # Shaped like the urllib3 error `requests` wraps in a ReadTimeout: schemathesis reads the seconds from it.
        inner = urllib3.exceptions.ReadTimeoutError(
            cast("Any", None), request.url or "", f"Read timed out. (read timeout={seconds:g})"
        )
        super().__init__(inner, request=request)

    def __str__(self) -> str:
        return f"no complete response within {self.seconds:g}s"


@dataclass(slots=True)
class Exchange:
    """One request and its same-host redirects: the shared deadline, and what reading the final body found."""

    timeout: float
    max_bytes: int
    deadline: float
    secret_headers: frozenset[str] = CREDENTIAL_HEADERS
    origin: str | None = None
    truncated: bool = False
    # Bytes the final response announced (Content-Length) or was seen to have, when truncated.
    full_size: int = 0

    def remaining(self) -> float:
        return self.deadline - time.monotonic()


_local = threading.local()


@contextmanager
def bounded_exchange(
    *, timeout: float, max_bytes: int = DEFAULT_MAX_RESPONSE_BYTES, secret_headers: Iterable[str] = ()
) -> Iterator[Exchange]:
    """Bound every request this thread sends inside the block by one deadline; a nested block joins the outer one."""
    outer: Exchange | None = getattr(_local, "exchange", None)
    if outer is not None:
        yield outer
        return
    exchange = Exchange(
        timeout=timeout,
        max_bytes=max_bytes,
        deadline=time.monotonic() + timeout,
        secret_headers=CREDENTIAL_HEADERS | {name.lower() for name in secret_headers},
    )
    _local.exchange = exchange
    try:
        yield exchange
    finally:
        _local.exchange = None


@dataclass(slots=True)
class _Watchdog:
    """Shuts the socket in use once the deadline passes, which ends any blocked read with end-of-file.

    The socket is caught when the connection is taken from the pool or opened: once a response says
    `Connection: close`, http.client hands the socket to the response and forgets it on the connection.
    """

    sock: socket.socket | None = None
    expired: bool = False
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def attach(self, sock: socket.socket) -> None:
        with self._lock:
            self.sock = sock
            expired = self.expired
        if expired:
            _shut(sock)

    def expire(self) -> None:
        with self._lock:
            self.expired = True
            sock = self.sock
        if sock is not None:
            _shut(sock)


def _shut(sock: socket.socket) -> None:
    # The plain socket's shutdown, even for TLS: it wakes the reader without touching SSL state from this thread.
    with contextlib.suppress(OSError):
        socket.socket.shutdown(sock, socket.SHUT_RDWR)


def _watch(sock: object) -> None:
    watchdog: _Watchdog | None = getattr(_local, "watchdog", None)
    if watchdog is not None and isinstance(sock, socket.socket):
        watchdog.attach(sock)


class _WatchedHTTPConnection(HTTPConnection):
    def connect(self) -> None:
        super().connect()
        _watch(self.sock)


class _WatchedHTTPSConnection(HTTPSConnection):
    def connect(self) -> None:
        super().connect()
        _watch(self.sock)


class _WatchedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _WatchedHTTPConnection

    def _get_conn(self, timeout: float | None = None) -> Any:
        connection = super()._get_conn(timeout)
        _watch(getattr(connection, "sock", None))
        return connection


class _WatchedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPSConnection

    def _get_conn(self, timeout: float | None = None) -> Any:
        connection = super()._get_conn(timeout)
        _watch(getattr(connection, "sock", None))
        return connection


class BoundedAdapter(HTTPAdapter):
    """An HTTPAdapter that never waits past its exchange's deadline nor keeps more than its byte cap."""

    def __init__(self, *, timeout: float, max_bytes: int = DEFAULT_MAX_RESPONSE_BYTES) -> None:
        self.timeout = timeout
        self.max_bytes = max_bytes
        super().__init__()

    def init_poolmanager(self, connections: int, maxsize: int, block: bool = False, **pool_kwargs: Any) -> None:
        super().init_poolmanager(connections, maxsize, block, **pool_kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _WatchedHTTPPool, "https": _WatchedHTTPSPool}

    def send(
        self,
        request: requests.PreparedRequest,
        stream: bool = False,  # noqa: ARG002 - the body is always streamed, to bound it
        timeout: Any = None,
        verify: Any = True,
        cert: Any = None,
        proxies: Mapping[str, str] | None = None,
    ) -> requests.Response:
        # The session does not read the environment (`mount_bounds`); what it would have read comes from here.
        proxies = proxies_for(request.url or "", proxies)
        verify = ca_bundle(verify)
        with bounded_exchange(timeout=_total(timeout, self.timeout), max_bytes=self.max_bytes) as exchange:
            return self._send(request, exchange, timeout=timeout, verify=verify, cert=cert, proxies=proxies)

    def _send(
        self,
        request: requests.PreparedRequest,
        exchange: Exchange,
        *,
        timeout: Any,
        verify: Any,
        cert: Any,
        proxies: Mapping[str, str] | None,
    ) -> requests.Response:
        remaining = exchange.remaining()
        if remaining <= 0:
            raise ResponseDeadlineExceeded(exchange.timeout, request=request)
        host = urlsplit(request.url or "").hostname
        if exchange.origin is None:
            exchange.origin = host
        elif host != exchange.origin:
            for name in [name for name in request.headers if name.lower() in exchange.secret_headers]:
                del request.headers[name]
        exchange.truncated = False
        watchdog = _Watchdog()
        _local.watchdog = watchdog
        timer = deadlines.schedule(remaining, watchdog.expire)
        try:
            response = super().send(
                request,
                stream=True,
                timeout=_within(timeout, remaining),
                verify=verify,
                cert=cert,
                proxies=dict(proxies) if proxies is not None else None,
            )
            if not _event_stream(response):
                _read_capped(response, exchange)
        except (requests.RequestException, urllib3.exceptions.HTTPError, OSError) as exc:
            if watchdog.expired:
                raise ResponseDeadlineExceeded(exchange.timeout, request=request) from exc
            raise
        finally:
            timer.cancel()
            _local.watchdog = None
        return response


def _read_capped(response: requests.Response, exchange: Exchange) -> None:
    """Read the body now, up to the cap; past it, drop the connection and keep what fits."""
    body = bytearray()
    for chunk in response.iter_content(CHUNK_BYTES):
        body += chunk
        if len(body) > exchange.max_bytes:
            exchange.truncated = True
            declared = response.headers.get("Content-Length", "")
            exchange.full_size = max(len(body), int(declared) if declared.isdigit() else 0)
            response.close()
            del body[exchange.max_bytes :]
            break
    response._content = bytes(body)  # noqa: SLF001 - requests' own cache of the body, filled as `.content` would
    response._content_consumed = True  # noqa: SLF001 - ditto


def _total(timeout: Any, default: float) -> float:
    """The whole request's time: a float timeout, or connect + read of a tuple."""
    if isinstance(timeout, int | float) and not isinstance(timeout, bool):
        return float(timeout)
    if isinstance(timeout, tuple):
        return float(sum(part for part in timeout if isinstance(part, int | float)))
    return default


def _within(timeout: Any, remaining: float) -> tuple[float, float]:
    connect, read = timeout if isinstance(timeout, tuple) else (timeout, timeout)
    return (
        min(float(connect), remaining) if isinstance(connect, int | float) else remaining,
        min(float(read), remaining) if isinstance(read, int | float) else remaining,
    )


def mount_bounds(session: requests.Session, *, timeout: float, max_bytes: int = DEFAULT_MAX_RESPONSE_BYTES) -> None:
    """Give this session the bounded adapter, once; schemathesis's sessions are per thread and long-lived.

    The session stops reading the environment itself: the adapter reads it once (`runner/environment.py`).
    """
    session.trust_env = False
    if isinstance(session.get_adapter("http://"), BoundedAdapter):
        return
    adapter = BoundedAdapter(timeout=timeout, max_bytes=max_bytes)
    session.mount("http://", adapter)
    session.mount("https://", adapter)


def bounded_session(
    *, timeout: float, max_bytes: int = DEFAULT_MAX_RESPONSE_BYTES, max_redirects: int = DEFAULT_MAX_REDIRECTS
) -> requests.Session:
    """A session that follows redirects within one host only, at most `max_redirects`, every request bounded."""
    # schemathesis is loaded here, not with this module: the run's probe goes out before the engine loads.
    from schemathesis.transport.requests import SameHostRedirectsSession  # noqa: PLC0415 - see above

    session = SameHostRedirectsSession()
    session.headers.clear()
    session.max_redirects = max_redirects
    mount_bounds(session, timeout=timeout, max_bytes=max_bytes)
    return session


def _event_stream(response: requests.Response) -> bool:
    """A stream is never read to its end: it has none."""
    essence = (response.headers.get("Content-Type") or "").split(";", 1)[0]
    return essence.strip().lower() == "text/event-stream"
