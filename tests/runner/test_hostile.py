"""Hostile and broken targets: each ends as a finding or a named run error, never a crash, a hang or a blow-up.

One raw-socket server (tests/fixtures/hostile.py) plays every behaviour; each behaviour gets its own
`apiconform run --base-url <server>/<behaviour>` as a subprocess, a few at a time. A run's time is bounded
by its request count times the request timeout (plus a margin), because the transport enforces a total
deadline per request; its memory is bounded by the response byte cap, whatever size the target sends.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import pytest

from apiconform.core.vocabulary import ExitCode
from tests.fixtures.cli import REPO_ROOT
from tests.fixtures.hostile import ELSEWHERE, HUGE_BODY_BYTES, TOKEN, HostileServer, hostile_server, item_spec

REQUEST_TIMEOUT: Final = 1.0
# Per request: the watchdog's latency and the run's own work; per run: the probe and writing reports.
MARGIN_PER_REQUEST: Final = 0.5
RUN_SLACK_SECONDS: Final = 5.0
WALL_LIMIT_SECONDS: Final = 120
PARALLEL_RUNS: Final = 4
# The body cap is 8 MiB (a few transient copies of it fit here); holding the 50 MB body would not.
MEMORY_HEADROOM: Final = 48 * 1024 * 1024


@dataclass(frozen=True, slots=True, kw_only=True)
class Expect:
    """What one behaviour must leave in report.json: the exit code, and a finding of `check` or an error line."""

    exit_code: ExitCode
    check: str | None = None
    text: str = ""
    error: str = ""


CASES: Final[dict[str, Expect]] = {
    "ok": Expect(exit_code=ExitCode.CONFORMANT),
    "not-json": Expect(exit_code=ExitCode.VIOLATIONS, check="schema", text="not valid JSON"),
    "truncated-json": Expect(exit_code=ExitCode.VIOLATIONS, check="schema", text="not valid JSON"),
    "invalid-utf8": Expect(exit_code=ExitCode.VIOLATIONS, check="schema", text="not valid JSON"),
    "short-body": Expect(
        exit_code=ExitCode.VIOLATIONS, check="server_error", text="before the body was complete", error="complete"
    ),
    "reset": Expect(exit_code=ExitCode.VIOLATIONS, check="server_error", text="connection reset", error="reset"),
    "reset-mid-body": Expect(
        exit_code=ExitCode.VIOLATIONS, check="server_error", text="connection reset", error="reset"
    ),
    "garbage": Expect(
        exit_code=ExitCode.VIOLATIONS, check="server_error", text="not an HTTP response", error="not an HTTP"
    ),
    "huge-body": Expect(exit_code=ExitCode.CONFORMANT, error="over the 8.0 MiB cap"),
    "drip": Expect(
        exit_code=ExitCode.VIOLATIONS, check="server_error", text="no complete response within 1s", error="within 1s"
    ),
    "drip-head": Expect(
        exit_code=ExitCode.VIOLATIONS, check="server_error", text="no complete response within 1s", error="within 1s"
    ),
    "redirect-loop": Expect(
        exit_code=ExitCode.VIOLATIONS, check="server_error", text="redirect loop", error="Exceeded 5 redirects"
    ),
    "redirect-elsewhere": Expect(exit_code=ExitCode.VIOLATIONS, check="status_code", text="Undocumented status"),
    "huge-header": Expect(
        exit_code=ExitCode.VIOLATIONS, check="server_error", text="header line longer than 64 KiB", error="64 KiB"
    ),
    "many-headers": Expect(
        exit_code=ExitCode.VIOLATIONS, check="server_error", text="more than 100 response headers", error="headers"
    ),
}


@dataclass(frozen=True, slots=True, kw_only=True)
class Outcome:
    """One finished run: its exit code, output, wall time, peak memory and report."""

    returncode: int
    stdout: str
    stderr: str
    wall_seconds: float
    max_rss_bytes: int
    report: dict[str, Any]

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


def _run(server: HostileServer, behaviour: str, spec: Path, directory: Path) -> Outcome:
    directory.mkdir(parents=True)
    stdout_path, stderr_path = directory / "stdout.txt", directory / "stderr.txt"
    argv = [
        sys.executable,
        "-m",
        "apiconform",
        "run",
        "--base-url",
        server.base_url(behaviour),
        "--spec",
        str(spec),
        "--max-examples",
        "1",
        "--request-timeout",
        f"{REQUEST_TIMEOUT:g}",
        "--report-dir",
        str(directory / "reports"),
        "--no-history",
    ]
    env = {**os.environ, "CI": "true", "NO_COLOR": "1", "APICONFORM_TOKEN": TOKEN}
    started = time.monotonic()
    with stdout_path.open("wb") as out, stderr_path.open("wb") as err:
        process = subprocess.Popen(argv, cwd=REPO_ROOT, env=env, stdout=out, stderr=err)
        deadline = started + WALL_LIMIT_SECONDS
        status, usage = 0, None
        while usage is None:
            pid, status, rusage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                usage = rusage
            elif time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"{behaviour}: the run did not finish within {WALL_LIMIT_SECONDS}s")
            else:
                time.sleep(0.05)
    process.returncode = os.waitstatus_to_exitcode(status)
    report_path = directory / "reports" / "report.json"
    return Outcome(
        returncode=process.returncode,
        stdout=stdout_path.read_text(encoding="utf-8", errors="replace"),
        stderr=stderr_path.read_text(encoding="utf-8", errors="replace"),
        wall_seconds=time.monotonic() - started,
        max_rss_bytes=usage.ru_maxrss * 1024,
        report=json.loads(report_path.read_text(encoding="utf-8")) if report_path.exists() else {},
    )


@pytest.fixture(scope="module")
def hostile_runs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[dict[str, Outcome], HostileServer]]:
    """Every behaviour's run, a few at a time against one server; the server's log is kept for inspection."""
    root = tmp_path_factory.mktemp("hostile")
    spec = root / "hostile.json"
    spec.write_text(item_spec(), encoding="utf-8")
    with hostile_server() as server, ThreadPoolExecutor(max_workers=PARALLEL_RUNS) as pool:
        futures = {name: pool.submit(_run, server, name, spec, root / name) for name in CASES}
        outcomes = {name: future.result() for name, future in futures.items()}
        yield outcomes, server


class TestHostileTargets:
    """Each behaviour is a finding or a named error in report.json, with the exit code it deserves."""

    @pytest.mark.parametrize(("behaviour", "expect"), CASES.items(), ids=CASES.keys())
    def test_reported_not_crashed(
        self, hostile_runs: tuple[dict[str, Outcome], HostileServer], behaviour: str, expect: Expect
    ) -> None:
        """The expected exit code, finding and error line; a report was written; no traceback anywhere."""
        outcome = hostile_runs[0][behaviour]
        assert outcome.returncode == expect.exit_code, outcome.output[-3000:]
        assert "Traceback" not in outcome.output
        assert outcome.report, f"no report.json:\n{outcome.output[-3000:]}"
        findings = outcome.report["findings"]
        if expect.check is not None:
            matching = [f for f in findings if f["check"] == expect.check and expect.text in f["title"]]
            assert matching, [(f["check"], f["title"]) for f in findings]
            assert all(f["severity"] == "failure" for f in matching)
        else:
            assert not [f for f in findings if f["severity"] == "failure"], findings
        if expect.error:
            assert any(expect.error in line for line in outcome.report["errors"]), outcome.report["errors"]
        else:
            assert outcome.report["errors"] == []

    @pytest.mark.parametrize("behaviour", CASES.keys())
    def test_bounded_in_time(self, hostile_runs: tuple[dict[str, Outcome], HostileServer], behaviour: str) -> None:
        """No request outlives the request timeout: the run's time is at most requests × (timeout + margin)."""
        report = hostile_runs[0][behaviour].report
        requests = report["run"]["request_count"]
        bound = requests * (REQUEST_TIMEOUT + MARGIN_PER_REQUEST) + RUN_SLACK_SECONDS
        assert report["run"]["duration_seconds"] <= bound, f"{requests} requests"

    def test_huge_body_is_capped(self, hostile_runs: tuple[dict[str, Outcome], HostileServer]) -> None:
        """A 50 MB body costs at most the cap in memory, and its body is not judged on the cut."""
        outcomes = hostile_runs[0]
        huge, control = outcomes["huge-body"], outcomes["ok"]
        grown = huge.max_rss_bytes - control.max_rss_bytes
        assert grown < MEMORY_HEADROOM, f"peak memory grew by {grown / 2**20:.0f} MiB for a {HUGE_BODY_BYTES} body"
        assert not [f for f in huge.report["findings"] if f["check"] == "schema"]
        assert any(f"{HUGE_BODY_BYTES / 2**20:.1f} MiB" in line for line in huge.report["errors"])

    def test_no_credentials_to_another_host(self, hostile_runs: tuple[dict[str, Outcome], HostileServer]) -> None:
        """A 301 to another host is reported as a status, not followed: Authorization never leaves its host."""
        server = hostile_runs[1]
        redirected = [r for r in server.received if r.path.startswith(f"/{ELSEWHERE}/")]
        assert not [r for r in redirected if "authorization" in r.headers]
        assert redirected == []
        asked = [r for r in server.received if r.path.startswith("/redirect-elsewhere/")]
        assert asked, "the run never reached the redirecting behaviour"

    def test_redirect_loop_is_cut_short(self, hostile_runs: tuple[dict[str, Outcome], HostileServer]) -> None:
        """A redirect loop costs at most max-redirects + 1 hops per request the run sent."""
        outcome = hostile_runs[0]["redirect-loop"]
        hops = [r for r in hostile_runs[1].received if r.path.startswith("/redirect-loop/")]
        assert len(hops) <= outcome.report["run"]["request_count"] * 6
