"""`run --workers N`: N worker processes, each one shard of the run against the same target, merged into one.

Processes, not threads: the run is CPU-bound in the client (hypothesis's generation, schemathesis's case
building, the HTTP stack), and threads take turns on one GIL, so schemathesis's worker threads made a
two-core run slower (0.96 x). Workers are forked from the run once it has resolved everything, the way
the embedded sandbox is: they start without importing or parsing anything again, share the one sandbox
already serving, and hold the run's secrets only in memory (no command line, no environment). Each tests
its shard with its share of the rate and request budget, prints its progress to the run's terminal and
writes report.json; the run merges those with the function `apiconform merge` uses, then judges and
writes the merge like any run.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import multiprocessing
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Final

from apiconform.cli.output import Output
from apiconform.cli.stopping import RunStopper
from apiconform.core.errors import ApiconformError
from apiconform.core.results import RunResult, shard_skip_reason
from apiconform.core.vocabulary import ExitCode
from apiconform.report.json_report import JsonReportWriter
from apiconform.report.merge import merge_results
from apiconform.runner import RunSettings
from apiconform.runner import run as run_suite

__all__ = ["Worker", "WorkerFailed", "plan", "report_directory", "run_workers"]

POLL_SECONDS: Final = 0.05
STOP_SECONDS: Final = 10.0
# With --max-time, a worker that outlives it by this much more is stopped.
GRACE_SECONDS: Final = 60.0
# After a signal, workers have this long to write their reports before they are stopped without.
INTERRUPT_GRACE_SECONDS: Final = 5.0
ERROR_FILE: Final = "error.json"


class WorkerFailed(ApiconformError):
    """A worker could not test its shard; its one-line error and exit code become the run's."""

    def __init__(self, message: str, exit_code: ExitCode) -> None:
        super().__init__(message)
        self.exit_code = exit_code


@dataclass(frozen=True, slots=True, kw_only=True)
class Worker:
    """One worker's share of the run: its shard, its limits (in its settings), where it reports."""

    settings: RunSettings
    report_dir: Path

    @property
    def name(self) -> str:
        shard = self.settings.shard or (1, 1)
        return f"worker {shard[0]}/{shard[1]}"


def plan(settings: RunSettings, workers: int, directory: Path) -> list[Worker]:
    """The workers worth starting: at most one per operation tested, and per request of the budget.

    Worker w of N tests shard (K + M*w)/(M*N) of a run that is itself shard K/M (1/1: the whole run), so
    the workers' shards together are exactly the run's, and their merge says so. The rate and the request
    budget are split between them, so the target sees no more than the run was allowed; the time limit
    holds for each, as they run side by side.
    """
    testable = sum(1 for reason in settings.skip_reasons().values() if not reason)
    limits = settings.limits
    budget = limits.max_requests
    count = max(1, min(workers, testable, budget or workers))
    index, total = settings.shard or (1, 1)
    return [
        Worker(
            settings=dataclasses.replace(
                settings,
                shard=(index + total * number, total * count),
                limits=dataclasses.replace(
                    limits,
                    rate=None if limits.rate is None else limits.rate / count,
                    max_requests=None if budget is None else budget // count + (number < budget % count),
                ),
            ),
            report_dir=directory / f"worker-{number + 1}",
        )
        for number in range(count)
    ]


def report_directory() -> tempfile.TemporaryDirectory[str]:
    """Where the workers' reports go: removed, with everything in it, once the merge is written."""
    return tempfile.TemporaryDirectory(prefix="apiconform-workers-")


def run_workers(workers: list[Worker], out: Output, stopper: RunStopper) -> RunResult:
    """Start the workers, wait for all of them (stopping the rest when one fails), merge their reports.

    A signal reaches the workers through `stopper`'s shared flag; each writes what it tested, and a worker
    that could not is reported as a shard left untested, so an interrupted run still has its reports.
    """
    started_at = datetime.now(UTC).isoformat(timespec="seconds")
    started = time.monotonic()
    seconds = workers[0].settings.limits.max_seconds
    deadline = None if seconds is None else started + seconds + GRACE_SECONDS
    context = multiprocessing.get_context("fork")
    # Whatever the run printed must not be printed again by each worker's copy of the buffers.
    sys.stdout.flush()
    sys.stderr.flush()
    processes: list[BaseProcess] = []
    try:
        for worker in workers:
            worker.report_dir.mkdir(parents=True, exist_ok=True)
            processes.append(context.Process(target=_work, args=(worker, out, stopper), name=worker.name, daemon=True))
            processes[-1].start()
            stopper.adopt(functools.partial(getattr, processes[-1], "pid"))
        _wait(processes, deadline, stopper)
    finally:
        for process in processes:
            _stop(process, at_once=bool(stopper.flag.value))
    ended = list(zip(workers, processes, strict=True))
    reported = [worker for worker in workers if _report(worker).is_file()]
    if stopper.flag.value and reported:
        sources = [(str(_report(worker)), _read(worker)) for worker in reported]
        sources += [(worker.name, _untested(worker, sources[0][1])) for worker in workers if worker not in reported]
    else:
        # The first to fail by itself is the one to tell of; the others may only have been stopped because of it.
        for worker, process in sorted(ended, key=lambda pair: (pair[1].exitcode or 0) <= 0):
            if process.exitcode != 0 or not _report(worker).is_file():
                raise _failure(worker, process.exitcode)
        sources = [(str(_report(worker)), _read(worker)) for worker in workers]
    result = merge_results(sources)
    # A worker's clock starts when it does; the run took what the parent waited.
    result.started_at = started_at
    result.duration_seconds = time.monotonic() - started
    return result


def _report(worker: Worker) -> Path:
    return worker.report_dir / JsonReportWriter.filename


def _read(worker: Worker) -> RunResult:
    return RunResult.from_dict(json.loads(_report(worker).read_text(encoding="utf-8")))


def _untested(worker: Worker, other: RunResult) -> RunResult:
    """The report a worker stopped before it could write one would have given: its shard, nothing tested."""
    reasons = worker.settings.skip_reasons()
    shard = worker.settings.shard or (1, 1)
    stopped = f"{worker.name} was stopped before it reported"
    return dataclasses.replace(
        other,
        shard=shard,
        request_count=0,
        findings=[],
        errors=[],
        stop_reason=stopped,
        baseline=None,
        enum_coverage=[],
        undocumented_fields=[],
        operations=[
            dataclasses.replace(
                operation,
                requests=0,
                checks_run=set(),
                statuses=set(),
                skip_reason=reasons.get((operation.api, operation.operation), shard_skip_reason(shard)),
                uncovered_reason="" if reasons.get((operation.api, operation.operation)) else stopped,
            )
            for operation in other.operations
        ],
    )


def _work(worker: Worker, out: Output, stopper: RunStopper) -> None:
    """In the worker: test the shard and write report.json, or leave the one-line error for the parent."""
    stopper.install_in_worker()
    try:
        result = run_suite(worker.settings, on_progress=out.plain().progress, stop=stopper.flag)
        # Not validated here: the parent validates the merged report it writes, and a stopped run is in a hurry.
        _report(worker).write_text(json.dumps(result.to_dict()), encoding="utf-8")
    except ApiconformError as exc:
        error = {"message": str(exc), "exit_code": int(exc.exit_code)}
        (worker.report_dir / ERROR_FILE).write_text(json.dumps(error), encoding="utf-8")
        sys.exit(int(exc.exit_code))


def _wait(processes: list[BaseProcess], deadline: float | None, stopper: RunStopper) -> None:
    """Until every worker has exited, one has failed, the deadline has passed, or a signal's grace is over."""
    interrupted: float | None = None
    while any(process.is_alive() for process in processes):
        if any(process.exitcode not in {None, 0} for process in processes):
            return
        now = time.monotonic()
        if deadline is not None and now > deadline:
            return
        if stopper.flag.value and interrupted is None:
            interrupted = now
        if interrupted is not None and now > interrupted + INTERRUPT_GRACE_SECONDS:
            return
        time.sleep(POLL_SECONDS)


def _stop(process: BaseProcess, *, at_once: bool) -> None:
    """A worker still running is asked to stop (SIGTERM); after a signal, its grace is over: it is killed."""
    if process.is_alive() and not at_once:
        process.terminate()
        process.join(timeout=STOP_SECONDS)
    if process.is_alive():
        process.kill()
    process.join(timeout=STOP_SECONDS)


def _failure(worker: Worker, code: int | None) -> WorkerFailed:
    """The worker's own error (usage, unreachable target) when it left one; otherwise how it ended."""
    try:
        error = json.loads((worker.report_dir / ERROR_FILE).read_text(encoding="utf-8"))
        return WorkerFailed(str(error["message"]), ExitCode(error["exit_code"]))
    except (OSError, ValueError, KeyError, TypeError):
        pass
    ending = "was stopped" if code is None or code < 0 else f"ended with exit code {code} and no report"
    return WorkerFailed(f"{worker.name} {ending}", ExitCode.USAGE_ERROR)
