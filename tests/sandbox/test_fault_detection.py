"""Each fault end to end: `apiconform run --fault NAME` as a subprocess catches it on its operation.

The runs go two at a time in the background, so the whole matrix takes about as long as half of it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import pytest

from apiconform.core.vocabulary import ExitCode, Severity
from apiconform.sandbox import FAULTS, Fault, FaultInfo
from apiconform.specs import SpecDocument

REPO_ROOT: Final = Path(__file__).resolve().parents[2]
MAX_EXAMPLES: Final = "5"
RUN_TIMEOUT: Final = 240
WORKERS: Final = 2
SPEC_NAMES: Final = [
    "ap-invoice",
    "amili/arm",
    "amili/autocollect",
    "amili/collection",
    "amili/distribution-invoice",
    "amili/distribution-partner",
    "amili/identity",
]


@dataclass(frozen=True, slots=True)
class Run:
    """A finished CLI run and its report."""

    result: subprocess.CompletedProcess[str]
    report: dict[str, Any]

    @property
    def output(self) -> str:
        return self.result.stdout[-4000:] + self.result.stderr[-2000:]


def _cli(spec: SpecDocument, report_dir: Path, *args: str) -> Run:
    command = [
        sys.executable, "-m", "apiconform", "run", "--spec", str(spec.path), "--max-examples", MAX_EXAMPLES,
        "--report-dir", str(report_dir), *args,
    ]  # fmt: skip
    env = {**os.environ, "CI": "true", "NO_COLOR": "1"}
    result = subprocess.run(
        command, cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=RUN_TIMEOUT, check=False
    )
    report_path = report_dir / "report.json"
    report = json.loads(report_path.read_text(encoding="utf-8")) if report_path.is_file() else {"findings": []}
    return Run(result=result, report=report)


def _drift_run(spec: SpecDocument, directory: Path, includes: list[str], fault: str) -> Run:
    """A clean run, then the faulty one compared with it under --fail-on-drift: how a drift fault shows."""
    previous = directory / "previous"
    _cli(spec, previous, *includes)
    return _cli(
        spec, directory / "faulty", *includes, "--fault", fault, "--compare-to", str(previous), "--fail-on-drift"
    )


@pytest.fixture(scope="module")
def runs(
    all_specs: dict[str, SpecDocument], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Callable[[str], Run]]:
    """Every fault run and every clean spec run, started in the background on first use; get one by key."""
    pool = ThreadPoolExecutor(max_workers=WORKERS)
    futures: dict[str, Future[Run]] = {}

    def start() -> None:
        for fault, info in VENDOR_FAULTS.items():
            includes = [argument for operation in info.operations for argument in ("--include", operation)]
            directory = tmp_path_factory.mktemp(f"fault-{fault.value}")
            if info.drift is not None:
                futures[fault.value] = pool.submit(_drift_run, all_specs[info.api], directory, includes, fault.value)
                continue
            futures[fault.value] = pool.submit(_cli, all_specs[info.api], directory, *includes, "--fault", fault.value)
        for name in SPEC_NAMES:
            directory = tmp_path_factory.mktemp(f"clean-{name.replace('/', '-')}")
            futures[name] = pool.submit(_cli, all_specs[name], directory)

    def get(key: str) -> Run:
        if not futures:
            start()
        return futures[key].result(timeout=RUN_TIMEOUT * 4)

    yield get
    pool.shutdown(wait=True, cancel_futures=True)


def _seen(run: Run) -> list[tuple[str, str, str]]:
    return sorted({(finding["check"], finding["operation"], finding["severity"]) for finding in run.report["findings"]})


def _detected(run: Run, info: FaultInfo) -> bool:
    if info.drift is not None:
        return any(
            item["kind"] == info.drift.value and item["operation"] == info.operation and item["pointer"] == info.pointer
            for item in run.report.get("comparison", {}).get("drift", [])
        )
    return any(
        finding["api"] == info.api
        and finding["operation"] == info.operation
        and finding["check"] == info.detected_by.value
        and finding["severity"] == info.severity.value
        for finding in run.report["findings"]
    )


# The AP faults run end to end in tests/cli/test_run.py (with the report, JUnit and curl checks); once is enough.
VENDOR_FAULTS: Final = {fault: info for fault, info in FAULTS.items() if info.api != "ap-invoice"}
DETECTION_CASES: Final = [pytest.param(fault, info, id=fault.value) for fault, info in VENDOR_FAULTS.items()]


class TestFaults:
    """Each fault switched on alone, the run focused on its operation."""

    @pytest.mark.parametrize(("fault", "info"), DETECTION_CASES)
    def test_detected_by_its_check(self, runs: Callable[[str], Run], fault: Fault, info: FaultInfo) -> None:
        """The report has a finding of the fault's check class, on its operation, at its severity."""
        run = runs(fault.value)
        assert _detected(run, info), f"expected {info.detected_by.value}/{info.severity.value}; saw {_seen(run)}"

    @pytest.mark.parametrize(("fault", "info"), DETECTION_CASES)
    def test_exit_code_follows_severity(self, runs: Callable[[str], Run], fault: Fault, info: FaultInfo) -> None:
        """A failure-severity fault exits 1; a warning-severity one exits 0; a drift fault exits 1 on its drift."""
        failing = info.severity is Severity.FAILURE or info.drift is not None
        expected = ExitCode.VIOLATIONS if failing else ExitCode.CONFORMANT
        run = runs(fault.value)
        assert run.result.returncode == expected, run.output


DRIFT_CASES: Final = [pytest.param(fault, info, id=fault.value) for fault, info in VENDOR_FAULTS.items() if info.drift]


class TestDriftFaults:
    """A documented field that stops arriving is invisible to one run and caught against the previous one."""

    @pytest.mark.parametrize(("fault", "info"), DRIFT_CASES)
    def test_fail_on_drift_names_the_field(self, runs: Callable[[str], Run], fault: Fault, info: FaultInfo) -> None:
        """`run --compare-to CLEAN --fail-on-drift` exits 1 without any failure, and its console names the field."""
        run = runs(fault.value)
        assert run.result.returncode == ExitCode.VIOLATIONS, run.output
        assert run.report["summary"]["failures"] == 0
        assert info.pointer in run.result.stdout, run.output


class TestCleanSandbox:
    """Every spec against the clean sandbox."""

    @pytest.mark.parametrize("spec_name", SPEC_NAMES)
    def test_exits_zero_covering_everything(self, runs: Callable[[str], Run], spec_name: str) -> None:
        """Exit 0, no failure, and every operation of the spec covered."""
        run = runs(spec_name)
        assert run.result.returncode == ExitCode.CONFORMANT, run.output
        summary = run.report["summary"]
        assert summary["failures"] == 0
        assert summary["operations_covered"] == summary["operations"]
