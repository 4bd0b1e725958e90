"""Regression between two runs: `compare`, `load_report`, `apiconform diff` and `run --compare-to`."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any, Final

import pytest

from apiconform.core.errors import ReportInputError
from apiconform.core.findings import Finding
from apiconform.core.regression import BaselineEntry, DriftKind
from apiconform.core.results import RunResult, SpecInfo
from apiconform.core.vocabulary import CheckClass, Evidence, ExitCode
from apiconform.report.baseline import apply_baseline
from apiconform.report.diff import compare, load_report
from tests.fixtures.cli import CliRunner
from tests.fixtures.reports import ReportRun, invoke
from tests.fixtures.results import AP_GET, AP_LIST, finding, operation, result

ENUM: Final = finding()
ENUM_OTHER_VALUE: Final = finding(actual='"BTC"')
ENUM_INFERRED: Final = finding(evidence=Evidence.INFERRED)
TYPE: Final = finding(check=CheckClass.TYPE, pointer="/totalAmount", actual='"1.0"', expected="number")
WARNING: Final = finding(check=CheckClass.STATUS_CODE, pointer="", evidence=Evidence.INFERRED, actual="status 203")


def _accepted(run: RunResult) -> RunResult:
    entry = BaselineEntry(
        operation=AP_GET, check=CheckClass.ENUM, pointer="/currency", reason="r", expires=date(2030, 1, 1)
    )
    apply_baseline(run, [entry], path="baseline.toml", today=date(2026, 6, 1))
    return run


def _identities(items: list[dict[str, Any]]) -> set[tuple[str, ...]]:
    return {(item["api"], item["operation"], item["check"], item["pointer"], item["expected"]) for item in items}


def _failure_identities(report: dict[str, Any]) -> set[tuple[str, ...]]:
    return _identities([f for f in report["findings"] if f["severity"] == "failure" and "accepted" not in f])


STATUS_403: Final = finding(check=CheckClass.ERROR_CODE, pointer="", expected="", actual="status 403", status=403)
STATUS_409: Final = finding(check=CheckClass.ERROR_CODE, pointer="", expected="", actual="status 409", status=409)


class TestIdentityWithStatus:
    """Format 2 names a finding by its response status too; a format-1 report is compared on the old identity."""

    @pytest.mark.parametrize(
        ("old_version", "new_failures", "fixed", "persisting"),
        [("2", 1, 1, 0), ("1", 0, 0, 1)],
        ids=["format-2-another-status-is-another-failure", "format-1-compared-without-status"],
    )
    def test_status_in_identity(self, old_version: str, new_failures: int, fixed: int, persisting: int) -> None:
        """A 409 where the previous run had a 403 is a new wrong answer, except against a report that predates it."""
        old = result(findings=[STATUS_403]).to_dict() | {"format_version": old_version}
        data = compare(old, result(findings=[STATUS_409]).to_dict(), previous="old.json").to_dict()
        assert (len(data["new_failures"]), len(data["fixed"]), len(data["persisting"])) == (
            new_failures,
            fixed,
            persisting,
        )

    def test_distinct_statuses_are_distinct_findings(self) -> None:
        """Within a run, the same check on the same operation with two statuses keeps two identities."""
        assert STATUS_403.identity != STATUS_409.identity
        assert STATUS_403.identity == dataclasses.replace(STATUS_403, actual="status 403 again").identity

    def test_baseline_entry_accepts_every_status(self) -> None:
        """Baseline entries name no status, so an entry written for one wrong answer keeps matching the others."""
        entry = BaselineEntry(
            operation=AP_GET, check=CheckClass.ERROR_CODE, pointer="", reason="r", expires=date(2030, 1, 1)
        )
        assert entry.matches(STATUS_403)
        assert entry.matches(STATUS_409)

    def test_format_1_report_still_loads(self, tmp_path: Path) -> None:
        """`apiconform diff` reads a report written before the format bump."""
        path = tmp_path / "report.json"
        path.write_text(json.dumps(result(findings=[STATUS_403]).to_dict() | {"format_version": "1"}), "utf-8")
        assert load_report(path)["format_version"] == "1"


class TestCompare:
    """Which bucket each finding lands in, by Finding.identity."""

    @pytest.mark.parametrize(
        ("old", "new", "new_failures", "fixed", "persisting"),
        [
            pytest.param([], [ENUM], [ENUM], [], [], id="new-failure"),
            pytest.param([ENUM], [], [], [ENUM], [], id="fixed"),
            pytest.param([ENUM], [ENUM], [], [], [ENUM], id="persisting"),
            pytest.param([ENUM], [ENUM_OTHER_VALUE], [], [], [ENUM_OTHER_VALUE], id="other-value-same-failure"),
            pytest.param([ENUM], [TYPE], [TYPE], [ENUM], [], id="one-fixed-one-new"),
            pytest.param([ENUM_INFERRED], [ENUM], [ENUM], [], [], id="warning-became-failure"),
            pytest.param([], [WARNING], [], [], [], id="new-warning-is-not-a-failure"),
        ],
    )
    def test_buckets(
        self,
        old: list[Finding],
        new: list[Finding],
        new_failures: list[Finding],
        fixed: list[Finding],
        persisting: list[Finding],
    ) -> None:
        """New, fixed and persisting failures are exactly the expected findings."""
        comparison = compare(result(findings=old).to_dict(), result(findings=new).to_dict(), previous="old.json")
        data = comparison.to_dict()
        for key, expected in (("new_failures", new_failures), ("fixed", fixed), ("persisting", persisting)):
            assert _identities(data[key]) == _identities([item.to_dict() for item in expected]), key
        assert comparison.has_new is bool(new_failures)

    @pytest.mark.parametrize(
        ("old", "new", "bucket", "note"),
        [
            pytest.param(lambda: result(findings=[ENUM]), lambda: result(findings=[]), "fixed", "now gone", id="gone"),
            pytest.param(
                lambda: result(findings=[ENUM]),
                lambda: _accepted(result(findings=[ENUM])),
                "fixed",
                "now accepted by the baseline",
                id="now-accepted",
            ),
            pytest.param(
                lambda: result(findings=[ENUM]),
                lambda: result(findings=[ENUM_INFERRED]),
                "fixed",
                "now a warning (INFERRED)",
                id="now-warning",
            ),
            pytest.param(
                lambda: result(findings=[ENUM_INFERRED]),
                lambda: result(findings=[ENUM]),
                "new_failures",
                "was a warning (INFERRED)",
                id="was-warning",
            ),
        ],
    )
    def test_notes_say_what_changed(
        self, old: Callable[[], RunResult], new: Callable[[], RunResult], bucket: str, note: str
    ) -> None:
        """A failure that stopped or started failing without appearing or vanishing says why."""
        data = compare(old().to_dict(), new().to_dict(), previous="old.json").to_dict()
        assert [item["note"] for item in data[bucket]] == [note]

    @pytest.mark.parametrize(
        ("old", "new", "kind"),
        [
            pytest.param(result(), result(findings=[WARNING]), DriftKind.WARNING_NEW, id="warning-new"),
            pytest.param(result(findings=[WARNING]), result(), DriftKind.WARNING_GONE, id="warning-gone"),
            pytest.param(
                result(findings=[ENUM]), result(findings=[ENUM_OTHER_VALUE]), DriftKind.ACTUAL_CHANGED, id="actual"
            ),
            pytest.param(
                result(),
                result(operations=[operation(), operation(AP_LIST, covered=False)]),
                DriftKind.COVERAGE_LOST,
                id="lost",
            ),
            pytest.param(
                result(operations=[operation(), operation(AP_LIST, covered=False)]),
                result(),
                DriftKind.COVERAGE_GAINED,
                id="gained",
            ),
            pytest.param(result(operations=[operation()]), result(), DriftKind.OPERATION_ADDED, id="added"),
            pytest.param(result(), result(operations=[operation()]), DriftKind.OPERATION_REMOVED, id="removed"),
            pytest.param(
                result(),
                result(specs=[SpecInfo(name="ap-invoice", path="p", title="t", version="1.1")]),
                DriftKind.SPEC_VERSION,
                id="spec-version",
            ),
        ],
    )
    def test_drift(self, old: RunResult, new: RunResult, kind: DriftKind) -> None:
        """Each kind of drift is reported once, and drift alone is nothing new."""
        comparison = compare(old.to_dict(), new.to_dict(), previous="old.json")
        assert [item.kind for item in comparison.drift] == [kind]
        assert not comparison.has_new

    def test_identical_runs_compare_empty(self) -> None:
        """A run compared with itself has no new, no fixed and no drift; its failures persist."""
        data = result(findings=[ENUM, WARNING]).to_dict()
        comparison = compare(data, data, previous="same.json")
        assert (comparison.new_failures, comparison.fixed, comparison.drift) == ((), (), ())
        assert len(comparison.persisting) == 1


class TestLoadReport:
    """Only a valid report.json is compared; anything else is one clear error."""

    @pytest.mark.parametrize(
        ("content", "message"),
        [
            pytest.param(None, "cannot read the report", id="missing"),
            pytest.param("{not json", "invalid JSON", id="not-json"),
            pytest.param("[1, 2]", "not a JSON object", id="not-object"),
            pytest.param('{"format_version": "1"}', "not a valid apiconform report.json (at /:", id="wrong-shape"),
            pytest.param(b"\xff\xfe", "not UTF-8", id="binary"),
        ],
    )
    def test_bad_input(self, tmp_path: Path, content: str | bytes | None, message: str) -> None:
        """Missing, unparsable or wrongly shaped files raise ReportInputError naming the file."""
        path = tmp_path / "report.json"
        if isinstance(content, str):
            path.write_text(content, encoding="utf-8")
        elif isinstance(content, bytes):
            path.write_bytes(content)
        with pytest.raises(ReportInputError, match=r"report\.json: ") as raised:
            load_report(path)
        assert message in str(raised.value)

    def test_valid_report_loads(self, tmp_path: Path) -> None:
        """A report written from a RunResult loads back unchanged."""
        data = result(findings=[ENUM]).to_dict()
        path = tmp_path / "report.json"
        path.write_text(json.dumps(data), encoding="utf-8")
        assert load_report(path) == data


class TestDiffCommand:
    """`apiconform diff OLD NEW` on the reports of real runs."""

    def test_clean_to_faulted_lists_exactly_the_new_failures(
        self, cli: CliRunner, clean_run: ReportRun, faulted_run: ReportRun
    ) -> None:
        """Exit 1, and the new failures are exactly the faulted run's failures; nothing fixed or persisting."""
        completed = cli(
            "diff",
            str(clean_run.directory / "report.json"),
            str(faulted_run.directory / "report.json"),
            "--format",
            "json",
        )
        assert completed.returncode == ExitCode.VIOLATIONS, completed.stderr
        data = json.loads(completed.stdout)
        assert _failure_identities(faulted_run.report)
        assert _identities(data["new_failures"]) == _failure_identities(faulted_run.report)
        assert data["fixed"] == data["persisting"] == []

    def test_text_output_names_each_new_failure(self, clean_run: ReportRun, faulted_run: ReportRun) -> None:
        """The text form has one NEW line per new failure, naming check, operation and pointer."""
        completed = invoke("diff", str(clean_run.directory), str(faulted_run.directory))
        new_lines = [line for line in completed.stdout.splitlines() if line.strip().startswith("NEW ")]
        assert new_lines == [
            "  NEW [enum] ap-invoice GET /v1/invoice/{id} /currency: enum: /currency in the 200 response"
        ]
        assert completed.stdout.startswith(f"COMPARED with {clean_run.directory} ")

    @pytest.mark.parametrize(
        ("old", "new", "exit_code", "counts"),
        [
            pytest.param("faulted", "faulted", ExitCode.CONFORMANT, (0, 0, 1), id="same"),
            pytest.param("faulted", "clean", ExitCode.CONFORMANT, (0, 1, 0), id="fixed"),
            pytest.param("clean", "clean", ExitCode.CONFORMANT, (0, 0, 0), id="clean"),
        ],
    )
    def test_nothing_new_exits_zero(
        self,
        clean_run: ReportRun,
        faulted_run: ReportRun,
        old: str,
        new: str,
        exit_code: ExitCode,
        counts: tuple[int, int, int],
    ) -> None:
        """Without new failures diff exits 0, and counts fixed and persisting ones."""
        runs = {"clean": clean_run, "faulted": faulted_run}
        completed = invoke("diff", str(runs[old].directory), str(runs[new].directory), "--format", "json")
        assert completed.returncode == exit_code, completed.stdout + completed.stderr
        data = json.loads(completed.stdout)
        assert (len(data["new_failures"]), len(data["fixed"]), len(data["persisting"])) == counts, completed.stdout

    def test_markdown_output(self, clean_run: ReportRun, faulted_run: ReportRun) -> None:
        """--format markdown prints a PR-comment-ready section."""
        completed = invoke("diff", str(clean_run.directory), str(faulted_run.directory), "--format", "markdown")
        assert completed.stdout.startswith("## apiconform diff")
        assert "**1 new**" in completed.stdout

    @pytest.mark.parametrize(
        ("setup", "message"),
        [
            pytest.param(lambda _: None, "cannot read the report", id="missing"),
            pytest.param(lambda path: path.write_text("{", encoding="utf-8"), "invalid JSON", id="not-json"),
            pytest.param(
                lambda path: path.write_text("{}", encoding="utf-8"), "not a valid apiconform report", id="not-report"
            ),
        ],
    )
    def test_bad_input_is_one_line_and_exit_2(
        self, tmp_path: Path, clean_run: ReportRun, setup: Callable[[Path], object], message: str
    ) -> None:
        """A file that is not a report: exit 2, one line on stderr naming it, nothing on stdout."""
        bad = tmp_path / "bad.json"
        setup(bad)
        completed = invoke("diff", str(bad), str(clean_run.directory))
        assert completed.returncode == ExitCode.USAGE_ERROR
        assert completed.stdout == ""
        assert completed.stderr.splitlines() == [completed.stderr.strip()]
        assert completed.stderr.startswith(f"apiconform: error: {bad}: ")
        assert message in completed.stderr


class TestCompareTo:
    """`apiconform run --compare-to PREVIOUS` does the diff inline."""

    def test_report_carries_the_comparison(self, faulted_run: ReportRun) -> None:
        """The faulted run's report.json has the comparison, whose new failures are exactly its failures."""
        comparison = faulted_run.report["comparison"]
        assert _identities(comparison["new_failures"]) == _failure_identities(faulted_run.report)
        assert comparison["previous_verdict"] == "conformant"

    def test_console_prints_the_comparison(self, faulted_run: ReportRun) -> None:
        """The console names the new failure, and the run still exits 1 for it."""
        assert faulted_run.result.returncode == ExitCode.VIOLATIONS
        assert "COMPARED with " in faulted_run.result.stdout
        assert "  NEW [enum] ap-invoice GET /v1/invoice/{id} /currency" in faulted_run.result.stdout

    def test_bad_previous_report_fails_before_the_run(self, cli: CliRunner, tmp_path: Path) -> None:
        """A --compare-to that is not a report stops the run at once: exit 2, one line, no report written."""
        bad = tmp_path / "previous.json"
        bad.write_text("[]", encoding="utf-8")
        completed = cli("run", "--compare-to", str(bad), "--report-dir", str(tmp_path / "out"))
        assert completed.returncode == ExitCode.USAGE_ERROR
        assert completed.stderr == f"apiconform: error: {bad}: not an apiconform report.json (not a JSON object)\n"
        assert not (tmp_path / "out" / "report.json").exists()


def test_diff_item_keeps_the_identity() -> None:
    """Every field of Finding.identity except the check's type survives into a diff item."""
    item = compare(result().to_dict(), result(findings=[ENUM]).to_dict(), previous="x").new_failures[0]
    assert (item.api, item.operation, item.check, item.pointer, item.expected, item.source) == (
        ENUM.api,
        ENUM.operation,
        ENUM.check.value,
        ENUM.pointer,
        ENUM.expected,
        ENUM.source,
    )
    assert dataclasses.asdict(item)["title"] == ENUM.title
