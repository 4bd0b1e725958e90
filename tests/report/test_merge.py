"""Merging shard reports: `merge_results`, reading report.json back, and `apiconform merge` on report files.

The shard reports here are hand-built RunResults written as report.json, so no sandbox is needed; the
end-to-end merge of real `run --shard` reports is in tests/cli/test_workers.py.
"""

from __future__ import annotations

import dataclasses
import json
import re
from datetime import date
from pathlib import Path
from typing import Any, Final

import pytest

from apiconform.core.errors import ReportInputError, UsageError
from apiconform.core.regression import BaselineEntry, BaselineStatus
from apiconform.core.results import OperationResult, RunResult, TargetInfo, shard_skip_reason
from apiconform.core.vocabulary import CheckClass, Evidence, ExitCode
from apiconform.report import validate_report
from apiconform.report.baseline import apply_baseline
from apiconform.report.json_report import JsonReportWriter, load_result
from apiconform.report.merge import merge_results, merged_shard
from tests.fixtures.reports import invoke
from tests.fixtures.results import AP_GET, AP_LIST, finding, operation, result

ENUM: Final = finding()
TYPE: Final = finding(check=CheckClass.TYPE, pointer="/totalAmount", actual='"1.0"', expected="number")
WARNING: Final = finding(operation=AP_LIST, check=CheckClass.STATUS_CODE, pointer="", evidence=Evidence.INFERRED)
ENTRY: Final = BaselineEntry(
    operation=AP_GET, check=CheckClass.ENUM, pointer="/currency", reason="r", expires=date(2030, 1, 1)
)
LABELS: Final = (AP_GET, AP_LIST)


def _skipped(label: str, reason: str) -> OperationResult:
    return dataclasses.replace(operation(label, covered=False), skip_reason=reason)


def shard(index: int, total: int = 2, *, tests: tuple[str, ...] = (), **overrides: Any) -> RunResult:
    """Shard index/total of a two-operation run: it tests `tests` (default: the index-th operation)."""
    tested = tests or (LABELS[index - 1],)
    operations = overrides.pop(
        "operations",
        [
            operation(label) if label in tested else _skipped(label, shard_skip_reason((index, total)))
            for label in LABELS
        ],
    )
    overrides.setdefault("request_count", 10 * index)
    overrides.setdefault("duration_seconds", float(index))
    return result(operations=operations, shard=(index, total), **overrides)


def _sources(*runs: RunResult) -> list[tuple[str, RunResult]]:
    return [(f"shard-{number}.json", run) for number, run in enumerate(runs, start=1)]


def _write(directory: Path, name: str, run: RunResult) -> Path:
    target = directory / name
    target.mkdir(parents=True, exist_ok=True)
    return JsonReportWriter().write(run, target)


class TestReadBack:
    """report.json read back is the run that wrote it: every format renders the same from either."""

    @pytest.mark.parametrize(
        "run",
        [
            pytest.param(result(), id="clean"),
            pytest.param(result(findings=[ENUM, TYPE, WARNING]), id="findings"),
            pytest.param(shard(2, 3, tests=(AP_LIST,)), id="shard"),
            pytest.param(
                result(
                    findings=[ENUM],
                    enum_coverage=[{"api": "ap-invoice", "operation": AP_GET, "pointer": "/currency", "kind": "enum",
                                    "documented": ["EUR"], "observed": ["EUR"], "evidence": "DOC"}],
                    undocumented_fields=[{"api": "ap-invoice", "operation": AP_GET, "pointers": ["/extra"]}],
                    errors=["ap-invoice: GET /v1/invoice/{id}: connection reset"],
                    stop_reason="request budget of 10 reached",
                ),
                id="observations-errors-stop",
            ),
        ],
    )  # fmt: skip
    def test_round_trip(self, run: RunResult, tmp_path: Path) -> None:
        assert load_result(_write(tmp_path, "r", run)).to_dict() == run.to_dict()

    def test_baseline_judgement_is_kept(self, tmp_path: Path) -> None:
        run = result(findings=[ENUM, TYPE])
        apply_baseline(run, [ENTRY], path="baseline.toml", today=date(2026, 6, 1))
        assert load_result(_write(tmp_path, "r", run)).to_dict() == run.to_dict()

    def test_shard_is_in_the_report(self) -> None:
        data = shard(1).to_dict()
        validate_report(data)
        assert data["run"]["shard"] == {"index": 1, "total": 2}
        assert "shard" not in result().to_dict()["run"]


class TestMergedShard:
    @pytest.mark.parametrize(
        ("shards", "expected"),
        [
            pytest.param([(1, 2), (2, 2)], None, id="both-halves-are-the-run"),
            pytest.param([(2, 2), (1, 2)], None, id="any-order"),
            pytest.param([(1, 2)], (1, 2), id="one-shard-alone"),
            pytest.param([(1, 4), (3, 4)], (1, 2), id="quarters-make-a-half"),
            pytest.param([(2, 6), (4, 6), (6, 6)], (2, 2), id="sixths-make-a-half"),
            pytest.param([(1, 3), (2, 3), (3, 3)], None, id="thirds"),
        ],
    )
    def test_shards_combine(self, shards: list[tuple[int, int]], expected: tuple[int, int] | None) -> None:
        runs = [result(shard=pair) for pair in shards]
        assert merged_shard(_sources(*runs)) == expected

    @pytest.mark.parametrize(
        ("shards", "error", "message"),
        [
            pytest.param([(1, 3), (2, 3)], UsageError, "missing: 3/3", id="missing-shard"),
            pytest.param([(1, 4), (2, 4)], UsageError, "missing: 3/4, 4/4", id="not-a-residue-class"),
            pytest.param([(1, 2), (1, 2)], ReportInputError, "shard 1/2 again", id="same-shard-twice"),
            pytest.param([(1, 2), (2, 3)], ReportInputError, "not one of", id="other-total"),
            pytest.param([(1, 2), None], ReportInputError, "a whole run", id="whole-run-and-shard"),
        ],
    )
    def test_shards_that_do_not_fit(
        self, shards: list[tuple[int, int] | None], error: type[Exception], message: str
    ) -> None:
        runs = [result(shard=pair) for pair in shards]
        with pytest.raises(error, match=message):
            merged_shard(_sources(*runs))


class TestMergeResults:
    def test_each_operation_comes_from_the_shard_that_tested_it(self) -> None:
        merged = merge_results(_sources(shard(1), shard(2)))
        assert [(op.operation, op.covered, op.skip_reason) for op in merged.operations] == [
            (AP_GET, True, ""),
            (AP_LIST, True, ""),
        ]
        assert merged.shard is None

    def test_counts_are_summed_and_time_is_the_slowest_shard(self) -> None:
        merged = merge_results(_sources(shard(1, request_count=7), shard(2, request_count=5, duration_seconds=9.0)))
        assert (merged.request_count, merged.duration_seconds) == (12, 9.0)

    def test_findings_are_concatenated_and_repeats_counted_once(self) -> None:
        first = shard(1, findings=[ENUM, TYPE])
        second = shard(2, findings=[WARNING, dataclasses.replace(ENUM, occurrences=2)])
        merged = merge_results(_sources(first, second))
        assert [(f.check, f.occurrences) for f in merged.findings] == [
            (CheckClass.ENUM, 3),
            (CheckClass.TYPE, 1),
            (CheckClass.STATUS_CODE, 1),
        ]
        assert merged.exit_code is ExitCode.VIOLATIONS

    def test_a_reason_other_than_the_shard_wins(self) -> None:
        first = shard(1)
        first.operations[1] = _skipped(AP_LIST, "not selected by --include")
        second = shard(2, tests=("none",))
        second.operations[1] = _skipped(AP_LIST, "not selected by --include")
        assert merge_results(_sources(first, second)).operations[1].skip_reason == "not selected by --include"

    def test_a_partial_merge_says_which_shard_it_is(self) -> None:
        merged = merge_results(_sources(shard(1, 4, tests=(AP_GET,)), shard(3, 4, tests=("none",))))
        assert merged.shard == (1, 2)
        assert merged.operations[1].skip_reason == shard_skip_reason((1, 2))

    def test_errors_stop_reasons_and_observations_are_combined(self) -> None:
        def observed(*values: str) -> dict[str, Any]:
            return {"api": "ap-invoice", "operation": AP_GET, "pointer": "/currency", "kind": "enum",
                    "documented": ["EUR", "USD"], "observed": list(values), "evidence": "DOC"}  # fmt: skip

        def fields(*pointers: str) -> dict[str, Any]:
            return {"api": "ap-invoice", "operation": AP_GET, "pointers": list(pointers)}

        first = shard(1, errors=["a", "b"], enum_coverage=[observed("EUR")], undocumented_fields=[fields("/x")])
        second = shard(2, errors=["b", "c"], stop_reason="time limit of 5 s reached",
                       enum_coverage=[observed("USD", "EUR")], undocumented_fields=[fields("/y")])  # fmt: skip
        merged = merge_results(_sources(first, second))
        assert merged.errors == ["a", "b", "c"]
        assert merged.stop_reason == "time limit of 5 s reached"
        assert merged.enum_coverage[0]["observed"] == ["EUR", "USD"]
        assert merged.undocumented_fields == [{"api": "ap-invoice", "operation": AP_GET, "pointers": ["/x", "/y"]}]

    def test_documented_fields_are_joined_per_status(self) -> None:
        """Each shard's documented fields join per operation and status, so no field looks gone after a merge."""

        def seen(status: int, *pointers: str) -> dict[str, Any]:
            return {"api": "ap-invoice", "operation": AP_GET, "status": status, "pointers": list(pointers)}

        first = shard(1, documented_fields=[seen(200, "/id"), seen(404)])
        second = shard(2, documented_fields=[seen(200, "/status")])
        merged = merge_results(_sources(first, second))
        assert merged.documented_fields == [seen(200, "/id", "/status"), seen(404)]

    def test_baseline_entries_merge_by_what_any_shard_did(self) -> None:
        first, second = shard(1, findings=[ENUM]), shard(2)
        for run in (first, second):
            apply_baseline(run, [ENTRY], path="baseline.toml", today=date(2026, 6, 1))
        merged = merge_results(_sources(first, second))
        assert merged.baseline is not None
        assert [(o.status, o.matched) for o in merged.baseline.entries] == [(BaselineStatus.USED, 1)]
        assert merged.exit_code is ExitCode.CONFORMANT

    @pytest.mark.parametrize(
        ("second", "message"),
        [
            pytest.param(shard(2, seed=7), "seed 7 instead of 0", id="seed"),
            pytest.param(shard(2, max_examples=50), "max examples 50 instead of 5", id="max-examples"),
            pytest.param(shard(2, tool_version="9.9"), "apiconform version 9.9", id="version"),
            pytest.param(shard(2, operations=[operation(AP_GET)]), "operations differ", id="operations"),
            pytest.param(
                shard(2, target=TargetInfo(name="vendor", base_url="https://api.vendor.example", embedded=False)),
                "target vendor (https://api.vendor.example) instead of sandbox (the embedded sandbox)",
                id="target",
            ),
        ],
    )
    def test_reports_of_other_runs_are_refused(self, second: RunResult, message: str) -> None:
        with pytest.raises(ReportInputError, match=re.escape(message)):
            merge_results(_sources(shard(1), second))

    def test_the_same_operation_tested_twice_is_an_overlap(self) -> None:
        with pytest.raises(UsageError, match="tested by both"):
            merge_results(_sources(shard(1, tests=LABELS), shard(2)))


class TestMergeCommand:
    """`apiconform merge`, in this process: exit codes and the one-line errors."""

    def test_merged_reports_are_written_and_conform(self, tmp_path: Path) -> None:
        paths = [_write(tmp_path, f"shard-{index}", shard(index)) for index in (1, 2)]
        done = invoke("merge", str(paths[0].parent), str(paths[1]), "--report-dir", str(tmp_path / "out"),
                      "--no-history")  # fmt: skip
        assert done.returncode == ExitCode.CONFORMANT, done.stderr
        report = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
        assert (report["summary"]["operations_covered"], report["run"]["request_count"]) == (2, 30)
        assert {path.name for path in (tmp_path / "out").iterdir()} >= {"junit.xml", "report.html", "summary.md"}

    def test_a_failure_in_one_shard_fails_the_merge(self, tmp_path: Path) -> None:
        paths = [_write(tmp_path, "a", shard(1, findings=[ENUM])), _write(tmp_path, "b", shard(2))]
        done = invoke("merge", *map(str, paths), "--report-dir", str(tmp_path / "out"), "--no-history")
        assert done.returncode == ExitCode.VIOLATIONS

    def test_baseline_applies_to_the_merge(self, tmp_path: Path) -> None:
        baseline = tmp_path / "baseline.toml"
        baseline.write_text(
            f'[[accept]]\noperation = "{AP_GET}"\ncheck = "enum"\npointer = "/currency"\nreason = "r"\n'
            "expires = 2999-01-01\n",
            encoding="utf-8",
        )
        paths = [_write(tmp_path, "a", shard(1, findings=[ENUM])), _write(tmp_path, "b", shard(2))]
        done = invoke("merge", *map(str, paths), "--report-dir", str(tmp_path / "out"), "--no-history",
                      "--baseline", str(baseline))  # fmt: skip
        assert done.returncode == ExitCode.CONFORMANT, done.stdout

    @pytest.mark.parametrize(
        ("inputs", "message"),
        [
            pytest.param(["missing.json"], "cannot read the report", id="missing-file"),
            pytest.param(["not-json"], "invalid JSON", id="not-json"),
            pytest.param(["a", "a"], "shard 1/2 again", id="same-shard-twice"),
            pytest.param(["a", "other-seed"], "seed 3 instead of 0", id="other-seed"),
            pytest.param(["third"], "shards missing: 2/3, 3/3", id="one-third-alone"),
            pytest.param(["a"], "shards missing: 2/2", id="one-half-alone"),
        ],
    )
    def test_bad_input_is_one_line_and_exit_2(self, inputs: list[str], message: str, tmp_path: Path) -> None:
        _write(tmp_path, "a", shard(1))
        _write(tmp_path, "other-seed", shard(2, seed=3))
        _write(tmp_path, "third", shard(1, 3, tests=(AP_GET,)))
        (tmp_path / "not-json").write_text("{", encoding="utf-8")
        done = invoke("merge", *(str(tmp_path / name) for name in inputs), "--report-dir", str(tmp_path / "out"),
                      "--no-history")  # fmt: skip
        assert done.returncode == ExitCode.USAGE_ERROR
        assert done.stderr.count("\n") == 1
        assert done.stderr.startswith("apiconform: error: ")
        assert message in done.stderr
        assert not (tmp_path / "out").exists()
