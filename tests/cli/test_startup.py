"""What each command imports: only what it runs, so --help, --version and usage errors answer at once.

Read from `python -X importtime` (the modules a process actually imported), never from a clock.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.fixtures.cli import AP_SPEC, REPO_ROOT

# What a run needs and an answer about the command line does not: generation, the engine, the validators.
RUN_ONLY = ("schemathesis", "hypothesis", "jsonschema", "openapi_spec_validator", "httpx", "requests")
# The embedded sandbox: only when one is embedded.
SANDBOX_ONLY = ("uvicorn", "starlette", "apiconform.sandbox._server", "apiconform.sandbox._app")
# jsonschema's IRI grammar (a second or more to build): only when a body declares an IRI format and fails.
IRI_GRAMMAR = ("rfc3987_syntax.syntax_helpers", "lark")


def _imported(*args: str) -> tuple[subprocess.CompletedProcess[str], set[str]]:
    env = {**os.environ, "CI": "true", "NO_COLOR": "1"}
    process = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "apiconform", *args],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    modules = {
        line.rsplit("|", 1)[1].strip() for line in process.stderr.splitlines() if line.startswith("import time:")
    }
    return process, modules - {"package"}


def _loaded(modules: set[str], packages: tuple[str, ...]) -> list[str]:
    return sorted(name for name in modules if any(name == top or name.startswith(f"{top}.") for top in packages))


@pytest.mark.parametrize(
    ("args", "exit_code"),
    [
        (("--help",), 0),
        (("--version",), 0),
        (("run", "--help"), 0),
        (("serve", "--help"), 0),
        (("merge", "--help"), 0),
        (("run", "--no-such-flag"), 2),
        (("run", "--workers", "0"), 2),
        (("run", "--fault", "no-such-fault"), 2),
        (("diff",), 2),
    ],
    ids=[
        "help",
        "version",
        "run-help",
        "serve-help",
        "merge-help",
        "unknown-flag",
        "bad-value",
        "bad-fault",
        "no-args",
    ],
)
def test_answers_about_the_command_line_import_no_engine(args: tuple[str, ...], exit_code: int) -> None:
    process, modules = _imported(*args)
    assert process.returncode == exit_code, process.stderr[-2000:]
    assert "apiconform.cli.main" in modules  # the measurement itself works
    assert _loaded(modules, RUN_ONLY + SANDBOX_ONLY + IRI_GRAMMAR) == []


def test_an_unreachable_target_is_found_before_the_engine_loads(tmp_path: Path) -> None:
    """A run with --base-url probes first (nothing listens: exit 3), before schemathesis, hypothesis or the sandbox."""
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    process, modules = _imported(
        "run", "--spec", AP_SPEC, "--base-url", f"http://127.0.0.1:{port}", "--report-dir", str(tmp_path / "r"),
    )  # fmt: skip
    assert process.returncode == 3, process.stderr[-2000:]
    assert "apiconform.runner.preflight" in modules  # the run got as far as the probe
    engine = ("schemathesis", "hypothesis", "jsonschema", "httpx", "apiconform.runner.engine")
    assert _loaded(modules, engine + SANDBOX_ONLY + IRI_GRAMMAR) == []
