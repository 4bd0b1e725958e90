"""Running the sandbox under a real uvicorn server on a loopback port, in a thread or in the foreground."""

from __future__ import annotations

import logging
import secrets
import socket
import threading
import time
from collections.abc import Iterable
from pathlib import Path
from types import TracebackType
from typing import Self

import uvicorn

from apiconform.sandbox._ap_invoice import AP_INVOICE
from apiconform.sandbox._app import SandboxContext, VendorApi, build_app
from apiconform.sandbox._faults import Fault
from apiconform.sandbox._storage import Store
from apiconform.specs.document import SpecDocument

__all__ = ["VENDORS", "Sandbox"]

VENDORS: dict[str, VendorApi] = {AP_INVOICE.spec_name: AP_INVOICE}
HOST = "127.0.0.1"
STARTUP_TIMEOUT = 10.0


class Sandbox:
    """The embedded reference server: every spec served from seeded SQLite storage.

    Usage::

        with Sandbox(specs) as sandbox:
            sandbox.base_url("ap-invoice")  # http://127.0.0.1:PORT/ap-invoice
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
        for spec in specs:
            vendor = VENDORS.get(spec.name)
            if vendor is not None:
                vendor.seed(self.store)
        context = SandboxContext(store=self.store, token=self.token, faults=frozenset(faults))
        self.app = build_app(specs, VENDORS, context)
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._socket.bind((HOST, port))
        self.port: int = self._socket.getsockname()[1]
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def base_url(self, spec_name: str) -> str:
        return f"{self.url}/{spec_name}"

    def serves(self, spec_name: str, operation_id: str) -> bool:
        vendor = VENDORS.get(spec_name)
        return vendor is not None and operation_id in vendor.handlers

    def known_params(self, spec_name: str) -> dict[str, dict[str, list[str]]]:
        vendor = VENDORS.get(spec_name)
        return vendor.known_params(self.store) if vendor is not None else {}

    def start(self) -> Self:
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

    def stop(self) -> None:
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
