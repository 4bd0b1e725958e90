"""`apiconform run` end to end, as a subprocess: the clean sandbox conforms, and every catalogued fault is caught.

The fault matrix reads its expectations from the sandbox's own FAULTS catalogue, so a fault added there
is tested here without editing this file.
"""

from __future__ import annotations

import re
import subprocess
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import pytest
import yaml

from apiconform.core.vocabulary import CheckClass, ExitCode, Severity
from apiconform.report import validate_report
from apiconform.sandbox import FAULTS, Fault, FaultInfo
from tests.fixtures.cli import AP_SPEC, REPO_ROOT, load_report, run_cli

if TYPE_CHECKING:
    from tests.fixtures.cli import CliRunner

ANSI_ESCAPE: Final = re.compile(r"\x1b\[")
BEARER_VALUE: Final = re.compile(r"Bearer\s+([^\s\"']*)")
TOKEN_PLACEHOLDER: Final = "$APICONFORM_TOKEN"
# Schemathesis's own invalid credential, sent by its ignored_auth check: no secret.
INVALID_TOKEN: Final = "SCHEMATHESIS-INVALID-VALUE"
# What a curl line may carry after "Bearer": a variable to read the credential from, or a stand-in that is no secret.
SAFE_BEARER_VALUES: Final = (
    TOKEN_PLACEHOLDER,
    "$APICONFORM_EXPIRED_TOKEN",
    "$APICONFORM_OTHER_TOKEN",
    "$ACCESS_TOKEN",
    "$ISSUED_TOKEN",
    "$REFRESHED_TOKEN",
    INVALID_TOKEN,
    "apiconform.malformed.token",
)
HTTP_METHODS: Final = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
# This module runs the AP spec; the Amili faults have their end-to-end tests in tests/sandbox.
FAULT_CASES: Final = [(fault, info) for fault, info in FAULTS.items() if info.api == "ap-invoice"]
FAULT_IDS: Final = [fault.value for fault, _ in FAULT_CASES]


@dataclass(frozen=True, slots=True)
class Run:
    """One finished CLI run and the directory it reported into."""

    result: subprocess.CompletedProcess[str]
    report_dir: Path

    @property
    def report(self) -> dict[str, Any]:
        return load_report(self.report_dir)

    @property
    def junit(self) -> ET.Element:
        return ET.parse(self.report_dir / "junit.xml").getroot()  # noqa: S314 - our own file, just written


def _run_in(directory: Path, *args: str) -> Run:
    result = run_cli("run", *args, tmp_path=directory)
    return Run(result=result, report_dir=directory / "reports")


def _spec_operations() -> set[str]:
    """The AP spec's operations, read from the YAML directly rather than through apiconform."""
    raw = yaml.safe_load((REPO_ROOT / AP_SPEC).read_text(encoding="utf-8"))
    return {
        f"{method.upper()} {path}" for path, item in raw["paths"].items() for method in item if method in HTTP_METHODS
    }


def _matching(report: dict[str, Any], info: FaultInfo) -> list[dict[str, Any]]:
    return [
        finding
        for finding in report["findings"]
        if finding["api"] == info.api
        and finding["operation"] == info.operation
        and finding["check"] == info.detected_by.value
        and finding["severity"] == info.severity.value
    ]


def _expected_exit(info: FaultInfo) -> ExitCode:
    return ExitCode.VIOLATIONS if info.severity is Severity.FAILURE else ExitCode.CONFORMANT


@pytest.fixture(scope="module")
def sandbox_run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    """One clean run against the embedded sandbox, shared by the tests that read it."""
    return _run_in(tmp_path_factory.mktemp("sandbox-run"))


@pytest.fixture(scope="module")
def budget_run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    """A run stopped by its request budget: incomplete."""
    return _run_in(tmp_path_factory.mktemp("budget"), "--max-requests", "5")


@pytest.fixture(scope="module")
def fault_run(tmp_path_factory: pytest.TempPathFactory) -> Callable[[Fault], Run]:
    """A run with one fault switched on; each fault runs once however many tests read it."""
    runs: dict[Fault, Run] = {}

    def get(fault: Fault) -> Run:
        if fault not in runs:
            runs[fault] = _run_in(tmp_path_factory.mktemp(f"fault-{fault.value}"), "--fault", fault.value)
        return runs[fault]

    return get


class TestSandboxRun:
    """A run against the clean embedded sandbox."""

    def test_exits_zero(self, sandbox_run: Run) -> None:
        """The clean sandbox conforms to its own spec, so the run exits 0."""
        assert sandbox_run.result.returncode == ExitCode.CONFORMANT, (
            sandbox_run.result.stdout + sandbox_run.result.stderr
        )

    def test_writes_both_reports(self, sandbox_run: Run) -> None:
        """report.json and junit.xml land in --report-dir, and the summary names them."""
        for name in ("report.json", "junit.xml"):
            assert (sandbox_run.report_dir / name).is_file()
            assert str(sandbox_run.report_dir / name) in sandbox_run.result.stdout

    def test_report_validates_against_its_schema(self, sandbox_run: Run) -> None:
        """report.json is valid against the bundled report schema."""
        validate_report(sandbox_run.report)

    def test_verdict_is_conformant_without_failures_or_warnings(self, sandbox_run: Run) -> None:
        """The clean sandbox yields verdict 'conformant', exit_code 0, no failures, no warnings, no errors."""
        report = sandbox_run.report
        assert report["verdict"] == "conformant"
        assert report["exit_code"] == 0
        assert report["summary"]["failures"] == 0
        assert report["summary"]["warnings"] == 0
        assert report["findings"] == []
        assert report["errors"] == []

    def test_every_operation_is_covered(self, sandbox_run: Run) -> None:
        """Every operation of the spec is in the report and received requests."""
        report = sandbox_run.report
        assert {operation["operation"] for operation in report["operations"]} == _spec_operations()
        assert report["summary"]["operations_covered"] == report["summary"]["operations"] == len(_spec_operations())
        assert all(operation["covered"] and operation["requests"] > 0 for operation in report["operations"])
        assert report["run"]["request_count"] > 0

    def test_target_is_the_embedded_sandbox(self, sandbox_run: Run) -> None:
        """The report records the embedded sandbox as its target and the AP spec by name."""
        report = sandbox_run.report
        assert report["target"]["embedded"] is True
        assert [spec["name"] for spec in report["specs"]] == ["ap-invoice"]

    def test_junit_has_one_case_per_operation_and_check(self, sandbox_run: Run) -> None:
        """junit.xml holds exactly one test case for each operation × check class."""
        cases = [(case.get("classname"), case.get("name")) for case in sandbox_run.junit.iter("testcase")]
        expected = {
            (f"ap-invoice.{operation}", check.value) for operation in _spec_operations() for check in CheckClass
        }
        assert len(cases) == len(expected) == len(_spec_operations()) * 12
        assert set(cases) == expected

    def test_junit_has_no_failures(self, sandbox_run: Run) -> None:
        """No junit test case fails, and every suite says so."""
        root = sandbox_run.junit
        assert list(root.iter("failure")) == []
        assert all(suite.get("failures") == "0" for suite in root.iter("testsuite"))

    def test_output_has_no_ansi_escapes(self, sandbox_run: Run) -> None:
        """With CI=true and NO_COLOR set, neither stdout nor stderr carries colour codes."""
        assert not ANSI_ESCAPE.search(sandbox_run.result.stdout)
        assert not ANSI_ESCAPE.search(sandbox_run.result.stderr)

    def test_stderr_is_empty(self, sandbox_run: Run) -> None:
        """A successful run writes nothing to stderr: no warnings, no tracebacks."""
        assert sandbox_run.result.stderr == ""


class TestFaultMatrix:
    """Each fault in the sandbox catalogue is caught by its check class, on its operation, at its severity."""

    @pytest.mark.parametrize(("fault", "info"), FAULT_CASES, ids=FAULT_IDS)
    def test_exit_code_follows_severity(self, fault_run: Callable[[Fault], Run], fault: Fault, info: FaultInfo) -> None:
        """A failure-severity fault exits 1; a warning-severity fault exits 0."""
        run = fault_run(fault)
        assert run.result.returncode == _expected_exit(info), run.result.stdout + run.result.stderr

    @pytest.mark.parametrize(("fault", "info"), FAULT_CASES, ids=FAULT_IDS)
    def test_detected_by_its_check(self, fault_run: Callable[[Fault], Run], fault: Fault, info: FaultInfo) -> None:
        """report.json has a finding of the fault's check class on its operation with its severity."""
        report = fault_run(fault).report
        seen = sorted({(finding["check"], finding["operation"], finding["severity"]) for finding in report["findings"]})
        assert _matching(report, info), f"expected {info.detected_by.value}/{info.severity.value}, saw {seen}"

    @pytest.mark.parametrize(("fault", "info"), FAULT_CASES, ids=FAULT_IDS)
    def test_report_is_valid_and_agrees_with_exit(
        self, fault_run: Callable[[Fault], Run], fault: Fault, info: FaultInfo
    ) -> None:
        """report.json validates, and its verdict and exit_code match the severity."""
        report = fault_run(fault).report
        validate_report(report)
        assert report["exit_code"] == _expected_exit(info)
        assert report["verdict"] == ("violations" if info.severity is Severity.FAILURE else "conformant")

    @pytest.mark.parametrize(("fault", "info"), FAULT_CASES, ids=FAULT_IDS)
    def test_finding_has_a_safe_curl(self, fault_run: Callable[[Fault], Run], fault: Fault, info: FaultInfo) -> None:
        """The detecting finding has a curl line; no curl holds a bearer token other than the env placeholder."""
        report = fault_run(fault).report
        matching = _matching(report, info)
        assert matching
        assert all(finding["curl"].startswith("curl ") for finding in matching)
        for finding in report["findings"]:
            curl = finding["curl"]
            # An invalid-token failure reproduces with a stand-in invalid token, never with a real one.
            assert BEARER_VALUE.findall(curl) in ([], *([value] for value in SAFE_BEARER_VALUES)), curl

    @pytest.mark.parametrize(("fault", "info"), FAULT_CASES, ids=FAULT_IDS)
    def test_junit_marks_the_cell(self, fault_run: Callable[[Fault], Run], fault: Fault, info: FaultInfo) -> None:
        """The fault's junit case fails for a failure, and passes with the warning in system-out for a warning."""
        root = fault_run(fault).junit
        cases = [
            case
            for case in root.iter("testcase")
            if case.get("classname") == f"{info.api}.{info.operation}" and case.get("name") == info.detected_by.value
        ]
        assert len(cases) == 1
        failure = cases[0].find("failure")
        if info.severity is Severity.FAILURE:
            assert failure is not None
        else:
            assert failure is None
            system_out = cases[0].find("system-out")
            assert system_out is not None
            assert (system_out.text or "").startswith("WARNING ")


class TestConfigFile:
    """A run that reads its settings from an apiconform.toml given with --config."""

    @pytest.fixture
    def config(self, tmp_path: Path) -> Path:
        path = tmp_path / "apiconform.toml"
        path.write_text("seed = 7\n", encoding="utf-8")
        return path

    def test_seed_comes_from_the_config(self, cli: CliRunner, config: Path, report_dir: Path) -> None:
        """Without --seed, the config file's seed is the run's seed."""
        result = cli("run", "--config", str(config))
        assert result.returncode == ExitCode.CONFORMANT, result.stdout + result.stderr
        assert load_report(report_dir)["run"]["seed"] == 7

    def test_command_line_seed_beats_the_config(self, cli: CliRunner, config: Path, report_dir: Path) -> None:
        """--seed on the command line overrides the config file's seed."""
        result = cli("run", "--config", str(config), "--seed", "11")
        assert result.returncode == ExitCode.CONFORMANT, result.stdout + result.stderr
        assert load_report(report_dir)["run"]["seed"] == 11

    def test_config_elsewhere_still_covers_every_operation(
        self, cli: CliRunner, config: Path, report_dir: Path
    ) -> None:
        """A config file outside the repository does not rename the spec, so the sandbox still serves and covers it."""
        result = cli("run", "--config", str(config))
        report = load_report(report_dir)
        assert [spec["name"] for spec in report["specs"]] == ["ap-invoice"], result.stdout
        assert report["summary"]["operations_covered"] == report["summary"]["operations"], result.stdout
        assert report["run"]["request_count"] > 0


class TestIncomplete:
    """A run that tested too little says INCOMPLETE in every format, exits 4, and is never recorded as a pass."""

    def test_exit_code_and_console(self, budget_run: Run) -> None:
        result = budget_run.result
        assert result.returncode == ExitCode.INCOMPLETE, result.stdout + result.stderr
        assert "INCOMPLETE: the run stopped early (request budget of 5 reached)" in result.stdout
        assert "apiconform: INCOMPLETE, not conformant:" in result.stdout
        assert not [line for line in result.stdout.splitlines() if line.startswith("apiconform: conformant")]

    def test_report_json(self, budget_run: Run) -> None:
        report = budget_run.report
        validate_report(report)
        assert (report["verdict"], report["exit_code"]) == ("incomplete", ExitCode.INCOMPLETE)
        assert report["incomplete"][0] == "the run stopped early (request budget of 5 reached)"

    def test_summary_and_html(self, budget_run: Run) -> None:
        summary = (budget_run.report_dir / "summary.md").read_text(encoding="utf-8")
        assert summary.startswith("## ⚠️ apiconform: INCOMPLETE, not conformant")
        assert "request budget of 5 reached" in summary
        assert "✅" not in summary
        page = (budget_run.report_dir / "report.html").read_text(encoding="utf-8")
        headline = re.search(r'<header class="verdict v-(\w+)".*?<h1>(.*?)</h1>', page)
        assert headline is not None
        assert headline.groups() == ("warning", "Incomplete: too little was tested to call the target conformant")

    def test_junit_has_an_error_case_saying_why(self, budget_run: Run) -> None:
        errors = budget_run.junit.findall(".//testcase[@classname='apiconform.run']/error")
        assert len(errors) == 1
        assert errors[0].get("message", "").startswith("INCOMPLETE: the run stopped early (request budget of 5")

    def test_history_records_it_as_incomplete(self, budget_run: Run) -> None:
        listed = run_cli("history", "--report-dir", str(budget_run.report_dir), tmp_path=budget_run.report_dir)
        assert listed.returncode == ExitCode.CONFORMANT, listed.stderr
        row = next(line for line in listed.stdout.splitlines() if line.lstrip().startswith("#1"))
        assert row.split()[3] == "incomplete"
        assert listed.stdout.splitlines()[-1].startswith("trend sandbox:ap-invoice: incomplete ")


class TestSelection:
    def test_a_spec_given_twice_is_tested_once(self, cli: CliRunner, report_dir: Path) -> None:
        result = cli("run", "--spec", AP_SPEC, "--spec", f"./{AP_SPEC}", "--max-examples", "2")
        assert result.returncode == ExitCode.CONFORMANT, result.stdout + result.stderr
        report = load_report(report_dir)
        assert [spec["name"] for spec in report["specs"]] == ["ap-invoice"]
        assert [op["operation"] for op in report["operations"]] == ["GET /v1/invoice/{id}"]

    def test_max_time_counts_loading(self, cli: CliRunner, report_dir: Path) -> None:
        """--max-time starts with the process: a limit shorter than loading ends the run before it sends."""
        result = cli("run", "--spec", AP_SPEC, "--spec", "specs/amili/collection.yaml", "--max-time", "0.2")
        assert result.returncode == ExitCode.INCOMPLETE, result.stdout + result.stderr
        expected = "apiconform: error: --max-time 0.2s ran out while the run was being set up (loading the specs)"
        assert result.stderr.splitlines() == [f"{expected}; nothing was tested"]
        assert not report_dir.exists()
