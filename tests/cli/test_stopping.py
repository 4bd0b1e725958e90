"""Stopping `apiconform run` from outside: Ctrl-C at a terminal (SIGINT to the whole process group), a CI cancel
or `timeout` (SIGTERM to the run). The run stops sending, every process it started ends, nothing listens on the
sandbox's port, the reports are written marked interrupted, the exit code is 128 + the signal, and no process
prints a traceback.

Each test starts a real run against the embedded sandbox in a session of its own (so the signal reaches only its
processes), waits until it is sending, then signals it.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

import pytest

from tests.fixtures.cli import REPO_ROOT

SANDBOX_LINE: Final = re.compile(r"embedded sandbox at http://127\.0\.0\.1:(\d+)")
# What a run prints as it begins to send (in CI mode), once per process that tests.
SENDING_LINE: Final = re.compile(r"^apiconform: testing \d+ operations")
START_TIMEOUT: Final = 120.0
# How long it sends before the signal: a few seconds, as a person would wait before pressing Ctrl-C.
SENDING_SECONDS: Final = 3.0
EXIT_WITHIN: Final = 3.0


@dataclass(slots=True)
class Run:
    """A run in its own session: the process, everything it printed so far, the sandbox's port."""

    process: subprocess.Popen[str]
    report_dir: Path
    lines: list[str] = field(default_factory=list)
    reader: threading.Thread | None = None

    def read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line)

    def wait_for(self, pattern: re.Pattern[str]) -> re.Match[str]:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            for line in list(self.lines):
                match = pattern.search(line)
                if match is not None:
                    return match
            if self.process.poll() is not None:
                pytest.fail(f"the run ended (exit {self.process.returncode}) before {pattern.pattern}:\n{self.output}")
            time.sleep(0.05)
        pytest.fail(f"no {pattern.pattern} within {START_TIMEOUT:.0f} s:\n{self.output}")

    @property
    def output(self) -> str:
        return "".join(self.lines)

    def close(self) -> None:
        """Whatever the test found: nothing of the run outlives it, and its pipe is closed."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()
        if self.reader is not None:
            self.reader.join(timeout=5)
        if self.process.stdout is not None:
            self.process.stdout.close()


Starter = Callable[..., tuple[Run, int]]


@pytest.fixture
def start(tmp_path: Path) -> Iterator[Starter]:
    """Starts runs, and ends and closes every one of them when the test is over."""
    runs: list[Run] = []

    def starter(*args: str) -> tuple[Run, int]:
        run, port = _start(tmp_path, runs, *args)
        return run, port

    yield starter
    for run in runs:
        run.close()


def _start(tmp_path: Path, runs: list[Run], *args: str) -> tuple[Run, int]:
    """Every spec, as the default run: long enough to be stopped while it is sending."""
    report_dir = tmp_path / "reports"
    process = subprocess.Popen(
        [sys.executable, "-m", "apiconform", "run", "--report-dir", str(report_dir), *args],
        cwd=REPO_ROOT,
        env={**os.environ, "CI": "true", "NO_COLOR": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        encoding="utf-8",
        start_new_session=True,
    )
    run = Run(process=process, report_dir=report_dir)
    runs.append(run)
    run.reader = threading.Thread(target=run.read, daemon=True)
    run.reader.start()
    port = int(run.wait_for(SANDBOX_LINE).group(1))
    run.wait_for(SENDING_LINE)
    time.sleep(SENDING_SECONDS)
    return run, port


def _group(pgid: int) -> set[int]:
    """Live processes (zombies aside) of a process group, read from /proc."""
    members = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text(encoding="utf-8").rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            members.add(int(stat.parent.name))
    return members


def _ended(run: Run) -> int:
    """The exit code, waiting at most EXIT_WITHIN seconds; a run that takes longer is killed and fails the test."""
    try:
        return run.process.wait(timeout=EXIT_WITHIN)
    except subprocess.TimeoutExpired:
        os.killpg(run.process.pid, signal.SIGKILL)
        run.process.wait()
        pytest.fail(f"still running {EXIT_WITHIN:.0f} s after the signal:\n{run.output}")


def _listening(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def _signal(run: Run, number: signal.Signals, *, group: bool) -> None:
    if group:
        os.killpg(run.process.pid, number)
    else:
        run.process.send_signal(number)


CASES: Final = [
    (signal.SIGTERM, False, 1),
    (signal.SIGTERM, False, 2),
    (signal.SIGINT, True, 1),
    (signal.SIGINT, True, 2),
    (signal.SIGINT, False, 1),
]
CASE_IDS: Final = [
    "sigterm-to-run",
    "sigterm-to-run-2-workers",
    "ctrl-c-to-group",
    "ctrl-c-to-group-2-workers",
    "sigint-to-run",
]


@pytest.mark.parametrize(("number", "group", "workers"), CASES, ids=CASE_IDS)
def test_a_signal_stops_the_run_and_every_process_of_it(
    start: Starter, number: signal.Signals, group: bool, workers: int
) -> None:
    run, port = start("--workers", str(workers))
    # The run, its sandbox and its workers: every one of them must be gone afterwards.
    assert len(_group(run.process.pid)) >= 2 + (workers if workers > 1 else 0), run.output
    _signal(run, number, group=group)
    code = _ended(run)
    time.sleep(0.2)  # the bounded wait is over; let the kernel finish tearing down what already exited
    output = run.output
    assert code == 128 + number, output
    assert _group(run.process.pid) == set(), output
    assert not _listening(port), output
    assert "Traceback" not in output
    report = json.loads((run.report_dir / "report.json").read_text(encoding="utf-8"))
    assert report["run"]["stop_reason"] == f"interrupted by {number.name}"
    assert report["verdict"] == "incomplete"
    assert "the run stopped early (interrupted by " in report["incomplete"][0]
    assert "INCOMPLETE" in (run.report_dir / "summary.md").read_text(encoding="utf-8")
    with contextlib.closing(sqlite3.connect(run.report_dir / "history.sqlite")) as history:
        assert history.execute("SELECT verdict, exit_code FROM runs").fetchall() == [("incomplete", 4)]


def test_a_second_ctrl_c_ends_the_run_at_once(start: Starter) -> None:
    """The first Ctrl-C asks the run to wind down; the second ends every process of it now."""
    run, port = start("--workers", "2")
    os.killpg(run.process.pid, signal.SIGINT)
    time.sleep(0.1)
    os.killpg(run.process.pid, signal.SIGINT)
    code = _ended(run)
    time.sleep(0.2)
    assert code == 128 + signal.SIGINT, run.output
    assert _group(run.process.pid) == set(), run.output
    assert not _listening(port)
    assert "Traceback" not in run.output
