"""`run --workers N` and `run --shard K/N` + `apiconform merge`, end to end as subprocesses, and the worker plan.

The runs use the AP invoice spec (one operation) with the small identity spec (four), so two workers have
work; few examples keep each run to a few seconds.
"""

from __future__ import annotations

import dataclasses
import socket
import subprocess
from pathlib import Path
from typing import Any, Final

import pytest

from apiconform.cli.parallel import Worker, plan
from apiconform.core.results import shard_skip_reason
from apiconform.core.vocabulary import ExitCode
from apiconform.report import validate_report
from apiconform.runner import ApiTarget, RunSettings
from apiconform.runner.limits import RunLimits
from apiconform.sandbox import FAULTS, Fault
from apiconform.specs import SpecDocument, load_spec
from tests.fixtures.cli import AP_SPEC, REPO_ROOT, load_report, run_cli

IDENTITY_SPEC: Final = "specs/amili/identity.yaml"
SPECS: Final = ("--spec", AP_SPEC, "--spec", IDENTITY_SPEC, "--max-examples", "2", "--no-history")
OPERATIONS: Final = 5
FAULT: Final = Fault.AP_ENUM_OUT_OF_SET


def _run(directory: Path, *args: str) -> tuple[subprocess.CompletedProcess[str], Path]:
    reports = directory / "reports"
    return run_cli("run", *SPECS, "--report-dir", str(reports), *args, tmp_path=directory), reports


def _covered(report: dict[str, Any]) -> list[str]:
    return [f"{op['api']} {op['operation']}" for op in report["operations"] if op["covered"]]


@pytest.fixture(scope="module")
def workers_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess[str], Path]:
    return _run(tmp_path_factory.mktemp("workers"), "--workers", "2")


class TestWorkers:
    def test_conforms_with_every_operation_covered(self, workers_run: tuple[Any, Path]) -> None:
        result, reports = workers_run
        assert result.returncode == ExitCode.CONFORMANT, result.stdout + result.stderr
        report = load_report(reports)
        validate_report(report)
        assert len(_covered(report)) == OPERATIONS
        assert "shard" not in report["run"]

    def test_all_four_formats_are_written_once(self, workers_run: tuple[Any, Path]) -> None:
        _, reports = workers_run
        assert {path.name for path in reports.iterdir()} == {"report.json", "junit.xml", "report.html", "summary.md"}

    def test_progress_of_both_workers_and_one_summary(self, workers_run: tuple[Any, Path]) -> None:
        result, _ = workers_run
        assert "apiconform: 2 worker processes, one shard each" in result.stdout
        assert "  [ap-invoice] " in result.stdout
        assert "  [amili/identity] " in result.stdout
        assert result.stdout.count("apiconform: conformant:") == 1
        assert result.stderr == ""

    def test_a_fault_is_caught_through_the_workers(self, tmp_path: Path) -> None:
        info = FAULTS[FAULT]
        result, reports = _run(tmp_path, "--workers", "2", "--fault", FAULT.value)
        assert result.returncode == ExitCode.VIOLATIONS, result.stdout + result.stderr
        found = {(f["api"], f["operation"], f["check"]) for f in load_report(reports)["findings"]}
        assert (info.api, info.operation, info.detected_by.value) in found

    def test_workers_within_a_shard_report_that_shard(self, tmp_path: Path) -> None:
        result, reports = _run(tmp_path, "--workers", "2", "--shard", "2/2")
        assert result.returncode == ExitCode.CONFORMANT, result.stdout + result.stderr
        report = load_report(reports)
        assert report["run"]["shard"] == {"index": 2, "total": 2}
        skipped = {op["skip_reason"] for op in report["operations"] if not op["covered"]}
        assert skipped == {shard_skip_reason((2, 2))}

    def test_the_request_budget_holds_for_the_whole_run(self, tmp_path: Path) -> None:
        result, reports = _run(tmp_path, "--workers", "2", "--max-requests", "30")
        report = load_report(reports)
        assert result.returncode == ExitCode.INCOMPLETE, result.stdout + result.stderr
        assert report["run"]["request_count"] <= 30
        assert "budget" in report["run"]["stop_reason"]
        assert report["verdict"] == "incomplete"

    def test_an_unreachable_target_is_one_line_and_exit_3(self, tmp_path: Path) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        result, _ = _run(tmp_path, "--workers", "2", "--base-url", f"http://127.0.0.1:{port}")
        assert result.returncode == ExitCode.TARGET_UNREACHABLE
        assert result.stderr.count("\n") == 1
        assert result.stderr.startswith("apiconform: error: target unreachable")


class TestShardsAndMerge:
    def test_merged_shards_cover_what_the_workers_covered(self, tmp_path: Path, workers_run: tuple[Any, Path]) -> None:
        shard_dirs = []
        for index in (1, 2):
            result, reports = _run(tmp_path / f"shard-{index}", "--shard", f"{index}/2")
            assert result.returncode == ExitCode.CONFORMANT, result.stdout + result.stderr
            shard_dirs.append(reports)
        merged = tmp_path / "merged"
        result = run_cli("merge", *map(str, shard_dirs), "--report-dir", str(merged), "--no-history", tmp_path=tmp_path)
        assert result.returncode == ExitCode.CONFORMANT, result.stdout + result.stderr
        report = load_report(merged)
        assert "shard" not in report["run"]
        assert _covered(report) == _covered(load_report(workers_run[1]))
        shards = [load_report(directory) for directory in shard_dirs]
        assert report["run"]["request_count"] == sum(s["run"]["request_count"] for s in shards)


@pytest.fixture(scope="module")
def specs() -> list[SpecDocument]:
    return [load_spec(REPO_ROOT / path, root=REPO_ROOT / "specs") for path in (AP_SPEC, IDENTITY_SPEC)]


def _plan(specs: list[SpecDocument], workers: int, **overrides: Any) -> list[Worker]:
    apis = [ApiTarget(spec=spec, base_url="http://127.0.0.1:9", allow_writes=True) for spec in specs]
    settings = dataclasses.replace(RunSettings(apis=apis, target_name="t"), **overrides)
    return plan(settings, workers, Path("/nonexistent"))


class TestPlan:
    @pytest.mark.parametrize(
        ("workers", "overrides", "shards"),
        [
            pytest.param(2, {}, [(1, 2), (2, 2)], id="two"),
            pytest.param(3, {"shard": (2, 2)}, [(2, 6), (4, 6), (6, 6)], id="three-within-shard-2-of-2"),
            pytest.param(8, {}, [(index, OPERATIONS) for index in range(1, OPERATIONS + 1)], id="one-per-operation"),
            pytest.param(4, {"include": frozenset({"GET /health"})}, [(1, 1)], id="one-operation-one-worker"),
            pytest.param(4, {"limits": RunLimits(max_requests=2)}, [(1, 2), (2, 2)], id="one-per-request-of-budget"),
        ],
    )
    def test_shards(
        self, specs: list[SpecDocument], workers: int, overrides: dict[str, Any], shards: list[tuple[int, int]]
    ) -> None:
        assert [worker.settings.shard for worker in _plan(specs, workers, **overrides)] == shards

    def test_rate_and_budget_are_split_time_is_not(self, specs: list[SpecDocument]) -> None:
        limits = RunLimits(rate=6.0, max_requests=101, max_seconds=60.0)
        planned = [worker.settings.limits for worker in _plan(specs, 3, limits=limits)]
        assert [(x.rate, x.max_requests, x.max_seconds) for x in planned] == [
            (2.0, 34, 60.0),
            (2.0, 34, 60.0),
            (2.0, 33, 60.0),
        ]
