"""The baseline: a TOML file of accepted deviations, each with a reason and an expiry date.

A finding an entry in force matches is shown as accepted and does not fail the run; once the entry's date
has passed, the same finding fails again. Entries that matched nothing are reported, so a baseline shrinks
as the vendor fixes things instead of silently accepting whatever comes next.

Usage::

    # apiconform-baseline.toml
    [[accept]]
    api = "ap-invoice"                    # optional: without it, the operation in any API
    operation = "GET /v1/invoice/{id}"
    check = "enum"
    pointer = "/currency"                 # "" for the whole response (status code, content type, auth)
    reason = "VENDOR-1234: XBT sent for crypto invoices until their 2026-Q3 release"
    expires = 2026-09-30                  # a TOML date; the entry holds through this day (UTC)

    [[accept]]                            # one known spec defect, wherever it shows
    operation = "*"                       # `*` is any text: "GET /v1/*", "* /v1/users/{id}"
    check = "type"
    pointer = "/**/bio"                   # segment `*`: exactly one segment; `**`: any number of them
    reason = "the community spec says string; every server sends null"
    expires = 2026-12-31
"""

from __future__ import annotations

import dataclasses
import re
import tomllib
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any, Final

from apiconform.core.errors import ReportInputError
from apiconform.core.regression import BaselineEntry, BaselineEntryOutcome, BaselineOutcome, BaselineStatus
from apiconform.core.results import RunResult
from apiconform.core.vocabulary import CheckClass

__all__ = ["apply_baseline", "load_baseline", "parse_baseline"]

REQUIRED_KEYS: Final = ("operation", "check", "pointer", "reason", "expires")
OPTIONAL_KEYS: Final = ("api",)
# An exact label, or a pattern with `*` for any text: `*`, `GET /v1/*`, `* /v1/users/{id}`.
OPERATION: Final = re.compile(r"^(\*|(GET|PUT|POST|DELETE|PATCH|HEAD|OPTIONS|TRACE|\*) /\S*)$")
CHECKS: Final = ", ".join(check.value for check in CheckClass)


def load_baseline(path: Path) -> list[BaselineEntry]:
    """Read and validate a baseline file; any problem is one ReportInputError naming the file and the entry."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ReportInputError(path, f"cannot read the baseline ({exc.strerror or exc})") from None
    except UnicodeDecodeError:
        raise ReportInputError(path, "the baseline is not UTF-8 text") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ReportInputError(path, f"the baseline is not valid TOML ({exc})") from None
    return parse_baseline(data, path)


def parse_baseline(data: dict[str, Any], path: Path) -> list[BaselineEntry]:
    unknown = sorted(set(data) - {"accept"})
    if unknown:
        raise ReportInputError(path, f"unknown top-level key {unknown[0]!r}; entries go in [[accept]] tables")
    raw = data.get("accept", [])
    if not isinstance(raw, list):
        raise ReportInputError(path, "'accept' must be an array of tables ([[accept]])")
    return [_entry(item, number, path) for number, item in enumerate(raw, start=1)]


def _entry(item: Any, number: int, path: Path) -> BaselineEntry:
    where = f"[[accept]] entry {number}"
    if not isinstance(item, dict):
        raise ReportInputError(path, f"{where} is not a table")
    missing = [key for key in REQUIRED_KEYS if key not in item]
    if missing:
        raise ReportInputError(path, f"{where} lacks {', '.join(missing)}")
    extra = sorted(set(item) - set(REQUIRED_KEYS) - set(OPTIONAL_KEYS))
    if extra:
        raise ReportInputError(path, f"{where} has unknown key {extra[0]!r}")
    for key in ("operation", "check", "pointer", "reason", "api"):
        if key in item and not isinstance(item[key], str):
            raise ReportInputError(path, f"{where}: {key} must be a string")
    if not OPERATION.match(item["operation"]):
        raise ReportInputError(
            path, f"{where}: operation must read 'METHOD /path' (`*` for any text), got {item['operation']!r}"
        )
    if item["check"] not in CheckClass.__members__.values():
        raise ReportInputError(path, f"{where}: check {item['check']!r} is not one of {CHECKS}")
    if item["pointer"] and not item["pointer"].startswith("/"):
        raise ReportInputError(path, f"{where}: pointer must be empty or start with '/', got {item['pointer']!r}")
    if not item["reason"].strip():
        raise ReportInputError(path, f"{where}: reason is empty; say why the deviation is accepted")
    return BaselineEntry(
        api=item.get("api", ""),
        operation=item["operation"],
        check=CheckClass(item["check"]),
        pointer=item["pointer"],
        reason=item["reason"].strip(),
        expires=_date(item["expires"], where, path),
    )


def _date(value: Any, where: str, path: Path) -> date:
    if isinstance(value, date) and not hasattr(value, "hour"):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise ReportInputError(path, f"{where}: expires must be a date (2026-09-30), got {value!r}")


def apply_baseline(result: RunResult, entries: Sequence[BaselineEntry], *, path: str, today: date) -> None:
    """Mark the findings entries in force accept; record what every entry did on `result.baseline`.

    The first entry in force that matches a finding accepts it. An expired entry accepts nothing. The run is
    judged afresh: an acceptance it carries from an earlier judgement (a merged shard report) is dropped.
    """
    in_force = [index for index, entry in enumerate(entries) if not entry.expired_on(today)]
    accepted = [0] * len(entries)
    for position, finding in enumerate(result.findings):
        index = next((index for index in in_force if entries[index].matches(finding)), None)
        acceptance = entries[index].acceptance if index is not None else None
        if acceptance != finding.accepted:
            result.findings[position] = dataclasses.replace(finding, accepted=acceptance)
        if index is not None:
            accepted[index] += 1
    outcomes = []
    for index, entry in enumerate(entries):
        if entry.expired_on(today):
            status = BaselineStatus.EXPIRED
        elif accepted[index]:
            status = BaselineStatus.USED
        else:
            status = BaselineStatus.UNUSED
        matched = sum(1 for finding in result.findings if entry.matches(finding))
        outcomes.append(BaselineEntryOutcome(entry=entry, status=status, matched=matched))
    result.baseline = BaselineOutcome(path=path, checked_on=today.isoformat(), entries=tuple(outcomes))
