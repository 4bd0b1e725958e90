"""Drift from observations: new values in example-only fields, new undocumented fields, new status codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from apiconform.core.regression import DRIFT_LABEL, DriftKind
from apiconform.report.diff import compare
from apiconform.report.json_report import report_schema, validate_report
from tests.fixtures.results import AP_GET, operation, result

POINTER = "/splits/*/taxKey/type"


def _report(
    *,
    values: list[str],
    fields: list[str],
    statuses: set[int],
    documented: dict[int, list[str]] | None = None,
    covered: bool = True,
) -> dict[str, Any]:
    run = result(operations=[operation(covered=covered)])
    run.operations[0].statuses = statuses
    run.enum_coverage = [
        {
            "api": "ap-invoice",
            "operation": AP_GET,
            "pointer": POINTER,
            "kind": "known-values",
            "documented": ["SALE"],
            "observed": values,
            "evidence": "EXAMPLE",
        }
    ]
    run.undocumented_fields = [{"api": "ap-invoice", "operation": AP_GET, "pointers": fields}] if fields else []
    run.documented_fields = [
        {"api": "ap-invoice", "operation": AP_GET, "status": status, "pointers": pointers}
        for status, pointers in sorted((DOCUMENTED if documented is None else documented).items())
    ]
    data = run.to_dict()
    validate_report(data)
    return data


DOCUMENTED: dict[int, list[str]] = {200: ["/id", "/status"], 404: []}
BASE: dict[str, Any] = {"values": ["SALE"], "fields": [], "statuses": {200, 404}}


class TestObservationDrift:
    @pytest.mark.parametrize(
        ("change", "kind", "detail"),
        [
            ({"values": ["SALE", "PURCHASE"]}, DriftKind.VALUE_NEW, '"PURCHASE"'),
            ({"fields": ["/paymentReference"]}, DriftKind.FIELD_NEW, "/paymentReference"),
            ({"statuses": {200, 404, 410}}, DriftKind.STATUS_NEW, "410"),
        ],
        ids=["new-known-value", "new-field", "new-status"],
    )
    def test_change_is_drift(self, change: dict[str, Any], kind: DriftKind, detail: str) -> None:
        """Each kind of change since the previous run is one drift item naming what changed."""
        old, new = _report(**BASE), _report(**{**BASE, **change})
        drift = [item for item in compare(old, new, previous="old.json").to_dict()["drift"] if item["kind"] == kind]
        assert len(drift) == 1
        assert detail in (drift[0]["after"], drift[0]["pointer"])

    @pytest.mark.parametrize(
        ("documented", "fields", "expected"),
        [
            ({200: ["/id"], 404: []}, [], [(DriftKind.FIELD_GONE, "/status", "in 200")]),
            (
                {200: ["/id"], 404: []},
                ["/state"],
                [(DriftKind.FIELD_NEW, "/state", ""), (DriftKind.FIELD_GONE, "/status", "in 200")],
            ),
            ({200: ["/id", "/status"]}, [], [(DriftKind.STATUS_GONE, "", "404")]),
            ({200: ["/id", "/status"], 404: [], 410: []}, [], []),
        ],
        ids=["field-gone", "field-renamed", "status-gone", "documented-status-added-is-not-gone"],
    )
    def test_vanished(
        self, documented: dict[int, list[str]], fields: list[str], expected: list[tuple[DriftKind, str, str]]
    ) -> None:
        """A documented field or status the previous run saw and this one never did is drift; a rename is gone + new."""
        old, new = _report(**BASE), _report(**{**BASE, "documented": documented, "fields": fields})
        drift = compare(old, new, previous="old.json").to_dict()["drift"]
        assert sorted((DriftKind(item["kind"]), item["pointer"], item["before"]) for item in drift) == sorted(expected)

    def test_nothing_vanishes_from_an_operation_not_covered(self) -> None:
        """An operation this run did not reach has not lost its fields; coverage drift says what happened."""
        old, new = _report(**BASE), _report(**{**BASE, "documented": {}, "covered": False})
        kinds = {item["kind"] for item in compare(old, new, previous="old.json").to_dict()["drift"]}
        assert kinds == {DriftKind.COVERAGE_LOST.value}

    def test_unchanged_run_has_no_observation_drift(self) -> None:
        """The same observations twice give no drift."""
        assert compare(_report(**BASE), _report(**BASE), previous="old.json").to_dict()["drift"] == []

    def test_schema_lists_every_drift_kind(self) -> None:
        """The report schema and the DriftKind enum name the same kinds: one vocabulary."""
        drift_items = report_schema()["properties"]["comparison"]["properties"]["drift"]["items"]
        assert set(drift_items["properties"]["kind"]["enum"]) == {kind.value for kind in DriftKind}
        assert set(DRIFT_LABEL) == set(DriftKind)


class TestFailOnDrift:
    @pytest.mark.parametrize(("flag", "code"), [((), 0), (("--fail-on-drift",), 1)], ids=["default", "fail-on-drift"])
    def test_diff_exit_code(self, tmp_path: Path, flag: tuple[str, ...], code: int) -> None:
        """Drift alone never fails `apiconform diff`, unless --fail-on-drift asks it to."""
        old, new = tmp_path / "old.json", tmp_path / "new.json"
        old.write_text(json.dumps(_report(**BASE)), encoding="utf-8")
        new.write_text(json.dumps(_report(**{**BASE, "statuses": {200, 404, 410}})), encoding="utf-8")
        completed = subprocess.run(
            [sys.executable, "-m", "apiconform", "diff", str(old), str(new), *flag],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
            env={**os.environ, "CI": "true"},
        )
        assert completed.returncode == code, completed.stdout + completed.stderr
