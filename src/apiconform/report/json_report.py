"""`report.json`: the source every format is rendered from, validated against its schema on write and on read."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from apiconform.core.errors import ReportInputError
from apiconform.core.results import RunResult

__all__ = ["REPORT_SCHEMA_FILE", "JsonReportWriter", "load_report", "load_result", "report_schema", "validate_report"]

REPORT_SCHEMA_FILE = "report.schema.json"


@cache
def report_schema() -> dict[str, Any]:
    text = resources.files("apiconform.report").joinpath(REPORT_SCHEMA_FILE).read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def validate_report(data: dict[str, Any]) -> None:
    """Raises jsonschema.ValidationError; a report that breaks its own schema is a bug in apiconform."""
    # Imported here: a command that only names a report (--help, usage errors) does not load the validator.
    import jsonschema  # noqa: PLC0415

    jsonschema.Draft202012Validator(report_schema(), format_checker=jsonschema.FormatChecker()).validate(data)


class JsonReportWriter:
    filename = "report.json"

    def write(self, result: RunResult, directory: Path) -> Path:
        data = result.to_dict()
        validate_report(data)
        path = directory / self.filename
        path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        return path


def load_report(path: Path) -> dict[str, Any]:
    """A report.json, validated against the report schema; anything else is one ReportInputError."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ReportInputError(path, f"cannot read the report ({exc.strerror or exc})") from None
    except UnicodeDecodeError:
        raise ReportInputError(path, "not an apiconform report.json (not UTF-8 text)") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ReportInputError(path, f"not an apiconform report.json (invalid JSON: {exc.msg})") from None
    if not isinstance(data, dict):
        raise ReportInputError(path, "not an apiconform report.json (not a JSON object)")
    import jsonschema  # noqa: PLC0415 - see validate_report

    try:
        validate_report(data)
    except jsonschema.ValidationError as exc:
        where = "/" + "/".join(str(part) for part in exc.absolute_path)
        raise ReportInputError(path, f"not a valid apiconform report.json (at {where}: {exc.message})") from None
    return data


def load_result(path: Path) -> RunResult:
    """A report.json read back as the run it describes (see `RunResult.from_dict`)."""
    return RunResult.from_dict(load_report(path))
