"""The raw-body check: every violation classified by keyword, judged by the evidence of its field."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from apiconform.checks.body import body_violations
from apiconform.core.vocabulary import CheckClass, Evidence
from apiconform.sandbox._ap_invoice_seed import seed_invoices
from apiconform.specs import SpecDocument, load_spec

ROOT = Path(__file__).resolve().parents[2]
PATH = "/v1/invoice/{id}"


@pytest.fixture(scope="module")
def spec() -> SpecDocument:
    return load_spec(ROOT / "specs/ap-invoice/openapi.yaml", root=ROOT / "specs")


@pytest.fixture
def invoice() -> dict[str, Any]:
    return dict(seed_invoices()[0])


def _violations(spec: SpecDocument, body: Any, *, status: int = 200, content_type: str = "application/json") -> Any:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    operation = spec.operation("get", PATH)
    assert operation is not None
    return body_violations(spec.contract, operation, status=status, content_type=content_type, body=raw)


def _set(invoice: dict[str, Any], pointer: str, value: Any) -> dict[str, Any]:
    *parents, last = [part for part in pointer.split("/") if part]
    node: Any = invoice
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node[part]
    if value is DROP:
        del node[last]
    else:
        node[last] = value
    return invoice


DROP = object()
CASES = [
    ("/currency", "XBT", CheckClass.ENUM, Evidence.DOC, "/currency"),
    ("/status", "new", CheckClass.ENUM, Evidence.DOC, "/status"),
    ("/status", DROP, CheckClass.REQUIRED, Evidence.DOC, "/status"),
    ("/totalAmount", "12.50", CheckClass.TYPE, Evidence.DOC, "/totalAmount"),
    ("/createdAt", "2026-03-14 09:30", CheckClass.FORMAT, Evidence.DOC, "/createdAt"),
    ("/splits", {}, CheckClass.TYPE, Evidence.DOC, "/splits"),
    ("/splits/0/taxKey/type", 7, CheckClass.TYPE, Evidence.EXAMPLE, "/splits/*/taxKey/type"),
]


class TestBodyViolations:
    def test_seeded_invoice_conforms(self, spec: SpecDocument, invoice: dict[str, Any]) -> None:
        """A fully populated, documented invoice has no violation."""
        assert _violations(spec, invoice) == []

    @pytest.mark.parametrize(
        ("pointer", "value", "check", "evidence", "where"),
        CASES,
        ids=["enum", "enum-case", "required", "type", "format", "array-to-object", "example-field-type"],
    )
    def test_violation(
        self,
        spec: SpecDocument,
        invoice: dict[str, Any],
        pointer: str,
        value: Any,
        check: CheckClass,
        evidence: Evidence,
        where: str,
    ) -> None:
        """One broken field gives one violation of its class, at its pointer, with the field's evidence."""
        found = _violations(spec, _set(invoice, pointer, value))
        assert [(v.check_class, v.evidence, v.pointer) for v in found] == [(check, evidence, where)]
        assert found[0].expected
        assert found[0].actual
        # A list item's index is named in `actual`, so one broken field across items stays one finding.
        assert (pointer in found[0].actual) is ("*" in where)

    @pytest.mark.parametrize(
        ("status", "content_type", "body"),
        [(418, "application/json", b"{}"), (200, "text/plain", b"hello")],
        ids=["undocumented-status", "not-json-content-type"],
    )
    def test_not_this_checks_business(self, spec: SpecDocument, status: int, content_type: str, body: bytes) -> None:
        """Undocumented statuses and non-JSON media types are left to the status and content-type checks."""
        assert _violations(spec, body, status=status, content_type=content_type) == []

    def test_body_that_is_not_json(self, spec: SpecDocument) -> None:
        """A JSON content type with an unparseable body is a schema violation."""
        found = _violations(spec, b'{"currency": ')
        assert [v.check_class for v in found] == [CheckClass.SCHEMA]
        assert found[0].title == "Response body is not valid JSON"

    @pytest.mark.parametrize(
        ("pointer", "expected"),
        [
            ("/archivedDate", []),
            ("/purchaseOrder", []),
            ("/notes", [(CheckClass.TYPE, Evidence.EXAMPLE, "/notes")]),
            ("/counterparty/bankAccount/iban", [(CheckClass.TYPE, Evidence.EXAMPLE, "/counterparty/bankAccount/iban")]),
            ("/organization", [(CheckClass.TYPE, Evidence.DOC, "/organization")]),
        ],
        ids=[
            "nullable-absence-normal",
            "nullable-relation",
            "optional-is-warning",
            "nested-optional",
            "required-fails",
        ],
    )
    def test_nullability_rule(
        self, spec: SpecDocument, invoice: dict[str, Any], pointer: str, expected: list[Any]
    ) -> None:
        """Null passes where absence is normal, warns in another optional field, keeps its evidence if required."""
        found = _violations(spec, _set(invoice, pointer, None))
        assert [(v.check_class, v.evidence, v.pointer) for v in found] == expected

    @pytest.mark.parametrize(
        ("literal", "check"),
        [
            (b"NaN", CheckClass.SCHEMA),
            (b"Infinity", CheckClass.SCHEMA),
            (b"-Infinity", CheckClass.SCHEMA),
            (b'"\xe6re"', CheckClass.CONTENT_TYPE),
        ],
        ids=["nan", "infinity", "minus-infinity", "invalid-utf-8"],
    )
    def test_body_python_would_forgive(
        self, spec: SpecDocument, invoice: dict[str, Any], literal: bytes, check: CheckClass
    ) -> None:
        """A body `json.loads` accepts but strict JSON does not is one finding, whichever validator would judge it."""
        raw = json.dumps({**invoice, "totalAmount": "SLOT"}).encode().replace(b'"SLOT"', literal)
        found = _violations(spec, raw)
        assert [(v.check_class, v.evidence, v.title) for v in found] == [
            (check, Evidence.DOC, "Response body is not valid JSON")
        ]

    def test_two_json_texts(self, spec: SpecDocument, invoice: dict[str, Any]) -> None:
        """Two valid invoices back to back are not one JSON document."""
        raw = json.dumps(invoice).encode() * 2
        assert [v.expected for v in _violations(spec, raw)] == ["exactly one JSON text"]

    @pytest.mark.parametrize("status", [201, 203], ids=["201", "203"])
    def test_undocumented_success_judged_by_the_documented_one(
        self, spec: SpecDocument, invoice: dict[str, Any], status: int
    ) -> None:
        """A read answering an undocumented 2xx still has its body checked against the documented 200."""
        assert _violations(spec, invoice, status=status) == []
        found = _violations(spec, _set(invoice, "/status", DROP), status=status)
        assert [(v.check_class, v.pointer, v.evidence) for v in found] == [
            (CheckClass.REQUIRED, "/status", Evidence.DOC)
        ]

    def test_missing_defaulted_required_field_is_not_hidden(self, spec: SpecDocument, invoice: dict[str, Any]) -> None:
        """`currency` has default EUR, but a body without it breaks `required`: defaults are never filled in."""
        found = _violations(spec, _set(invoice, "/currency", DROP))
        assert [(v.check_class, v.pointer) for v in found] == [(CheckClass.REQUIRED, "/currency")]


class TestFastPath:
    def test_rust_validator_answers(self, spec: SpecDocument, invoice: dict[str, Any]) -> None:
        """The fast path is really taken (not a silent fallback to the Python validator)."""
        operation = spec.operation("get", PATH)
        assert operation is not None
        response = operation.response(200)
        assert response is not None
        assert response.json is not None
        schema = response.json.schema
        assert schema is not None
        assert spec.contract.validators.is_valid(schema, invoice) is True
        assert spec.contract.validators.is_valid(schema, {**invoice, "currency": "XBT"}) is False
