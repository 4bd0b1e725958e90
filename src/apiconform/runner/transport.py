"""Putting every schemathesis request of a schema through the run's RequestGate, and within its bounds.

Schemathesis sends every request, including those its checks send themselves, through the schema's
transport; giving a schema a gated transport is what makes rate, budget and time limits hold for the
whole run rather than for generated cases only. The same transport bounds each request
(`runner/bounded.py`): one total deadline, a cap on body bytes, same-host redirects only, and at most
`max_redirects` of them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from schemathesis.core.transport import DEFAULT_RESPONSE_TIMEOUT
from schemathesis.transport.requests import RequestsTransport

from apiconform.runner.auth_answers import AuthAnswers
from apiconform.runner.bounded import bounded_exchange, bounded_session, mount_bounds
from apiconform.runner.limits import RequestGate
from apiconform.runner.replay import Replays

if TYPE_CHECKING:
    import requests
    from schemathesis import BaseSchema, Response
    from schemathesis.generation.case import Case

__all__ = ["Truncation", "gate_schema", "truncation"]

TRUNCATION_ATTRIBUTE = "apiconform_truncation"


@dataclass(frozen=True, slots=True, kw_only=True)
class Truncation:
    """A body over the byte cap: its full size (Content-Length, or what was seen) and the bytes kept."""

    size: int
    kept: int


class _GatedTransport(RequestsTransport):
    def __init__(
        self,
        inner: Any,
        gate: RequestGate,
        secret_headers: frozenset[str],
        guard: Callable[[Case[Any]], None] | None = None,
        auth_answers: AuthAnswers | None = None,
    ) -> None:
        super().__init__()
        self._copy_serializers_from(inner)
        self._gate = gate
        self._secret_headers = secret_headers
        self._replays = Replays()
        self._guard = guard
        self._auth_answers = auth_answers

    def send(self, case: Case[Any], *, session: requests.Session | None = None, **kwargs: Any) -> Response:
        if self._guard is not None:
            self._guard(case)
        limits = self._gate.limits
        timeout = _timeout(case, kwargs)
        # Checks may send without a session; they get a bounded one of their own, closed afterwards.
        own = bounded_session(timeout=timeout, max_bytes=limits.max_response_bytes) if session is None else None
        sending = own or session
        assert sending is not None  # noqa: S101 - one of the two is always set
        if kwargs.get("max_redirects") is None:
            kwargs["max_redirects"] = limits.max_redirects
        try:
            key = self._replays.key(case, lambda: self.serialize_case(case, **kwargs), sending)
            answer = self._replays.answer(key, case)
            if answer is not None:
                self._note(case, answer, checked=own is not None)
                return answer
            mount_bounds(sending, timeout=timeout, max_bytes=limits.max_response_bytes)
            try:
                response = self._send_gated(case, sending, timeout, kwargs)
            except BaseException:
                if key is None:
                    self._replays.written(None)
                raise
        finally:
            if own is not None:
                own.close()
        if key is None:
            self._replays.written(response.status_code)
        elif truncation(response) is None:
            self._replays.keep(key, response)
        self._note(case, response, checked=own is not None)
        return response

    def _note(self, case: Case[Any], response: Response, *, checked: bool) -> None:
        """A check's own request (it comes without the run's session) may be a credential probe worth keeping."""
        if checked and self._auth_answers is not None:
            self._auth_answers.note(case.operation.label, response)

    def _send_gated(
        self, case: Case[Any], session: requests.Session, timeout: float, kwargs: dict[str, Any]
    ) -> Response:
        limits = self._gate.limits
        attempt = 0
        while True:
            self._gate.acquire()
            with bounded_exchange(
                timeout=timeout, max_bytes=limits.max_response_bytes, secret_headers=self._secret_headers
            ) as exchange:
                response = super().send(case, session=session, **dict(kwargs))
            if exchange.truncated:
                # On the request, which schemathesis's recorder shares between a response and its stored copy.
                cut = Truncation(size=exchange.full_size, kept=len(response.content))
                setattr(response.request, TRUNCATION_ATTRIBUTE, cut)
            headers = {name: ", ".join(values) for name, values in response.headers.items()}
            delay = self._gate.retry_delay(response.status_code, headers, attempt)
            if delay is None:
                return response
            self._gate.wait(delay)
            attempt += 1


def _timeout(case: Case[Any], kwargs: dict[str, Any]) -> float:
    given = kwargs.get("timeout") or case.operation.schema.config.request_timeout_for(operation=case.operation)
    if isinstance(given, tuple):
        return float(sum(given))
    return float(given) if given else float(DEFAULT_RESPONSE_TIMEOUT)


def truncation(response: Response) -> Truncation | None:
    """How a body was cut at the run's byte cap, or None for a body read whole."""
    cut = getattr(response.request, TRUNCATION_ATTRIBUTE, None)
    return cut if isinstance(cut, Truncation) else None


def gate_schema(
    schema: BaseSchema,
    gate: RequestGate,
    *,
    secret_headers: Iterable[str] = (),
    guard: Callable[[Case[Any]], None] | None = None,
    auth_answers: AuthAnswers | None = None,
) -> None:
    """Give this schema (only) a transport that asks the gate before every request and bounds each one.

    `guard` sees (and may change) every case before it is sent: known ids are kept out of writes;
    `auth_answers` keeps schemathesis's credential probes for the auth scenario.
    """
    secret = frozenset(name.lower() for name in secret_headers)
    transport = _GatedTransport(schema.transport, gate, secret, guard, auth_answers)
    base = type(schema)
    gated = type(base.__name__, (base,), {"__slots__": (), "transport": property(lambda _: transport)})
    schema.__class__ = gated
