"""The history database: every run's facts and per-check results, in SQLite.

One file per report directory by default (`reports/history.sqlite`); point several jobs at one shared
path and their runs sit side by side, told apart by series (target name and spec names). A run is
recorded from its report.json document, so the database never holds anything the report does not.

Usage::

    with HistoryDatabase(Path("reports/history.sqlite")) as history:
        run_id = history.record(report, report_dir="reports")
        trend = history.trend(series_of(report))
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, Final, Self

from apiconform.core.errors import ReportInputError
from apiconform.core.regression import TrendPoint
from apiconform.core.results import CellStatus, cells_pass_rate
from apiconform.report.writers import check_writable

__all__ = ["DEFAULT_HISTORY_FILE", "CheckRow", "HistoryDatabase", "RunRow", "series_of"]

DEFAULT_HISTORY_FILE: Final = "history.sqlite"
SCHEMA_VERSION: Final = 1
TREND_RUNS: Final = 30
BUSY_TIMEOUT_SECONDS: Final = 30.0

_SCHEMA: Final = """
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    series TEXT NOT NULL,
    started_at TEXT NOT NULL,
    target TEXT NOT NULL,
    base_url TEXT NOT NULL,
    embedded INTEGER NOT NULL,
    specs TEXT NOT NULL,
    tool_version TEXT NOT NULL,
    seed INTEGER NOT NULL,
    max_examples INTEGER NOT NULL,
    duration_seconds REAL NOT NULL,
    request_count INTEGER NOT NULL,
    verdict TEXT NOT NULL,
    exit_code INTEGER NOT NULL,
    operations INTEGER NOT NULL,
    operations_covered INTEGER NOT NULL,
    failures INTEGER NOT NULL,
    warnings INTEGER NOT NULL,
    accepted INTEGER NOT NULL,
    pass_rate REAL,
    report_dir TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS runs_by_series ON runs (series, id);
CREATE TABLE IF NOT EXISTS check_results (
    run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    api TEXT NOT NULL,
    operation TEXT NOT NULL,
    check_class TEXT NOT NULL,
    status TEXT NOT NULL,
    findings INTEGER NOT NULL,
    PRIMARY KEY (run_id, api, operation, check_class)
);
"""

_SELECT_RUNS: Final = (
    "SELECT id, series, started_at, target, specs, verdict, exit_code, failures, warnings, accepted,"
    " operations, operations_covered, pass_rate, duration_seconds, request_count, seed, tool_version,"
    " report_dir FROM runs "
)


def series_of(report: dict[str, Any]) -> str:
    """Runs are comparable when they test the same target with the same specs."""
    specs = ",".join(sorted(spec["name"] for spec in report["specs"]))
    return f"{report['target']['name']}:{specs}"


@dataclass(frozen=True, slots=True, kw_only=True)
class RunRow:
    """One recorded run, as `apiconform history` lists it."""

    run_id: int
    series: str
    started_at: str
    target: str
    specs: list[str]
    verdict: str
    exit_code: int
    failures: int
    warnings: int
    accepted: int
    operations: int
    operations_covered: int
    pass_rate: float | None
    duration_seconds: float
    request_count: int
    seed: int
    tool_version: str
    report_dir: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "series": self.series,
            "started_at": self.started_at,
            "target": self.target,
            "specs": self.specs,
            "verdict": self.verdict,
            "exit_code": self.exit_code,
            "failures": self.failures,
            "warnings": self.warnings,
            "accepted": self.accepted,
            "operations": self.operations,
            "operations_covered": self.operations_covered,
            "pass_rate": self.pass_rate,
            "duration_seconds": self.duration_seconds,
            "request_count": self.request_count,
            "seed": self.seed,
            "tool_version": self.tool_version,
            "report_dir": self.report_dir,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class CheckRow:
    """One operation × check cell of one recorded run."""

    api: str
    operation: str
    check: str
    status: str
    findings: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "api": self.api,
            "operation": self.operation,
            "check": self.check,
            "status": self.status,
            "findings": self.findings,
        }


class HistoryDatabase:
    """A SQLite file of past runs. `create=False` opens read-only and never makes a file that is not there."""

    def __init__(self, path: Path, *, create: bool = True) -> None:
        self.path = path
        self._connection = self._open(create=create)

    def _open(self, *, create: bool) -> sqlite3.Connection:
        if not create and not self.path.is_file():
            raise ReportInputError(self.path, "no history database here; `apiconform run` records one")
        try:
            if create:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                connection = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_SECONDS)
            else:
                uri = self.path.resolve().as_uri() + "?mode=ro"
                connection = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_SECONDS)
            connection.execute("PRAGMA foreign_keys = ON")
            version = connection.execute("PRAGMA user_version").fetchone()[0]
            tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        except (sqlite3.Error, OSError) as exc:
            raise ReportInputError(self.path, f"not a usable history database ({exc})") from None
        if version > SCHEMA_VERSION:
            connection.close()
            raise ReportInputError(self.path, f"history schema {version} is newer than this apiconform's")
        if tables and "runs" not in tables:
            connection.close()
            raise ReportInputError(self.path, "an SQLite file, but not an apiconform history database")
        if create and version < SCHEMA_VERSION:
            try:
                with connection:
                    connection.executescript(_SCHEMA)
                    connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            except sqlite3.Error as exc:
                connection.close()
                raise ReportInputError(self.path, f"cannot create the history tables ({exc})") from None
        elif not tables:
            connection.close()
            raise ReportInputError(self.path, "an empty file, not an apiconform history database")
        return connection

    @classmethod
    def check(cls, path: Path) -> None:
        """Before a run: a file already there must be a history database this version can use; nothing is created."""
        if path.exists() and not (path.is_file() and path.stat().st_size == 0):
            cls(path, create=False).close()
        else:
            check_writable(path.parent)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        self._connection.close()

    def record(self, report: dict[str, Any], *, report_dir: str) -> int:
        """Store one run from its report.json document, in one transaction; returns its run id."""
        summary, run = report["summary"], report["run"]
        cells = summary.get("cells") or _count_cells(report)
        rate = summary["pass_rate"] if "pass_rate" in summary else cells_pass_rate(cells)
        counts = _findings_per_cell(report)
        try:
            with self._connection:
                cursor = self._connection.execute(
                    "INSERT INTO runs (series, started_at, target, base_url, embedded, specs, tool_version, seed,"
                    " max_examples, duration_seconds, request_count, verdict, exit_code, operations,"
                    " operations_covered, failures, warnings, accepted, pass_rate, report_dir)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        series_of(report),
                        run["started_at"],
                        report["target"]["name"],
                        report["target"]["base_url"],
                        int(report["target"]["embedded"]),
                        json.dumps([spec["name"] for spec in report["specs"]]),
                        report["tool"]["version"],
                        run["seed"],
                        run["max_examples"],
                        run["duration_seconds"],
                        run["request_count"],
                        report["verdict"],
                        report["exit_code"],
                        summary["operations"],
                        summary["operations_covered"],
                        summary["failures"],
                        summary["warnings"],
                        summary.get("accepted", 0),
                        rate,
                        report_dir,
                    ),
                )
                run_id = cursor.lastrowid
                assert run_id is not None  # noqa: S101 - an INSERT into a rowid table always has one
                self._connection.executemany(
                    "INSERT INTO check_results (run_id, api, operation, check_class, status, findings)"
                    " VALUES (?, ?, ?, ?, ?, ?)",
                    [
                        (
                            run_id,
                            row["api"],
                            row["operation"],
                            check,
                            status,
                            counts.get((row["api"], row["operation"], check), 0),
                        )
                        for row in report["matrix"]
                        for check, status in row["cells"].items()
                    ],
                )
        except sqlite3.Error as exc:
            raise ReportInputError(self.path, f"cannot record the run ({exc})") from None
        return run_id

    def trend(self, series: str, *, limit: int = TREND_RUNS) -> list[TrendPoint]:
        """The series' last `limit` runs, oldest first."""
        rows = self._query(
            "SELECT id, started_at, verdict, pass_rate, failures, warnings, accepted FROM runs"
            " WHERE series = ? ORDER BY id DESC LIMIT ?",
            (series, limit),
        )
        return [
            TrendPoint(
                run_id=row[0],
                started_at=row[1],
                verdict=row[2],
                pass_rate=row[3],
                failures=row[4],
                warnings=row[5],
                accepted=row[6],
            )
            for row in reversed(rows)
        ]

    def runs(self, *, limit: int, target: str | None = None) -> list[RunRow]:
        """The most recent runs first, optionally of one target only."""
        if target is not None:
            return self._select("WHERE target = ? ORDER BY id DESC LIMIT ?", (target, limit))
        return self._select("ORDER BY id DESC LIMIT ?", (limit,))

    def run(self, run_id: int) -> RunRow | None:
        rows = self._select("WHERE id = ?", (run_id,))
        return rows[0] if rows else None

    def _select(self, clause: str, params: tuple[Any, ...]) -> list[RunRow]:
        rows = self._query(_SELECT_RUNS + clause, params)
        return [
            RunRow(
                run_id=row[0],
                series=row[1],
                started_at=row[2],
                target=row[3],
                specs=json.loads(row[4]),
                verdict=row[5],
                exit_code=row[6],
                failures=row[7],
                warnings=row[8],
                accepted=row[9],
                operations=row[10],
                operations_covered=row[11],
                pass_rate=row[12],
                duration_seconds=row[13],
                request_count=row[14],
                seed=row[15],
                tool_version=row[16],
                report_dir=row[17],
            )
            for row in rows
        ]

    def check_results(self, run_id: int) -> list[CheckRow]:
        rows = self._query(
            "SELECT api, operation, check_class, status, findings FROM check_results WHERE run_id = ?"
            " ORDER BY api, operation, check_class",
            (run_id,),
        )
        return [CheckRow(api=row[0], operation=row[1], check=row[2], status=row[3], findings=row[4]) for row in rows]

    def _query(self, sql: str, params: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        try:
            return self._connection.execute(sql, params).fetchall()
        except sqlite3.Error as exc:
            raise ReportInputError(self.path, f"cannot read the history ({exc})") from None


def _count_cells(report: dict[str, Any]) -> dict[str, int]:
    counts = dict.fromkeys(CellStatus.ALL, 0)
    for row in report["matrix"]:
        for status in row["cells"].values():
            counts[status] = counts.get(status, 0) + 1
    return counts


def _findings_per_cell(report: dict[str, Any]) -> dict[tuple[str, str, str], int]:
    counts: dict[tuple[str, str, str], int] = {}
    for finding in report["findings"]:
        key = (finding["api"], finding["operation"], finding["check"])
        counts[key] = counts.get(key, 0) + 1
    return counts
