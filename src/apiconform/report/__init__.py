"""Report layer: a writer per format (json, junit, html, markdown), baseline, diff and history; imports only core.

Names are imported on first use, so a command that reads one report does not load every writer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from apiconform.core.lazy import export

if TYPE_CHECKING:
    from apiconform.report.console import ConsoleSummary
    from apiconform.report.html import HtmlReportWriter
    from apiconform.report.json_report import REPORT_SCHEMA_FILE, JsonReportWriter, report_schema, validate_report
    from apiconform.report.junit import JunitXmlWriter
    from apiconform.report.markdown import MarkdownSummaryWriter
    from apiconform.report.writers import write_reports

__all__ = [
    "REPORT_SCHEMA_FILE",
    "ConsoleSummary",
    "HtmlReportWriter",
    "JsonReportWriter",
    "JunitXmlWriter",
    "MarkdownSummaryWriter",
    "report_schema",
    "validate_report",
    "write_reports",
]

_HOME_OF = {
    "ConsoleSummary": "apiconform.report.console",
    "HtmlReportWriter": "apiconform.report.html",
    "REPORT_SCHEMA_FILE": "apiconform.report.json_report",
    "JsonReportWriter": "apiconform.report.json_report",
    "report_schema": "apiconform.report.json_report",
    "validate_report": "apiconform.report.json_report",
    "JunitXmlWriter": "apiconform.report.junit",
    "MarkdownSummaryWriter": "apiconform.report.markdown",
    "write_reports": "apiconform.report.writers",
}


def __getattr__(name: str) -> Any:
    return export(__name__, _HOME_OF, globals(), name)
