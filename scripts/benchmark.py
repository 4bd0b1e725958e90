"""Write docs/benchmarks.md: how fast apiconform runs, next to plain schemathesis and a plain httpx loop.

Every measured tool runs as a subprocess of this script (so it is timed, and its memory taken, like the
others), every loop is bounded in count and in time, and everything stays on the loopback interface.

1. The full default run, `python -m apiconform run --report-dir TMP` against its embedded sandbox: wall
   time, requests (report.json `run.request_count`), requests per second, CPU time, peak memory.
2. Side by side on `specs/ap-invoice/openapi.yaml`, against one sandbox started here: `apiconform run`
   and plain `st run --checks all`, same seed, same example budget, same known id. Requests are counted
   by the sandbox itself (an ASGI counter around its app), so both tools are counted the same way.
3. The limit: a plain httpx loop of `GET /v1/invoice/<known id>` against the same sandbox.
4. Scale: generated specs of N simple GET operations served by a tiny Starlette app (its own uvicorn
   process, TCP_NODELAY), run by apiconform and by st.
5. Parallel: `--workers 2` against `--workers 1`, and the two halves of `--shard K/2` merged with
   `apiconform merge`.
Start-up: `apiconform --help` against `st --help`, and the time from spawn to the first request the sandbox
gets from `apiconform run` (section 2).
6. Where the time goes: a py-spy profile (CPU samples, both processes) of one run, when py-spy is installed.

Usage::

    .venv/bin/python scripts/benchmark.py            # the full benchmark (≤ 10 min), writes docs/benchmarks.md
    .venv/bin/python scripts/benchmark.py --quick    # smoke check (~3 min), writes build/benchmarks-quick.md

The full benchmark stops starting new measurements after 10 minutes; the figures of issue 17's table
(sections 1-5 and the profile) come first, the extras (shards one by one, both at once) last.
"""

# ruff: noqa: INP001 - a script run by path, not a package module

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import platform
import shlex
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator, MutableMapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import httpx
import yaml

REPO = Path(__file__).resolve().parents[1]
SPEC_ROOT = REPO / "specs"
AP_SPEC = SPEC_ROOT / "ap-invoice" / "openapi.yaml"
DEFAULT_OUTPUT = REPO / "docs" / "benchmarks.md"
QUICK_OUTPUT = REPO / "build" / "benchmarks-quick.md"
PYTHON = sys.executable
ST = str(Path(sys.executable).with_name("st"))
# st on the document apiconform hands schemathesis (known id an example, not pinned): the same generation.
SAME_INPUT = "st, same input"
PY_SPY = Path(sys.executable).with_name("py-spy")
SEED = 0
SIDE_BY_SIDE_EXAMPLES = 25
SCALE_EXAMPLES = 5
SCALE_KNOWN_ID = "k-1"
SCALE_TOKEN = "benchmark-token"
LOOP_SECONDS = 30.0
POLL_SECONDS = 0.02
MEMORY_EVERY = 0.25
# Hard bounds: a subprocess that takes longer is killed (its whole process group) and reported as timed out.
FULL_RUN_TIMEOUT = 420.0
SMALL_RUN_TIMEOUT = 180.0
SCALE_RUN_TIMEOUT = 360.0
SCALE_MIN_SECONDS = 60.0
# The whole benchmark stops starting new measurements after this (it reports what it skipped).
FULL_BUDGET_SECONDS = 14 * 60.0
QUICK_BUDGET_SECONDS = 5 * 60.0
PAGE_KIB = os.sysconf("SC_PAGE_SIZE") // 1024
# A run whose process tree grows past this is killed (the machine is shared; its RAM is not the benchmark's).
MEMORY_CAP_KIB = 6 * 1024 * 1024
# Issue 17's goals (the httpx share is issue 8's, kept as a figure).
TARGETS = {
    "full_run_seconds": 40.0,
    "vs_st_wall_ratio": 1.0,
    "scale_vs_st_wall_ratio": 1.0,
    "startup_vs_st_ratio": 2.0,
    "first_request_seconds": 0.6,
    "vs_httpx_rps_share": 0.5,
    "workers_speedup": 1.7,
    "external_workers_speedup": 1.85,
}
# The external-target workers figure: the generated spec of this many operations, its own server process.
EXTERNAL_WORKERS_OPERATIONS = 200

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
Asgi = Callable[[Scope, Receive, Send], Awaitable[None]]


# --------------------------------------------------------------------------------------------------------------
# Measuring one subprocess: wall time, CPU time and memory of its whole process tree
# --------------------------------------------------------------------------------------------------------------


@dataclass(slots=True)
class Sample:
    """One finished (or killed) subprocess."""

    command: list[str]
    wall: float
    returncode: int | None  # None: killed at its timeout or memory cap (`killed` says which)
    cpu_seconds: float  # user + system of the process and every child it waited for
    maxrss_kib: int  # ru_maxrss from wait4: the largest single process of the tree
    peak_tree_rss_kib: int | None = None  # sampled sum of RSS over the live tree (shared pages counted twice)
    peak_tree_pss_kib: int | None = None  # sampled sum of PSS (shared pages split), when the kernel offers it
    stdout: str = ""
    stderr: str = ""
    requests: int | None = None  # filled in by the caller: report.json, the server's own count, or the loop
    killed: str = ""
    # CPU the rest of the machine used meanwhile (other users' processes), in cores; and how long we waited for quiet.
    background: float = 0.0
    waited: float = 0.0
    started_at: float = 0.0  # time.monotonic() when the process was spawned
    # Seconds from spawn to the first request the target got, and to the first generated one (schemathesis's).
    first_request: float | None = None
    first_generated: float | None = None

    @property
    def ok(self) -> bool:
        return self.returncode is not None

    @property
    def rps(self) -> float | None:
        return self.requests / self.wall if self.requests is not None and self.wall > 0 else None


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
QUIET_CORES = 0.3
QUIET_WAIT_EACH = 15.0
QUIET_WAIT_TOTAL = 90.0
_quiet_budget = [QUIET_WAIT_TOTAL]


def _fingerprint() -> str:
    digest = hashlib.sha256()
    for path in sorted((REPO / "src" / "apiconform").rglob("*")):
        if path.is_file() and path.suffix in {".py", ".json"}:
            digest.update(path.relative_to(REPO).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _loadavg() -> str:
    with contextlib.suppress(OSError):
        return " ".join(Path("/proc/loadavg").read_text(encoding="utf-8").split()[:3])
    return "unknown"


def _busy_seconds() -> float:
    """CPU seconds the whole machine has been busy (every core, idle and iowait left out)."""
    fields = Path("/proc/stat").read_text(encoding="utf-8").splitlines()[0].split()[1:]
    values = [int(value) for value in fields]
    idle = values[3] + (values[4] if len(values) > 4 else 0)  # noqa: PLR2004 - /proc/stat's iowait column
    return (sum(values[:8]) - idle) / CLOCK_TICKS


def _own_seconds() -> float:
    """CPU seconds of this script and every live process below it (servers it started, tools still running)."""
    total = 0.0
    for pid in _descendants(os.getpid()):
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = Path(f"/proc/{pid}/stat").read_text(encoding="utf-8").rpartition(")")[2].split()
            total += (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime, stime
    return total


def _wait_for_quiet() -> float:
    """Wait (bounded, per run and in all) until other processes use under QUIET_CORES; return the seconds waited."""
    started = time.monotonic()
    while time.monotonic() - started < min(QUIET_WAIT_EACH, _quiet_budget[0]):
        busy, own = _busy_seconds(), _own_seconds()
        time.sleep(1.0)
        if (_busy_seconds() - busy) - (_own_seconds() - own) < QUIET_CORES:
            break
    waited = time.monotonic() - started
    _quiet_budget[0] = max(0.0, _quiet_budget[0] - max(0.0, waited - 1.0))
    return waited


def _descendants(root: int) -> list[int]:
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        fields = stat.rpartition(")")[2].split()
        if len(fields) > 1:
            parents.setdefault(int(fields[1]), []).append(int(entry.name))
    tree, pending = [root], [root]
    while pending:
        children = parents.get(pending.pop(), [])
        tree += children
        pending += children
    return tree


def _tree_memory(root: int) -> tuple[int, int | None]:
    """RSS and PSS sums (KiB) over the live process tree below `root`."""
    rss, pss, pss_known = 0, 0, True
    for pid in _descendants(root):
        with contextlib.suppress(OSError, ValueError, IndexError):
            rss += int(Path(f"/proc/{pid}/statm").read_text(encoding="utf-8").split()[1]) * PAGE_KIB
        try:
            rollup = Path(f"/proc/{pid}/smaps_rollup").read_text(encoding="utf-8")
            pss += next(int(line.split()[1]) for line in rollup.splitlines() if line.startswith("Pss:"))
        except (OSError, StopIteration, ValueError, IndexError):
            pss_known = False
    return rss, pss if pss_known else None


def measure(
    command: list[str],
    *,
    timeout: float,
    cwd: Path = REPO,
    env: dict[str, str] | None = None,
    memory: bool = True,
    quiet: bool = True,
) -> Sample:
    """Run `command` to completion (or kill its process group at `timeout`), timing it and sampling its memory."""
    environment = {**os.environ, "CI": "true", "NO_COLOR": "1", "COLUMNS": "100", **(env or {})}
    waited = _wait_for_quiet() if quiet else 0.0
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        busy_before, own_before = _busy_seconds(), _own_seconds()
        started = time.monotonic()
        process = subprocess.Popen(  # noqa: S603 - commands are built in this file
            command, cwd=cwd, env=environment, stdout=out, stderr=err, start_new_session=True
        )
        peak_rss: int | None = 0 if memory else None
        peak_pss: int | None = 0 if memory else None
        next_memory = started
        status, usage, killed = 0, None, ""
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            now = time.monotonic()
            if pid:
                break
            if memory and now >= next_memory:
                rss, pss = _tree_memory(process.pid)
                peak_rss = max(peak_rss or 0, rss)
                peak_pss = None if pss is None or peak_pss is None else max(peak_pss, pss)
                next_memory = now + MEMORY_EVERY
                if rss > MEMORY_CAP_KIB and not killed:
                    killed = f"killed at the {MEMORY_CAP_KIB // 1024**2} GiB memory cap after {now - started:.0f} s"
            if now - started > timeout and not killed:
                killed = f"killed at its {timeout:.0f} s timeout"
            if killed:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
            time.sleep(POLL_SECONDS)
        wall = time.monotonic() - started
        tool = usage.ru_utime + usage.ru_stime if usage else 0.0
        others = (_busy_seconds() - busy_before) - (_own_seconds() - own_before) - tool
        process.returncode = os.waitstatus_to_exitcode(status)
        # Whatever the tool left running in its group (it should be nothing) goes with it.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)
        out.seek(0)
        err.seek(0)
        return Sample(
            command=command,
            started_at=started,
            wall=wall,
            returncode=None if killed else process.returncode,
            killed=killed,
            cpu_seconds=tool,
            background=max(0.0, others / wall) if wall else 0.0,
            waited=waited,
            maxrss_kib=usage.ru_maxrss if usage else 0,
            peak_tree_rss_kib=peak_rss or None,
            peak_tree_pss_kib=peak_pss or None,
            stdout=out.read()[-20_000:],
            stderr=err.read()[-20_000:],
        )


def _report_requests(report_dir: Path) -> int | None:
    path = report_dir / "report.json"
    if not path.is_file():
        return None
    return int(json.loads(path.read_text(encoding="utf-8"))["run"]["request_count"])


def _report_duration(report_dir: Path) -> float | None:
    path = report_dir / "report.json"
    if not path.is_file():
        return None
    return float(json.loads(path.read_text(encoding="utf-8"))["run"]["duration_seconds"])


def _apiconform(*arguments: str) -> list[str]:
    return [PYTHON, "-m", "apiconform", "run", *arguments, "--no-color"]


def _median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def _show(command: list[str]) -> str:
    """A command as a person would type it: the venv's tools by name, temporary paths as placeholders."""
    words = []
    for word in command:
        shown = word
        if word == PYTHON:
            shown = "python"
        elif word == ST:
            shown = "st"
        elif word.startswith(str(REPO) + "/"):
            shown = word[len(str(REPO)) + 1 :]
        elif word.startswith(tempfile.gettempdir() + "/"):
            shown = "$TMP/" + Path(word).name
        words.append(shown)
    return shlex.join(words)


# --------------------------------------------------------------------------------------------------------------
# The embedded sandbox, counted at the server; the generated-spec server; the httpx loop
# --------------------------------------------------------------------------------------------------------------


class CountingApp:
    """Wraps an ASGI app and counts the HTTP requests it answers: every tool counted the same way.

    It also notes when each arrived (and whether schemathesis generated it), for the time to a first request.
    """

    def __init__(self, app: Asgi) -> None:
        self.app = app
        self.count = 0
        self.arrivals: list[tuple[float, bool]] = []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            self.count += 1
            generated = any(name.lower() == b"x-schemathesis-testcaseid" for name, _ in scope["headers"])
            self.arrivals.append((time.monotonic(), generated))
        await self.app(scope, receive, send)

    def first_after(self, started: float) -> tuple[float | None, float | None]:
        """Seconds from `started` to the first request, and to the first generated one."""
        after = [(moment - started, generated) for moment, generated in self.arrivals if moment >= started]
        return (
            min((delay for delay, _ in after), default=None),
            min((delay for delay, generated in after if generated), default=None),
        )


def _scale_spec(operations: int) -> dict[str, Any]:
    """N operations `GET /r{n}/{id}`, each answering a small object, all of it documented (DOC)."""
    doc = "benchmark-generated.txt"
    paths: dict[str, Any] = {}
    for number in range(1, operations + 1):
        paths[f"/r{number}/{{id}}"] = {
            "get": {
                "operationId": f"getR{number}",
                "summary": f"Get resource {number}",
                "x-evidence": "DOC",
                "x-doc": f"{doc}#r{number}",
                "x-status-codes-evidence": "DOC",
                "security": [{"bearerAuth": []}],
                "parameters": [
                    {
                        "name": "id",
                        "in": "path",
                        "required": True,
                        "x-evidence": "DOC",
                        "schema": {"type": "string", "x-evidence": "DOC"},
                    }
                ],
                "responses": {
                    "200": _response("The resource.", "Item"),
                    "401": _response("Missing or invalid token.", "Error"),
                    "404": _response("No resource with this id.", "Error"),
                },
            }
        }
    return {
        "openapi": "3.1.0",
        "info": {"title": f"Generated benchmark API ({operations} operations)", "version": "1.0.0"},
        "paths": paths,
        "components": {
            "securitySchemes": {
                "bearerAuth": {"type": "http", "scheme": "bearer", "x-evidence": "DOC", "x-doc": f"{doc}#auth"}
            },
            "schemas": {
                "Item": {
                    "type": "object",
                    "x-evidence": "DOC",
                    "x-doc": f"{doc}#item",
                    "required": ["id", "n", "name"],
                    "properties": {
                        "id": {"type": "string", "x-evidence": "DOC"},
                        "n": {"type": "integer", "x-evidence": "DOC"},
                        "name": {"type": "string", "x-evidence": "DOC"},
                    },
                },
                "Error": {
                    "type": "object",
                    "x-evidence": "DOC",
                    "x-doc": f"{doc}#errors",
                    "required": ["error"],
                    "properties": {"error": {"type": "string", "x-evidence": "DOC"}},
                },
            },
        },
    }


def _response(description: str, schema: str) -> dict[str, Any]:
    return {
        "description": description,
        "x-evidence": "DOC",
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}", "x-evidence": "DOC"}}},
    }


def _serve_generated(operations: int, token: str, parent: int) -> None:
    """Child process: answer every generated path on a free loopback port (printed first), with TCP_NODELAY."""
    import uvicorn  # noqa: PLC0415 - only the server child needs it
    from starlette.applications import Starlette  # noqa: PLC0415 - ditto
    from starlette.requests import Request  # noqa: PLC0415 - ditto
    from starlette.responses import JSONResponse  # noqa: PLC0415 - ditto
    from starlette.routing import Route  # noqa: PLC0415 - ditto

    count = 0

    async def resource(request: Request) -> JSONResponse:
        nonlocal count
        count += 1
        if request.headers.get("authorization") != f"Bearer {token}":
            return JSONResponse({"error": "unauthorized"}, status_code=401)
        segment, item = str(request.path_params["segment"]), str(request.path_params["id"])
        number = int(segment[1:]) if segment[:1] == "r" and segment[1:].isdigit() else 0
        if not 1 <= number <= operations or item != SCALE_KNOWN_ID:
            return JSONResponse({"error": "not found"}, status_code=404)
        return JSONResponse({"id": item, "n": number, "name": f"resource {number}"})

    async def counted(_: Request) -> JSONResponse:
        return JSONResponse({"count": count})

    app = Starlette(routes=[Route("/__bench/count", counted), Route("/{segment}/{id}", resource, methods=["GET"])])
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # Accepted connections inherit it; without it Nagle and delayed ACKs stall each response ~40 ms.
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind(("127.0.0.1", 0))
    sys.stdout.write(f"{sock.getsockname()[1]}\n")
    sys.stdout.flush()
    server = uvicorn.Server(uvicorn.Config(app, log_level="error", access_log=False, lifespan="off"))

    def orphaned() -> None:
        """Stop when the benchmark that started this server is gone, however it ended."""
        while os.getppid() == parent:
            time.sleep(1)
        server.should_exit = True

    threading.Thread(target=orphaned, daemon=True).start()
    server.run(sockets=[sock])


@contextlib.contextmanager
def generated_server(operations: int) -> Iterator[str]:
    """Start `_serve_generated` in its own process; yield its base URL; stop it (by its pid) afterwards."""
    command = [PYTHON, __file__, "serve-generated", "--operations", str(operations), "--token", SCALE_TOKEN]
    command += ["--parent", str(os.getpid())]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, start_new_session=True)  # noqa: S603
    try:
        assert process.stdout is not None  # noqa: S101 - stdout=PIPE above
        port = int(process.stdout.readline().strip() or 0)
        if not port:
            raise RuntimeError("the generated-spec server did not start")
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with contextlib.suppress(httpx.HTTPError):
                httpx.get(f"{url}/__bench/count", timeout=1).raise_for_status()
                break
            time.sleep(0.05)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def _served_count(url: str) -> int:
    return int(httpx.get(f"{url}/__bench/count", timeout=5).json()["count"])


def _httpx_loop(url: str, token: str, count: int, seconds: float) -> None:
    """Child process: `count` GETs on one keep-alive client (or until `seconds` pass); prints a JSON line."""
    sent, ok = 0, 0
    with httpx.Client(headers={"Authorization": f"Bearer {token}"}, timeout=10) as client:
        started = time.monotonic()
        deadline = started + seconds
        while sent < count and time.monotonic() < deadline:
            response = client.get(url)
            sent += 1
            ok += response.status_code == httpx.codes.OK
        elapsed = time.monotonic() - started
    sys.stdout.write(json.dumps({"sent": sent, "ok": ok, "seconds": elapsed}) + "\n")


# --------------------------------------------------------------------------------------------------------------
# The measurements
# --------------------------------------------------------------------------------------------------------------


@dataclass(slots=True)
class Results:
    quick: bool
    started: float = field(default_factory=time.monotonic)
    budget: float = FULL_BUDGET_SECONDS
    skipped: list[str] = field(default_factory=list)
    full: list[Sample] = field(default_factory=list)
    full_durations: list[float] = field(default_factory=list)
    full_max_examples: int | None = None
    workers2: list[Sample] = field(default_factory=list)
    shards: list[Sample] = field(default_factory=list)
    shards_concurrent: list[Sample] = field(default_factory=list)
    merge: Sample | None = None
    merge_note: str = ""
    side_apiconform: list[Sample] = field(default_factory=list)
    side_apiconform_reported: list[int] = field(default_factory=list)
    side_st: list[Sample] = field(default_factory=list)
    loop: Sample | None = None
    loop_result: dict[str, float] = field(default_factory=dict)
    startup: dict[str, Sample] = field(default_factory=dict)
    scale: dict[tuple[str, int], Sample] = field(default_factory=dict)
    # --workers N -> its runs against the generated-spec server (an external target), in the order 1, 2, 2, 1.
    external: dict[int, list[Sample]] = field(default_factory=dict)
    external_size: int = 0
    profiles: list[Profile] = field(default_factory=list)
    # (alone, each of two at once) seconds of one CPU-bound loop: at the start and at the end.
    calibrations: list[tuple[Sample, list[Sample]]] = field(default_factory=list)
    load_start: str = field(default_factory=_loadavg)
    fingerprint_start: str = field(default_factory=_fingerprint)
    known_id: str = ""

    def time_left(self) -> float:
        return self.budget - (time.monotonic() - self.started)

    def allow(self, what: str, needs: float) -> bool:
        if self.time_left() >= needs:
            return True
        self.skipped.append(f"{what} (needed ~{needs:.0f}s, {max(0.0, self.time_left()):.0f}s of budget left)")
        _say(f"  skipped: {self.skipped[-1]}")
        return False


def _say(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def _log(sample: Sample, label: str) -> None:
    rps = f", {sample.rps:.1f} req/s" if sample.rps is not None else ""
    requests = f", {sample.requests} requests" if sample.requests is not None else ""
    state = f"exit {sample.returncode}" if sample.ok else sample.killed.upper()
    _say(f"  {label}: {sample.wall:.1f}s{requests}{rps} ({state})")
    if sample.returncode not in {0, 1}:
        _say("    " + (sample.stderr or sample.stdout).strip()[-600:].replace("\n", "\n    "))


def full_runs(results: Results, repeats: int, max_examples: int | None) -> None:
    """Item 1 (and the --workers 1 side of item 5): the whole default run, embedded sandbox, all specs."""
    extra = ["--max-examples", str(max_examples)] if max_examples else []
    results.full_max_examples = max_examples
    first = len(results.full)
    for repeat in range(first, first + repeats):
        if repeat and not results.allow("full default run, repeat", needs=_median_wall(results.full) * 1.2):
            break
        with tempfile.TemporaryDirectory(prefix="bench-full-") as directory:
            sample = measure(_apiconform("--report-dir", directory, *extra), timeout=FULL_RUN_TIMEOUT)
            sample.requests = _report_requests(Path(directory))
            results.full_durations += [d for d in [_report_duration(Path(directory))] if d is not None]
        results.full.append(sample)
        _log(sample, f"full default run #{repeat + 1}")


CALIBRATION_LOOP = "s = 0\nfor i in range(25_000_000):\n    s += i"


def calibrate(results: Results) -> None:
    """The machine's own speed and two-process ceiling, from one pure-Python loop alone and two at once.

    A shared virtual machine's two cores are not always two cores' worth: when both are busy each may run
    slower (a host's hyperthreads, a noisy neighbour). Two loops at once taking longer than one alone bound
    what any two-process split (`--workers 2`, two shards) can gain here, whatever the split.
    """
    command = [PYTHON, "-c", CALIBRATION_LOOP]
    alone = measure(command, timeout=SMALL_RUN_TIMEOUT, memory=False)
    with ThreadPoolExecutor(2) as pool:
        pair = list(pool.map(lambda _: measure(command, timeout=SMALL_RUN_TIMEOUT, memory=False, quiet=False), (1, 2)))
    results.calibrations.append((alone, pair))
    _say(f"  one loop alone {alone.wall:.2f}s; two at once {', '.join(f'{s.wall:.2f}s' for s in pair)}")


def ceiling(calibration: tuple[Sample, list[Sample]]) -> float | None:
    """How much faster two processes finish two loops than one process does: 2.0 on two real cores."""
    alone, pair = calibration
    slowest = max((sample.wall for sample in pair), default=0.0)
    return 2 * alone.wall / slowest if slowest else None


def _median_wall(samples: list[Sample]) -> float:
    return _median([sample.wall for sample in samples]) or 120.0


def workers_run(results: Results, repeats: int, max_examples: int | None) -> None:
    """Item 5: the full run with --workers 2, between section 1's --workers 1 runs (`benchmark`).

    This machine's speed drifts by tens of percent within minutes (see the calibration lines), so the two
    sides are measured back to back in the order 1, 1, 2, 2, 1: a drift falls on both medians alike.
    """
    extra = ["--max-examples", str(max_examples)] if max_examples else []
    for repeat in range(repeats):
        if not results.allow("--workers 2 run", needs=_median_wall(results.full)):
            return
        with tempfile.TemporaryDirectory(prefix="bench-w2-") as directory:
            sample = measure(_apiconform("--report-dir", directory, "--workers", "2", *extra), timeout=FULL_RUN_TIMEOUT)
            sample.requests = _report_requests(Path(directory))
        results.workers2.append(sample)
        _log(sample, f"full run --workers 2 #{repeat + 1}")


def shard_runs(results: Results, max_examples: int | None) -> None:
    """Each shard alone, then `apiconform merge` of the two shard reports."""
    extra = ["--max-examples", str(max_examples)] if max_examples else []
    if not results.allow("--shard 1/2 and 2/2 runs", needs=_median_wall(results.full) * 1.2):
        return
    with tempfile.TemporaryDirectory(prefix="bench-shards-") as directory:
        dirs = [Path(directory) / f"shard-{index}" for index in (1, 2)]
        for index, report_dir in enumerate(dirs, start=1):
            sample = measure(
                _apiconform("--report-dir", str(report_dir), "--shard", f"{index}/2", *extra), timeout=FULL_RUN_TIMEOUT
            )
            sample.requests = _report_requests(report_dir)
            results.shards.append(sample)
            _log(sample, f"full run --shard {index}/2")
        merged = Path(directory) / "merged"
        command = [
            PYTHON, "-m", "apiconform", "merge", *(str(d) for d in dirs), "--report-dir", str(merged), "--no-history",
        ]  # fmt: skip
        results.merge = measure(command, timeout=SMALL_RUN_TIMEOUT)
        results.merge.requests = _report_requests(merged)
        results.merge_note = _merge_facts(merged)
        _log(results.merge, "merge of the shard reports")


def _merge_facts(directory: Path) -> str:
    """What the merged report says: verdict, operations covered, and whether it is the whole run."""
    with contextlib.suppress(OSError, ValueError, KeyError):
        report = json.loads((directory / "report.json").read_text(encoding="utf-8"))
        summary = report["summary"]
        whole = "the whole run" if "shard" not in report["run"] else f"shard {report['run']['shard']}"
        return (
            f"{report['verdict']}, {summary['operations_covered']}/{summary['operations']} operations covered, "
            f"{summary['failures']} failures, {summary['warnings']} warnings, {whole}"
        )
    return "no merged report.json"


def external_workers(results: Results, size: int) -> None:
    """Item 4's second figure: `--workers 2` over `--workers 1` against a target apiconform does not start.

    The generated-spec server runs in its own process, as a vendor's would; the runs go 1, 2, 2, 1 so a
    drift of the machine's speed falls on both sides.
    """
    if not results.allow(
        f"--workers 1 and 2 against the {size}-operation server", needs=(_scale_wall(results, size) or 30.0) * 3
    ):
        return
    results.external_size = size
    with _scale_setup(size) as (directory, spec, url):
        for number, workers in enumerate((1, 2, 2, 1)):
            work = directory / f"workers-{number}"
            sample = _scale_sample("apiconform", work, spec, url, SCALE_RUN_TIMEOUT, "--workers", str(workers))
            results.external.setdefault(workers, []).append(sample)
            _log(sample, f"{size} operations, external target, --workers {workers}")


def external_speedup(results: Results) -> tuple[float | None, float | None]:
    """Median walls of --workers 1 and --workers 2 against the external target."""
    one = _median([x.wall for x in results.external.get(1, []) if x.ok])
    two = _median([x.wall for x in results.external.get(2, []) if x.ok])
    return one, two


def concurrent_shards(results: Results, max_examples: int | None) -> None:
    """Both shards at once on this 2-core machine: the process-level parallelism `--workers` does not give."""
    extra = ["--max-examples", str(max_examples)] if max_examples else []
    if not results.shards or not results.allow(
        "--shard 1/2 and 2/2 at the same time", needs=_median_wall(results.shards) * 1.6
    ):
        return
    waited = _wait_for_quiet()
    with tempfile.TemporaryDirectory(prefix="bench-concurrent-") as directory, ThreadPoolExecutor(2) as pool:
        dirs = [Path(directory) / f"shard-{index}" for index in (1, 2)]
        commands = [
            _apiconform("--report-dir", str(report_dir), "--shard", f"{index}/2", *extra)
            for index, report_dir in enumerate(dirs, start=1)
        ]
        busy, own, started = _busy_seconds(), _own_seconds(), time.monotonic()
        samples = list(pool.map(lambda command: measure(command, timeout=FULL_RUN_TIMEOUT, quiet=False), commands))
        window = time.monotonic() - started
        # Each shard's own accounting would count its sibling as "others"; the pair is judged as one window.
        others = (_busy_seconds() - busy) - (_own_seconds() - own) - sum(sample.cpu_seconds for sample in samples)
        for index, (sample, report_dir) in enumerate(zip(samples, dirs, strict=True), start=1):
            sample.requests = _report_requests(report_dir)
            sample.background = max(0.0, others / window) if window else 0.0
            sample.waited = waited
            _log(sample, f"full run --shard {index}/2, both shards at once")
    results.shards_concurrent = samples


def side_by_side(results: Results, repeats: int) -> None:
    """Items 2 and 3 against one sandbox started here, counted at the server."""
    from apiconform.sandbox import Sandbox  # noqa: PLC0415 - imported late: its import cost is not ours to time
    from apiconform.specs import load_spec  # noqa: PLC0415 - ditto

    sandbox = Sandbox([load_spec(AP_SPEC, root=SPEC_ROOT)])
    counter = CountingApp(sandbox.app)
    sandbox.app = counter  # type: ignore[assignment]  # any ASGI app serves; uvicorn reads it at start
    with sandbox:
        base = sandbox.base_url("ap-invoice")
        known = sandbox.known_params("ap-invoice").get("GET /v1/invoice/{id}", {}).get("id", ["inv-0001"])
        results.known_id = known[0]
        for repeat in range(repeats):
            for tool in ("apiconform", "st"):
                with tempfile.TemporaryDirectory(prefix=f"bench-{tool}-") as directory:
                    before = counter.count
                    if tool == "apiconform":
                        command = _apiconform(
                            "--base-url", base, "--spec", str(AP_SPEC), "--seed", str(SEED),
                            "--max-examples", str(SIDE_BY_SIDE_EXAMPLES), "--param", f"id={results.known_id}",
                            "--report-dir", str(Path(directory) / "reports"),
                        )  # fmt: skip
                        env = {"APICONFORM_TOKEN": sandbox.token}
                    else:
                        command = _st_command(Path(directory), AP_SPEC, base, sandbox.token, results.known_id)
                        command += ["--max-examples", str(SIDE_BY_SIDE_EXAMPLES)]
                        env = {}
                    # A fresh working directory: no hypothesis example database or st cache carried over.
                    sample = measure(command, timeout=SMALL_RUN_TIMEOUT, cwd=Path(directory), env=env, memory=False)
                    sample.requests = counter.count - before
                    sample.first_request, sample.first_generated = counter.first_after(sample.started_at)
                    if tool == "apiconform":
                        reported = _report_requests(Path(directory) / "reports")
                        results.side_apiconform_reported.append(reported or 0)
                        results.side_apiconform.append(sample)
                    else:
                        results.side_st.append(sample)
                    _log(sample, f"ap-invoice {tool} #{repeat + 1}")
        url = f"{base}/v1/invoice/{results.known_id}"
        count = 500 if results.quick else 2000
        before = counter.count
        loop = [PYTHON, __file__, "httpx-loop", "--url", url, "--count", str(count), "--seconds", str(LOOP_SECONDS)]
        sample = measure(loop, timeout=LOOP_SECONDS + 30, env={"BENCH_TOKEN": sandbox.token}, memory=False)
        sample.requests = counter.count - before
        with contextlib.suppress(ValueError, IndexError):
            results.loop_result = json.loads(sample.stdout.strip().splitlines()[-1])
        results.loop = sample
        _log(sample, "httpx loop (whole process)")
        if results.loop_result:
            inner = results.loop_result["sent"] / results.loop_result["seconds"]
            _say(f"  httpx loop, timed inside the loop: {inner:.0f} req/s")
    for name, command in {
        "python -c pass": [PYTHON, "-c", "pass"],
        "apiconform --help": [PYTHON, "-m", "apiconform", "--help"],
        "apiconform run --no-such-flag (usage error)": [PYTHON, "-m", "apiconform", "run", "--no-such-flag"],
        "st --help": [ST, "--help"],
    }.items():
        results.startup[name] = measure(command, timeout=60, memory=False)
        _log(results.startup[name], f"startup: {name}")


def _st_command(directory: Path, spec: Path, base: str, token: str, known_id: str) -> list[str]:
    """Plain st with the known id fixed through a schemathesis.toml `[parameters]` table; no report files."""
    config = directory / "schemathesis.toml"
    config.write_text(f'[parameters]\n"path.id" = {json.dumps(known_id)}\n', encoding="utf-8")
    return [
        ST, "--config-file", str(config), "run", str(spec), "--url", base, "--checks", "all",
        "--seed", str(SEED), "-H", f"Authorization: Bearer {token}", "--no-color",
    ]  # fmt: skip


@contextlib.contextmanager
def _scale_setup(size: int) -> Iterator[tuple[Path, Path, str]]:
    """A temporary directory holding the generated spec of `size` operations, and the server answering it."""
    with tempfile.TemporaryDirectory(prefix=f"bench-scale-{size}-") as directory, generated_server(size) as url:
        spec = Path(directory) / f"scale-{size}" / "openapi.yaml"
        spec.parent.mkdir()
        spec.write_text(yaml.safe_dump(_scale_spec(size), sort_keys=False), encoding="utf-8")
        yield Path(directory), spec, url


def _same_input_spec(spec: Path) -> Path:
    """The generated spec as apiconform hands it to schemathesis: the known id an example of `id`, not pinned.

    `--param` offers a known value as an example, so schemathesis still generates other ids (and the 404s
    they draw); st's `[parameters]` pins the id and generates none. Run on this document without
    `[parameters]`, st does the generation apiconform does.
    """
    document = yaml.safe_load(spec.read_text(encoding="utf-8"))
    for item in document["paths"].values():
        for parameter in item["get"]["parameters"]:
            parameter["examples"] = {"known": {"value": SCALE_KNOWN_ID}}
    same = spec.with_name("openapi-same-input.yaml")
    same.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return same


def _scale_command(tool: str, work: Path, spec: Path, url: str) -> tuple[list[str], dict[str, str]]:
    if tool == SAME_INPUT:
        command = [
            ST, "run", str(_same_input_spec(spec)), "--url", url, "--checks", "all", "--seed", str(SEED),
            "-H", f"Authorization: Bearer {SCALE_TOKEN}", "--no-color", "--max-examples", str(SCALE_EXAMPLES),
        ]  # fmt: skip
        return command, {}
    if tool == "apiconform":
        command = _apiconform(
            "--base-url", url, "--spec", str(spec), "--seed", str(SEED), "--max-examples", str(SCALE_EXAMPLES),
            "--param", f"id={SCALE_KNOWN_ID}", "--report-dir", str(work / "reports"),
        )  # fmt: skip
        return command, {"APICONFORM_TOKEN": SCALE_TOKEN}
    command = [*_st_command(work, spec, url, SCALE_TOKEN, SCALE_KNOWN_ID), "--max-examples", str(SCALE_EXAMPLES)]
    return command, {}


def _scale_sample(tool: str, work: Path, spec: Path, url: str, timeout: float, *extra: str) -> Sample:
    """One tool's run on the generated spec, in its own directory, with the requests its server counted."""
    work.mkdir()
    command, env = _scale_command(tool, work, spec, url)
    before = _served_count(url)
    sample = measure([*command, *extra], timeout=timeout, cwd=work, env=env)
    sample.requests = _served_count(url) - before
    return sample


def scale_runs(results: Results, size: int) -> None:
    """Item 4: a generated spec of `size` operations, served by the tiny Starlette app, run by st then apiconform.

    A run gets what is left of the time budget (at most SCALE_RUN_TIMEOUT); one that does not finish in it, or
    outgrows the memory cap, is reported as killed, with the requests it had sent by then.
    """
    with _scale_setup(size) as (directory, spec, url):
        for tool in ("st", "apiconform", SAME_INPUT):
            if not results.allow(f"scale {size} operations, {tool}", needs=SCALE_MIN_SECONDS):
                continue
            reserve = SCALE_MIN_SECONDS if tool == "st" else 0.0  # st's run must not eat apiconform's turn
            timeout = min(SCALE_RUN_TIMEOUT, max(SCALE_MIN_SECONDS, results.time_left() - reserve))
            sample = _scale_sample(tool, directory / tool, spec, url, timeout)
            results.scale[tool, size] = sample
            _log(sample, f"scale {size} operations, {tool}")


def scale_profile(results: Results, size: int) -> None:
    """Profile apiconform on the generated spec under py-spy: where its per-operation cost goes."""
    if not results.allow(f"profile of the {size}-operation run", needs=(_scale_wall(results, size) or 60.0) * 1.3):
        return
    with _scale_setup(size) as (directory, spec, url):
        work = directory / "profile"
        work.mkdir()
        command, env = _scale_command("apiconform", work, spec, url)
        label = f"apiconform on the generated spec of {size} operations"
        profile_run(results, command, label, cwd=work, env=env, report_dir=work / "reports")


def _scale_wall(results: Results, size: int) -> float | None:
    sample = results.scale.get(("apiconform", size))
    return sample.wall if sample is not None and sample.ok else None


# --------------------------------------------------------------------------------------------------------------
# Where the time goes: py-spy CPU samples of one run, both processes
# --------------------------------------------------------------------------------------------------------------

IDLE_LEAVES = ("Condition.wait", "Event.wait", "Queue.get", "select (", "sleep (", "poll (", "epoll", "acquire (")
# Pure bookkeeping recognised anywhere on the stack; it wins over the innermost match below.
ANYWHERE_BUCKETS: list[tuple[str, tuple[str, ...]]] = [
    ("hypothesis Pareto-front upkeep (ParetoFront.add: example-database bookkeeping)", ("ParetoFront.add (",)),
    ("hypothesis lambda-source introspection (ast.parse/inspect for strategy filters)", ("lambda_sources.py",)),
]
# Innermost match wins: a sample counts for the first bucket found walking from the leaf towards the root.
BUCKETS: list[tuple[str, tuple[str, ...]]] = [
    ("thread start (per-request watchdog Timer in runner/bounded.py, worker pools)", ("Thread.start (threading.py",)),
    (
        "response-body validator build and validation (apiconform/checks/body.py, jsonschema_rs)",
        ("_SpecIndex.is_valid (", "_SpecIndex.validator ("),
    ),
    ("JSON Schema validation in Python (jsonschema, referencing)", ("jsonschema/", "referencing/")),
    ("socket send/recv syscalls", ("socket.py", "HTTPConnection.send (http/client.py")),
    ("HTTP client Python code (requests, urllib3, http.client, httpx)", ("requests/", "urllib3/", "http/", "httpx/")),
    ("YAML parsing (pure-Python SafeLoader)", ("yaml/",)),
    ("imports (module loading at start-up)", ("<frozen importlib._bootstrap",)),
    ("data generation (hypothesis, hypothesis-jsonschema)", ("hypothesis/", "hypothesis_jsonschema/")),
    ("report writing and history (apiconform/report)", ("apiconform/report/", "apiconform/cli/reports.py")),
    ("apiconform runner (engine, scenarios, transport, bounds)", ("apiconform/runner/",)),
    ("apiconform checks and classification", ("apiconform/checks/",)),
    ("apiconform spec handling (evidence, coverage)", ("apiconform/specs/",)),
    (
        "schemathesis coverage phase (case building)",
        ("schemathesis/specs/openapi/coverage", "schemathesis/generation/coverage"),
    ),
    ("schemathesis checks", ("schemathesis/specs/openapi/checks", "schemathesis/checks")),
    ("schemathesis (engine, serialisation, other)", ("schemathesis/",)),
]
# Overlapping views: the share of samples with any of these frames on the stack.
SUBTREES: list[tuple[str, tuple[str, ...]]] = [
    (
        "sending requests through apiconform's transport (`_GatedTransport.send`: HTTP client + bounds)",
        ("_GatedTransport.send (",),
    ),
    (
        "hypothesis optimise pass (targeted PBT: schemathesis calls `hypothesis.target(success_rate)` while fuzzing)",
        ("_run_optimise_pass (",),
    ),
    ("hypothesis Pareto front (`ParetoFront.add`)", ("ParetoFront.add (",)),
    ("hypothesis shrinking", ("Shrinker.", "ConjectureRunner.shrink (")),
    ("schemathesis coverage-phase case generation", ("specs/openapi/coverage/", "CoverageGenerator.")),
    ("checks on responses (`run_checks`: schemathesis's and apiconform's)", ("run_checks (schemathesis/checks.py",)),
    ("apiconform's own scenarios (`run_scenarios`)", ("run_scenarios (",)),
    (
        "folding events into findings (`runner/engine.py` `_consume`, `_observe`)",
        ("_consume (apiconform", "_observe (apiconform"),
    ),
    ("spec loading (`load_specs`: YAML, validation)", ("load_specs (apiconform",)),
    ("reports and history (`RunReporting.finish`)", ("RunReporting.finish", "apiconform/report/")),
    ("module imports", ("<frozen importlib._bootstrap>",)),
]
PROFILE_WRAPPERS = (
    "Thread._bootstrap", "Thread.run (", "<module>", "_run_module_as_main", "_run_code", "main (apiconform",
    "Command.main", "Group.invoke", "Command.invoke", "Context.invoke", "run (apiconform/cli", "BaseProcess.",
    "Popen.", "ForkProcess.", "Sandbox.start", "Sandbox._start_process", "Sandbox._serve_child", "Server.run (uvicorn",
    "asyncio_run (uvicorn", "Runner.run (asyncio", "run_until_complete", "run_forever", "_run_once", "Handle._run",
    "WorkerPool._run_worker", "worker_task (", "_run_operation (", "_run_scenario (", "_put_all (",
)  # fmt: skip


@dataclass(slots=True)
class Profile:
    label: str
    command: list[str]
    sample: Sample
    rate: int
    client_samples: int = 0
    server_samples: int = 0
    client_threads: Counter[str] = field(default_factory=Counter)
    buckets: Counter[str] = field(default_factory=Counter)
    cumulative: Counter[str] = field(default_factory=Counter)
    own: Counter[str] = field(default_factory=Counter)
    callers: dict[str, Counter[str]] = field(default_factory=dict)
    subtrees: Counter[str] = field(default_factory=Counter)
    server_cumulative: Counter[str] = field(default_factory=Counter)


def _frame_name(frame: str) -> str:
    """`func (path/to/site-packages/pkg/mod.py:12)` -> `func (pkg/mod.py)`: one entry per function."""
    name, _, where = frame.partition(" (")
    path = where.rsplit(":", 1)[0]
    for marker in ("site-packages/", "/src/", "/lib/python3.11/"):
        if marker in path:
            path = path.split(marker, 1)[1]
    return f"{name} ({path})"


def profile_run(
    results: Results,
    run: list[str],
    label: str,
    *,
    cwd: Path = REPO,
    env: dict[str, str] | None = None,
    report_dir: Path | None = None,
) -> Profile | None:
    """One run under `py-spy record` (CPU samples of every thread of the run and of the processes it forks)."""
    if not PY_SPY.exists():
        results.skipped.append(f"profile of {label}: py-spy is not installed in the venv (`pip install py-spy`)")
        return None
    rate = 50
    with tempfile.TemporaryDirectory(prefix="bench-profile-") as directory:
        raw = Path(directory) / "profile.txt"
        command = [str(PY_SPY), "record", "--subprocesses", "--threads", "--format", "raw", "-r", str(rate)]
        command += ["-o", str(raw), "--", *run]
        sample = measure(command, timeout=FULL_RUN_TIMEOUT, cwd=cwd, env=env)
        sample.requests = _report_requests(report_dir) if report_dir is not None else None
        _log(sample, f"profile ({label})")
        profile = Profile(label=label, command=run, sample=sample, rate=rate)
        if raw.is_file():
            _fold(profile, raw.read_text(encoding="utf-8", errors="replace"))
    results.profiles.append(profile)
    return profile


def _fold(profile: Profile, raw: str) -> None:
    for line in raw.splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not count_text.isdigit():
            continue
        count = int(count_text)
        frames = stack.split(";")
        processes = [frame for frame in frames if frame.startswith("process ")]
        thread = next((frame for frame in frames if frame.startswith("thread ")), "thread")
        python = [frame for frame in frames if not frame.startswith(("process ", "thread "))]
        if not python or any(marker in python[-1] for marker in IDLE_LEAVES):
            continue  # py-spy records threads on CPU; these leaves are the odd blocking call it caught anyway
        names = [_frame_name(frame) for frame in python]
        unique = list(dict.fromkeys(names))
        if len(processes) > 1:  # the sandbox child, forked by the run
            profile.server_samples += count
            for name in unique:
                profile.server_cumulative[name] += count
            continue
        profile.client_samples += count
        profile.client_threads[thread.partition(": ")[2].rstrip("0123456789_-") or "MainThread"] += count
        for name in unique:
            profile.cumulative[name] += count
        profile.own[names[-1]] += count
        # Who calls the leaf: the nearest frames outside the leaf's own module, for the top-self table.
        leaf_module = names[-1].partition(" (")[2]
        outside = [name for name in reversed(names[:-1]) if not name.endswith(f"({leaf_module}")]
        profile.callers.setdefault(names[-1], Counter())[" ← ".join(outside[:3])] += count
        stack_text = ";".join(python)
        bucket = next((title for title, markers in ANYWHERE_BUCKETS if any(m in stack_text for m in markers)), None)
        bucket = bucket or next(
            (title for frame in reversed(python) for title, markers in BUCKETS if any(m in frame for m in markers)),
            "other (stdlib, click, ...)",
        )
        profile.buckets[bucket] += count
        for title, markers in SUBTREES:
            if any(marker in stack_text for marker in markers):
                profile.subtrees[title] += count


# --------------------------------------------------------------------------------------------------------------
# The report
# --------------------------------------------------------------------------------------------------------------


def _fmt(value: float | None, spec: str = ".1f", suffix: str = "") -> str:
    return "n/a" if value is None else f"{value:{spec}}{suffix}"


def _mib(kib: int | None) -> str:
    return "n/a" if not kib else f"{kib / 1024:.0f} MiB"


def _versions() -> str:
    names = ["apiconform", "schemathesis", "hypothesis", "hypothesis-jsonschema", "jsonschema", "httpx", "requests"]
    names += ["urllib3", "starlette", "uvicorn", "PyYAML", "py-spy"]
    found = []
    for name in names:
        with contextlib.suppress(PackageNotFoundError):
            found.append(f"{name} {version(name)}")
    return ", ".join(found)


def _cpu_model() -> str:
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def _memory_total() -> str:
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/meminfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    return "unknown"


def _verdict(met: bool | None) -> str:
    return "n/a" if met is None else ("**met**" if met else "**not met**")


@dataclass(slots=True)
class Summary:
    full_wall: float | None
    full_requests: float | None
    full_rps: float | None
    ac_wall: float | None
    st_wall: float | None
    ac_rps: float | None
    st_rps: float | None
    loop_rps: float | None
    w1_wall: float | None
    w2_wall: float | None

    @classmethod
    def of(cls, results: Results) -> Summary:
        full_ok = [sample for sample in results.full if sample.ok]
        return cls(
            full_wall=_median([s.wall for s in full_ok]),
            full_requests=_median([float(s.requests) for s in full_ok if s.requests is not None]),
            full_rps=_median([s.rps for s in full_ok if s.rps is not None]),
            ac_wall=_median([s.wall for s in results.side_apiconform if s.ok]),
            st_wall=_median([s.wall for s in results.side_st if s.ok]),
            ac_rps=_median([s.rps for s in results.side_apiconform if s.ok and s.rps is not None]),
            st_rps=_median([s.rps for s in results.side_st if s.ok and s.rps is not None]),
            loop_rps=results.loop.rps if results.loop is not None and results.loop.ok else None,
            w1_wall=_median([s.wall for s in full_ok]),
            w2_wall=_median([s.wall for s in results.workers2 if s.ok]),
        )


def render(results: Results, command_line: str) -> str:  # noqa: C901, PLR0912, PLR0915 - one linear document
    s = Summary.of(results)
    full_ok = [sample for sample in results.full if sample.ok]
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    affinity = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    lines = [
        "# Benchmarks",
        "",
        f"Generated by `scripts/benchmark.py`; do not edit by hand. Command: `{command_line}`",
        "",
    ]
    if results.quick:
        lines += [
            "> **Quick smoke run** (`--quick`): one repeat, small scale, reduced example budget on the full run.",
            "> These numbers are not the benchmark; run without `--quick` for those.",
            "",
        ]
    lines += [
        f"- date: {now}; total benchmark time {time.monotonic() - results.started:.0f} s",
        (
            f"- machine: nproc {affinity} ({_cpu_model()}), {_memory_total()} RAM, "
            f"Linux {platform.release()}, Python {platform.python_version()}"
        ),
        f"- packages: {_versions()}",
        (
            f"- apiconform source fingerprint (sha256 of src/apiconform/**/*.py, *.json): `{results.fingerprint_start}`"
            " at the start, "
            + (
                "the same at the end"
                if _fingerprint() == results.fingerprint_start
                else f"**`{_fingerprint()}` at the end: the source changed while this ran**"
            )
            + " (others edit the tree; the fingerprint says which state was measured)"
        ),
        (
            "- every tool runs as a subprocess of the script; wall time is from spawn to exit, CPU time is user +"
            " system of the process and the children it waited for (2 cores: at most 200 %); *peak tree RSS* is"
            " the largest sampled (every 0.25 s) sum of RSS over the process and its children, *max RSS* the"
            " largest single process (`wait4` ru_maxrss)"
        ),
        (
            "- *others*: CPU the rest of the machine used during the run, in cores (busy time from /proc/stat"
            " minus this script's process tree and the measured tool); the machine is shared, and before each run"
            f" the script waits up to {QUIET_WAIT_EACH:.0f} s (at most {QUIET_WAIT_TOTAL:.0f} s in all) for it to"
            f" fall under {QUIET_CORES} cores. Rows with *others* well above 0 ran on a busy machine; their times"
            " are inflated accordingly"
        ),
        f"- load average at start: {results.load_start}; at the end: {_loadavg()}",
        *_calibration_lines(results),
        "",
    ]

    # ---------------------------------------------------------------- targets
    full_met = None if s.full_wall is None else s.full_wall <= TARGETS["full_run_seconds"]
    ratio = s.ac_wall / s.st_wall if s.ac_wall and s.st_wall else None
    share = s.full_rps / s.loop_rps if s.full_rps and s.loop_rps else None
    side_share = s.ac_rps / s.loop_rps if s.ac_rps and s.loop_rps else None
    speedup = s.w1_wall / s.w2_wall if s.w1_wall and s.w2_wall else None
    external = external_speedup(results)
    external_ratio = external[0] / external[1] if external[0] and external[1] else None
    largest = max((size for _, size in results.scale), default=None)
    scale_ac = results.scale.get(("apiconform", largest)) if largest else None
    scale_st = results.scale.get(("st", largest)) if largest else None
    scale_ratio = scale_ac.wall / scale_st.wall if scale_ac and scale_st and scale_ac.ok and scale_st.ok else None
    help_ac, help_st = results.startup.get("apiconform --help"), results.startup.get("st --help")
    startup_ratio = help_ac.wall / help_st.wall if help_ac and help_st and help_st.wall else None
    first = _median([x.first_request for x in results.side_apiconform if x.first_request is not None])
    first_generated = _median([x.first_generated for x in results.side_apiconform if x.first_generated is not None])
    first_st = _median([x.first_generated for x in results.side_st if x.first_generated is not None])
    lines += [
        "## Targets (issue 17)",
        "",
        "| target | measured | verdict |",
        "|---|---|---|",
        (
            f"| ap-invoice wall ≤ {TARGETS['vs_st_wall_ratio']} × plain schemathesis, same seed and budget "
            f"| {_fmt(s.ac_wall, '.2f', ' s')} vs {_fmt(s.st_wall, '.2f', ' s')} = {_fmt(ratio, '.2f', ' ×')} "
            f"| {_verdict(None if ratio is None else ratio <= TARGETS['vs_st_wall_ratio'])} |"
        ),
        (
            f"| generated spec of {largest or '?'} operations ≤ {TARGETS['scale_vs_st_wall_ratio']} × plain "
            f"schemathesis | {_fmt(scale_ac.wall if scale_ac else None, '.1f', ' s')} vs "
            f"{_fmt(scale_st.wall if scale_st else None, '.1f', ' s')} = {_fmt(scale_ratio, '.2f', ' ×')} "
            f"| {_verdict(None if scale_ratio is None else scale_ratio <= TARGETS['scale_vs_st_wall_ratio'])} |"
        ),
        (
            f"| start-up (`--help`) ≤ {TARGETS['startup_vs_st_ratio']:.0f} × st's "
            f"| {_fmt(help_ac.wall if help_ac else None, '.2f', ' s')} vs "
            f"{_fmt(help_st.wall if help_st else None, '.2f', ' s')} = {_fmt(startup_ratio, '.2f', ' ×')} "
            f"| {_verdict(None if startup_ratio is None else startup_ratio <= TARGETS['startup_vs_st_ratio'])} |"
        ),
        (
            f"| `apiconform run` reaches its first request within {TARGETS['first_request_seconds']} s (ap-invoice, "
            f"from spawn; counted at the sandbox) | first request (the reachability probe) {_fmt(first, '.2f', ' s')}; "
            f"first generated request {_fmt(first_generated, '.2f', ' s')} (st: {_fmt(first_st, '.2f', ' s')}) "
            f"| {_verdict(None if first is None else first <= TARGETS['first_request_seconds'])} |"
        ),
        (
            f"| full default run ≤ {TARGETS['full_run_seconds']:.0f} s | {_fmt(s.full_wall, '.1f', ' s')} "
            f"(median of {len(full_ok)}) | {_verdict(full_met)} |"
        ),
        (
            f"| `--workers 2` ≥ {TARGETS['workers_speedup']} × `--workers 1` on 2 cores "
            f"| {_fmt(s.w1_wall, '.1f', ' s')} → {_fmt(s.w2_wall, '.1f', ' s')} = {_fmt(speedup, '.2f', ' ×')} "
            f"(this machine's own two-process ceiling: {_ceilings(results)}) "
            f"| {_verdict(None if speedup is None else speedup >= TARGETS['workers_speedup'])} |"
        ),
        (
            f"| `--workers 2` ≥ {TARGETS['external_workers_speedup']} × `--workers 1` against an external target "
            f"(the generated-spec server) | {_fmt(external[0], '.1f', ' s')} → {_fmt(external[1], '.1f', ' s')} = "
            f"{_fmt(external_ratio, '.2f', ' ×')} "
            f"| {_verdict(None if external_ratio is None else external_ratio >= TARGETS['external_workers_speedup'])} |"
        ),
        (
            f"| requests per second, full run, as a share of a plain httpx loop (issue 8: ≥ "
            f"{TARGETS['vs_httpx_rps_share']:.0%}) "
            f"| loop {_fmt(s.loop_rps, '.0f')} req/s; full run {_fmt(s.full_rps, '.1f')} req/s = "
            f"{_fmt(None if share is None else share * 100, '.1f', ' %')}; ap-invoice run "
            f"{_fmt(s.ac_rps, '.1f')} req/s = {_fmt(None if side_share is None else side_share * 100, '.1f', ' %')} "
            f"| {_verdict(None if share is None else share >= TARGETS['vs_httpx_rps_share'])} |"
        ),
        "",
    ]

    # ---------------------------------------------------------------- 1. full run
    budget = f"--max-examples {results.full_max_examples}" if results.full_max_examples else "default settings"
    lines += [
        "## 1. Full default run (embedded sandbox, all specs)",
        "",
        f"`python -m apiconform run --report-dir $TMP` ({budget}), run from the repository root.",
        "",
        (
            "| run | wall | report `duration_seconds` | requests | req/s | CPU | CPU / wall | peak tree RSS | "
            "peak tree PSS | max RSS (one process) | others | exit |"
        ),
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for index, sample in enumerate(results.full, start=1):
        duration = results.full_durations[index - 1] if index - 1 < len(results.full_durations) else None
        lines.append(_sample_row(f"#{index}", sample, duration))
    lines += [
        (
            f"| **median** | **{_fmt(s.full_wall, '.1f', ' s')}** | | {_fmt(s.full_requests, '.0f')} "
            f"| **{_fmt(s.full_rps, '.1f')}** | | | | | | | |"
        ),
        "",
    ]

    # ---------------------------------------------------------------- 2/3. side by side and the loop
    lines += [
        "## 2. Side by side with plain schemathesis (ap-invoice) and 3. the httpx limit",
        "",
        "One sandbox started by the script (`Sandbox([load_spec(specs/ap-invoice/openapi.yaml)])`, served in a",
        "thread of the script, which does nothing else while the tools run). Requests are counted by the sandbox",
        "itself (an ASGI counter around its app), for all three. Each tool runs in a fresh temporary working",
        "directory, so neither starts with a hypothesis example database or an st cache. Hypothesis's derived",
        "tables (the characters UTF-8 can encode, about 2 s of CPU to build) are cached where each tool keeps them:",
        "st in `.hypothesis/` of its working directory, so every st run here builds them again; apiconform in",
        "`$XDG_CACHE_HOME/apiconform`, so only its first run on the machine does. The verdict compares the tools",
        "as a user meets them in a fresh checkout; st run again in the same directory skips that cost as well.",
        "",
        "```bash",
        (
            f"APICONFORM_TOKEN=$TOKEN python -m apiconform run --base-url $SANDBOX/ap-invoice "
            f"--spec specs/ap-invoice/openapi.yaml --seed {SEED} --max-examples {SIDE_BY_SIDE_EXAMPLES} "
            f"--param id={results.known_id} --report-dir $TMP/reports --no-color"
        ),
        (
            f"st --config-file schemathesis.toml run specs/ap-invoice/openapi.yaml --url $SANDBOX/ap-invoice "
            f'--checks all --seed {SEED} -H "Authorization: Bearer $TOKEN" --no-color --max-examples '
            f"{SIDE_BY_SIDE_EXAMPLES}"
        ),
        f'#   schemathesis.toml: [parameters] "path.id" = "{results.known_id}"   (no report is written)',
        (
            f"python scripts/benchmark.py httpx-loop --url $SANDBOX/ap-invoice/v1/invoice/{results.known_id} "
            f"--count {2000 if not results.quick else 500} --seconds {LOOP_SECONDS:.0f}"
        ),
        "```",
        "",
        (
            "| tool | run | wall | first request | first generated request | requests (server) | req/s "
            "| s per request | CPU | others | exit |"
        ),
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for tool, samples in (("apiconform", results.side_apiconform), ("st", results.side_st)):
        for index, sample in enumerate(samples, start=1):
            per = sample.wall / sample.requests if sample.requests else None
            reported = ""
            if tool == "apiconform" and index - 1 < len(results.side_apiconform_reported):
                reported = f" (report.json: {results.side_apiconform_reported[index - 1]})"
            lines.append(
                f"| {tool} | #{index} | {sample.wall:.2f} s | {_fmt(sample.first_request, '.2f', ' s')} "
                f"| {_fmt(sample.first_generated, '.2f', ' s')} | {sample.requests}{reported} "
                f"| {_fmt(sample.rps, '.1f')} "
                f"| {_fmt(per, '.3f')} | {sample.cpu_seconds:.1f} s | {sample.background:.2f} | {_exit(sample)} |"
            )
    if results.loop is not None:
        inner = results.loop_result
        inner_rps = inner["sent"] / inner["seconds"] if inner and inner.get("seconds") else None
        lines.append(
            f"| httpx loop | process | {results.loop.wall:.2f} s | | | {results.loop.requests} "
            f"| {_fmt(results.loop.rps, '.0f')} | {_fmt(1 / results.loop.rps if results.loop.rps else None, '.4f')} "
            f"| {results.loop.cpu_seconds:.1f} s | {results.loop.background:.2f} | {_exit(results.loop)} |"
        )
        if inner_rps is not None:
            lines.append(
                f"| httpx loop | loop only | {inner['seconds']:.2f} s | | | {inner['sent']:.0f} | {inner_rps:.0f} "
                f"| {1 / inner_rps:.4f} | | | |"
            )
    per_ac = _per_request(s.ac_wall, results.side_apiconform)
    per_st = _per_request(s.st_wall, results.side_st)
    lines += [
        "",
        (
            f"Medians: apiconform {_fmt(s.ac_wall, '.2f', ' s')}, st {_fmt(s.st_wall, '.2f', ' s')}: wall ratio "
            f"**{_fmt(ratio, '.2f', ' ×')}**; requests per second {_fmt(s.ac_rps, '.1f')} vs {_fmt(s.st_rps, '.1f')}: "
            f"ratio **{_fmt(s.ac_rps / s.st_rps if s.ac_rps and s.st_rps else None, '.2f', ' ×')}**; "
            f"seconds per request {_fmt(per_ac, '.3f')} vs {_fmt(per_st, '.3f')}."
        ),
        "",
        "Start-up alone (no request sent), which every short run pays:",
        "",
        "| command | wall | others |",
        "|---|---|---|",
        *(f"| `{name}` | {sample.wall:.2f} s | {sample.background:.2f} |" for name, sample in results.startup.items()),
        "",
    ]

    # ---------------------------------------------------------------- 4. scale
    lines += [
        "## 4. Scale: generated specs",
        "",
        "`GET /r{n}/{id}` × N (OpenAPI 3.1, everything `x-evidence: DOC`, 200/401/404 with small object bodies),",
        "served by a Starlette app under uvicorn in its own process on a free loopback port (TCP_NODELAY on the",
        "socket; `python scripts/benchmark.py serve-generated --operations N --token T`). Requests counted by",
        "that server.",
        "",
        "```bash",
        (
            f"APICONFORM_TOKEN=$TOKEN python -m apiconform run --base-url $URL --spec $TMP/scale-N/openapi.yaml "
            f"--seed {SEED} --max-examples {SCALE_EXAMPLES} --param id={SCALE_KNOWN_ID} --report-dir $TMP/reports "
            "--no-color"
        ),
        (
            f"st --config-file schemathesis.toml run $TMP/scale-N/openapi.yaml --url $URL --checks all --seed {SEED} "
            f'-H "Authorization: Bearer $TOKEN" --no-color --max-examples {SCALE_EXAMPLES}   '
            f'# [parameters] "path.id" = "{SCALE_KNOWN_ID}"'
        ),
        (
            f"st run $TMP/scale-N/openapi-same-input.yaml --url $URL --checks all --seed {SEED} "
            f'-H "Authorization: Bearer $TOKEN" --no-color --max-examples {SCALE_EXAMPLES}   '
            f"# ({SAME_INPUT}) the id an example, as apiconform hands it to schemathesis; nothing pinned"
        ),
        "```",
        "",
        (
            "| operations | tool | wall | s per operation | requests | requests per operation | req/s | CPU "
            "| peak tree RSS | others | exit |"
        ),
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for (tool, size), sample in sorted(results.scale.items(), key=lambda item: (item[0][1], item[0][0])):
        per_operation = _fmt(sample.wall / size, ".3f") if sample.ok else "n/a (killed)"
        requests_per_operation = _fmt((sample.requests or 0) / size, ".1f") if sample.ok else "n/a (killed)"
        lines.append(
            f"| {size} | {tool} | {sample.wall:.1f} s | {per_operation} | {sample.requests} "
            f"| {requests_per_operation} | {_fmt(sample.rps, '.1f')} | {sample.cpu_seconds:.1f} s "
            f"| {_mib(sample.peak_tree_rss_kib)} | {sample.background:.2f} | {_exit(sample)} |"
        )
    growth = []
    for tool in ("apiconform", "st"):
        sizes = sorted(size for name, size in results.scale if name == tool and results.scale[name, size].ok)
        if len(sizes) >= 2:  # noqa: PLR2004 - a growth needs two sizes
            small, large = results.scale[tool, sizes[0]], results.scale[tool, sizes[-1]]
            growth.append(
                f"{tool}: {sizes[-1] / sizes[0]:.0f}× the operations took {large.wall / small.wall:.1f}× the time "
                f"({small.wall / sizes[0]:.3f} → {large.wall / sizes[-1]:.3f} s per operation)"
            )
    lines += ["", ("Growth: " + "; ".join(growth) + ".") if growth else "", ""]

    # ---------------------------------------------------------------- 5. parallel
    lines += [
        "## 5. Parallel: workers and shards",
        "",
        (
            "Same full default run as in 1 (embedded sandbox, all specs), with `--workers 2`, measured between "
            "the `--workers 1` runs of section 1 (in the order 1, 1, 2, 2, 1: this machine's speed drifts within "
            "minutes, and the order spreads a drift over both sides); split with "
            "`--shard 1/2` and `--shard 2/2` run one after the other (each alone on the machine); and the two "
            "shards started at the same time (two processes on the two cores, as a CI matrix on one runner would)."
        ),
        "",
        "| run | wall | requests | req/s | CPU | CPU / wall | peak tree RSS | others | exit |",
        "|---|---|---|---|---|---|---|---|---|",
        (
            f"| `--workers 1` (median of section 1) | {_fmt(s.w1_wall, '.1f', ' s')} | {_fmt(s.full_requests, '.0f')} "
            f"| {_fmt(s.full_rps, '.1f')} | | | | | |"
        ),
    ]
    lines += [_short_row("`--workers 2`", sample) for sample in results.workers2]
    lines += [_short_row(f"`--shard {index}/2`", sample) for index, sample in enumerate(results.shards, start=1)]
    lines += [
        _short_row(f"`--shard {index}/2`, both at once", sample)
        for index, sample in enumerate(results.shards_concurrent, start=1)
    ]
    if len(results.shards) == 2 and all(sample.ok for sample in results.shards):  # noqa: PLR2004 - two shards
        longest = max(sample.wall for sample in results.shards)
        total = sum(sample.wall for sample in results.shards)
        lines += [
            "",
            f"Speedups over `--workers 1` ({_fmt(s.w1_wall, '.1f', ' s')}): `--workers 2` "
            f"**{_fmt(speedup, '.2f', ' ×')}**; two shards on two machines (the longer shard, {longest:.1f} s) "
            f"**{_fmt(s.w1_wall / longest if s.w1_wall else None, '.2f', ' ×')}**; the two shards one after the other "
            f"take {total:.1f} s ({_fmt(total / s.w1_wall if s.w1_wall else None, '.2f', ' ×')} the unsharded run). "
            "Shard balance: "
            + ", ".join(f"shard {i}: {sample.requests} requests" for i, sample in enumerate(results.shards, start=1))
            + ".",
        ]
    elif s.w2_wall:
        lines += ["", f"Speedup of `--workers 2` over `--workers 1`: **{_fmt(speedup, '.2f', ' ×')}**."]
    if len(results.shards_concurrent) == 2 and all(x.ok for x in results.shards_concurrent):  # noqa: PLR2004
        together = max(sample.wall for sample in results.shards_concurrent)
        lines += [
            "",
            (
                f"Both shards at once finish in {together:.1f} s: "
                f"**{_fmt(s.w1_wall / together if s.w1_wall else None, '.2f', ' ×')}** over `--workers 1` on the same "
                "two cores."
            ),
        ]
    if results.external:
        size = results.external_size
        lines += [
            "",
            (
                f"Against an external target: the generated spec of section 4 and its server process, "
                f"`--workers 1` and `--workers 2` in the order 1, 2, 2, 1 (the command of section 4 with "
                f"`--workers N`{f'; {size} operations' if size else ''}):"
            ),
            "",
            "| run | wall | requests | req/s | CPU | CPU / wall | peak tree RSS | others | exit |",
            "|---|---|---|---|---|---|---|---|---|",
        ]
        for workers, samples in sorted(results.external.items()):
            lines += [_short_row(f"`--workers {workers}` #{n + 1}", x) for n, x in enumerate(samples)]
        lines += [
            "",
            (
                f"Medians {_fmt(external[0], '.1f', ' s')} → {_fmt(external[1], '.1f', ' s')}: "
                f"**{_fmt(external_ratio, '.2f', ' ×')}**."
            ),
        ]
    if results.merge is not None:
        lines += [
            "",
            (
                f"Merge of the two shard reports: `{_show(results.merge.command)}` took {results.merge.wall:.1f} s "
                f"({_exit(results.merge)}; merged report: {results.merge.requests} requests, {results.merge_note})."
            ),
        ]
    else:
        lines += ["", f"No merge: {results.merge_note or 'the shard runs did not happen'}."]
    lines.append("")

    # ---------------------------------------------------------------- 6. profile
    lines += [
        "## 6. Where the time goes (py-spy)",
        "",
        "py-spy samples the threads that are on CPU, so these are CPU shares, not waiting. The run's own process",
        "(*client*: schemathesis, hypothesis, apiconform) and the sandbox it forks are counted apart.",
        "",
    ]
    for number, profile in enumerate(results.profiles, start=1):
        lines += _profile_section(profile, f"6.{number}")
    if not results.profiles:
        lines += ["No profile (see *Skipped*).", ""]

    lines += _analysis(results, s)
    if results.skipped:
        lines += ["## Skipped (time budget or missing tool)", "", *(f"- {item}" for item in results.skipped), ""]
    return "\n".join(lines).rstrip() + "\n"


def _ceilings(results: Results) -> str:
    found = [ceiling(calibration) for calibration in results.calibrations]
    return " and ".join(_fmt(value, ".2f", " ×") for value in found) or "not measured"


def _calibration_lines(results: Results) -> list[str]:
    lines = []
    for when, (alone, pair) in zip(("start", "end"), results.calibrations, strict=False):
        lines.append(
            f"- the machine at the {when}: one CPU-bound Python loop (`{CALIBRATION_LOOP.splitlines()[1]} ...`) "
            f"takes {alone.wall:.2f} s alone, {' and '.join(f'{sample.wall:.2f} s' for sample in pair)} as two at "
            f"once: two processes here finish {_fmt(ceiling((alone, pair)), '.2f', ' ×')} the work of one "
            "in the same time (2.00 × on two whole cores); every two-process figure below is bounded by it"
        )
    return lines


def _per_request(wall: float | None, samples: list[Sample]) -> float | None:
    requests = _median([float(sample.requests) for sample in samples if sample.ok and sample.requests])
    return wall / requests if wall and requests else None


def _exit(sample: Sample) -> str:
    return str(sample.returncode) if sample.ok else sample.killed


def _sample_row(label: str, sample: Sample, duration: float | None) -> str:
    share = sample.cpu_seconds / sample.wall if sample.wall else 0
    return (
        f"| {label} | {sample.wall:.1f} s | {_fmt(duration, '.1f', ' s')} | {sample.requests} "
        f"| {_fmt(sample.rps, '.1f')} | {sample.cpu_seconds:.1f} s | {share:.0%} | {_mib(sample.peak_tree_rss_kib)} "
        f"| {_mib(sample.peak_tree_pss_kib)} | {_mib(sample.maxrss_kib)} | {sample.background:.2f} | {_exit(sample)} |"
    )


def _short_row(label: str, sample: Sample) -> str:
    share = sample.cpu_seconds / sample.wall if sample.wall else 0
    return (
        f"| {label} | {sample.wall:.1f} s | {sample.requests} | {_fmt(sample.rps, '.1f')} | {sample.cpu_seconds:.1f} s "
        f"| {share:.0%} | {_mib(sample.peak_tree_rss_kib)} | {sample.background:.2f} | {_exit(sample)} |"
    )


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f} %" if whole else "n/a"


def _profile_section(profile: Profile, number: str) -> list[str]:
    sample = profile.sample
    total = profile.client_samples + profile.server_samples
    client = profile.client_samples
    lines = [
        f"### {number} {profile.label}",
        "",
        (
            f"`py-spy record --subprocesses --threads --format raw -r {profile.rate} -- {_show(profile.command)}` "
            f"({sample.wall:.1f} s under the profiler, {_exit(sample)})."
        ),
        "",
        (
            f"- CPU samples: client {client} ({_pct(client, total)}), forked sandbox {profile.server_samples} "
            f"({_pct(profile.server_samples, total)}); at {profile.rate} Hz that is {client / profile.rate:.0f} s of "
            f"client CPU and {profile.server_samples / profile.rate:.0f} s of sandbox CPU in a {sample.wall:.0f} s run"
        ),
        "- client CPU by thread: "
        + ", ".join(f"{name} {_pct(count, client)}" for name, count in profile.client_threads.most_common(6)),
        "",
        "Client CPU by component (exclusive: each sample counted once, for the innermost component on its stack):",
        "",
        "| component | share of client CPU |",
        "|---|---|",
        *(f"| {name} | {_pct(count, client)} |" for name, count in profile.buckets.most_common()),
        "",
        "Client CPU by subtree (overlapping: a sample counts for every subtree on its stack):",
        "",
        "| subtree | share of client CPU |",
        "|---|---|",
        *(f"| {title} | {_pct(profile.subtrees.get(title, 0), client)} |" for title, _ in SUBTREES),
        "",
        "Client: top functions by self CPU, with their most frequent callers:",
        "",
        "| function | self | called from (most frequent) |",
        "|---|---|---|",
    ]
    for name, count in profile.own.most_common(12):
        caller, _ = profile.callers.get(name, Counter({"": 0})).most_common(1)[0]
        lines.append(f"| `{name}` | {_pct(count, client)} | {caller} |")
    lines += [
        "",
        "Client: apiconform's own functions by cumulative CPU (what runs in or below them):",
        "",
        "| function | cumulative |",
        "|---|---|",
    ]
    own_code = [
        (name, count)
        for name, count in profile.cumulative.most_common()
        if "(apiconform/" in name and not any(wrapper in name for wrapper in PROFILE_WRAPPERS)
    ]
    lines += [f"| `{name}` | {_pct(count, client)} |" for name, count in own_code[:12]]
    lines += [
        "",
        "Client: library functions by cumulative CPU (engine and entry-point wrappers left out):",
        "",
        "| function | cumulative |",
        "|---|---|",
    ]
    library = [
        (name, count)
        for name, count in profile.cumulative.most_common()
        if "(apiconform/" not in name and not any(wrapper in name for wrapper in PROFILE_WRAPPERS)
    ]
    lines += [f"| `{name}` | {_pct(count, client)} |" for name, count in library[:20]]
    if profile.server_samples:
        server = [
            (name, count)
            for name, count in profile.server_cumulative.most_common()
            if not any(wrapper in name for wrapper in PROFILE_WRAPPERS)
        ]
        lines += [
            "",
            "Sandbox (forked server process): top functions by cumulative CPU:",
            "",
            "| function | cumulative |",
            "|---|---|",
            *(f"| `{name}` | {_pct(count, profile.server_samples)} |" for name, count in server[:10]),
        ]
    lines.append("")
    return lines


def _whole_document_validator() -> str:
    """Where checks/body.py builds a jsonschema_rs validator over the whole spec document, if it still does."""
    path = REPO / "src" / "apiconform" / "checks" / "body.py"
    with contextlib.suppress(OSError):
        lines = path.read_text(encoding="utf-8").splitlines()
        for number, line in enumerate(lines, start=1):
            if "{**self.document" in line and any("jsonschema_rs" in later for later in lines[number : number + 3]):
                return f"`src/apiconform/checks/body.py:{number}`: `{line.strip()}`"
    return ""


BUSY_CORES = 0.3


def _busy_rows(results: Results) -> list[str]:
    named: list[tuple[str, Sample]] = [(f"full run #{i}", x) for i, x in enumerate(results.full, start=1)]
    named += [(f"ap-invoice apiconform #{i}", x) for i, x in enumerate(results.side_apiconform, start=1)]
    named += [(f"ap-invoice st #{i}", x) for i, x in enumerate(results.side_st, start=1)]
    named += [("httpx loop", results.loop)] if results.loop is not None else []
    named += [("`--workers 2`", x) for x in results.workers2]
    named += [(f"`--shard {i}/2`", x) for i, x in enumerate(results.shards, start=1)]
    named += [("both shards at once", x) for x in results.shards_concurrent[:1]]
    named += [(f"scale {size} {tool}", x) for (tool, size), x in sorted(results.scale.items())]
    named += [(f"profile: {p.label}", p.sample) for p in results.profiles]
    return [f"{name} ({sample.background:.2f})" for name, sample in named if sample.background > BUSY_CORES]


def _levers(profile: Profile) -> str:
    optimise = _subtree_share(profile, "hypothesis optimise")
    shrinking = _subtree_share(profile, "hypothesis shrinking")
    pareto = _subtree_share(profile, "hypothesis Pareto")
    sending = _subtree_share(profile, "sending requests")
    imports = _subtree_share(profile, "module imports")
    loading = _subtree_share(profile, "spec loading")
    return (
        "Seen as subtrees (overlapping), the hypothesis machinery schemathesis drives is most of it: the optimise "
        f"pass {optimise:.0%} (targeted PBT; schemathesis calls `hypothesis.target(success_rate)` in fuzzing, "
        "`schemathesis/generation/metrics.py`; hypothesis runs that pass while `Phase.target` is enabled), "
        f"shrinking {shrinking:.0%} (failing cases, here the INFERRED warnings, are shrunk), and the Pareto front "
        f"{pareto:.0%} (hypothesis keeps it only when an example database is configured; apiconform turns the "
        f"database and shrinking off for runs). Sending through apiconform's transport is {sending:.0%}; "
        f"start-up (imports {imports:.0%}, spec loading {loading:.0%}) and reports are small in a run this long."
    )


def _subtree_share(profile: Profile, prefix: str) -> float:
    count = sum(value for title, value in profile.subtrees.items() if title.startswith(prefix))
    return count / profile.client_samples if profile.client_samples else 0.0


def _bucket_share(profile: Profile | None, prefix: str) -> float:
    if profile is None or not profile.client_samples:
        return 0.0
    return sum(count for name, count in profile.buckets.items() if name.startswith(prefix)) / profile.client_samples


def _analysis(results: Results, s: Summary) -> list[str]:  # noqa: C901, PLR0912, PLR0915 - one linear text
    """What holds each target back, from the numbers above (the text follows the measurements, not a script)."""
    lines = ["## What holds each target back", ""]
    busy = _busy_rows(results)
    if busy:
        lines += [
            (
                f"Caveat: the machine is shared, and {len(busy)} measured runs shared it with other work "
                f"(*others* above {BUSY_CORES} cores): {', '.join(busy)}. Those times are longer than idle ones."
            ),
            "",
        ]
    profile = results.profiles[0] if results.profiles else None
    full_ok = [sample for sample in results.full if sample.ok]
    client_cpu = profile.client_samples / profile.rate if profile else None
    server_cpu = profile.server_samples / profile.rate if profile else None
    if full_ok and s.full_wall:
        cpu = _median([sample.cpu_seconds for sample in full_ok]) or 0.0
        per_request = 1000 * s.full_wall / s.full_requests if s.full_requests else None
        lines += [
            (
                f"**Full run ≤ {TARGETS['full_run_seconds']:.0f} s** ({_fmt(s.full_wall, '.0f', ' s')}): "
                f"the run spends {cpu:.0f} s of CPU in "
                f"{s.full_wall:.0f} s of wall ({cpu / s.full_wall:.0%} of one core, on two) for "
                f"{_fmt(s.full_requests, '.0f')} requests, {_fmt(per_request, '.1f')} ms of wall per request."
            ),
        ]
        if profile and client_cpu and server_cpu is not None and profile.sample.wall:
            lines.append(
                f"In the profiled shard the client (schemathesis + hypothesis + apiconform, one process) was on CPU "
                f"{client_cpu:.0f} s of {profile.sample.wall:.0f} s ({client_cpu / profile.sample.wall:.0%}) and "
                f"the forked sandbox {server_cpu:.0f} s ({server_cpu / profile.sample.wall:.0%}): the wall time is "
                "the client's CPU time, spent one thread at a time under the GIL. Cutting it means less Python "
                "work per request or fewer requests; waiting on the target is not the issue."
            )
        lines.append("")
    if profile and profile.client_samples:
        lines += [
            "Top 5 hot spots of the client (share of its CPU, profiled shard of the default run):",
            "",
        ]
        for rank, (name, count) in enumerate(profile.buckets.most_common(5), start=1):
            lines.append(f"{rank}. {name}: {_pct(count, profile.client_samples)}")
        lines += [
            "",
            _levers(profile),
            "",
        ]
    if s.ac_wall and s.st_wall:
        ac_requests = _median([float(x.requests or 0) for x in results.side_apiconform if x.ok]) or 0
        st_requests = _median([float(x.requests or 0) for x in results.side_st if x.ok]) or 0
        startup_ac = results.startup.get("apiconform --help")
        startup_st = results.startup.get("st --help")
        ratio = s.ac_wall / s.st_wall
        lines.append(
            f"**≤ {TARGETS['vs_st_wall_ratio']} × plain schemathesis** ({ratio:.2f} ×): on ap-invoice apiconform sends "
            f"{ac_requests:.0f} requests to st's {st_requests:.0f} (its own scenarios: unknown id, auth "
            "conditions, paging defaults, and the reachability probe; its known id goes in as an example, while "
            "st's `[parameters]` pins the id, so st's fuzzing has nothing left to vary)."
        )
        if startup_ac and startup_st:
            lines.append(
                f"The run is short, so start-up weighs: importing apiconform takes {startup_ac.wall:.2f} s against "
                f"{startup_st.wall:.2f} s for st, and apiconform also writes four reports and a history database."
            )
        scale_pairs = [
            (size, results.scale["apiconform", size], results.scale["st", size])
            for size in sorted({size for _, size in results.scale})
            if ("apiconform", size) in results.scale and ("st", size) in results.scale
        ]
        for size, ac, st in scale_pairs:
            if ac.ok and st.ok and ac.requests and st.requests:
                lines.append(
                    f"With {size} operations the gap is {ac.wall / st.wall:.1f} × in wall time for "
                    f"{ac.requests / st.requests:.1f} × the requests ({1000 * ac.wall / ac.requests:.1f} vs "
                    f"{1000 * st.wall / st.requests:.1f} ms per request)."
                )
            same = results.scale.get((SAME_INPUT, size))
            if ac.ok and same is not None and same.ok and same.requests and ac.requests:
                lines.append(
                    f"Most of it is input, not engine: st pins the id (`[parameters]`), apiconform's `--param` "
                    f"offers it as an example and schemathesis generates other ids besides. Given the document "
                    f"apiconform hands schemathesis (the id an example), st takes {same.wall:.1f} s for "
                    f"{same.requests} requests: apiconform is {ac.wall / same.wall:.2f} × that, for "
                    f"{ac.requests / same.requests:.2f} × the requests."
                )
        lines.append("")
    if s.loop_rps:
        st_best = max(
            [
                sample.rps
                for sample in results.side_st + [v for (t, _), v in results.scale.items() if t == "st"]
                if sample.ok and sample.rps
            ]
            or [0.0]
        )
        lines.append(
            f"**Requests per second ≥ 50 % of a plain httpx loop**: the loop does {s.loop_rps:.0f} req/s "
            f"({1000 / s.loop_rps:.1f} ms per request, server included); the full run {_fmt(s.full_rps, '.0f')} "
            f"req/s. The best plain st rate measured here is {st_best:.0f} req/s "
            f"({_fmt(100 * st_best / s.loop_rps, '.0f', ' %')} of the loop), so the schemathesis engine alone stays "
            "under the target: every request costs a hypothesis draw, schemathesis's case building, serialisation "
            "and checks, and requests' per-call session merging, far more than the exchange."
        )
        if profile:
            http = _bucket_share(profile, "HTTP client") + _bucket_share(profile, "socket")
            generation = _bucket_share(profile, "data generation") + _bucket_share(profile, "hypothesis lambda")
            lines.append(
                f"In the profile, the HTTP client (requests/urllib3/http.client and the socket calls) is "
                f"{http:.0%} of client CPU and data generation {generation:.0%}; the per-request watchdog thread "
                f"(`threading.Timer` started for each request in `runner/bounded.py`) "
                f"{_bucket_share(profile, 'thread start'):.1%}."
            )
        lines.append("")
    if s.w1_wall and s.w2_wall:
        lines.append(
            f"**`--workers 2` ≥ 1.7 ×** ({s.w1_wall / s.w2_wall:.2f} ×): `--workers N` forks N processes, one shard "
            "each, after start-up (imports, specs, sandbox), sharing the one sandbox; the client is CPU-bound, so "
            "two workers and the sandbox they both call fill the two cores, and the run cannot go faster than "
            "its CPU time over two (see CPU / wall in the table above)."
        )
        if len(results.shards_concurrent) == 2 and all(x.ok for x in results.shards_concurrent):  # noqa: PLR2004
            together = max(x.wall for x in results.shards_concurrent)
            lines.append(
                f"Two processes do use both cores: `--shard 1/2` and `--shard 2/2` started together finish in "
                f"{together:.1f} s, {s.w1_wall / together:.2f} × faster than one `--workers 1` run (each shard "
                "forks its own sandbox and pays its own start-up, so four processes share the two cores)"
                + (
                    f", with {results.shards_concurrent[0].background:.2f} cores taken by other work meanwhile."
                    if results.shards_concurrent[0].background > BUSY_CORES
                    else "."
                )
            )
        lines.append("")
    scale_ac = sorted((size, sample) for (tool, size), sample in results.scale.items() if tool == "apiconform")
    scale_st = {size: sample for (tool, size), sample in results.scale.items() if tool == "st"}
    if scale_ac:
        growth = [
            f"{size} operations: {_mib(sample.peak_tree_rss_kib)} peak RSS against st's "
            f"{_mib(scale_st[size].peak_tree_rss_kib) if size in scale_st else 'n/a'}"
            + (f" ({sample.killed})" if sample.killed else "")
            for size, sample in scale_ac
        ]
        lines.append("**Scale**: apiconform's memory grows with the spec: " + "; ".join(growth) + ".")
        scale_profile = next((p for p in results.profiles if "operations" in p.label), None)
        if scale_profile is not None and scale_profile.client_samples:
            share = _bucket_share(scale_profile, "response-body validator")
            lines.append(
                f"In the profile of the generated-spec run, building and running the response-body validators "
                f"(`_SpecIndex.is_valid` in `checks/body.py`) takes {share:.0%} of client CPU."
            )
            where = _whole_document_validator()
            if where:
                lines.append(
                    f"Each validator is compiled by jsonschema_rs from a copy of the whole document ({where}), one "
                    "per response pointer, and kept: work and memory grow with operations × document size, i.e. "
                    "quadratically in the number of operations (st's memory stays flat: see the scale table)."
                )
        lines.append("")
    return lines


# --------------------------------------------------------------------------------------------------------------
# Entry point
# --------------------------------------------------------------------------------------------------------------


def benchmark(quick: bool, output: Path, command_line: str) -> None:
    results = Results(quick=quick, budget=QUICK_BUDGET_SECONDS if quick else FULL_BUDGET_SECONDS)
    max_examples = 5 if quick else None
    extra = ["--max-examples", str(max_examples)] if max_examples else []
    # Every figure of issue 17's table first; the extras (shards one by one, both at once) last, as budget allows.
    _say("0. the machine: one CPU-bound loop alone and two at once")
    calibrate(results)
    _say("1. full default run, then 5. --workers 2 between --workers 1 runs")
    full_runs(results, repeats=1 if quick else 2, max_examples=max_examples)
    workers_run(results, repeats=1 if quick else 2, max_examples=max_examples)
    if results.workers2:
        full_runs(results, repeats=1, max_examples=max_examples)  # the closing --workers 1 of 1, 1, 2, 2, 1
    _say("2./3. side by side with st, the httpx loop, start-up")
    side_by_side(results, repeats=1 if quick else 3)
    small, large = (20, 100) if quick else (200, 1000)
    _say(f"4. scale: {small} operations")
    scale_runs(results, small)
    external = small if quick else EXTERNAL_WORKERS_OPERATIONS
    _say(f"5. --workers 2 against an external target ({external} operations)")
    external_workers(results, external)
    _say(f"4. scale: {large} operations")
    scale_runs(results, large)
    _say("6. profile of one shard of the default run")
    if results.allow("profile of --shard 1/2", needs=_median_wall(results.full) * 0.7):
        with tempfile.TemporaryDirectory(prefix="bench-profile-reports-") as directory:
            run = _apiconform("--report-dir", directory, "--shard", "1/2", *extra)
            profile_run(results, run, "--shard 1/2 of the default run", report_dir=Path(directory))
    _say(f"6. profile of the {small}-operation run")
    scale_profile(results, small)
    _say("5. shards one by one and both at once (extras)")
    shard_runs(results, max_examples=max_examples)
    concurrent_shards(results, max_examples=max_examples)
    _say("0. the machine again, at the end")
    calibrate(results)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(render(results, command_line), encoding="utf-8")
    if not quick:
        _say("7. loading large documents")
        loading(output)
    _say(f"wrote {output} after {time.monotonic() - results.started:.0f}s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="smoke check: fewer repeats, smaller scale")
    parser.add_argument("--output", type=Path, default=None, help="default: docs/benchmarks.md (quick: build/)")
    commands = parser.add_subparsers(dest="command")
    serve = commands.add_parser("serve-generated", help="internal: serve a generated spec (prints its port)")
    serve.add_argument("--operations", type=int, required=True)
    serve.add_argument("--token", default=SCALE_TOKEN)
    serve.add_argument("--parent", type=int, default=0, help="stop when this process is no longer the parent")
    loop = commands.add_parser("httpx-loop", help="internal: a plain httpx GET loop (token from BENCH_TOKEN)")
    loop.add_argument("--url", required=True)
    loop.add_argument("--count", type=int, default=2000)
    loop.add_argument("--seconds", type=float, default=LOOP_SECONDS)
    commands.add_parser("loading", help="measure loading large documents; splices its section into --output")
    args = parser.parse_args()
    if args.command == "loading":
        print("\n".join(loading(args.output or DEFAULT_OUTPUT)))  # noqa: T201 - the figures, for the terminal too
        return 0
    if args.command == "serve-generated":
        _serve_generated(args.operations, args.token, args.parent or os.getppid())
        return 0
    if args.command == "httpx-loop":
        _httpx_loop(args.url, os.environ.get("BENCH_TOKEN", ""), args.count, args.seconds)
        return 0
    output: Path = args.output or (QUICK_OUTPUT if args.quick else DEFAULT_OUTPUT)
    shown = ["python", "scripts/benchmark.py", *sys.argv[1:]]
    benchmark(args.quick, output, shlex.join(shown))
    return 0


# --- Loading large documents (issue 12): parse, screen and build the operation list, per document. ---

LOADING_HEADING = "## Loading large documents"
LOADING_REPEATS = 7
LOADING_TARGET_BYTES = 10 * 1024 * 1024
CORPUS = Path(os.environ.get("APICONFORM_REAL_SPECS") or REPO.parent / "shared" / "real-specs")


def _loading_spec(target_bytes: int) -> dict[str, Any]:
    """A generated document of about `target_bytes`: Stripe-like, many schemas with `$ref`s between them."""
    schemas: dict[str, Any] = {}
    paths: dict[str, Any] = {}
    index = 0
    size = 0
    while size < target_bytes:
        name = f"Resource{index}"
        properties = {
            f"field_{field}": {"type": "string", "maxLength": 200, "description": "x" * 40} for field in range(30)
        }
        properties["owner"] = {"$ref": f"#/components/schemas/Resource{max(0, index - 1)}"}
        properties["state"] = {"type": "string", "enum": ["open", "paid", "void"], "nullable": True}
        schemas[name] = {"type": "object", "required": ["field_0"], "properties": properties}
        ok = {
            "200": {
                "description": "ok",
                "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}},
            }
        }
        paths[f"/resources{index}/{{id}}"] = {
            "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
            "get": {"operationId": f"get{name}", "responses": ok},
            "post": {
                "operationId": f"update{name}",
                "requestBody": {"content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}}},
                "responses": ok,
            },
        }
        index += 1
        size += 4200
    return {
        "openapi": "3.0.3",
        "info": {"title": "Generated large API", "version": "1"},
        "paths": paths,
        "components": {"schemas": schemas},
    }


_LOAD_ONE = (
    "import sys, time\n"
    "from apiconform.specs import load_spec\n"
    "from apiconform.specs.prepare import prepared_document\n"
    "wall, cpu = time.perf_counter(), time.process_time()\n"
    "spec = load_spec(sys.argv[1])\n"
    "operations = len(spec.operations)\n"
    "loaded = (time.perf_counter() - wall, time.process_time() - cpu)\n"
    "prepared_document(spec, lambda label, name: [])\n"
    "schema = next(media.schema for operation in spec.operations for response in operation.responses.values()\n"
    "              for media in response.content.values() if media.schema is not None)\n"
    "spec.contract.validators.is_valid(schema, {})\n"
    "ready = (time.perf_counter() - wall, time.process_time() - cpu)\n"
    "print(*loaded, *ready, operations, len(spec.warnings))\n"
)


def loading(output: Path) -> list[str]:
    """Median load time of each large document, each load in a fresh process (imports not counted)."""
    rows = []
    with tempfile.TemporaryDirectory(prefix="apiconform-loading-") as directory:
        generated = Path(directory) / "generated-10mb.json"
        generated.write_text(json.dumps(_loading_spec(LOADING_TARGET_BYTES)), encoding="utf-8")
        documents = [(path, 1.5) for path in [CORPUS / "stripe.json"] if path.exists()] + [(generated, 3.0)]
        for path, target in documents:
            runs: list[list[float]] = []
            operations = "0"
            for _ in range(LOADING_REPEATS):
                done = subprocess.run(  # noqa: S603 - our own interpreter and code
                    [PYTHON, "-c", _LOAD_ONE, str(path)], capture_output=True, text=True, check=True, timeout=120
                )
                *figures, operations, _ = done.stdout.split()
                runs.append([float(figure) for figure in figures])
            load, load_cpu, ready, ready_cpu = (statistics.median(run[column] for run in runs) for column in range(4))
            rows.append(
                f"| `{path.name}` | {path.stat().st_size / 1_000_000:.1f} MB | {operations} | {load:.2f} s "
                f"({load_cpu:.2f} s) | {ready:.2f} s ({ready_cpu:.2f} s) | ≤ {target} s | {_verdict(ready <= target)} |"
            )
    lines = [
        LOADING_HEADING,
        "",
        "`load_spec` on the largest documents: parse (JSON as JSON, YAML with libyaml), screen (jsonschema-rs",
        "against the OpenAPI meta-schema plus one walk for `$ref`s, defaults and evidence marks), build the",
        "contract model (**load**); then what a run still needs before its first check (**ready**): the copy",
        "handed to schemathesis and the document's validator registry with one validator. Wall time (CPU time",
        f"in brackets), median of {LOADING_REPEATS}, each in a fresh process, imports not counted; the target",
        "applies to ready. Generated by `python scripts/benchmark.py loading` (load average at the time: "
        + _loadavg()
        + ").",
        "",
        "| document | size | operations | load | ready | target | met |",
        "|---|---:|---:|---:|---:|---:|---|",
        *rows,
        "",
    ]
    _splice(output, lines)
    return lines


def _splice(output: Path, lines: list[str]) -> None:
    """Replace the loading section of the benchmarks page (or append it), leaving every other section alone."""
    text = output.read_text(encoding="utf-8") if output.exists() else ""
    start = text.find(LOADING_HEADING)
    if start >= 0:
        end = text.find("\n## ", start + len(LOADING_HEADING))
        text = text[:start] + text[end + 1 :] if end >= 0 else text[:start]
    output.write_text(text.rstrip("\n") + "\n\n" + "\n".join(lines), encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
