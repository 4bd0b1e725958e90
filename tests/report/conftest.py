"""Real CLI runs the report tests share: a clean run, then a faulted one compared with it, one history database.

Each run is a subprocess of `apiconform run` against the embedded sandbox (a few seconds); the session
scope means the HTML, Markdown, diff and history tests all read the same two runs. Two more runs judge
the faulted sandbox with a baseline file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

import pytest

from apiconform.report.history import DEFAULT_HISTORY_FILE
from tests.fixtures.reports import FAULT, ReportRun, run_into


@pytest.fixture(scope="session")
def clean_run(tmp_path_factory: pytest.TempPathFactory) -> ReportRun:
    """A run against the clean sandbox, recorded in the default history database of its report directory."""
    return run_into(tmp_path_factory.mktemp("clean") / "reports")


@pytest.fixture(scope="session")
def history_db(clean_run: ReportRun) -> Path:
    """The history database both shared runs are recorded in: the clean run's default one."""
    return clean_run.directory / DEFAULT_HISTORY_FILE


@pytest.fixture(scope="session")
def faulted_run(tmp_path_factory: pytest.TempPathFactory, history_db: Path, clean_run: ReportRun) -> ReportRun:
    """A run with an out-of-set currency, compared inline with the clean run, recorded in the same history."""
    return run_into(
        tmp_path_factory.mktemp("faulted") / "reports",
        "--fault",
        FAULT,
        "--compare-to",
        str(clean_run.directory / "report.json"),
        "--history",
        str(history_db),
    )


BASELINE_TEXT: Final = """
[[accept]]
operation = "GET /v1/invoice/{{id}}"
check = "enum"
pointer = "/currency"
reason = "VENDOR-1234: XBT until their Q3 release"
expires = {currency_expires}

[[accept]]
api = "ap-invoice"
operation = "GET /v1/invoice/{{id}}"
check = "type"
pointer = "/totalAmount"
reason = "VENDOR-1300: amounts as strings"
expires = {amount_expires}

[[accept]]
operation = "GET /v1/invoice/{{id}}"
check = "required"
pointer = "/status"
reason = "fixed long ago"
expires = 2999-12-31
"""


@pytest.fixture(scope="session")
def baseline_runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, ReportRun]:
    """Two faulted runs (currency out of set, amount as a string): one baseline accepts both, one lets one expire."""
    runs = {}
    for name, amount_expires in (("accepting", "2999-12-31"), ("expired", "2020-01-01")):
        directory = tmp_path_factory.mktemp(f"baseline-{name}")
        baseline = directory / "baseline.toml"
        baseline.write_text(
            BASELINE_TEXT.format(currency_expires="2999-12-31", amount_expires=amount_expires), encoding="utf-8"
        )
        runs[name] = run_into(
            directory / "reports",
            "--fault",
            FAULT,
            "--fault",
            "ap-wrong-type",
            "--baseline",
            str(baseline),
            "--no-history",
        )
    return runs
