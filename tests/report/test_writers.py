"""All four formats from one faulted run, each rendered from the same report.json."""

from __future__ import annotations

import dataclasses
import json
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final

import pytest

from apiconform.core.errors import ReportError
from apiconform.core.results import OverlayInfo
from apiconform.report import validate_report
from apiconform.report.html import render_html
from apiconform.report.markdown import render_markdown
from apiconform.report.writers import WRITERS, write_reports
from tests.fixtures.reports import ReportRun
from tests.fixtures.results import finding, result

FORMATS: Final = ("report.json", "junit.xml", "report.html", "summary.md")


class TestFaultedRun:
    """`apiconform run --fault ap-enum-out-of-set --compare-to CLEAN` against the embedded sandbox."""

    @pytest.mark.parametrize("name", FORMATS)
    def test_writes_every_format(self, faulted_run: ReportRun, name: str) -> None:
        """Each format is written, non-empty, and named in the console summary."""
        path = faulted_run.directory / name
        assert path.stat().st_size > 0
        assert f"  report: {path}" in faulted_run.result.stdout

    def test_report_json_validates_with_every_section(self, faulted_run: ReportRun) -> None:
        """report.json validates against its schema, with comparison, history and the new summary fields."""
        report = faulted_run.report
        validate_report(report)
        assert {"comparison", "history"} <= set(report)
        assert report["summary"]["accepted"] == 0
        assert 0 < report["summary"]["pass_rate"] < 1
        assert report["summary"]["cells"]["fail"] == 1

    def test_junit_fails_the_enum_case(self, faulted_run: ReportRun) -> None:
        """junit.xml fails exactly the enum case of the faulted operation."""
        root = ET.parse(faulted_run.directory / "junit.xml").getroot()  # noqa: S314 - our own file
        failing = [
            (case.get("classname"), case.get("name"))
            for case in root.iter("testcase")
            if case.find("failure") is not None
        ]
        assert failing == [("ap-invoice.GET /v1/invoice/{id}", "enum")]

    @pytest.mark.parametrize(
        ("name", "render"),
        [
            pytest.param("report.html", render_html, id="html"),
            pytest.param("summary.md", render_markdown, id="markdown"),
        ],
    )
    def test_rendered_from_report_json(
        self, faulted_run: ReportRun, name: str, render: Callable[[dict[str, Any]], str]
    ) -> None:
        """report.html and summary.md are exactly what their renderer makes of report.json."""
        assert (faulted_run.directory / name).read_text(encoding="utf-8") == render(faulted_run.report)


class TestWriteReports:
    """write_reports() writes every writer's file and turns an OS error into one ReportError line."""

    def test_every_format_names_the_overlays(self, tmp_path: Path) -> None:
        """A spec corrected by an overlay: each format names it, and the action that selected nothing."""
        overlay = OverlayInfo(path="overlays/fix.yaml", title="fix", actions=2, unmatched=((2, "$.nowhere"),))
        run = result()
        run.specs = [dataclasses.replace(run.specs[0], overlays=(overlay,))]
        write_reports(run, tmp_path)
        report = json.loads((tmp_path / "report.json").read_text("utf-8"))
        assert report["specs"][0]["overlays"] == [overlay.to_dict()]
        suite = ET.parse(tmp_path / "junit.xml").getroot()[0]  # noqa: S314 - our own file, just written
        assert [(item.get("name"), item.get("value")) for item in suite.iter("property")] == [
            ("overlay", "overlays/fix.yaml (fix; 2 actions, 1 selected nothing)")
        ]
        assert suite[0].tag == "properties"  # before the test cases, as the JUnit schema orders them
        for name, mention in (("summary.md", "`$.nowhere` selected nothing"), ("report.html", "$.nowhere</code>")):
            text = (tmp_path / name).read_text("utf-8")
            assert "overlays/fix.yaml" in text, name
            assert mention in text, name

    def test_one_file_per_writer(self, tmp_path: Path) -> None:
        """Every writer's file is written, report.json first."""
        paths = write_reports(result(findings=[finding()]), tmp_path)
        assert [path.name for path in paths] == [writer.filename for writer in WRITERS]
        assert [path.name for path in paths] == list(FORMATS)

    def test_unwritable_directory(self, tmp_path: Path) -> None:
        """A report directory that is a file is a ReportError naming it."""
        blocker = tmp_path / "reports"
        blocker.write_text("", encoding="utf-8")
        with pytest.raises(ReportError, match="report directory is not writable"):
            write_reports(result(), blocker)
