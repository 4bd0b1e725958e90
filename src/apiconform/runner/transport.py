"""Putting every schemathesis request of a schema through the run's RequestGate.

Schemathesis sends every request, including those its checks send themselves, through the schema's
transport; giving a schema a gated transport is what makes rate, budget and time limits hold for the
whole run rather than for generated cases only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from schemathesis.transport.requests import RequestsTransport

from apiconform.runner.limits import RequestGate

if TYPE_CHECKING:
    import requests
    from schemathesis import BaseSchema, Response
    from schemathesis.generation.case import Case

__all__ = ["gate_schema"]


class _GatedTransport(RequestsTransport):
    def __init__(self, inner: Any, gate: RequestGate) -> None:
        super().__init__()
        self._copy_serializers_from(inner)
        self._gate = gate

    def send(self, case: Case[Any], *, session: requests.Session | None = None, **kwargs: Any) -> Response:
        attempt = 0
        while True:
            self._gate.acquire()
            response = super().send(case, session=session, **dict(kwargs))
            headers = {name: ", ".join(values) for name, values in response.headers.items()}
            delay = self._gate.retry_delay(response.status_code, headers, attempt)
            if delay is None:
                return response
            self._gate.wait(delay)
            attempt += 1


def gate_schema(schema: BaseSchema, gate: RequestGate) -> None:
    """Give this schema (only) a transport that asks the gate before every request."""
    transport = _GatedTransport(schema.transport, gate)
    base = type(schema)
    gated = type(base.__name__, (base,), {"__slots__": (), "transport": property(lambda _: transport)})
    schema.__class__ = gated
