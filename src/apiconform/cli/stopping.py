"""Stopping a run from outside: SIGINT (Ctrl-C), SIGTERM (a CI cancel, `timeout`), and --max-time over loading.

While the run is being set up (config, specs, sandbox), a signal or the time limit ends it at once: nothing
was tested, nothing is written, one line and the exit code. Once requests go out, the first signal only
sets a flag the run's request gate reads before every request, so the run stops sending at once, winds
down and writes its reports marked interrupted; the exit code is 128 + the signal (130, 143). A second
signal ends every process of the run at once. The flag is shared memory, so worker processes forked
from the run see it too, whichever process the signal reached.
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import signal
import sys
from collections.abc import Callable
from types import FrameType
from typing import Final, NoReturn

from apiconform.core.vocabulary import ExitCode

__all__ = ["RunStopper", "SetupStopped"]

SIGNALS: Final = (signal.SIGINT, signal.SIGTERM)
SIGNAL_EXIT_BASE: Final = 128


class SetupStopped(BaseException):  # KeyboardInterrupt's kind: no `except Exception` may swallow it
    """A signal or the time limit ended the run before it sent a request: one line, no report."""

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code


class RunStopper:
    """The run's signal handling, installed in the process that runs `apiconform run` (and in its workers)."""

    def __init__(self) -> None:
        # 0, or the number of the signal that stopped the run; read by the request gate of every process.
        self.flag = multiprocessing.RawValue(ctypes.c_int, 0)
        self.signal: int | None = None
        self.sending = False
        self.max_seconds: float | None = None
        self._children: list[Callable[[], int | None]] = []
        self._owner = os.getpid()

    @property
    def exit_code(self) -> int | None:
        """128 + the signal that stopped the run, as a shell reports it; None when no signal came."""
        return None if self.signal is None else SIGNAL_EXIT_BASE + self.signal

    def install(self) -> None:
        for number in SIGNALS:
            signal.signal(number, self._handle)

    def install_in_worker(self) -> None:
        """In a forked worker: the first signal stops its shard like the run's; the second ends it at once."""
        self._owner = os.getpid()
        self._children = []
        self.install()

    def adopt(self, process_id: Callable[[], int | None]) -> None:
        """A child process (the sandbox, a worker) to kill when a second signal says stop now."""
        self._children.append(process_id)

    def time_limit(self, seconds: float, started: float, now: float) -> None:
        """--max-time counts from the process's start: an alarm ends a setup that outlives it."""
        self.max_seconds = seconds
        left = seconds - (now - started)
        if left <= 0:
            self._handle(signal.SIGALRM, None)
        signal.signal(signal.SIGALRM, self._handle)
        signal.setitimer(signal.ITIMER_REAL, left)

    def start_sending(self) -> None:
        """From here a signal stops the run cleanly instead of ending the setup; the gate keeps the time limit."""
        signal.setitimer(signal.ITIMER_REAL, 0)
        self.sending = True

    def _handle(self, number: int, _: FrameType | None) -> None:
        if os.getpid() != self._owner:
            return  # a forked child before it installed its own handling: its parent decides
        if number == signal.SIGALRM:
            if not self.sending:
                raise SetupStopped(
                    f"--max-time {self.max_seconds:g}s ran out while the run was being set up (loading the specs); "
                    "nothing was tested",
                    int(ExitCode.INCOMPLETE),
                )
            return
        if self.signal is not None:
            self._end_now()
        self.signal = number
        if not self.sending:
            name = signal.Signals(number).name
            raise SetupStopped(f"interrupted by {name} before the run started; nothing was tested", self.exit_code or 1)
        self.flag.value = number

    def exit(self, code: int) -> NoReturn:
        """Leave once everything is written: a stopped run ends now, not after seconds of interpreter teardown."""
        if self.signal is None:
            sys.exit(code)
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)

    def _end_now(self) -> None:
        for process_id in self._children:
            pid = process_id()
            if pid is not None:
                with contextlib.suppress(OSError):
                    os.kill(pid, signal.SIGKILL)
        os._exit(self.exit_code or 1)
