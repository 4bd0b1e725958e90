"""The bounded transport on its own: one deadline per request, a byte cap, credentials kept to their host.

`test_hostile.py` proves the same through whole runs; these pin each bound directly, in a few seconds.
"""

from __future__ import annotations

import http.client
import socket
import time
from collections.abc import Iterator
from typing import Final

import httpx
import pytest
import requests
import urllib3

from apiconform.core.errors import TargetUnreachable
from apiconform.runner.bounded import (
    DEFAULT_MAX_RESPONSE_BYTES,
    ResponseDeadlineExceeded,
    bounded_exchange,
    bounded_session,
    mount_bounds,
)
from apiconform.runner.bridge import bounded_client
from apiconform.runner.probe import probe
from apiconform.runner.problems import ProblemKind, ResponseTooLarge, transport_problem
from tests.fixtures.hostile import ELSEWHERE, HUGE_BODY_BYTES, TARPIT, TOKEN, HostileServer, hostile_server

TIMEOUT: Final = 1.0
# Watchdog latency and a loaded machine; a per-read timeout would take minutes on these servers.
MARGIN: Final = 1.0
AUTH: Final = {"Authorization": f"Bearer {TOKEN}"}
SIGNATURE_HEADER: Final = "X-Partner-Signature"


@pytest.fixture(scope="module")
def server() -> Iterator[HostileServer]:
    with hostile_server() as running:
        yield running


class TestDeadline:
    """A request ends at its total deadline, however the server spreads its bytes."""

    @pytest.mark.parametrize("behaviour", ["drip", "drip-head"], ids=["body-drips", "head-drips"])
    def test_requests_session(self, server: HostileServer, behaviour: str) -> None:
        """`requests` through the bounded session: ResponseDeadlineExceeded after the timeout, not minutes."""
        session = bounded_session(timeout=TIMEOUT)
        started = time.monotonic()
        with pytest.raises(ResponseDeadlineExceeded, match=f"within {TIMEOUT:g}s"):
            session.get(f"{server.base_url(behaviour)}/items/1", headers=AUTH, timeout=TIMEOUT)
        assert time.monotonic() - started < TIMEOUT + MARGIN

    @pytest.mark.parametrize("behaviour", ["drip", "drip-head"], ids=["body-drips", "head-drips"])
    def test_httpx_bridge(self, server: HostileServer, behaviour: str) -> None:
        """The scenarios' httpx client has the same deadline, raised as httpx's own ReadTimeout."""
        started = time.monotonic()
        with bounded_client(timeout=TIMEOUT) as client, pytest.raises(httpx.ReadTimeout):
            client.get(f"{server.base_url(behaviour)}/items/1", headers=AUTH)
        assert time.monotonic() - started < TIMEOUT + MARGIN

    def test_probe_of_a_tarpit(self, server: HostileServer) -> None:
        """A base URL that drips its answer is unreachable after the probe's timeout: exit 3, not a hang."""
        started = time.monotonic()
        with pytest.raises(TargetUnreachable, match=f"no answer within {TIMEOUT:g}s"):
            probe(server.base_url(TARPIT), timeout=TIMEOUT)
        assert time.monotonic() - started < TIMEOUT + MARGIN


class TestByteCap:
    """A body past the cap is cut there: the exchange says so and names the full size."""

    def test_fifty_megabytes(self, server: HostileServer) -> None:
        session = bounded_session(timeout=10.0)
        with bounded_exchange(timeout=10.0) as exchange:
            response = session.get(f"{server.base_url('huge-body')}/items/1", headers=AUTH)
        assert exchange.truncated
        assert len(response.content) == DEFAULT_MAX_RESPONSE_BYTES
        assert exchange.full_size == HUGE_BODY_BYTES

    def test_bridge_refuses_a_cut_body(self, server: HostileServer) -> None:
        """A scenario never judges a cut body: the bridge raises, and the cause says it was too large."""
        with bounded_client(timeout=10.0) as client, pytest.raises(httpx.DecodingError) as raised:
            client.get(f"{server.base_url('huge-body')}/items/1", headers=AUTH)
        problem = transport_problem(raised.value)
        assert problem is not None
        assert problem.kind is ProblemKind.TOO_LARGE
        assert not problem.is_contract_failure


class TestCredentialsStayHome:
    """Credentials and named secret headers are never sent to another host, even by a session that follows."""

    def test_following_session_strips_secrets(self, server: HostileServer) -> None:
        """A plain session follows the 301 to another host name; the adapter drops every secret header first."""
        session = requests.Session()
        mount_bounds(session, timeout=5.0)
        headers = {**AUTH, SIGNATURE_HEADER: "canary-signature", "X-Trace": "kept"}
        with bounded_exchange(timeout=5.0, secret_headers=[SIGNATURE_HEADER]):
            session.get(f"{server.base_url('redirect-elsewhere')}/items/1", headers=headers)
        arrived = [r for r in server.received if r.path.startswith(f"/{ELSEWHERE}/redirect-elsewhere/items/1")]
        assert arrived, "the session did not follow the redirect"
        assert all("authorization" not in r.headers and "x-partner-signature" not in r.headers for r in arrived)
        assert all(r.headers.get("x-trace") == "kept" for r in arrived)

    def test_bounded_session_does_not_follow(self, server: HostileServer) -> None:
        """apiconform's own sessions answer the 301 itself; the other host is never asked."""
        before = len([r for r in server.received if r.path.startswith(f"/{ELSEWHERE}/")])
        response = bounded_session(timeout=5.0).get(f"{server.base_url('redirect-elsewhere')}/items/2", headers=AUTH)
        assert response.status_code == http.client.MOVED_PERMANENTLY
        assert len([r for r in server.received if r.path.startswith(f"/{ELSEWHERE}/")]) == before


def _wrapped(cause: BaseException) -> requests.ConnectionError:
    """How requests hands over a socket-level failure: its ConnectionError around urllib3's ProtocolError."""
    return requests.ConnectionError(urllib3.exceptions.ProtocolError("Connection aborted.", cause))


PROBLEMS: Final = [
    pytest.param(_wrapped(ConnectionResetError(104, "reset")), ProblemKind.RESET, "reset", id="reset"),
    pytest.param(
        _wrapped(http.client.RemoteDisconnected("closed")), ProblemKind.CLOSED, "without a response", id="closed"
    ),
    pytest.param(
        requests.exceptions.ChunkedEncodingError("Response ended prematurely"),
        ProblemKind.INCOMPLETE,
        "before the body",
        id="incomplete",
    ),
    pytest.param(_wrapped(http.client.LineTooLong("header line")), ProblemKind.MALFORMED, "64 KiB", id="long-header"),
    pytest.param(
        _wrapped(http.client.BadStatusLine("\x16\x03")), ProblemKind.MALFORMED, "not an HTTP response", id="not-http"
    ),
    pytest.param(requests.TooManyRedirects("Exceeded 5 redirects."), ProblemKind.REDIRECTS, "loop", id="loop"),
    pytest.param(
        requests.ConnectionError(ConnectionRefusedError(111, "Connection refused")),
        ProblemKind.REFUSED,
        "connection refused",
        id="refused",
    ),
    pytest.param(
        requests.ConnectionError(socket.gaierror(-2, "Name or service not known")),
        ProblemKind.UNKNOWN_HOST,
        "unknown host",
        id="dns",
    ),
    pytest.param(ResponseTooLarge("body of 52428800 bytes"), ProblemKind.TOO_LARGE, "52428800", id="too-large"),
]


class TestProblemNames:
    """Each wire failure is named in one line, whichever library's wrapper it arrives in."""

    @pytest.mark.parametrize(("error", "kind", "fragment"), PROBLEMS)
    def test_classified(self, error: BaseException, kind: ProblemKind, fragment: str) -> None:
        problem = transport_problem(error)
        assert problem is not None
        assert problem.kind is kind
        assert fragment in problem.reason

    def test_refusal_is_not_a_timeout(self) -> None:
        """urllib3's NewConnectionError inherits from ConnectTimeoutError; a refused connection is still no timeout."""
        refused = urllib3.exceptions.NewConnectionError(None, "Failed to establish a new connection")  # type: ignore[arg-type] # urllib3 wants the connection object; only the type matters here
        refused.__context__ = ConnectionRefusedError(111, "Connection refused")
        problem = transport_problem(requests.ConnectionError(refused))
        assert problem is not None
        assert problem.kind is ProblemKind.REFUSED

    def test_not_about_the_wire(self) -> None:
        """An error that is not about the wire is left to the caller, not dressed up as a finding."""
        assert transport_problem(ValueError("a bad regex in the spec")) is None
