"""Enum coverage: the values a target returns, recorded per documented enum and per example-only field."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from apiconform.core.vocabulary import Evidence
from apiconform.runner.observations import EnumObserver
from apiconform.specs import SpecDocument, load_spec

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def spec() -> SpecDocument:
    return load_spec(ROOT / "specs/ap-invoice/openapi.yaml", root=ROOT / "specs")


def _observe(spec: SpecDocument, *bodies: dict[str, Any], status: int = 200) -> dict[str, dict[str, Any]]:
    observer = EnumObserver()
    operation = spec.operations[0]
    for body in bodies:
        observer.observe(spec, operation, status, "application/json", json.dumps(body).encode())
    return {item.pointer: item.to_dict() for item in observer.observations}


class TestEnumObserver:
    def test_documented_enum(self, spec: SpecDocument) -> None:
        """Observed values of a DOC enum accumulate across responses, with the documented set beside them."""
        seen = _observe(spec, {"currency": "EUR"}, {"currency": "NOK"}, {"currency": "EUR"})
        assert seen["/currency"]["observed"] == ["EUR", "NOK"]
        assert len(seen["/currency"]["documented"]) == 28
        assert seen["/currency"]["evidence"] == Evidence.DOC.value
        assert seen["/currency"]["kind"] == "enum"

    def test_value_outside_the_enum_is_recorded_too(self, spec: SpecDocument) -> None:
        """Coverage records what the target sent, even a value the enum check fails."""
        assert _observe(spec, {"currency": "XBT"})["/currency"]["observed"] == ["XBT"]

    def test_known_values_inside_arrays(self, spec: SpecDocument) -> None:
        """Example-only fields in arrays aggregate under one `*` pointer, as EXAMPLE evidence."""
        seen = _observe(spec, {"splits": [{"taxKey": {"type": "SALE"}}, {"taxKey": {"type": "PURCHASE"}}]})
        entry = seen["/splits/*/taxKey/type"]
        assert entry["kind"] == "known-values"
        assert entry["documented"] == ["SALE"]
        assert entry["observed"] == ["SALE", "PURCHASE"]
        assert entry["evidence"] == Evidence.EXAMPLE.value

    @pytest.mark.parametrize(
        ("status", "body"),
        [(418, b'{"currency": "EUR"}'), (200, b"not json")],
        ids=["undocumented-status", "not-json"],
    )
    def test_nothing_recorded(self, spec: SpecDocument, status: int, body: bytes) -> None:
        """Undocumented statuses and unparseable bodies are other checks' business."""
        observer = EnumObserver()
        observer.observe(spec, spec.operations[0], status, "application/json", body)
        assert observer.observations == []


class TestDocumentedFields:
    def test_fields_recorded_per_documented_status(self, spec: SpecDocument) -> None:
        """Documented fields a body held are recorded under its status, with `*` for array items."""
        observer = EnumObserver()
        body = {"id": "inv-1", "currency": "EUR", "splits": [{"taxKey": {"type": "SALE"}}], "vendorExtra": 1}
        observer.observe(spec, spec.operations[0], 200, "application/json", json.dumps(body).encode())
        [entry] = observer.documented()
        assert (entry["status"], entry["operation"]) == (200, "GET /v1/invoice/{id}")
        assert {"/id", "/currency", "/splits", "/splits/*/taxKey", "/splits/*/taxKey/type"} == set(entry["pointers"])
        assert "/vendorExtra" not in entry["pointers"]

    @pytest.mark.parametrize(
        ("status", "recorded"), [(404, True), (418, False)], ids=["documented-status", "undocumented-status"]
    )
    def test_documented_status_recorded_without_a_body_schema(
        self, spec: SpecDocument, status: int, recorded: bool
    ) -> None:
        """A documented status is noted even when its body has no schema, so its disappearance can be told."""
        observer = EnumObserver()
        observer.observe(spec, spec.operations[0], status, "application/json", b"{}")
        assert [entry["status"] for entry in observer.documented()] == ([status] if recorded else [])
