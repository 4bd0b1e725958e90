"""`report.json`: the source every other format is rendered from, validated against its schema on write."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema

from apiconform.core.results import RunResult

__all__ = ["REPORT_SCHEMA_FILE", "JsonReportWriter", "report_schema", "validate_report"]

REPORT_SCHEMA_FILE = "report.schema.json"


@cache
def report_schema() -> dict[str, Any]:
    text = resources.files("apiconform.report").joinpath(REPORT_SCHEMA_FILE).read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def validate_report(data: dict[str, Any]) -> None:
    """Raises jsonschema.ValidationError; a report that breaks its own schema is a bug in apiconform."""
    jsonschema.Draft202012Validator(report_schema(), format_checker=jsonschema.FormatChecker()).validate(data)


class JsonReportWriter:
    filename = "report.json"

    def write(self, result: RunResult, directory: Path) -> Path:
        data = result.to_dict()
        validate_report(data)
        path = directory / self.filename
        path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        return path
