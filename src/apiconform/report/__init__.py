"""Report layer: writers that render a RunResult; each format has one writer and imports only core."""

from apiconform.report.console import ConsoleSummary
from apiconform.report.json_report import REPORT_SCHEMA_FILE, JsonReportWriter, report_schema, validate_report
from apiconform.report.junit import JunitXmlWriter
from apiconform.report.writers import write_reports

__all__ = [
    "REPORT_SCHEMA_FILE",
    "ConsoleSummary",
    "JsonReportWriter",
    "JunitXmlWriter",
    "report_schema",
    "validate_report",
    "write_reports",
]
