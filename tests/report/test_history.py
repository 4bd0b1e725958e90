"""The history database: recording runs, the trend, `apiconform history`, and what real runs left in it."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any, Final

import pytest

from apiconform.core.errors import ReportInputError
from apiconform.core.results import TargetInfo
from apiconform.core.vocabulary import CheckClass, ExitCode
from apiconform.report.history import SCHEMA_VERSION, HistoryDatabase, series_of
from tests.fixtures.cli import CliRunner
from tests.fixtures.reports import ReportRun, invoke
from tests.fixtures.results import AP_GET, finding, result

STAGING: Final = TargetInfo(name="vendor-staging", base_url="https://staging.example", embedded=False)


def _report(*, failing: bool = False, target: TargetInfo | None = None) -> dict[str, Any]:
    run = result(findings=[finding()] if failing else [])
    if target is not None:
        run.target = target
    return run.to_dict()


@pytest.fixture
def database(tmp_path: Path) -> HistoryDatabase:
    """An empty history database in this test's tmp_path."""
    return HistoryDatabase(tmp_path / "history.sqlite")


class TestRecord:
    """A run goes in from its report.json document, facts and per-check results."""

    def test_run_facts(self, database: HistoryDatabase) -> None:
        """The recorded run has the report's verdict, counts, pass rate and series."""
        report = _report(failing=True)
        run_id = database.record(report, report_dir="reports")
        row = database.run(run_id)
        assert row is not None
        assert (row.verdict, row.failures, row.warnings, row.accepted) == ("violations", 1, 0, 0)
        assert row.pass_rate == report["summary"]["pass_rate"]
        assert row.series == "sandbox:ap-invoice"
        assert row.specs == ["ap-invoice"]
        assert row.report_dir == "reports"

    def test_per_check_results(self, database: HistoryDatabase) -> None:
        """Every operation × check cell is stored with its status and finding count."""
        run_id = database.record(_report(failing=True), report_dir="reports")
        cells = database.check_results(run_id)
        assert len(cells) == 2 * len(CheckClass)
        enum = next(cell for cell in cells if cell.operation == AP_GET and cell.check == "enum")
        assert (enum.status, enum.findings) == ("fail", 1)

    def test_trend_is_oldest_first_and_per_series(self, database: HistoryDatabase) -> None:
        """The trend holds only the series' runs, oldest first, at most `limit`."""
        ids = [database.record(_report(failing=index == 1), report_dir="r") for index in range(3)]
        database.record(_report(target=STAGING), report_dir="r")
        trend = database.trend("sandbox:ap-invoice")
        assert [point.run_id for point in trend] == ids
        assert [point.verdict for point in trend] == ["conformant", "violations", "conformant"]
        assert [point.run_id for point in database.trend("sandbox:ap-invoice", limit=2)] == ids[1:]

    def test_runs_newest_first_and_by_target(self, database: HistoryDatabase) -> None:
        """runs() lists newest first; target= keeps one target's runs."""
        first = database.record(_report(), report_dir="r")
        second = database.record(_report(target=STAGING), report_dir="r")
        assert [row.run_id for row in database.runs(limit=10)] == [second, first]
        assert [row.run_id for row in database.runs(limit=10, target="vendor-staging")] == [second]

    def test_older_report_without_cell_counts(self, database: HistoryDatabase) -> None:
        """A report from before summary.cells and pass_rate existed still records, its pass rate computed."""
        report = _report(failing=True)
        expected = report["summary"].pop("pass_rate")
        del report["summary"]["cells"]
        row = database.run(database.record(report, report_dir="r"))
        assert row is not None
        assert row.pass_rate == expected

    def test_series_names_target_and_specs(self) -> None:
        """A series is the target name and the sorted spec names."""
        assert series_of(_report(target=STAGING)) == "vendor-staging:ap-invoice"


class TestBadDatabase:
    """A file that is not a usable history database is one ReportInputError."""

    @pytest.mark.parametrize(
        ("prepare", "create", "message"),
        [
            pytest.param(None, False, "no history database here", id="missing-read-only"),
            pytest.param(b"not sqlite at all, just text" * 10, True, "not a usable history database", id="garbage"),
            pytest.param("other-tables", True, "not an apiconform history database", id="other-sqlite"),
            pytest.param("newer-schema", True, "newer than this apiconform's", id="newer-schema"),
            pytest.param(b"", False, "an empty file", id="empty-read-only"),
        ],
    )
    def test_rejected(self, tmp_path: Path, prepare: bytes | str | None, create: bool, message: str) -> None:
        """The error names the file and says what is wrong with it."""
        path = tmp_path / "history.sqlite"
        if isinstance(prepare, bytes):
            path.write_bytes(prepare)
        elif prepare is not None:
            with sqlite3.connect(path) as connection:
                if prepare == "other-tables":
                    connection.execute("CREATE TABLE invoices (id TEXT)")
                else:
                    connection.execute("CREATE TABLE runs (id INTEGER)")
                    connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
            connection.close()
        with pytest.raises(ReportInputError, match=message):
            HistoryDatabase(path, create=create)

    def test_read_only_never_writes(self, tmp_path: Path) -> None:
        """Opening an existing database read-only refuses to record."""
        path = tmp_path / "history.sqlite"
        HistoryDatabase(path).close()
        with HistoryDatabase(path, create=False) as database, pytest.raises(ReportInputError, match="cannot record"):
            database.record(_report(), report_dir="r")


class TestRealRuns:
    """The clean and the faulted run, recorded one after the other in one database."""

    def test_default_location_is_the_report_dir(self, clean_run: ReportRun, history_db: Path) -> None:
        """Without --history, the run records into <report dir>/history.sqlite and says so."""
        assert history_db.is_file()
        assert history_db.parent == clean_run.directory
        assert f"HISTORY run #1 in {history_db}" in clean_run.result.stdout

    def test_report_carries_the_trend(self, faulted_run: ReportRun, history_db: Path) -> None:
        """The second run's report.json names its run id and has both runs, oldest first, as its trend."""
        history = faulted_run.report["history"]
        assert history["run_id"] == 2
        assert history["database"] == str(history_db)
        assert [point["verdict"] for point in history["runs"]] == ["conformant", "violations"]
        assert history["runs"][0]["pass_rate"] == 1.0
        assert history["runs"][1]["pass_rate"] < 1.0

    def test_no_history_records_nothing(self, baseline_runs: dict[str, ReportRun]) -> None:
        """--no-history leaves no database and no history section."""
        run = baseline_runs["accepting"]
        assert not (run.directory / "history.sqlite").exists()
        assert "history" not in run.report


class TestHistoryCommand:
    """`apiconform history` reading the database the real runs left."""

    def test_lists_runs_newest_first(self, cli: CliRunner, faulted_run: ReportRun, history_db: Path) -> None:
        """Both runs are listed, newest first, with a pass-rate trend for their series."""
        completed = cli("history", "--db", str(history_db))
        assert completed.returncode == ExitCode.CONFORMANT, completed.stderr
        lines = completed.stdout.splitlines()
        assert lines[0] == f"history: {history_db}: 2 runs, newest first"
        assert lines[2].split()[:4] == ["#2", faulted_run.report["run"]["started_at"], "sandbox", "violations"]
        assert lines[3].split()[3] == "conformant"
        assert lines[-1].startswith("trend sandbox:ap-invoice: 100% → ")

    @pytest.mark.usefixtures("faulted_run")
    def test_report_dir_finds_the_default_database(self, clean_run: ReportRun) -> None:
        """--report-dir reads <report dir>/history.sqlite."""
        completed = invoke("history", "--report-dir", str(clean_run.directory), "--format", "json")
        data = json.loads(completed.stdout)
        assert [row["verdict"] for row in data["runs"]] == ["violations", "conformant"]
        assert [row["failures"] for row in data["runs"]] == [1, 0]

    @pytest.mark.usefixtures("faulted_run")
    def test_one_run_per_check(self, history_db: Path) -> None:
        """--run ID lists that run's failing cells."""
        completed = invoke("history", "--db", str(history_db), "--run", "2")
        assert "  FAIL     ap-invoice GET /v1/invoice/{id} [enum] (1 finding(s))" in completed.stdout
        data = json.loads(invoke("history", "--db", str(history_db), "--run", "2", "--format", "json").stdout)
        assert {cell["status"] for cell in data["checks"] if cell["check"] == "enum"} == {"fail"}

    @pytest.mark.parametrize(
        ("args", "message"),
        [
            pytest.param(("--db", "{tmp}/none.sqlite"), "no history database here", id="missing"),
            pytest.param(("--db", "{db}", "--run", "99"), "no run #99", id="unknown-run"),
        ],
    )
    def test_bad_input_is_one_line_and_exit_2(
        self, tmp_path: Path, history_db: Path, args: tuple[str, ...], message: str
    ) -> None:
        """A missing database or an unknown run: exit 2, one line on stderr."""
        completed = invoke("history", *(arg.format(tmp=tmp_path, db=history_db) for arg in args))
        assert completed.returncode == ExitCode.USAGE_ERROR
        assert len(completed.stderr.splitlines()) == 1
        assert completed.stderr.startswith("apiconform: error: ")
        assert message in completed.stderr
