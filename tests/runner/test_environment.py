"""The environment a run honours (proxies, CA bundle) and the one it ignores (~/.netrc), read once per origin.

Real servers on loopback: an origin, and a forward proxy that answers every request itself, so a response
says which way it went.
"""

from __future__ import annotations

import http.server
import json
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Final

import pytest
import requests
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from apiconform.core.vocabulary import ExitCode
from apiconform.runner.bounded import bounded_session
from apiconform.runner.bridge import bounded_client
from tests.fixtures.cli import CliRunner
from tests.fixtures.servers import serve

TOKEN: Final = "run-token"
NETRC_SECRET: Final = "netrc-secret"
TIMEOUT: Final = 5.0
DOCUMENT: Final = {
    "openapi": "3.1.0",
    "info": {"title": "Items", "version": "1"},
    "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
    "security": [{"bearer": []}],
    "paths": {
        "/items/{id}": {
            "get": {
                "x-evidence": "DOC",
                "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
                "responses": {
                    "200": {
                        "description": "the item",
                        "content": {"application/json": {"schema": {"type": "object", "required": ["id"]}}},
                    },
                    "401": {"description": "no valid token"},
                },
            }
        }
    },
}


class _Answering(http.server.BaseHTTPRequestHandler):
    """Answers with who it is and the Authorization header it got; a proxy gets the absolute URL as path."""

    name = "origin"

    def do_GET(self) -> None:
        body = json.dumps({"by": self.name, "authorization": self.headers.get("Authorization")}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_: object) -> None:
        return


class _Proxy(_Answering):
    name = "proxy"


def _serving(handler: type[http.server.BaseHTTPRequestHandler]) -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=TIMEOUT)


@pytest.fixture(scope="module")
def origin() -> Iterator[str]:
    yield from _serving(_Answering)


@pytest.fixture(scope="module")
def proxy() -> Iterator[str]:
    yield from _serving(_Proxy)


def _via_session(url: str) -> dict[str, str | None]:
    response = bounded_session(timeout=TIMEOUT).get(url, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=TIMEOUT)
    answer: dict[str, str | None] = response.json()
    return answer


def _via_bridge(url: str) -> dict[str, str | None]:
    """The scenarios' httpx client, which travels the same bounded session."""
    with bounded_client(timeout=TIMEOUT, headers={"Authorization": f"Bearer {TOKEN}"}) as client:
        answer: dict[str, str | None] = client.get(url).json()
    return answer


CLIENTS: Final = [pytest.param(_via_session, id="requests-session"), pytest.param(_via_bridge, id="httpx-bridge")]
Fetch = Callable[[str], dict[str, str | None]]


class TestProxies:
    """HTTP_PROXY and NO_PROXY work as requests itself reads them, though the session no longer does."""

    @pytest.mark.parametrize("fetch", CLIENTS)
    @pytest.mark.parametrize(
        ("no_proxy", "answered_by"),
        [
            pytest.param(None, "proxy", id="proxied"),
            pytest.param("127.0.0.1", "origin", id="no-proxy-exempts-the-host"),
            pytest.param("example.invalid", "proxy", id="no-proxy-for-another-host"),
        ],
    )
    def test_route(
        self,
        monkeypatch: pytest.MonkeyPatch,
        origin: str,
        proxy: str,
        fetch: Fetch,
        no_proxy: str | None,
        answered_by: str,
    ) -> None:
        for name in ("HTTP_PROXY", "http_proxy"):
            monkeypatch.setenv(name, proxy)
        for name in ("NO_PROXY", "no_proxy"):
            monkeypatch.delenv(name, raising=False)
        if no_proxy is not None:
            monkeypatch.setenv("NO_PROXY", no_proxy)
        assert fetch(f"{origin}/items/1")["by"] == answered_by

    @pytest.mark.parametrize("fetch", CLIENTS)
    def test_direct_without_proxy_variables(self, monkeypatch: pytest.MonkeyPatch, origin: str, fetch: Fetch) -> None:
        for name in ("HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"):
            monkeypatch.delenv(name, raising=False)
        assert fetch(f"{origin}/items/1")["by"] == "origin"


class TestCaBundle:
    """A CA bundle named in the environment is the one verification uses (a missing file says so)."""

    @pytest.mark.parametrize("variable", ["REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"])
    def test_named_bundle_is_used(self, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, variable: str) -> None:
        for name in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"):
            monkeypatch.delenv(name, raising=False)
        missing = tmp_path / "no-such-bundle.pem"
        monkeypatch.setenv(variable, str(missing))
        with pytest.raises(OSError, match=r"no-such-bundle\.pem"):
            bounded_session(timeout=TIMEOUT).get("https://127.0.0.1:9/", timeout=TIMEOUT)


class TestNetrcIgnored:
    """A ~/.netrc entry for the target's host never replaces the run's credentials."""

    @pytest.fixture(autouse=True)
    def netrc(self, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
        path = tmp_path / "netrc"
        path.write_text(f"machine 127.0.0.1\nlogin someone-else\npassword {NETRC_SECRET}\n", encoding="utf-8")
        path.chmod(0o600)
        monkeypatch.setenv("NETRC", str(path))
        for name in ("HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"):
            monkeypatch.delenv(name, raising=False)
        return path

    def test_plain_requests_would_use_it(self, origin: str) -> None:
        """The hazard is real: requests left to the environment sends the netrc login instead of the token."""
        session = requests.Session()
        answer = session.get(f"{origin}/items/1", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=TIMEOUT)
        assert str(answer.json()["authorization"]).startswith("Basic ")

    @pytest.mark.parametrize("fetch", CLIENTS)
    def test_bounded_clients_send_the_token(self, origin: str, fetch: Fetch) -> None:
        assert fetch(f"{origin}/items/1")["authorization"] == f"Bearer {TOKEN}"

    def test_whole_run_never_sends_it(self, monkeypatch: pytest.MonkeyPatch, cli: CliRunner, tmp_path: Path) -> None:
        """A whole run, its credential probes included: the target sees the token or nothing, never the netrc login."""
        seen: list[str | None] = []

        async def get_item(request: Request) -> JSONResponse:
            seen.append(request.headers.get("authorization"))
            if request.headers.get("authorization") != f"Bearer {TOKEN}":
                return JSONResponse({"error": "unauthorized"}, status_code=401)
            return JSONResponse({"id": request.path_params["id"]})

        document = tmp_path / "items.json"
        document.write_text(json.dumps(DOCUMENT), encoding="utf-8")
        monkeypatch.setenv("APICONFORM_TOKEN", TOKEN)
        with serve(Starlette(routes=[Route("/items/{id}", get_item)])) as url:
            completed = cli("run", "--base-url", url, "--spec", str(document), "--max-examples", "2", "--no-history")
        assert completed.returncode == ExitCode.CONFORMANT, completed.stdout + completed.stderr
        assert f"Bearer {TOKEN}" in seen
        assert not [header for header in seen if header is not None and header.startswith("Basic ")]
        assert NETRC_SECRET not in completed.stdout + completed.stderr
