"""Writing every report format into one directory, with an unwritable directory reported as one line."""

from __future__ import annotations

from pathlib import Path

from apiconform.core.errors import ReportError
from apiconform.core.results import RunResult
from apiconform.report.html import HtmlReportWriter
from apiconform.report.json_report import JsonReportWriter
from apiconform.report.junit import JunitXmlWriter
from apiconform.report.markdown import MarkdownSummaryWriter

__all__ = ["ensure_writable", "write_reports"]

# report.json first: it validates the document every other format is rendered from.
WRITERS = (JsonReportWriter(), JunitXmlWriter(), HtmlReportWriter(), MarkdownSummaryWriter())


def ensure_writable(directory: Path) -> None:
    """Checked before a run starts, so a long run never ends in 'cannot write the report'."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
        probe = directory / ".apiconform-write-test"
        probe.write_text("", encoding="utf-8")
        probe.unlink()
    except OSError as exc:
        raise ReportError(directory, f"report directory is not writable ({exc.strerror or exc})") from None


def write_reports(result: RunResult, directory: Path) -> list[Path]:
    ensure_writable(directory)
    try:
        return [writer.write(result, directory) for writer in WRITERS]
    except OSError as exc:
        raise ReportError(directory, f"cannot write report ({exc.strerror or exc})") from None
