"""Writing every report format into one directory, with an unwritable directory reported as one line."""

from __future__ import annotations

import tempfile
from pathlib import Path

from apiconform.core.errors import ReportError
from apiconform.core.results import RunResult
from apiconform.report.html import HtmlReportWriter
from apiconform.report.json_report import JsonReportWriter
from apiconform.report.junit import JunitXmlWriter
from apiconform.report.markdown import MarkdownSummaryWriter

__all__ = ["check_writable", "ensure_writable", "write_reports"]

# report.json first: it validates the document every other format is rendered from.
WRITERS = (JsonReportWriter(), JunitXmlWriter(), HtmlReportWriter(), MarkdownSummaryWriter())


def check_writable(directory: Path) -> None:
    """Checked before a run starts, so a long run never ends in 'cannot write the report'.

    Nothing is created: a run stopped before it starts (bad input, unreachable target) leaves no report
    directory behind. The nearest existing ancestor is where the directory would be made, so it is probed.
    """
    existing = directory
    while not existing.exists() and existing.parent != existing:
        existing = existing.parent
    try:
        if not existing.is_dir():
            raise NotADirectoryError(20, "Not a directory")
        with tempfile.TemporaryFile(dir=existing):
            pass
    except OSError as exc:
        raise ReportError(directory, f"report directory is not writable ({exc.strerror or exc})") from None


def ensure_writable(directory: Path) -> None:
    """Make the directory (a run is about to write into it), with an unwritable one reported as one line."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ReportError(directory, f"report directory is not writable ({exc.strerror or exc})") from None
    check_writable(directory)


def write_reports(result: RunResult, directory: Path) -> list[Path]:
    ensure_writable(directory)
    try:
        return [writer.write(result, directory) for writer in WRITERS]
    except OSError as exc:
        raise ReportError(directory, f"cannot write report ({exc.strerror or exc})") from None
