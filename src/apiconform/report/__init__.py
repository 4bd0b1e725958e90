"""Report layer: a writer per format (json, junit, html, markdown), baseline, diff and history; imports only core."""

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
