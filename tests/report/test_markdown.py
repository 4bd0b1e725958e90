"""summary.md: verdict, counts and top failures for a CI step summary, safe against hostile values."""

from __future__ import annotations

import re
from datetime import date
from typing import Final

import pytest

from apiconform.core.regression import BaselineEntry
from apiconform.core.vocabulary import CheckClass, Evidence
from apiconform.report.baseline import apply_baseline
from apiconform.report.markdown import TOP_FAILURES, code, render_markdown, text
from tests.fixtures.reports import ReportRun
from tests.fixtures.results import AP_GET, HOSTILE, finding, result

TABLE_ROW: Final = re.compile(r"^\|.*\|$", re.MULTILINE)
CODE_SPAN: Final = re.compile(r"(`+).+?\1")


def _cells(row: str) -> list[str]:
    """Split a GFM table row on unescaped pipes."""
    return re.split(r"(?<!\\)\|", row.strip())[1:-1]


class TestEscaping:
    """Values from the target cannot break the table or inject a link, an image or HTML."""

    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            pytest.param("XBT", "`XBT`", id="plain"),
            pytest.param("a|b", "`a\\|b`", id="pipe"),
            pytest.param("a`b", "`` a`b ``", id="backtick"),
            pytest.param("a``b`", "``` a``b` ```", id="backtick-runs"),
            pytest.param("line\nbreak", "`line break`", id="newline"),
            pytest.param("", "–", id="empty"),
        ],
    )
    def test_code_span(self, value: str, expected: str) -> None:
        """A value becomes a code span no backtick inside can close, with pipes escaped."""
        assert code(value) == expected

    def test_code_span_is_cut(self) -> None:
        """Long values are cut with an ellipsis."""
        assert code("x" * 500).endswith("…`")
        assert len(code("x" * 500)) <= 102

    @pytest.mark.parametrize(
        "value",
        ["[x](https://evil.example)", "![i](https://evil.example/i.png)", "<img src=x>", "**bold** _it_", "a|b"],
    )
    def test_text_escapes_markdown(self, value: str) -> None:
        """Plain text has every Markdown and HTML special escaped."""
        escaped = text(value)
        assert not re.search(r"(?<!\\)[\[\]<>|*_!]", escaped)

    def test_hostile_finding_keeps_the_table_shape(self) -> None:
        """A hostile actual value stays inside its one cell: every table row has the header's cell count."""
        page = render_markdown(result(findings=[finding(actual=HOSTILE, expected=HOSTILE)]).to_dict())
        rows = [row for row in TABLE_ROW.findall(page) if "Check" in row or "enum" in row]
        assert len({len(_cells(row)) for row in rows}) == 1
        outside_code = CODE_SPAN.sub("", page)
        assert "<script>" not in outside_code
        assert "](https://evil.example)" not in outside_code


class TestContent:
    """What the summary says."""

    def test_verdict_and_counts(self) -> None:
        """The heading gives the verdict; the first line gives failures, warnings, accepted, coverage, pass rate."""
        page = render_markdown(
            result(findings=[finding(), finding(pointer="/status", evidence=Evidence.INFERRED)]).to_dict()
        )
        assert page.startswith("## ❌ apiconform: violations on `sandbox`")
        assert "**1 failure** on documented contract · 1 warning · 2/2 operations covered" in page
        assert "exit code 1" in page
        assert "accepted by the baseline" not in page

    def test_conformant(self) -> None:
        """A clean run says conformant and lists no failures."""
        page = render_markdown(result().to_dict())
        assert page.startswith("## ✅ apiconform: conformant")
        assert "Top failures" not in page

    def test_top_failures_are_cut(self) -> None:
        """Only the top failures are tabled, the most frequent first, with a count of the rest."""
        findings = [finding(pointer=f"/field{i}", occurrences=i + 1) for i in range(TOP_FAILURES + 3)]
        page = render_markdown(result(findings=findings).to_dict())
        assert f"### Top failures ({TOP_FAILURES + 3})" in page
        assert "… and 3 more in report.html" in page
        first_row = next(row for row in TABLE_ROW.findall(page) if "/field" in row)
        assert f"/field{TOP_FAILURES + 2}" in first_row

    def test_warnings_fold_away(self) -> None:
        """Warnings are listed in a collapsed details block."""
        page = render_markdown(result(findings=[finding(evidence=Evidence.EXAMPLE)]).to_dict())
        assert "<details><summary>Warnings (1)</summary>" in page

    def test_baseline_lists_expired_and_unused(self) -> None:
        """Expired and unused baseline entries are listed with what to do about them."""
        run = result(findings=[finding()])
        entries = [
            BaselineEntry(
                operation=AP_GET, check=CheckClass.ENUM, pointer="/currency", reason="old", expires=date(2020, 1, 1)
            ),
            BaselineEntry(
                operation=AP_GET, check=CheckClass.TYPE, pointer="/x", reason="gone", expires=date(2030, 1, 1)
            ),
        ]
        apply_baseline(run, entries, path="baseline.toml", today=date(2026, 6, 1))
        page = render_markdown(run.to_dict())
        assert "0 in force and used, 1 expired, 1 unused" in page
        assert "⏰ expired: fails again" in page
        assert "🧹 unused: remove it" in page

    def test_accepted_findings_are_not_top_failures(self) -> None:
        """An accepted failure is in the accepted block, not among the failures."""
        run = result(findings=[finding()])
        entry = BaselineEntry(
            operation=AP_GET, check=CheckClass.ENUM, pointer="/currency", reason="r", expires=date(2030, 1, 1)
        )
        apply_baseline(run, [entry], path="baseline.toml", today=date(2026, 6, 1))
        page = render_markdown(run.to_dict())
        assert "Top failures" not in page
        assert "<details><summary>Accepted by the baseline (1)</summary>" in page
        assert page.startswith("## ✅")

    def test_errors_are_listed(self) -> None:
        """Run errors are listed under their own heading."""
        page = render_markdown(result(errors=["probe failed"]).to_dict())
        assert "### Errors\n\n- probe failed" in page


class TestFromARun:
    """The summary.md of a real faulted run."""

    def test_names_the_failure_and_the_comparison(self, faulted_run: ReportRun) -> None:
        """The faulted run's summary names its enum failure and the new failure since the clean run."""
        page = (faulted_run.directory / "summary.md").read_text(encoding="utf-8")
        assert page.startswith("## ❌ apiconform: violations on `sandbox`")
        assert "| enum | ap-invoice `GET /v1/invoice/{id}` | `/currency` |" in page
        assert "### Since the previous run" in page
        assert "**1 new**" in page
