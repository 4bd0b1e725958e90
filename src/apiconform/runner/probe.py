"""Is anything listening at the target? Answered before a run, so a down target is exit 3, not a wall of errors."""

from __future__ import annotations

import httpx

from apiconform.core.errors import TargetUnreachable, UsageError

__all__ = ["probe"]

PROBE_TIMEOUT = 5.0


def probe(base_url: str, *, verify: bool | str = True) -> None:
    """Any HTTP answer, even a 404, proves the target is up; only a transport failure is 'unreachable'."""
    try:
        httpx.get(base_url, timeout=PROBE_TIMEOUT, verify=verify, follow_redirects=False)
    except httpx.UnsupportedProtocol:
        raise UsageError(f"--base-url must be an http:// or https:// URL, got {base_url!r}") from None
    except httpx.InvalidURL as exc:
        raise UsageError(f"invalid base URL {base_url!r}: {exc}") from None
    except httpx.TimeoutException:
        raise TargetUnreachable(base_url, f"no answer within {PROBE_TIMEOUT:g}s") from None
    except httpx.TransportError as exc:
        raise TargetUnreachable(base_url, _reason(exc)) from None


def _reason(exc: httpx.TransportError) -> str:
    text = str(exc) or type(exc).__name__
    if "refused" in text.lower():
        return "connection refused"
    if "name or service not known" in text.lower() or "nodename nor servname" in text.lower():
        return "unknown host"
    return text.splitlines()[0]
