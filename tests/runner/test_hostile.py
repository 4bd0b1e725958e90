"""Hostile and broken targets: each ends as a finding or a named run error, never a crash, a hang or a blow-up.

One raw-socket server (tests/fixtures/hostile.py) plays every behaviour, each behind an operation of its
own, so one `apiconform run --base-url <server>` subprocess meets them all; two more runs, the well-behaved
control alone and the 50 MB body alone, give the exit-0 cases and the memory comparison. A run's time is
bounded by its request count times the request timeout (plus a margin), because the transport enforces a
total deadline per request; its memory by the response byte cap, whatever size the target sends.
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
from tests.fixtures.hostile import (
    ELSEWHERE,
    HUGE_BODY_BYTES,
    TOKEN,
    HostileServer,
    hostile_server,
    item_path,
    item_spec,
)

REQUEST_TIMEOUT: Final = 1.0
# Per request: the watchdog's latency and the run's own work; per run: the probe and writing reports.
MARGIN_PER_REQUEST: Final = 0.5
RUN_SLACK_SECONDS: Final = 5.0
WALL_LIMIT_SECONDS: Final = 120
# The body cap is 8 MiB (a few transient copies of it fit here); holding the 50 MB body would not.
MEMORY_HEADROOM: Final = 48 * 1024 * 1024


@dataclass(frozen=True, slots=True, kw_only=True)
class Expect:
    """What one behaviour's operation must have in report.json: a failure of `check`, and/or an error line."""

    check: str | None = None
    text: str = ""
    error: str = ""


CASES: Final[dict[str, Expect]] = {
    "ok": Expect(),
    "not-json": Expect(check="schema", text="not valid JSON"),
    "truncated-json": Expect(check="schema", text="not valid JSON"),
    "invalid-utf8": Expect(check="content_type", text="not valid JSON"),
    "short-body": Expect(check="server_error", text="before the body was complete", error="complete"),
    "reset": Expect(check="server_error", text="connection reset", error="reset"),
    "reset-mid-body": Expect(check="server_error", text="connection reset", error="reset"),
    "garbage": Expect(check="server_error", text="not an HTTP response", error="not an HTTP"),
    "huge-body": Expect(error="over the 8.0 MiB cap"),
    "drip": Expect(check="server_error", text="no complete response within 1s", error="within 1s"),
    "drip-head": Expect(check="server_error", text="no complete response within 1s", error="within 1s"),
    "redirect-loop": Expect(check="server_error", text="redirect loop", error="Exceeded 5 redirects"),
    "redirect-elsewhere": Expect(check="status_code", text="Undocumented status"),
    "huge-header": Expect(check="server_error", text="header line longer than 64 KiB", error="64 KiB"),
    "many-headers": Expect(check="server_error", text="more than 100 response headers", error="headers"),
}
# One run meets every behaviour; the two alone show exit 0 where nothing documented is broken.
RUNS: Final[dict[str, tuple[str, ...]]] = {"all": tuple(CASES), "ok": ("ok",), "huge-body": ("huge-body",)}
EXIT_CODES: Final = {"all": ExitCode.VIOLATIONS, "ok": ExitCode.CONFORMANT, "huge-body": ExitCode.CONFORMANT}


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


def _run(server: HostileServer, behaviours: tuple[str, ...], directory: Path) -> Outcome:
    directory.mkdir(parents=True)
    spec = directory / "hostile.json"
    spec.write_text(item_spec(behaviours), encoding="utf-8")
    stdout_path, stderr_path = directory / "stdout.txt", directory / "stderr.txt"
    argv = [
        sys.executable,
        "-m",
        "apiconform",
        "run",
        "--base-url",
        server.url,
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
                pytest.fail(f"{behaviours}: the run did not finish within {WALL_LIMIT_SECONDS}s")
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


HostileRuns = tuple[dict[str, Outcome], HostileServer]


@pytest.fixture(scope="module")
def hostile_runs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HostileRuns]:
    """The three runs, side by side against one server; the server's log is kept for inspection."""
    root = tmp_path_factory.mktemp("hostile")
    with hostile_server() as server, ThreadPoolExecutor(max_workers=len(RUNS)) as pool:
        futures = {name: pool.submit(_run, server, behaviours, root / name) for name, behaviours in RUNS.items()}
        yield {name: future.result() for name, future in futures.items()}, server


class TestHostileTargets:
    """Each behaviour is a finding or a named error on its operation; no run crashes, hangs or blows up."""

    @pytest.mark.parametrize("run", RUNS)
    def test_run_ends_with_a_report(self, hostile_runs: HostileRuns, run: str) -> None:
        """Exit 1 when a documented response was missed, 0 when not; a report; no traceback anywhere."""
        outcome = hostile_runs[0][run]
        assert outcome.returncode == EXIT_CODES[run], outcome.output[-3000:]
        assert "Traceback" not in outcome.output
        assert outcome.report, f"no report.json:\n{outcome.output[-3000:]}"
        assert outcome.report["summary"]["operations_covered"] == len(RUNS[run])

    @pytest.mark.parametrize(("behaviour", "expect"), CASES.items(), ids=CASES.keys())
    def test_reported_on_its_operation(self, hostile_runs: HostileRuns, behaviour: str, expect: Expect) -> None:
        """The expected failing finding and error line on the behaviour's own operation, and nothing else."""
        report = hostile_runs[0]["all"].report
        label = f"GET {item_path(behaviour)}"
        findings = [f for f in report["findings"] if f["operation"] == label]
        errors = [line for line in report["errors"] if f": {label}: " in line]
        if expect.check is not None:
            matching = [f for f in findings if f["check"] == expect.check and expect.text in f["title"]]
            assert matching, [(f["check"], f["title"]) for f in findings]
            assert all(f["severity"] == "failure" for f in matching)
        else:
            assert not [f for f in findings if f["severity"] == "failure"], findings
        if expect.error:
            assert any(expect.error in line for line in errors), errors
        else:
            assert errors == []

    @pytest.mark.parametrize("run", RUNS)
    def test_bounded_in_time(self, hostile_runs: HostileRuns, run: str) -> None:
        """No request outlives the request timeout: the run's time is at most requests × (timeout + margin)."""
        report = hostile_runs[0][run].report
        requests = report["run"]["request_count"]
        bound = requests * (REQUEST_TIMEOUT + MARGIN_PER_REQUEST) + RUN_SLACK_SECONDS
        assert report["run"]["duration_seconds"] <= bound, f"{requests} requests"

    def test_huge_body_is_capped(self, hostile_runs: HostileRuns) -> None:
        """A 50 MB body costs at most the cap in memory, and its body is not judged on the cut."""
        outcomes = hostile_runs[0]
        huge, control = outcomes["huge-body"], outcomes["ok"]
        grown = huge.max_rss_bytes - control.max_rss_bytes
        assert grown < MEMORY_HEADROOM, f"peak memory grew by {grown / 2**20:.0f} MiB for a {HUGE_BODY_BYTES} body"
        assert not [f for f in huge.report["findings"] if f["check"] == "schema"]
        assert any(f"{HUGE_BODY_BYTES / 2**20:.1f} MiB" in line for line in huge.report["errors"])

    def test_no_credentials_to_another_host(self, hostile_runs: HostileRuns) -> None:
        """A 301 to another host is reported as a status, not followed: Authorization never leaves its host."""
        server = hostile_runs[1]
        redirected = [r for r in server.received if r.path.startswith(f"/{ELSEWHERE}/")]
        assert not [r for r in redirected if "authorization" in r.headers]
        assert redirected == []
        asked = [r for r in server.received if r.path.startswith("/redirect-elsewhere/")]
        assert asked, "the run never reached the redirecting behaviour"

    def test_redirect_loop_is_cut_short(self, hostile_runs: HostileRuns) -> None:
        """A redirect loop costs at most max-redirects + 1 hops per request the run sent."""
        report = hostile_runs[0]["all"].report
        hops = [r for r in hostile_runs[1].received if r.path.startswith("/redirect-loop/")]
        assert len(hops) <= report["run"]["request_count"] * 6
