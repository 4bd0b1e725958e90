"""`report.json`: the source every format is rendered from, validated against its schema on write and on read."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jsonschema_rs

from apiconform.core.errors import ReportInputError
from apiconform.core.results import RunResult

if TYPE_CHECKING:
    import jsonschema

__all__ = [
    "REPORT_SCHEMA_FILE",
    "JsonReportWriter",
    "load_report",
    "load_result",
    "report_error",
    "report_schema",
    "validate_report",
]

REPORT_SCHEMA_FILE = "report.schema.json"


@cache
def report_schema() -> dict[str, Any]:
    text = resources.files("apiconform.report").joinpath(REPORT_SCHEMA_FILE).read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


@cache
def _fast_validator() -> jsonschema_rs.Validator:
    return jsonschema_rs.Draft202012Validator(report_schema(), validate_formats=True)


def validate_report(data: dict[str, Any]) -> None:
    """Raises jsonschema.ValidationError; a report that breaks its own schema is a bug in apiconform."""
    error = report_error(data)
    if error is not None:
        raise error


def report_error(data: dict[str, Any]) -> jsonschema.ValidationError | None:
    """The first way `data` breaks the report schema, or None.

    jsonschema-rs answers the common case, a valid report, without importing the Python validator; only
    a report it rejects is checked again by jsonschema, whose error names the path and the reason.
    """
    if _fast_validator().is_valid(data):
        return None
    import jsonschema  # noqa: PLC0415 - the slow validator and its format checkers, only to explain a failure

    validator = jsonschema.Draft202012Validator(report_schema(), format_checker=jsonschema.FormatChecker())
    return next(iter(validator.iter_errors(data)), None)


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
    error = report_error(data)
    if error is not None:
        where = "/" + "/".join(str(part) for part in error.absolute_path)
        raise ReportInputError(path, f"not a valid apiconform report.json (at {where}: {error.message})")
    return data


def load_result(path: Path) -> RunResult:
    """A report.json read back as the run it describes (see `RunResult.from_dict`)."""
    return RunResult.from_dict(load_report(path))
