"""The one watchdog thread behind every request's deadline: due actions run, cancelled ones never do."""

from __future__ import annotations

import multiprocessing
import threading
import time
from typing import Final

from apiconform.runner.deadlines import schedule

# Every wait here is bounded by this; the deadlines themselves are milliseconds.
WAIT_SECONDS: Final = 5.0


def test_due_actions_run_in_deadline_order() -> None:
    ran: list[str] = []
    done = threading.Event()

    def later() -> None:
        ran.append("later")
        done.set()

    schedule(0.06, later)
    schedule(0.02, lambda: ran.append("sooner"))
    assert done.wait(WAIT_SECONDS)
    assert ran == ["sooner", "later"]


def test_a_cancelled_deadline_never_runs() -> None:
    ran: list[str] = []
    done = threading.Event()
    schedule(0.01, lambda: ran.append("cancelled")).cancel()
    schedule(0.03, done.set)
    assert done.wait(WAIT_SECONDS)
    assert ran == []


def test_a_failing_action_does_not_stop_later_ones() -> None:
    done = threading.Event()

    def fail() -> None:
        raise RuntimeError

    schedule(0.01, fail)
    schedule(0.02, done.set)
    assert done.wait(WAIT_SECONDS)


def _in_child() -> None:
    done = threading.Event()
    schedule(0.01, done.set)
    raise SystemExit(0 if done.wait(WAIT_SECONDS) else 1)


def test_a_forked_worker_has_its_own_watchdog() -> None:
    schedule(0.01, lambda: None)  # the parent's thread is running
    child = multiprocessing.get_context("fork").Process(target=_in_child)
    started = time.monotonic()
    child.start()
    child.join(WAIT_SECONDS * 2)
    assert child.exitcode == 0, f"exit {child.exitcode} after {time.monotonic() - started:.1f}s"
