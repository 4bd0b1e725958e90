"""An httpx client whose requests travel the bounded `requests` session, for code written against httpx.

The scenarios speak httpx; httpx times out per read like `requests` does. Routing them through the same
bounded adapter as schemathesis's requests gives both one deadline rule, one byte cap and one redirect
rule (none followed here), and one way to classify what went wrong.

Usage::

    with bounded_client(timeout=10.0, verify=True) as client:
        client.get(url)          # httpx.ReadTimeout after 10 s in total, whatever the server drips
"""

from __future__ import annotations

import httpx
import requests
from requests.utils import DEFAULT_ACCEPT_ENCODING

from apiconform.runner.bounded import DEFAULT_MAX_RESPONSE_BYTES, bounded_exchange, bounded_session
from apiconform.runner.problems import ResponseTooLarge, byte_size

__all__ = ["bounded_client"]

# Headers describing the wire encoding of a body that reaches httpx already decoded.
_WIRE_HEADERS = frozenset({"content-encoding", "content-length", "transfer-encoding"})


class _BoundedTransport(httpx.BaseTransport):
    def __init__(self, *, timeout: float, verify: bool | str, max_bytes: int) -> None:
        self._timeout = timeout
        self._verify = verify
        self._max_bytes = max_bytes
        self._session = bounded_session(timeout=timeout, max_bytes=max_bytes)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        headers = dict(request.headers)
        headers["Accept-Encoding"] = DEFAULT_ACCEPT_ENCODING
        try:
            with bounded_exchange(timeout=self._timeout, max_bytes=self._max_bytes) as exchange:
                response = self._session.request(
                    request.method,
                    str(request.url),
                    headers=headers,
                    data=request.read() or None,
                    allow_redirects=False,
                    timeout=self._timeout,
                    verify=self._verify,
                )
        except requests.Timeout as exc:
            raise httpx.ReadTimeout(str(exc), request=request) from exc
        except requests.RequestException as exc:
            raise httpx.RemoteProtocolError(str(exc), request=request) from exc
        if exchange.truncated:
            # A scenario judges the body it gets; a cut one would read as invalid JSON, so it gets none.
            reason = f"response body of {byte_size(exchange.full_size)} is over the {byte_size(self._max_bytes)} cap"
            raise httpx.DecodingError(reason, request=request) from ResponseTooLarge(reason)
        # http.client read the header bytes as latin-1; the same bytes go to httpx, whatever they are.
        return httpx.Response(
            response.status_code,
            headers=[
                (name.encode("latin-1", errors="replace"), value.encode("latin-1", errors="replace"))
                for name, value in response.raw.headers.items()
                if name.lower() not in _WIRE_HEADERS
            ],
            content=response.content,
            request=request,
            extensions={"reason_phrase": (response.reason or "").encode("latin-1", errors="replace")},
        )

    def close(self) -> None:
        self._session.close()


def bounded_client(
    *,
    timeout: float,
    verify: bool | str = True,
    max_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
    headers: dict[str, str] | None = None,
) -> httpx.Client:
    """An httpx client: total deadline per request, byte cap, no redirects followed, optional default headers."""
    return httpx.Client(
        transport=_BoundedTransport(timeout=timeout, verify=verify, max_bytes=max_bytes),
        headers=headers,
        follow_redirects=False,
    )
