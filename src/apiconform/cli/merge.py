"""`apiconform merge`: the shard reports of one run (`run --shard K/N` on N machines) as that one run.

The merge is judged and kept like a run: `--baseline`, `--compare-to` and the history database apply to the
whole, every report format is written from it, and the exit code is the one a single run would give (0
conformant, 1 failures, 4 incomplete). Reports that cannot be read, do not belong together or leave a shard
out exit 2 with one line, before anything is written.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from apiconform.cli.options import (
    BASELINE_OPTION,
    COLOR_OPTION,
    COMPARE_TO_OPTION,
    CONFIG_OPTION,
    FAIL_ON_DRIFT_OPTION,
    HISTORY_OPTION,
    NO_HISTORY_OPTION,
    NonEmptyPath,
)
from apiconform.cli.output import Output, fail
from apiconform.cli.reports import RunReporting, RunReportOptions, conclude, report_file
from apiconform.core.errors import ApiconformError, UsageError

if TYPE_CHECKING:
    from apiconform.core.results import RunResult

__all__ = ["merge"]


@click.command()
@click.argument("reports", nargs=-1, required=True, type=click.Path(path_type=Path), metavar="REPORT...")
@click.option(
    "--report-dir",
    type=NonEmptyPath(path_type=Path, file_okay=False),
    help="Where the merged reports (json, junit, html, md) go; default: reports/.",
)
@CONFIG_OPTION
@BASELINE_OPTION
@COMPARE_TO_OPTION
@HISTORY_OPTION
@NO_HISTORY_OPTION
@FAIL_ON_DRIFT_OPTION
@COLOR_OPTION
def merge(
    reports: tuple[Path, ...],
    report_dir: Path | None,
    config_path: Path | None,
    baseline: Path | None,
    compare_to: Path | None,
    history_path: Path | None,
    no_history: bool,
    fail_on_drift: bool,
    color: bool | None,
) -> None:
    """Merge the report.json files (or report directories) of one run's shards and write the run's reports.

    Exit codes: 0 conformant, 1 contract violations, 2 reports that cannot be read, are not shards of one run or
    leave a shard out (nothing is written then), 4 incomplete (a shard stopped early or left operations untested).
    """
    from apiconform.cli import resolve
    from apiconform.report.json_report import load_result
    from apiconform.report.merge import merge_results
    from apiconform.report.writers import check_writable

    out = Output(color=color)
    try:
        if fail_on_drift and compare_to is None:
            raise UsageError("--fail-on-drift needs --compare-to PREVIOUS (the report to compare with)")
        config = resolve.load_config(config_path)
        directory = resolve.report_dir(resolve.RunRequest(report_dir=report_dir), config)
        # Every input is read before anything is written: the report directory may hold one of them.
        sources = [(str(path), load_result(report_file(path))) for path in reports]
        result = merge_results(sources)
        if result.shard is not None:
            raise UsageError(_missing(sources, result.shard))
        check_writable(directory)
        options = RunReportOptions(
            baseline=baseline,
            compare_to=compare_to,
            history=history_path or resolve.history_path(config),
            record_history=not no_history,
        )
        out.line(f"apiconform: merged {len(sources)} report{'s' if len(sources) != 1 else ''}")
        paths = RunReporting(options, directory).finish(result)
    except ApiconformError as exc:
        fail(exc)
    conclude(out, result, paths, fail_on_drift=fail_on_drift)


def _missing(sources: list[tuple[str, RunResult]], shard: tuple[int, int]) -> str:
    """The whole run or nothing: a merge that lacks a shard would judge operations it never ran."""
    total = max(run.shard[1] for _, run in sources if run.shard is not None)
    given = {run.shard[0] for _, run in sources if run.shard is not None}
    missing = ", ".join(f"{index}/{total}" for index in range(1, total + 1) if index not in given)
    return (
        f"shards missing: {missing} (the reports given make shard {shard[0]}/{shard[1]} of the run, "
        "not the whole run); nothing written"
    )
