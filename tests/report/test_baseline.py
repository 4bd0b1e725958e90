"""The baseline of accepted deviations: parsing, matching, expiry, and a real run judged with one."""

from __future__ import annotations

import dataclasses
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path
from typing import Any, Final

import pytest

from apiconform.core.errors import ReportInputError
from apiconform.core.regression import BaselineEntry, BaselineStatus
from apiconform.core.results import CellStatus, RunResult
from apiconform.core.vocabulary import CheckClass, Evidence, ExitCode
from apiconform.report import validate_report
from apiconform.report.baseline import apply_baseline, load_baseline, parse_baseline
from apiconform.report.junit import JunitXmlWriter
from tests.fixtures.cli import CliRunner
from tests.fixtures.reports import ReportRun
from tests.fixtures.results import AP_GET, finding, operation, result

TODAY: Final = date(2026, 6, 1)
VALID: Final = {
    "operation": AP_GET,
    "check": "enum",
    "pointer": "/currency",
    "reason": "VENDOR-1234: XBT until their Q3 release",
    "expires": date(2026, 9, 30),
}


def _entry(**changes: Any) -> BaselineEntry:
    base = BaselineEntry(
        operation=AP_GET, check=CheckClass.ENUM, pointer="/currency", reason="known", expires=date(2026, 9, 30)
    )
    return dataclasses.replace(base, **changes)


def _judged(entries: list[BaselineEntry], today: date = TODAY, **kwargs: Any) -> RunResult:
    run = result(findings=[finding()], **kwargs)
    apply_baseline(run, entries, path="baseline.toml", today=today)
    return run


class TestParse:
    """A baseline file is TOML [[accept]] tables; every mistake is one error naming the file and entry."""

    @pytest.mark.parametrize(
        ("data", "message"),
        [
            pytest.param({"entries": []}, "unknown top-level key 'entries'", id="unknown-top-level"),
            pytest.param({"accept": {"operation": AP_GET}}, "array of tables", id="accept-not-array"),
            pytest.param({"accept": ["x"]}, "entry 1 is not a table", id="entry-not-table"),
            pytest.param(
                {"accept": [VALID, {"operation": AP_GET}]}, "entry 2 lacks check, pointer, reason", id="missing"
            ),
            pytest.param({"accept": [VALID | {"why": "x"}]}, "unknown key 'why'", id="unknown-key"),
            pytest.param({"accept": [VALID | {"operation": "/v1/invoice"}]}, "operation must read", id="operation"),
            pytest.param(
                {"accept": [VALID | {"check": "enums"}]}, "check 'enums' is not one of enum, required", id="check"
            ),
            pytest.param(
                {"accept": [VALID | {"pointer": "currency"}]}, "pointer must be empty or start with '/'", id="pointer"
            ),
            pytest.param({"accept": [VALID | {"reason": "  "}]}, "reason is empty", id="empty-reason"),
            pytest.param({"accept": [VALID | {"expires": "30.09.2026"}]}, "expires must be a date", id="bad-date"),
            pytest.param({"accept": [VALID | {"expires": 20260930}]}, "expires must be a date", id="number-date"),
            pytest.param({"accept": [VALID | {"pointer": 5}]}, "pointer must be a string", id="pointer-type"),
            pytest.param({"accept": [VALID | {"operation": "GET*"}]}, "operation must read", id="glob-without-path"),
            pytest.param({"accept": [VALID | {"operation": "**"}]}, "operation must read", id="double-star-op"),
            pytest.param({"accept": [VALID | {"pointer": "**/bio"}]}, "start with '/'", id="pattern-without-slash"),
        ],
    )
    def test_rejects(self, data: dict[str, Any], message: str) -> None:
        """Each malformed baseline raises ReportInputError with the file and the problem."""
        with pytest.raises(ReportInputError, match=r"^baseline\.toml: ") as raised:
            parse_baseline(data, Path("baseline.toml"))
        assert message in str(raised.value)

    @pytest.mark.parametrize(
        ("expires", "api"),
        [
            pytest.param("2026-09-30", "", id="toml-date-any-api"),
            pytest.param('"2026-09-30"', "", id="string-date"),
            pytest.param("2026-09-30", "ap-invoice", id="one-api"),
        ],
    )
    def test_reads_a_file(self, tmp_path: Path, expires: str, api: str) -> None:
        """A TOML file with a date (native or quoted) and an optional api becomes entries."""
        path = tmp_path / "baseline.toml"
        api_line = f'api = "{api}"\n' if api else ""
        path.write_text(
            f'[[accept]]\n{api_line}operation = "{AP_GET}"\ncheck = "enum"\npointer = "/currency"\n'
            f'reason = "VENDOR-1234"\nexpires = {expires}\n',
            encoding="utf-8",
        )
        assert load_baseline(path) == [_entry(reason="VENDOR-1234", api=api)]

    @pytest.mark.parametrize(
        ("content", "message"),
        [
            pytest.param(None, "cannot read the baseline", id="missing"),
            pytest.param("[[accept]\n", "not valid TOML", id="not-toml"),
        ],
    )
    def test_unreadable_file(self, tmp_path: Path, content: str | None, message: str) -> None:
        """A missing or unparsable file is one ReportInputError."""
        path = tmp_path / "baseline.toml"
        if content is not None:
            path.write_text(content, encoding="utf-8")
        with pytest.raises(ReportInputError, match=message):
            load_baseline(path)

    @pytest.mark.parametrize(
        ("operation", "pointer"),
        [
            pytest.param("*", "/**/bio", id="every-operation-any-depth"),
            pytest.param("GET /v1/*", "/data/*/bio", id="glob-and-one-segment"),
            pytest.param("* /v1/invoice/{id}", "/**", id="any-method-any-pointer"),
        ],
    )
    def test_reads_patterns(self, operation: str, pointer: str) -> None:
        """Operation globs and pointer wildcards are entries like any other, kept as written."""
        entries = parse_baseline({"accept": [VALID | {"operation": operation, "pointer": pointer}]}, Path("b.toml"))
        assert (entries[0].operation, entries[0].pointer) == (operation, pointer)

    def test_empty_file_is_an_empty_baseline(self, tmp_path: Path) -> None:
        """An empty file accepts nothing."""
        path = tmp_path / "baseline.toml"
        path.write_text("", encoding="utf-8")
        assert load_baseline(path) == []


class TestApply:
    """What each entry does to the findings of a run."""

    @pytest.mark.parametrize(
        ("entry", "today", "status", "accepted"),
        [
            pytest.param(_entry(), TODAY, BaselineStatus.USED, True, id="in-force"),
            pytest.param(_entry(expires=TODAY), TODAY, BaselineStatus.USED, True, id="last-day-still-holds"),
            pytest.param(_entry(expires=date(2026, 5, 31)), TODAY, BaselineStatus.EXPIRED, False, id="expired"),
            pytest.param(_entry(pointer="/status"), TODAY, BaselineStatus.UNUSED, False, id="other-pointer"),
            pytest.param(_entry(check=CheckClass.TYPE), TODAY, BaselineStatus.UNUSED, False, id="other-check"),
            pytest.param(
                _entry(operation="GET /v1/invoices"), TODAY, BaselineStatus.UNUSED, False, id="other-operation"
            ),
            pytest.param(_entry(api="amili/arm"), TODAY, BaselineStatus.UNUSED, False, id="other-api"),
            pytest.param(_entry(api="ap-invoice"), TODAY, BaselineStatus.USED, True, id="same-api"),
            pytest.param(_entry(operation="*"), TODAY, BaselineStatus.USED, True, id="any-operation"),
            pytest.param(_entry(operation="GET /v1/*"), TODAY, BaselineStatus.USED, True, id="operation-glob"),
            pytest.param(_entry(operation="POST /*"), TODAY, BaselineStatus.UNUSED, False, id="other-method-glob"),
            pytest.param(_entry(pointer="/**/currency"), TODAY, BaselineStatus.USED, True, id="pointer-any-depth"),
            pytest.param(_entry(pointer="/*/currency"), TODAY, BaselineStatus.UNUSED, False, id="pointer-one-deeper"),
            pytest.param(
                _entry(operation="*", pointer="/**", expires=date(2026, 5, 31)),
                TODAY,
                BaselineStatus.EXPIRED,
                False,
                id="expired-pattern",
            ),
        ],
    )
    def test_entry_status(self, entry: BaselineEntry, today: date, status: BaselineStatus, accepted: bool) -> None:
        """The entry's status, and whether the run's one failure is accepted and stops failing the run."""
        run = _judged([entry], today)
        assert run.baseline is not None
        assert [outcome.status for outcome in run.baseline.entries] == [status]
        assert (run.findings[0].accepted is not None) is accepted
        assert run.exit_code is (ExitCode.CONFORMANT if accepted else ExitCode.VIOLATIONS)

    def test_expired_entry_counts_its_matches(self) -> None:
        """An expired entry says how many findings fail again because of it."""
        run = _judged([_entry(expires=date(2020, 1, 1))])
        assert run.baseline is not None
        assert run.baseline.entries[0].matched == 1
        assert run.failures == run.findings

    def test_first_matching_entry_wins(self) -> None:
        """Two entries for one finding: the first accepts it, the second is unused."""
        run = _judged([_entry(reason="first"), _entry(reason="second")])
        assert run.baseline is not None
        assert [outcome.status for outcome in run.baseline.entries] == [BaselineStatus.USED, BaselineStatus.UNUSED]
        assert run.findings[0].accepted is not None
        assert run.findings[0].accepted.reason == "first"

    def test_one_pattern_entry_accepts_one_defect_across_the_api(self) -> None:
        """`*` and `/**/bio`: every type failure on a `bio` field, in any operation, at any depth, one entry."""
        bios = [
            finding(check=CheckClass.TYPE, pointer="/bio", operation=AP_GET),
            finding(check=CheckClass.TYPE, pointer="/data/0/author/bio", operation="GET /v1/invoices"),
            finding(check=CheckClass.TYPE, pointer="/bio", operation="POST /v1/invoice", api="amili/arm"),
        ]
        other = finding(check=CheckClass.TYPE, pointer="/biography")
        run = result(findings=[*bios, other])
        entries = [_entry(operation="*", check=CheckClass.TYPE, pointer="/**/bio"), _entry(operation="GET /x/*")]
        apply_baseline(run, entries, path="baseline.toml", today=TODAY)
        assert [item.accepted is not None for item in run.findings] == [True, True, True, False]
        assert run.baseline is not None
        assert [(outcome.status, outcome.matched) for outcome in run.baseline.entries] == [
            (BaselineStatus.USED, 3),
            (BaselineStatus.UNUSED, 0),
        ]
        validate_report(run.to_dict())

    def test_warnings_can_be_accepted(self) -> None:
        """An entry may accept a warning too; it then leaves the warnings count."""
        run = result(findings=[finding(evidence=Evidence.INFERRED)])
        apply_baseline(run, [_entry()], path="baseline.toml", today=TODAY)
        assert run.warnings == []
        assert len(run.accepted) == 1


class TestAcceptedInReports:
    """Accepted findings in report.json, the matrix and junit.xml."""

    def test_report_json(self) -> None:
        """The finding carries its acceptance, the summary counts it apart, and the report validates."""
        data = _judged([_entry()]).to_dict()
        validate_report(data)
        assert data["findings"][0]["accepted"] == {"reason": "known", "expires": "2026-09-30"}
        assert data["summary"]["failures"] == 0
        assert data["summary"]["accepted"] == 1
        assert data["verdict"] == "conformant"
        assert data["matrix"][0]["cells"]["enum"] == CellStatus.ACCEPTED
        assert data["baseline"]["entries"][0]["status"] == "used"

    def test_junit_passes_with_a_note(self, tmp_path: Path) -> None:
        """In junit.xml the accepted cell passes, with the acceptance in system-out."""
        path = JunitXmlWriter().write(_judged([_entry()], operations=[operation()]), tmp_path)
        root = ET.parse(path).getroot()  # noqa: S314 - our own file, just written
        case = next(case for case in root.iter("testcase") if case.get("name") == "enum")
        assert case.find("failure") is None
        system_out = case.find("system-out")
        assert system_out is not None
        assert (system_out.text or "").startswith("ACCEPTED ")
        assert "accepted: known (until 2026-09-30)" in (system_out.text or "")


class TestRunWithBaseline:
    """`apiconform run --baseline FILE` against the faulted sandbox."""

    def test_accepted_failures_do_not_fail_the_run(self, baseline_runs: dict[str, ReportRun]) -> None:
        """Both failures accepted: exit 0, verdict conformant, both findings marked accepted."""
        run = baseline_runs["accepting"]
        assert run.result.returncode == ExitCode.CONFORMANT, run.output
        report = run.report
        assert report["verdict"] == "conformant"
        assert {(f["check"], f["pointer"]) for f in report["findings"] if "accepted" in f} == {
            ("enum", "/currency"),
            ("type", "/totalAmount"),
        }
        assert report["summary"]["accepted"] == 2
        assert "ACCEPTED [enum] ap-invoice GET /v1/invoice/{id} /currency" in run.result.stdout

    def test_expired_entry_fails_again(self, baseline_runs: dict[str, ReportRun]) -> None:
        """The expired entry accepts nothing: its finding fails the run; the other stays accepted."""
        run = baseline_runs["expired"]
        assert run.result.returncode == ExitCode.VIOLATIONS, run.output
        report = run.report
        failing = [
            (f["check"], f["pointer"]) for f in report["findings"] if f["severity"] == "failure" and "accepted" not in f
        ]
        assert failing == [("type", "/totalAmount")]
        statuses = {entry["check"]: entry["status"] for entry in report["baseline"]["entries"]}
        assert statuses == {"enum": "used", "type": "expired", "required": "unused"}
        assert "BASELINE EXPIRED 2020-01-01 GET /v1/invoice/{id} [type] /totalAmount" in run.result.stdout

    @pytest.mark.parametrize("name", ["accepting", "expired"])
    def test_unused_entry_is_reported(self, baseline_runs: dict[str, ReportRun], name: str) -> None:
        """The entry nothing matched is listed on the console, in report.json and in summary.md."""
        run = baseline_runs[name]
        assert (
            "BASELINE UNUSED GET /v1/invoice/{id} [required] /status: nothing matched; remove it" in run.result.stdout
        )
        assert [e["pointer"] for e in run.report["baseline"]["entries"] if e["status"] == "unused"] == ["/status"]
        assert "🧹 unused: remove it" in (run.directory / "summary.md").read_text(encoding="utf-8")

    def test_bad_baseline_fails_before_the_run(self, cli: CliRunner, tmp_path: Path) -> None:
        """A malformed baseline stops the run at once: exit 2, one line naming the file and entry."""
        baseline = tmp_path / "baseline.toml"
        baseline.write_text('[[accept]]\noperation = "GET /x"\n', encoding="utf-8")
        completed = cli("run", "--baseline", str(baseline))
        assert completed.returncode == ExitCode.USAGE_ERROR
        assert completed.stderr == (
            f"apiconform: error: {baseline}: [[accept]] entry 1 lacks check, pointer, reason, expires\n"
        )
