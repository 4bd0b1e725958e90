"""Running the sandbox under a real uvicorn server on a loopback port, in a thread or in the foreground."""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import secrets
import signal
import socket
import threading
import time
from collections.abc import Generator, Iterable
from pathlib import Path
from types import TracebackType
from typing import Self

import uvicorn

from apiconform.sandbox._amili_arm import ARM
from apiconform.sandbox._amili_autocollect import AUTOCOLLECT
from apiconform.sandbox._amili_collection import COLLECTION
from apiconform.sandbox._amili_distribution import DISTRIBUTION_INVOICE, DISTRIBUTION_PARTNER
from apiconform.sandbox._amili_identity import IDENTITY, demo_clients
from apiconform.sandbox._ap_invoice import AP_INVOICE
from apiconform.sandbox._app import SandboxContext, VendorApi, build_app
from apiconform.sandbox._auth import TokenIssuer
from apiconform.sandbox._faults import Fault
from apiconform.sandbox._generic import generic_api
from apiconform.sandbox._storage import Store
from apiconform.specs.document import SpecDocument

__all__ = ["VENDORS", "Sandbox"]

VENDORS: dict[str, VendorApi] = {
    vendor.spec_name: vendor
    for vendor in (AP_INVOICE, COLLECTION, IDENTITY, ARM, AUTOCOLLECT, DISTRIBUTION_INVOICE, DISTRIBUTION_PARTNER)
}
HOST = "127.0.0.1"
STARTUP_TIMEOUT = 10.0
STOP_TIMEOUT = 5.0
# How long ago the token `expired_token()` gives out ran out.
EXPIRED_SECONDS_AGO = 600


class Sandbox:
    """The embedded reference server: every spec served from seeded SQLite storage.

    Usage::

        with Sandbox(specs) as sandbox:
            sandbox.base_url("ap-invoice")  # http://127.0.0.1:PORT/ap-invoice

    Every API accepts the static `token`; the Amili APIs also accept the JWTs the identity service issues
    for `client_credentials()`, which are scoped to one organisation (`other_org_token()` is one for a
    second organisation, `expired_token()` one that ran out).
    """

    def __init__(
        self,
        specs: list[SpecDocument],
        *,
        token: str | None = None,
        faults: Iterable[Fault] = (),
        database: Path | str = ":memory:",
        port: int = 0,
    ) -> None:
        self.specs = specs
        self.token = token or secrets.token_urlsafe(24)
        self.store = Store(str(database))
        # Our own specs have vendor modules; any other document is served by the generic one.
        self.vendors = {spec.name: VENDORS.get(spec.name) or generic_api(spec) for spec in specs}
        for vendor in self.vendors.values():
            vendor.seed(self.store)
        self.issuer = TokenIssuer(self.token, demo_clients(self.token))
        context = SandboxContext(store=self.store, token=self.token, issuer=self.issuer, faults=frozenset(faults))
        self.app, self._served = build_app(specs, self.vendors, context)
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        # Accepted connections inherit this; without it Nagle and delayed ACKs stall each response ~40 ms.
        self._socket.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._socket.bind((HOST, port))
        self.port: int = self._socket.getsockname()[1]
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._process: multiprocessing.process.BaseProcess | None = None
        # The child serves while this pipe is open: closed by stop(), or by the kernel when the run ends anyhow.
        self._lifeline: int | None = None

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def base_url(self, spec_name: str) -> str:
        return f"{self.url}/{spec_name}"

    def serves(self, spec_name: str, operation_id: str) -> bool:
        return operation_id in self._served.get(spec_name, frozenset())

    def client_credentials(self) -> tuple[str, str]:
        """The demo client's id and secret, for the identity service's `POST /token`."""
        client = next(iter(self.issuer.clients.values()))
        return client.client_id, client.client_secret

    def other_org_token(self) -> str:
        """A valid token of a second organisation, to ask for the first one's resources (403 where documented)."""
        other = list(self.issuer.clients.values())[1]
        return str(self.issuer.issue(other)["access_token"])

    def expired_token(self) -> str:
        """A correctly signed token of the demo client whose `exp` has passed."""
        client = next(iter(self.issuer.clients.values()))
        issued = time.time() - EXPIRED_SECONDS_AGO - 3600
        return str(self.issuer.issue(client, now=issued, lifetime=3600)["access_token"])

    def generic(self, spec_name: str) -> bool:
        """Whether the API is served by the generic sandbox: no organisations, no issued tokens, one static token."""
        vendor = self.vendors.get(spec_name)
        return vendor is not None and vendor.responder is not None

    def known_params(self, spec_name: str) -> dict[str, dict[str, list[str]]]:
        vendor = self.vendors.get(spec_name)
        return vendor.known_params(self.store) if vendor is not None else {}

    def start(self, *, process: bool = False) -> Self:
        """Serve in a thread, or with `process=True` in a forked child, so a run and its target use both cores.

        The child gets a copy of the seeded state; what clients write lives in the child from then on.
        """
        if process:
            return self._start_process()
        self._server = uvicorn.Server(self._config(log_level="error"))
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [self._socket]}, daemon=True)
        self._thread.start()
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                msg = "the embedded sandbox did not start"
                raise RuntimeError(msg)
            time.sleep(0.01)
        return self

    @property
    def process_id(self) -> int | None:
        """The child process serving (`start(process=True)`), for a run that must end it come what may."""
        return self._process.pid if self._process is not None else None

    def _start_process(self) -> Self:
        """Fork the server; it ignores SIGINT and SIGTERM and serves until its lifeline closes.

        A terminal's Ctrl-C reaches the whole process group: were the child to die of it, the run's requests
        still in flight would fail as if the target had. So the run decides when the sandbox ends: stop()
        closes the lifeline, and if the run itself dies the kernel closes it, so the child never outlives it.
        """
        reader, writer = os.pipe()
        self._process = multiprocessing.get_context("fork").Process(
            target=self._serve_child, args=(reader, writer), daemon=True
        )
        self._process.start()
        os.close(reader)
        self._lifeline = writer
        # Processes the run forks later (workers) must not hold the lifeline open after the run is gone.
        os.register_at_fork(after_in_child=self._drop_lifeline)
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while True:
            try:
                with socket.create_connection((HOST, self.port), timeout=1):
                    return self
            except OSError:
                if not self._process.is_alive() or time.monotonic() > deadline:
                    msg = "the embedded sandbox did not start"
                    raise RuntimeError(msg) from None
                time.sleep(0.02)

    def _drop_lifeline(self) -> None:
        if self._lifeline is not None:
            with contextlib.suppress(OSError):
                os.close(self._lifeline)
            self._lifeline = None

    def _serve_child(self, reader: int, writer: int) -> None:
        for number in (signal.SIGINT, signal.SIGTERM):
            signal.signal(number, signal.SIG_IGN)
        os.close(writer)
        server = _Server(self._config(log_level="error"))

        def watch() -> None:
            with contextlib.suppress(OSError):
                os.read(reader, 1)
            server.should_exit = True

        threading.Thread(target=watch, daemon=True).start()
        server.run(sockets=[self._socket])

    def stop(self) -> None:
        if self._process is not None:
            self._drop_lifeline()
            self._process.join(timeout=STOP_TIMEOUT)
            if self._process.is_alive():
                self._process.kill()
                self._process.join(timeout=STOP_TIMEOUT)
        if self._server is not None and self._thread is not None:
            self._server.should_exit = True
            self._thread.join(timeout=STARTUP_TIMEOUT)
        self._socket.close()
        self.store.close()

    def serve_forever(self) -> None:
        """Foreground mode for `apiconform serve`: a person's terminal, uvicorn's access log on."""
        server = uvicorn.Server(self._config(log_level="info"))
        try:
            server.run(sockets=[self._socket])
        finally:
            self._socket.close()
            self.store.close()

    def _config(self, *, log_level: str) -> uvicorn.Config:
        # Probes send deliberately odd requests; uvicorn's own warnings about them are noise here.
        logging.getLogger("uvicorn.error").setLevel(logging.ERROR if log_level == "error" else logging.INFO)
        return uvicorn.Config(self.app, log_level=log_level, access_log=log_level != "error", lifespan="off")

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.stop()


class _Server(uvicorn.Server):
    """uvicorn without its signal handlers: the sandbox child is stopped by its run, not by the terminal."""

    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        yield
