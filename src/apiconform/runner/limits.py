"""Bounds on what a run may do to a target: requests per second, a request budget, a time limit.

And on what a target may do to a run: how many bytes of a body are kept and how many redirects are
followed (`runner/bounded.py` enforces both, with the per-request deadline).

Every request of a run, schemathesis's and ours, passes one RequestGate, so the bounds hold for the
run as a whole. A run that reaches its budget or time limit stops cleanly and its report says it is
incomplete.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Protocol

from apiconform.runner.bounded import DEFAULT_MAX_REDIRECTS, DEFAULT_MAX_RESPONSE_BYTES

__all__ = ["RequestGate", "RunLimitReached", "RunLimits", "StopFlag", "stop_reason"]

RETRY_STATUSES = frozenset({429, 503})
# A wait (rate, Retry-After) is sliced, so a stop asked for during it is noticed within this many seconds.
WAIT_SLICE_SECONDS = 0.1


class StopFlag(Protocol):
    """Set to a signal number by whoever stops the run (a signal handler: no lock taken); 0 while it may go on.

    A `multiprocessing.RawValue` works, and then worker processes forked from the run share it.
    """

    value: int


def stop_reason(flag: StopFlag | None) -> str | None:
    if flag is None or not flag.value:
        return None
    try:
        name = signal.Signals(flag.value).name
    except ValueError:
        name = f"signal {flag.value}"
    return f"interrupted by {name}"


class RunLimitReached(Exception):
    """Raised instead of sending a request once the run's budget or time is spent."""


@dataclass(frozen=True, slots=True, kw_only=True)
class RunLimits:
    """How much a run may ask of a target.

    Usage::

        RunLimits(rate=5.0, max_requests=500, max_seconds=120)   # 5 req/s, at most 500 requests, 2 minutes
    """

    rate: float | None = None
    max_requests: int | None = None
    max_seconds: float | None = None
    # `time.monotonic()` when the time limit started counting (the process's start, so loading counts); None: now.
    started: float | None = None
    # The longest Retry-After honoured, and how often; a target asking for more is answered with a failure.
    max_retry_after: float = 30.0
    max_retries: int = 3
    # Bytes of one response body kept in memory; the rest is dropped and the report says so.
    max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES
    # Same-host redirects followed per request; a redirect to another host is never followed.
    max_redirects: int = DEFAULT_MAX_REDIRECTS


class RequestGate:
    """Admits one request at a time at the configured pace; thread-safe for schemathesis workers."""

    def __init__(
        self,
        limits: RunLimits,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        stop: StopFlag | None = None,
    ) -> None:
        self.limits = limits
        self.sent = 0
        self.stopped: str | None = None
        self._clock = clock
        self._sleep = sleep
        self._stop_flag = stop
        self._lock = threading.Lock()
        self._started = clock() if limits.started is None else limits.started
        self._next_slot = self._started
        self._on_stop: list[Callable[[], None]] = []

    def on_stop(self, callback: Callable[[], None]) -> None:
        self._on_stop.append(callback)

    def acquire(self) -> None:
        """Wait for this request's slot, or raise RunLimitReached when the run may send no more."""
        with self._lock:
            reason = self._exhausted()
            if reason is not None:
                self._stop(reason)
                raise RunLimitReached(reason)
            now = self._clock()
            wait = 0.0
            if self.limits.rate:
                slot = max(now, self._next_slot)
                wait = slot - now
                self._next_slot = slot + 1.0 / self.limits.rate
            self.sent += 1
        if wait > 0:
            self.wait(wait)
            if self.poll() is not None:
                raise RunLimitReached(self.stopped)

    def wait(self, seconds: float) -> None:
        """Sleep, in slices, so a stop (a signal) is not held up by a long Retry-After or a slow rate."""
        end = self._clock() + seconds
        while (left := end - self._clock()) > 0 and stop_reason(self._stop_flag) is None:
            self._sleep(min(left, WAIT_SLICE_SECONDS))

    def poll(self) -> str | None:
        """Why the run may send no more (stopping it when that is new), or None while it may go on."""
        with self._lock:
            reason = self._exhausted()
            if reason is not None:
                self._stop(reason)
            return reason

    def retry_delay(self, status: int, headers: Mapping[str, str], attempt: int) -> float | None:
        """Seconds to wait before retrying a 429/503 that says when to come back; None means do not retry."""
        if status not in RETRY_STATUSES or attempt >= self.limits.max_retries:
            return None
        value = next((v for k, v in headers.items() if k.lower() == "retry-after"), None)
        delay = _parse_retry_after(value) if value is not None else None
        if delay is None or delay > self.limits.max_retry_after:
            return None
        if self.limits.max_seconds is not None and self._clock() + delay > self._started + self.limits.max_seconds:
            return None
        return delay

    def _exhausted(self) -> str | None:
        if self.stopped is not None:
            return self.stopped
        interrupted = stop_reason(self._stop_flag)
        if interrupted is not None:
            return interrupted
        if self.limits.max_requests is not None and self.sent >= self.limits.max_requests:
            return f"request budget of {self.limits.max_requests} reached"
        if self.limits.max_seconds is not None and self._clock() - self._started >= self.limits.max_seconds:
            return f"time limit of {self.limits.max_seconds:g}s reached"
        return None

    def _stop(self, reason: str) -> None:
        if self.stopped is None:
            self.stopped = reason
            for callback in self._on_stop:
                callback()


def _parse_retry_after(value: str) -> float | None:
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, moment.timestamp() - time.time())
