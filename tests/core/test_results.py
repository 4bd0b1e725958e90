"""The verdict rule, defined once in RunResult: a failure wins; too little tested is INCOMPLETE, never conformant."""

from __future__ import annotations

import dataclasses
from typing import Final

import pytest

from apiconform.core.results import RunResult, percent
from apiconform.core.vocabulary import Evidence, ExitCode, Verdict
from apiconform.report import validate_report
from tests.fixtures.results import AP_GET, AP_LIST, finding, operation, result

UNTESTED: Final = dataclasses.replace(operation(AP_LIST), requests=0, checks_run=set())
REJECTED: Final = dataclasses.replace(operation(AP_LIST), uncovered_reason="credentials rejected")


VERDICTS: Final = [
    (result(), Verdict.CONFORMANT, []),
    (result(findings=[finding()]), Verdict.VIOLATIONS, []),
    (
        result(stop_reason="request budget of 20 reached"),
        Verdict.INCOMPLETE,
        ["the run stopped early (request budget of 20 reached)"],
    ),
    (
        result(stop_reason="interrupted by SIGINT", findings=[finding()]),
        Verdict.VIOLATIONS,
        ["the run stopped early (interrupted by SIGINT)"],
    ),
    (
        result(operations=[operation(), UNTESTED]),
        Verdict.INCOMPLETE,
        ["1 selected operation not tested (no request reached it)"],
    ),
    (
        result(operations=[operation(), REJECTED]),
        Verdict.INCOMPLETE,
        ["1 selected operation not tested (credentials rejected)"],
    ),
    (
        result(operations=[dataclasses.replace(UNTESTED, operation=AP_GET), UNTESTED]),
        Verdict.INCOMPLETE,
        ["2 selected operations not tested (no request reached it)"],
    ),
    # Deliberate skips (--include, read-only, another shard) are the user's choice, not a gap.
    (
        result(operations=[operation(), dataclasses.replace(UNTESTED, skip_reason="not selected by --include")]),
        Verdict.CONFORMANT,
        [],
    ),
    (
        result(operations=[operation(), dataclasses.replace(UNTESTED, skip_reason="in another shard than 1/2")]),
        Verdict.CONFORMANT,
        [],
    ),
    (
        result(operations=[dataclasses.replace(UNTESTED, skip_reason="in another shard than 2/2")]),
        Verdict.INCOMPLETE,
        ["no operation was tested"],
    ),
    # A warning (inferred contract) does not fail, and does not make a complete run incomplete.
    (result(findings=[finding(evidence=Evidence.INFERRED)]), Verdict.CONFORMANT, []),
]
VERDICT_IDS: Final = [
    "all-tested",
    "doc-failure",
    "budget-reached",
    "failure-wins-over-interrupt",
    "operation-not-reached",
    "credentials-rejected",
    "no-operation-reached",
    "include-skip-is-deliberate",
    "other-shard-is-deliberate",
    "empty-shard-tested-nothing",
    "warning-only",
]


@pytest.mark.parametrize(("run", "verdict", "reasons"), VERDICTS, ids=VERDICT_IDS)
def test_verdict(run: RunResult, verdict: Verdict, reasons: list[str]) -> None:
    """Verdict, exit code and reasons agree in the object and in the report.json it renders."""
    assert run.verdict is verdict
    assert run.exit_code is verdict.exit_code
    assert run.incomplete_reasons == reasons
    report = run.to_dict()
    validate_report(report)
    assert (report["verdict"], report["exit_code"], report["incomplete"]) == (verdict.value, verdict.exit_code, reasons)


def test_incomplete_has_its_own_exit_code() -> None:
    assert Verdict.INCOMPLETE.exit_code is ExitCode.INCOMPLETE
    assert int(ExitCode.INCOMPLETE) == 4


@pytest.mark.parametrize(
    ("rate", "text"),
    [(None, "–"), (1.0, "100%"), (0.995, "99.5%"), (0.9999, "99.9%"), (0.5, "50.0%"), (0.0, "0.0%")],
    ids=["none", "exactly-100", "99.5", "just-short-of-100", "half", "zero"],
)
def test_percent_never_rounds_up_to_100(rate: float | None, text: str) -> None:
    assert percent(rate) == text
