"""Safe against production: read-only by default, rate-limited, bounded in requests and time, Retry-After honoured."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Iterator, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from apiconform.core.vocabulary import ExitCode
from apiconform.runner.limits import RequestGate, RunLimitReached, RunLimits
from apiconform.sandbox import Sandbox
from apiconform.specs import load_spec
from tests.fixtures.servers import serve

ROOT = Path(__file__).resolve().parents[2]
Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


class TestRequestGate:
    def test_rate_spaces_requests(self) -> None:
        """At 4 requests per second, 9 requests take 2 seconds of waiting."""
        clock = FakeClock()
        gate = RequestGate(RunLimits(rate=4.0), clock=clock, sleep=clock.sleep)
        for _ in range(9):
            gate.acquire()
        assert clock.now == pytest.approx(102.0)

    def test_budget_stops_the_run(self) -> None:
        """The request after the budget raises, and stop callbacks run once."""
        stops: list[str] = []
        gate = RequestGate(RunLimits(max_requests=3))
        gate.on_stop(lambda: stops.append("stopped"))
        for _ in range(3):
            gate.acquire()
        with pytest.raises(RunLimitReached, match="request budget of 3 reached"):
            gate.acquire()
        with pytest.raises(RunLimitReached):
            gate.acquire()
        assert stops == ["stopped"]

    def test_time_limit(self) -> None:
        """Past max-time no request is admitted."""
        clock = FakeClock()
        gate = RequestGate(RunLimits(max_seconds=5), clock=clock, sleep=clock.sleep)
        gate.acquire()
        clock.now += 5
        with pytest.raises(RunLimitReached, match="time limit of 5s reached"):
            gate.acquire()

    @pytest.mark.parametrize(
        ("status", "headers", "attempt", "expected"),
        [
            (429, {"Retry-After": "2"}, 0, 2.0),
            (503, {"retry-after": "0.5"}, 1, 0.5),
            (429, {"Retry-After": "120"}, 0, None),
            (429, {}, 0, None),
            (500, {"Retry-After": "1"}, 0, None),
            (429, {"Retry-After": "1"}, 3, None),
            (503, {"Retry-After": "soon"}, 0, None),
        ],
        ids=["429-seconds", "503-fraction", "too-long", "no-header", "not-retryable", "retries-spent", "garbage"],
    )
    def test_retry_after(self, status: int, headers: dict[str, str], attempt: int, expected: float | None) -> None:
        """Retry-After is honoured on 429 and 503, within the cap and the retry count."""
        assert RequestGate(RunLimits()).retry_delay(status, headers, attempt) == expected


@dataclass
class Recorder:
    """ASGI middleware that records every request the target receives (method, path, time)."""

    app: Any
    requests: list[tuple[str, str, float]] = field(default_factory=list)
    throttle_every: int = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            self.requests.append((scope["method"], scope["path"], time.monotonic()))
            if self.throttle_every and len(self.requests) % self.throttle_every == 0:
                await send({"type": "http.response.start", "status": 429, "headers": [(b"retry-after", b"0.2")]})
                await send({"type": "http.response.body", "body": b""})
                return
        await self.app(scope, receive, send)


@pytest.fixture
def recorded() -> Iterator[tuple[Recorder, str, str]]:
    specs = [
        load_spec(ROOT / "specs/ap-invoice/openapi.yaml", root=ROOT / "specs"),
        load_spec(ROOT / "specs/amili/collection.yaml", root=ROOT / "specs"),
    ]
    sandbox = Sandbox(specs)
    recorder = Recorder(sandbox.app)
    with serve(recorder) as url:
        yield recorder, url, sandbox.token
    sandbox.stop()


def _run(url: str, token: str, tmp_path: Path, *args: str) -> tuple[subprocess.CompletedProcess[str], dict[str, Any]]:
    env = {**os.environ, "CI": "true", "APICONFORM_TOKEN": token}
    completed = subprocess.run(
        [sys.executable, "-m", "apiconform", "run", "--base-url", url, "--report-dir", str(tmp_path), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    return completed, report


class TestAgainstARealTarget:
    def test_read_only_by_default(self, recorded: tuple[Recorder, str, str], tmp_path: Path) -> None:
        """Without allow-writes the target receives zero POST, PUT, PATCH or DELETE requests."""
        recorder, url, token = recorded
        completed, report = _run(
            f"{url}/amili/collection", token, tmp_path, "--spec", "specs/amili/collection.yaml", "--max-examples", "3"
        )
        writes = [request for request in recorder.requests if request[0] in {"POST", "PUT", "PATCH", "DELETE"}]
        assert len(recorder.requests) > 0, completed.stdout + completed.stderr
        assert writes == []
        skipped = [op for op in report["operations"] if op["operation"].startswith("POST ")]
        assert skipped
        assert all("writes are not allowed" in op["skip_reason"] for op in skipped)

    def test_budget_and_rate(self, recorded: tuple[Recorder, str, str], tmp_path: Path) -> None:
        """A budget of 12 at 10 requests per second: at most 12 requests (+1), no faster than 10/s (+10%).

        The budget is below what the run would send, so the run stops on it: incomplete, exit 4. The span
        is a second long, so the rate it shows is the gate's, not the jitter of one late first request.
        """
        recorder, url, token = recorded
        completed, report = _run(
            f"{url}/amili/collection",
            token,
            tmp_path,
            "--spec",
            "specs/amili/collection.yaml",
            "--max-requests",
            "12",
            "--rate-limit",
            "10",
        )
        sent = [request for request in recorder.requests if request[1].startswith("/amili/collection/")]
        assert completed.returncode == ExitCode.INCOMPLETE, completed.stdout + completed.stderr
        assert report["verdict"] == "incomplete"
        assert len(sent) <= 13
        assert "request budget of 12 reached" in report["run"]["stop_reason"]
        assert "INCOMPLETE" in completed.stdout
        elapsed = sent[-1][2] - sent[0][2]
        assert (len(sent) - 1) / elapsed <= 10 * 1.1

    def test_retry_after_is_honoured(self, recorded: tuple[Recorder, str, str], tmp_path: Path) -> None:
        """429 with Retry-After is waited out and retried; the run still conforms."""
        recorder, url, token = recorded
        recorder.throttle_every = 7
        completed, report = _run(
            f"{url}/ap-invoice",
            token,
            tmp_path,
            "--spec",
            "specs/ap-invoice/openapi.yaml",
            "--param",
            "id=inv-0001",
            "--max-examples",
            "5",
        )
        assert completed.returncode == 0, completed.stdout + completed.stderr
        assert report["summary"]["failures"] == 0
        assert len(recorder.requests) >= 7
