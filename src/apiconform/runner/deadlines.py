"""One watchdog thread for the deadlines of every request in the process, instead of a timer thread per request.

A bounded request (`runner/bounded.py`) needs something to shut its socket when its total time is up. A
`threading.Timer` per request did that, but starting and cancelling a thread for each of thousands of
requests cost a few percent of a run's CPU. Here one daemon thread sleeps until the earliest deadline;
scheduling is a heap push and cancelling sets a flag. A forked worker starts afresh with its own thread,
since the parent's does not exist in it.
"""

from __future__ import annotations

import contextlib
import heapq
import itertools
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

__all__ = ["Deadline", "schedule"]


@dataclass(order=True, slots=True)
class Deadline:
    """A scheduled action; `cancel()` before it is due and it never runs."""

    at: float
    number: int
    action: Callable[[], None] = field(compare=False)
    cancelled: bool = field(default=False, compare=False)

    def cancel(self) -> None:
        self.cancelled = True


class _Watchdog:
    def __init__(self) -> None:
        self._reset()

    def _reset(self) -> None:
        """A fresh state; also in a forked child, which inherits the heap and locks but not the thread."""
        self._condition = threading.Condition()
        self._heap: list[Deadline] = []
        self._numbers = itertools.count()
        self._running = False

    def schedule(self, seconds: float, action: Callable[[], None]) -> Deadline:
        deadline = Deadline(at=time.monotonic() + seconds, number=next(self._numbers), action=action)
        with self._condition:
            if not self._running:
                threading.Thread(target=self._run, name="apiconform-deadlines", daemon=True).start()
                self._running = True
            heapq.heappush(self._heap, deadline)
            if self._heap[0] is deadline:
                self._condition.notify()
        return deadline

    def _run(self) -> None:
        while True:
            with self._condition:
                while self._heap and self._heap[0].cancelled:
                    heapq.heappop(self._heap)
                if not self._heap:
                    self._condition.wait()
                    continue
                wait = self._heap[0].at - time.monotonic()
                if wait > 0:
                    self._condition.wait(wait)
                    continue
                due = heapq.heappop(self._heap)
            # One failed action must not stop the deadlines of every later request.
            with contextlib.suppress(Exception):
                due.action()


_WATCHDOG = _Watchdog()
os.register_at_fork(after_in_child=_WATCHDOG._reset)  # noqa: SLF001 - the module's own instance


def schedule(seconds: float, action: Callable[[], None]) -> Deadline:
    """Run `action` in the watchdog thread after `seconds`, unless the returned deadline is cancelled first."""
    return _WATCHDOG.schedule(seconds, action)
