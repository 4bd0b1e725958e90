"""`apiconform diff` and `apiconform history`, and what `run` does with --baseline, --compare-to and --history.

A run reads every file it was given before it sends a request, so a typo in a baseline fails in a second
(exit 2, one line), not after a long run. After the run, in this order: the baseline marks accepted
findings, the comparison is computed, the run is recorded in the history database, and the reports are
written, so report.json, report.html and summary.md all carry the comparison and the trend.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, NoReturn

import click

from apiconform.cli.options import CONFIG_OPTION, FAIL_ON_DRIFT_OPTION, HISTORY_ENV
from apiconform.cli.output import Output, fail
from apiconform.core.errors import ApiconformError
from apiconform.core.results import percent
from apiconform.core.vocabulary import ExitCode, Verdict
from apiconform.report.history import DEFAULT_HISTORY_FILE, HistoryDatabase, RunRow

if TYPE_CHECKING:
    from apiconform.core.regression import BaselineEntry
    from apiconform.core.results import RunResult

__all__ = ["RunReportOptions", "RunReporting", "conclude", "diff", "history", "report_file"]

TREND_SHOWN: Final = 10
DEFAULT_LIMIT: Final = 20


def report_file(path: Path) -> Path:
    """A report directory stands for the report.json in it."""
    return path / "report.json" if path.is_dir() else path


@dataclass(frozen=True, slots=True, kw_only=True)
class RunReportOptions:
    """The `run` options about judging and keeping a run, beyond the spec itself."""

    baseline: Path | None = None
    compare_to: Path | None = None
    history: Path | None = None  # None: <report dir>/history.sqlite
    record_history: bool = True


class RunReporting:
    """Reads the baseline, the previous report and the history database up front; applies them after the run."""

    def __init__(self, options: RunReportOptions, directory: Path) -> None:
        from apiconform.report.baseline import load_baseline
        from apiconform.report.diff import load_report

        self.options = options
        self.directory = directory
        self.entries: list[BaselineEntry] | None = None
        if options.baseline is not None:
            self.entries = load_baseline(options.baseline)
        self.previous: dict[str, Any] | None = None
        if options.compare_to is not None:
            self.previous = load_report(report_file(options.compare_to))
        self.history_path: Path | None = None
        if options.record_history:
            self.history_path = options.history or directory / DEFAULT_HISTORY_FILE
            HistoryDatabase.check(self.history_path)

    def finish(self, result: RunResult) -> list[Path]:
        """Judge the finished run against the baseline and the previous run, record it, write every report."""
        from apiconform.core.regression import HistoryTrend
        from apiconform.report.baseline import apply_baseline
        from apiconform.report.diff import compare
        from apiconform.report.history import series_of
        from apiconform.report.writers import write_reports

        if self.entries is not None and self.options.baseline is not None:
            today = date.fromisoformat(result.started_at[:10])
            apply_baseline(result, self.entries, path=str(self.options.baseline), today=today)
        if self.previous is not None and self.options.compare_to is not None:
            result.comparison = compare(self.previous, result.to_dict(), previous=str(self.options.compare_to))
        if self.history_path is not None:
            report = result.to_dict()
            with HistoryDatabase(self.history_path) as database:
                run_id = database.record(report, report_dir=str(self.directory))
                trend = database.trend(series_of(report))
            result.history = HistoryTrend(
                database=str(self.history_path), series=series_of(report), run_id=run_id, runs=tuple(trend)
            )
        return write_reports(result, self.directory)


def conclude(
    out: Output, result: RunResult, paths: list[Path], *, fail_on_drift: bool, signal_exit: int | None = None
) -> NoReturn:
    """The console summary of a judged run, then its exit code.

    1 on a failure (or on drift with --fail-on-drift), 4 when incomplete; a run a signal stopped exits as
    a shell expects of it (130, 143) whatever it found, so a CI job that was cancelled reads as cancelled.
    """
    from apiconform.report.console import ConsoleSummary

    for line in ConsoleSummary(out.style).lines(result, paths):
        out.line(line)
    code = int(result.exit_code)
    if fail_on_drift and result.comparison is not None and result.comparison.drift:
        out.line(f"apiconform: {len(result.comparison.drift)} drift items since the previous run (--fail-on-drift)")
        code = int(ExitCode.VIOLATIONS)
    sys.exit(code if signal_exit is None else signal_exit)


@click.command()
@click.argument("old", type=click.Path(path_type=Path))
@click.argument("new", type=click.Path(path_type=Path))
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "markdown", "json"]),
    default="text",
    show_default=True,
    help="markdown suits a pull-request comment; json is the comparison section of report.json.",
)
@FAIL_ON_DRIFT_OPTION
def diff(old: Path, new: Path, output_format: str, fail_on_drift: bool) -> None:
    """Compare two report.json files (or report directories): new, fixed and persisting failures, and drift.

    Exit codes: 0 nothing new, 1 new failures (or any drift with --fail-on-drift), 2 a file that is not a report.
    """
    from apiconform.report.console import comparison_lines
    from apiconform.report.diff import compare, load_report
    from apiconform.report.markdown import comparison_markdown

    try:
        previous, current = load_report(report_file(old)), load_report(report_file(new))
    except ApiconformError as exc:
        fail(exc)
    comparison = compare(previous, current, previous=str(old))
    out = Output()
    if output_format == "json":
        out.line(json.dumps(comparison.to_dict(), indent=2, ensure_ascii=False))
    elif output_format == "markdown":
        out.line(comparison_markdown(comparison.to_dict()).rstrip("\n"))
    else:
        for line in comparison_lines(comparison, out.style):
            out.line(line)
    failed = comparison.has_new or (fail_on_drift and bool(comparison.drift))
    sys.exit(int(ExitCode.VIOLATIONS if failed else ExitCode.CONFORMANT))


@click.command()
@click.option(
    "--db",
    "database",
    type=click.Path(path_type=Path, dir_okay=False),
    envvar=HISTORY_ENV,
    help=f"History database; default: <report dir>/{DEFAULT_HISTORY_FILE} (or ${HISTORY_ENV}).",
)
@click.option(
    "--report-dir", type=click.Path(path_type=Path, file_okay=False), help="Report directory; default: reports/."
)
@CONFIG_OPTION
@click.option("--target", help="Only runs against this target.")
@click.option("--limit", type=click.IntRange(min=1), default=DEFAULT_LIMIT, show_default=True, help="Runs to list.")
@click.option("--run", "run_id", type=click.IntRange(min=1), help="Show one run's per-check results.")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
def history(
    database: Path | None,
    report_dir: Path | None,
    config_path: Path | None,
    target: str | None,
    limit: int,
    run_id: int | None,
    output_format: str,
) -> None:
    """List recorded runs, newest first, with a pass-rate trend per series; or one run's per-check results."""
    from apiconform.cli import resolve

    out = Output()
    try:
        if database is None:
            config = resolve.load_config(config_path)
            directory = resolve.report_dir(resolve.RunRequest(report_dir=report_dir), config)
            database = directory / DEFAULT_HISTORY_FILE
        with HistoryDatabase(database, create=False) as db:
            if run_id is not None:
                _show_run(out, db, run_id, output_format)
                return
            runs = db.runs(limit=limit, target=target)
            trends = {series: db.trend(series) for series in dict.fromkeys(row.series for row in runs)}
    except ApiconformError as exc:
        fail(exc)
    if output_format == "json":
        out.line(json.dumps({"database": str(database), "runs": [row.to_dict() for row in runs]}, indent=2))
        return
    if not runs:
        out.line(f"history: {database}: no runs recorded" + (f" for target {target}" if target else ""))
        return
    out.line(f"history: {database}: {len(runs)} run{'s' if len(runs) != 1 else ''}, newest first")
    out.line(_RUN_HEADER)
    for row in runs:
        out.line(_run_line(row, out))
    for series, points in trends.items():
        rates = [point.pass_rate for point in points]
        shown = " → ".join(
            "incomplete" if point.verdict == Verdict.INCOMPLETE else percent(point.pass_rate)
            for point in points[-TREND_SHOWN:]
        )
        out.line(f"trend {series}: {shown}  (pass rate of exercised checks, last {min(len(rates), TREND_SHOWN)} runs)")


_RUN_HEADER: Final = (
    f"{'RUN':>5}  {'STARTED':<25} {'TARGET':<16} {'VERDICT':<10} {'FAIL':>4} {'WARN':>4} {'ACC':>4} "
    f"{'COVERED':>8} {'PASS':>7} {'REQ':>6} {'TIME':>7}"
)


def _run_line(row: RunRow, out: Output) -> str:
    colour = {Verdict.CONFORMANT: "green", Verdict.INCOMPLETE: "yellow"}.get(Verdict(row.verdict), "red")
    verdict = out.style(f"{row.verdict:<10}", colour)
    rate = percent(row.pass_rate)
    covered = f"{row.operations_covered}/{row.operations}"
    return (
        f"{'#' + str(row.run_id):>5}  {row.started_at:<25} {row.target[:16]:<16} {verdict} {row.failures:>4} "
        f"{row.warnings:>4} {row.accepted:>4} {covered:>8} {rate:>7} {row.request_count:>6} "
        f"{row.duration_seconds:>6.1f}s"
    )


def _show_run(out: Output, db: HistoryDatabase, run_id: int, output_format: str) -> None:
    row = db.run(run_id)
    if row is None:
        raise ApiconformError(f"{db.path}: no run #{run_id}")
    cells = db.check_results(run_id)
    if output_format == "json":
        out.line(json.dumps(row.to_dict() | {"checks": [cell.to_dict() for cell in cells]}, indent=2))
        return
    out.line(_RUN_HEADER)
    out.line(_run_line(row, out))
    counts: dict[str, int] = {}
    for cell in cells:
        counts[cell.status] = counts.get(cell.status, 0) + 1
    out.line("cells: " + ", ".join(f"{count} {status.replace('_', ' ')}" for status, count in sorted(counts.items())))
    colours = {"fail": "red", "warning": "yellow", "accepted": "cyan"}
    for cell in cells:
        if cell.status in colours:
            label = out.style(f"{cell.status.upper():<8}", colours[cell.status])
            out.line(f"  {label} {cell.api} {cell.operation} [{cell.check}] ({cell.findings} finding(s))")
