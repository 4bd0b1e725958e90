"""Regression between two report.json files: failures that are new, fixed or persisting, and drift.

Findings are matched by Finding.identity (api, operation, check, pointer, expected, source, response status),
so a different wrong value in the same field is the same failure with a changed value (drift), not a new one;
against a format-version-1 report, which predates the status in the identity, they are matched without it. Only new
failures make `apiconform diff` exit 1; drift (warnings that came or went, changed values, coverage won or
lost, spec versions) is listed for a person to read.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from apiconform.core.regression import Comparison, DiffItem, DriftItem, DriftKind
from apiconform.report.json_report import load_report

__all__ = ["compare", "load_report"]

Identity = tuple[str, str, str, str, str, str, int | None]
# Reports of this format version and later name a finding by its response status too (core/findings.py).
STATUS_IN_IDENTITY = 2


def _identity(finding: dict[str, Any], *, with_status: bool) -> Identity:
    response = finding.get("response")
    return (
        finding["api"],
        finding["operation"],
        finding["check"],
        finding["pointer"],
        finding["expected"],
        finding["source"],
        response["status"] if with_status and response is not None else None,
    )


def _with_status(*reports: dict[str, Any]) -> bool:
    """A report written before the status was part of a finding's identity is compared on the old identity."""
    return all(int(report.get("format_version", "1")) >= STATUS_IN_IDENTITY for report in reports)


def _gating(finding: dict[str, Any]) -> bool:
    return bool(finding["severity"] == "failure" and "accepted" not in finding)


def _status(finding: dict[str, Any] | None) -> str:
    if finding is None:
        return "gone"
    if "accepted" in finding:
        return "accepted by the baseline"
    if finding["severity"] == "warning":
        return f"a warning ({finding['evidence']})"
    return "failing"


def _by_identity(findings: Iterable[dict[str, Any]], *, with_status: bool) -> dict[Identity, dict[str, Any]]:
    found: dict[Identity, dict[str, Any]] = {}
    for finding in findings:
        found.setdefault(_identity(finding, with_status=with_status), finding)
    return found


def compare(old: dict[str, Any], new: dict[str, Any], *, previous: str) -> Comparison:
    """`new` judged against `old`; both are report.json documents, of this format version or version 1."""
    with_status = _with_status(old, new)
    before = _by_identity(old["findings"], with_status=with_status)
    after = _by_identity(new["findings"], with_status=with_status)
    failing_before = {key for key, finding in before.items() if _gating(finding)}
    failing_after = {key for key, finding in after.items() if _gating(finding)}
    new_failures = [
        DiffItem.from_finding(after[key], note="" if key not in before else f"was {_status(before[key])}")
        for key in sorted(failing_after - failing_before)
    ]
    fixed = [
        DiffItem.from_finding(before[key], note=f"now {_status(after.get(key))}")
        for key in sorted(failing_before - failing_after)
    ]
    persisting = [DiffItem.from_finding(after[key]) for key in sorted(failing_before & failing_after)]
    return Comparison(
        previous=previous,
        previous_started_at=old["run"]["started_at"],
        previous_verdict=old["verdict"],
        new_failures=tuple(new_failures),
        fixed=tuple(fixed),
        persisting=tuple(persisting),
        drift=tuple(_drift(old, new, before, after)),
    )


def _drift(
    old: dict[str, Any],
    new: dict[str, Any],
    before: dict[Identity, dict[str, Any]],
    after: dict[Identity, dict[str, Any]],
) -> list[DriftItem]:
    return [
        *_findings_drift(before, after),
        *_coverage_drift(old, new),
        *_spec_drift(old, new),
        *_observation_drift(old, new),
        *_vanished_drift(old, new),
    ]


def _vanished_drift(old: dict[str, Any], new: dict[str, Any]) -> list[DriftItem]:
    """Documented fields and statuses the previous run saw and this one did not, on operations both covered.

    A field is judged within its status (a run that got no 200 has not seen the 200's fields vanish; its 200
    vanished), so a renamed field is one gone here and one new undocumented field above.
    """
    covered = {(op["api"], op["operation"]) for op in new["operations"] if op["covered"]}
    seen = {(entry["api"], entry["operation"], entry["status"]): entry for entry in new.get("documented_fields", [])}
    drift: list[DriftItem] = []
    for entry in old.get("documented_fields", []):
        api, operation, status = entry["api"], entry["operation"], entry["status"]
        if (api, operation) not in covered:
            continue
        now = seen.get((api, operation, status))
        if now is None:
            drift.append(DriftItem(kind=DriftKind.STATUS_GONE, api=api, operation=operation, before=str(status)))
            continue
        drift += [
            DriftItem(kind=DriftKind.FIELD_GONE, api=api, operation=operation, pointer=pointer, before=f"in {status}")
            for pointer in entry["pointers"]
            if pointer not in now["pointers"]
        ]
    return drift


def _observation_drift(old: dict[str, Any], new: dict[str, Any]) -> list[DriftItem]:
    """New values in example-only fields, new undocumented fields and new status codes since the previous run.

    A value outside a documented enum is already a failure; here only what the docs leave open counts.
    """
    drift: list[DriftItem] = []
    seen = {
        (entry["api"], entry["operation"], entry["pointer"]): entry["observed"]
        for entry in old.get("enum_coverage", [])
    }
    for entry in new.get("enum_coverage", []):
        key = (entry["api"], entry["operation"], entry["pointer"])
        if entry.get("kind") != "known-values" or key not in seen:
            continue
        drift += [
            DriftItem(kind=DriftKind.VALUE_NEW, api=key[0], operation=key[1], pointer=key[2], after=json.dumps(value))
            for value in entry["observed"]
            if value not in seen[key] and value not in entry["documented"]
        ]
    fields = {
        (entry["api"], entry["operation"]): set(entry["pointers"]) for entry in old.get("undocumented_fields", [])
    }
    for entry in new.get("undocumented_fields", []):
        before = fields.get((entry["api"], entry["operation"]), set())
        drift += [
            DriftItem(kind=DriftKind.FIELD_NEW, api=entry["api"], operation=entry["operation"], pointer=pointer)
            for pointer in entry["pointers"]
            if pointer not in before
        ]
    statuses = {(op["api"], op["operation"]): set(op.get("statuses", [])) for op in old["operations"]}
    for op in new["operations"]:
        before_statuses = statuses.get((op["api"], op["operation"]))
        if before_statuses is None or not before_statuses:
            continue
        drift += [
            DriftItem(kind=DriftKind.STATUS_NEW, api=op["api"], operation=op["operation"], after=str(status))
            for status in op.get("statuses", [])
            if status not in before_statuses
        ]
    return drift


def _quiet(finding: dict[str, Any]) -> bool:
    """A warning nobody accepted: its coming and going is drift, not a regression."""
    return not _gating(finding) and "accepted" not in finding


def _findings_drift(before: dict[Identity, dict[str, Any]], after: dict[Identity, dict[str, Any]]) -> list[DriftItem]:
    came = [
        _finding_drift(DriftKind.WARNING_NEW, after[key], after=after[key]["actual"])
        for key in sorted(set(after) - set(before))
        if _quiet(after[key])
    ]
    went = [
        _finding_drift(DriftKind.WARNING_GONE, before[key], before=before[key]["actual"])
        for key in sorted(set(before) - set(after))
        if _quiet(before[key])
    ]
    changed = [
        _finding_drift(DriftKind.ACTUAL_CHANGED, after[key], before=before[key]["actual"], after=after[key]["actual"])
        for key in sorted(set(before) & set(after))
        if before[key]["actual"] != after[key]["actual"]
    ]
    return came + went + changed


def _coverage_drift(old: dict[str, Any], new: dict[str, Any]) -> list[DriftItem]:
    old_ops = {(op["api"], op["operation"]): op for op in old["operations"]}
    new_ops = {(op["api"], op["operation"]): op for op in new["operations"]}
    drift = []
    for api, operation in sorted(set(old_ops) | set(new_ops)):
        was, now = old_ops.get((api, operation)), new_ops.get((api, operation))
        if was is None:
            drift.append(DriftItem(kind=DriftKind.OPERATION_ADDED, api=api, operation=operation))
        elif now is None:
            drift.append(DriftItem(kind=DriftKind.OPERATION_REMOVED, api=api, operation=operation))
        elif was["covered"] and not now["covered"]:
            reason = now["skip_reason"] or now.get("uncovered_reason") or "no request reached it"
            drift.append(DriftItem(kind=DriftKind.COVERAGE_LOST, api=api, operation=operation, after=reason))
        elif now["covered"] and not was["covered"]:
            drift.append(DriftItem(kind=DriftKind.COVERAGE_GAINED, api=api, operation=operation))
    return drift


def _spec_drift(old: dict[str, Any], new: dict[str, Any]) -> list[DriftItem]:
    old_specs = {spec["name"]: spec["version"] for spec in old["specs"]}
    return [
        DriftItem(kind=DriftKind.SPEC_VERSION, api=spec["name"], before=old_specs[spec["name"]], after=spec["version"])
        for spec in new["specs"]
        if old_specs.get(spec["name"], spec["version"]) != spec["version"]
    ]


def _finding_drift(kind: DriftKind, finding: dict[str, Any], *, before: str = "", after: str = "") -> DriftItem:
    return DriftItem(
        kind=kind,
        api=finding["api"],
        operation=finding["operation"],
        check=finding["check"],
        pointer=finding["pointer"],
        before=before,
        after=after,
    )
