"""The console of a run: one live display at a person's terminal, one plain line per operation in CI.

Both modes run the real CLI: CI mode as a subprocess with `CI=true`, terminal mode inside a pseudo-terminal
(python's `pty`), where stdout is a TTY as it is for a person. A broken sandbox (an enum fault) shows that a
failure is printed the moment it is found, before the operation it was found on is done.
"""

from __future__ import annotations

import os
import pty
import re
import select
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Final

from apiconform.core.vocabulary import ExitCode
from apiconform.sandbox import Fault
from tests.fixtures.cli import AP_SPEC, REPO_ROOT, load_report

if TYPE_CHECKING:
    from tests.fixtures.cli import CliRunner

IDENTITY_SPEC: Final = "specs/amili/identity.yaml"
FAULT: Final = Fault.AP_ENUM_OUT_OF_SET
ARGS: Final = ("--spec", AP_SPEC, "--spec", IDENTITY_SPEC, "--max-examples", "5", "--fault", FAULT.value)
OPERATION_LINE: Final = re.compile(r"^  \[(?P<api>[^\]]+)\] (?P<operation>\S+ \S+)  \d+ requests, \d+ failures")
PHASE_WORDS: Final = re.compile(r"\b(examples|coverage|fuzzing|stateful)\b")
FAILURE_TEXT: Final = "FAIL [enum] ap-invoice GET /v1/invoice/{id} /currency: expected"
ANSI: Final = "\x1b["
PTY_TIMEOUT: Final = 300.0


def test_ci_prints_one_plain_line_per_operation(cli: CliRunner, report_dir: Path) -> None:
    result = cli("run", *ARGS)
    assert result.returncode == ExitCode.VIOLATIONS, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    done = Counter((match["api"], match["operation"]) for line in lines if (match := OPERATION_LINE.match(line)))
    tested = {(op["api"], op["operation"]) for op in load_report(report_dir)["operations"] if op["covered"]}
    assert set(done) == tested
    assert set(done.values()) == {1}, done
    assert not [line for line in lines if line.startswith("  [") and PHASE_WORDS.search(line)]
    assert ANSI not in result.stdout + result.stderr
    # Found during schemathesis's phases, printed then: before the operation's own line, not only in the summary.
    first_failure = next(index for index, line in enumerate(lines) if line.startswith(FAILURE_TEXT))
    ap_done = next(index for index, line in enumerate(lines) if line.startswith("  [ap-invoice] GET /v1/invoice/"))
    assert first_failure < ap_done


def _in_a_terminal(*args: str) -> tuple[int, str]:
    """`apiconform ARGS` with stdout, stderr and stdin on a pseudo-terminal, as at a person's terminal."""
    controller, terminal = pty.openpty()
    env = {name: value for name, value in os.environ.items() if name not in {"CI", "NO_COLOR"}}
    process = subprocess.Popen(
        [sys.executable, "-m", "apiconform", *args],
        cwd=REPO_ROOT,
        env={**env, "COLUMNS": "120", "TERM": "xterm-256color"},
        stdin=terminal,
        stdout=terminal,
        stderr=terminal,
    )
    os.close(terminal)
    output = bytearray()
    deadline = time.monotonic() + PTY_TIMEOUT
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([controller], [], [], 0.5)
            if not ready:
                if process.poll() is not None:
                    break
                continue
            try:
                chunk = os.read(controller, 65536)
            except OSError:  # the terminal closed: the run has ended
                break
            if not chunk:
                break
            output += chunk
    finally:
        os.close(controller)
        if process.poll() is None:
            process.kill()
    return process.wait(timeout=30), output.decode("utf-8", errors="replace")


def test_a_terminal_gets_one_live_display(tmp_path: Path) -> None:
    code, output = _in_a_terminal("run", *ARGS, "--report-dir", str(tmp_path / "reports"))
    assert code == ExitCode.VIOLATIONS, output
    assert ANSI in output
    # One display redrawn in place (carriage return, erase line), showing operations, requests, failures, time.
    frames = [frame for frame in re.split(r"\r\x1b\[2K|\r\n", output) if "operations ·" in frame]
    assert len(frames) > 1, output[-2000:]
    plain = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", frames[-1])
    assert re.search(r"5/5 operations · \d+ requests · 1 failures · \d+:\d\d:\d\d", plain), plain
    # No line per operation or per phase at a terminal; the failure is printed above the display as it is found.
    assert not re.search(r"^  \[ap-invoice\] ", output, re.MULTILINE)
    assert output.index(FAILURE_TEXT) < output.index("5/5 operations")
    assert "apiconform: violations found: 1 failures" in output
