"""Resource identity: a successful read names the resource the request asked for."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any, Final

import pytest

from apiconform.checks.identity import identity_violations, requested_values
from apiconform.core.vocabulary import CheckClass, Evidence
from apiconform.specs import load_spec
from apiconform.specs.contract import Contract
from apiconform.specs.model import Operation

ROOT: Final = Path(__file__).resolve().parents[2]
AP_SPEC: Final = load_spec(ROOT / "specs/ap-invoice/openapi.yaml", root=ROOT / "specs")
COLLECTION_SPEC: Final = load_spec(ROOT / "specs/amili/collection.yaml", root=ROOT / "specs")
AP: Final = AP_SPEC.raw
COLLECTION: Final = COLLECTION_SPEC.raw
AP_CONTRACT: Final = AP_SPEC.contract
COLLECTION_CONTRACT: Final = COLLECTION_SPEC.contract
UUID_A: Final = "0f8fad5b-d9cb-469f-a165-70867728950e"
UUID_B: Final = "7c9e6679-7425-40de-944b-e07fc1f90ae7"


def _document(properties: dict[str, Any], path: str = "/things/{thingId}", evidence: str = "DOC") -> dict[str, Any]:
    """A one-operation document whose 200 answers an object with `properties`."""
    return {
        "openapi": "3.1.0",
        "paths": {
            path: {
                "get": {
                    "x-evidence": "DOC",
                    "responses": {
                        "200": {
                            "description": "ok",
                            "x-evidence": evidence,
                            "content": {"application/json": {"schema": {"type": "object", "properties": properties}}},
                        }
                    },
                }
            }
        },
    }


def _operation(document: dict[str, Any], path: str, method: str = "get") -> Operation:
    contract = AP_CONTRACT if document is AP else COLLECTION_CONTRACT if document is COLLECTION else Contract(document)
    found = contract.operation("get", path)
    assert found is not None
    return dataclasses.replace(found, method=method)


def _found(
    document: dict[str, Any],
    path: str,
    body: Any,
    requested: dict[str, Any],
    *,
    method: str = "get",
    status: int = 200,
) -> list[tuple[str, Evidence]]:
    violations = identity_violations(
        _operation(document, path, method),
        status=status,
        content_type="application/json",
        body=json.dumps(body).encode(),
        requested=requested,
    )
    assert all(violation.check_class is CheckClass.SCHEMA for violation in violations)
    return [(violation.pointer, violation.evidence) for violation in violations]


STRING: Final = {"type": "string"}
CASES: Final = [
    pytest.param(AP, "/v1/invoice/{id}", {"id": "inv-2"}, {"id": "inv-1"}, [("/id", Evidence.DOC)], id="root-id"),
    pytest.param(AP, "/v1/invoice/{id}", {"id": "inv-1"}, {"id": "inv-1"}, [], id="root-id-matches"),
    pytest.param(
        AP,
        "/v1/invoice/{id}",
        {"id": "inv-1", "organization": {"id": "org-9"}},
        {"id": "inv-1"},
        [],
        id="nested-record-is-another-resource",
    ),
    pytest.param(
        COLLECTION,
        "/orgs/{orgId}/invoices/{invoiceId}",
        {"summary": {"status": "SUCCESS"}, "data": {"id": UUID_B}},
        {"orgId": "org", "invoiceId": UUID_A},
        [("/data/id", Evidence.DOC)],
        id="envelope-id",
    ),
    pytest.param(
        COLLECTION,
        "/orgs/{orgId}/invoices/{invoiceId}",
        {"summary": {"status": "SUCCESS"}, "data": {"id": UUID_A.upper()}},
        {"orgId": "org", "invoiceId": UUID_A},
        [],
        id="uuid-case-is-not-identity",
    ),
    pytest.param(
        COLLECTION,
        "/orgs/{organizationId}/batches/{batchId}",
        {"data": {"batchId": "b-2", "organizationId": "org-2"}},
        {"organizationId": "org-1", "batchId": "b-1"},
        [("/data/batchId", Evidence.DOC), ("/data/organizationId", Evidence.DOC)],
        id="same-name-fields",
    ),
    pytest.param(
        _document({"id": {"type": "integer"}}),
        "/things/{thingId}",
        {"id": 7},
        {"thingId": "007"},
        [],
        id="integer-spellings",
    ),
    pytest.param(
        _document({"id": {"type": "integer"}}),
        "/things/{thingId}",
        {"id": 7},
        {"thingId": "string"},
        [],
        id="numeric-field-cannot-carry-text",
    ),
    pytest.param(
        _document({"id": {"type": "number"}}),
        "/things/{thingId}",
        {"id": 7},
        {"thingId": "8"},
        [("/id", Evidence.DOC)],
        id="numeric-text-still-compared",
    ),
    pytest.param(
        _document({"id": {"type": "integer"}}),
        "/things/{thingId}",
        {"id": 0},
        {"thingId": "0.0"},
        [],
        id="number-spellings",
    ),
    pytest.param(
        _document({"id": {"type": "integer"}}),
        "/things/{thingId}",
        {"id": 2},
        {"thingId": "2.5"},
        [],
        id="integer-field-cannot-carry-a-fraction",
    ),
    pytest.param(
        _document({"id": {"type": "integer"}, "username": STRING}, path="/users/{username}"),
        "/users/{username}",
        {"id": 7, "username": "alice"},
        {"username": "alice"},
        [],
        id="id-not-tied-to-a-name",
    ),
    pytest.param(
        _document({"id": {"type": "integer"}}),
        "/things/{thingId}",
        {"id": 8},
        {"thingId": 7},
        [("/id", Evidence.DOC)],
        id="integer-differs",
    ),
    pytest.param(
        _document({"id": STRING, "number": {**STRING, "x-identifies": "thingId"}}),
        "/things/{thingId}",
        {"id": "internal-1", "number": "T-1"},
        {"thingId": "T-1"},
        [],
        id="x-identifies-replaces-id",
    ),
    pytest.param(
        _document({"number": {**STRING, "x-identifies": "thingId"}}),
        "/things/{thingId}",
        {"number": "T-2"},
        {"thingId": "T-1"},
        [("/number", Evidence.DOC)],
        id="x-identifies-differs",
    ),
    pytest.param(
        _document({"thingId": {**STRING, "x-identifies": False}}),
        "/things/{thingId}",
        {"thingId": "parent"},
        {"thingId": "T-1"},
        [],
        id="x-identifies-false",
    ),
    pytest.param(
        _document({"id": STRING}, path="/things/{thingId}/parts"),
        "/things/{thingId}/parts",
        {"id": "part-1"},
        {"thingId": "T-1"},
        [],
        id="id-of-a-sub-collection",
    ),
    pytest.param(
        _document({"id": {**STRING, "x-evidence": "INFERRED"}}),
        "/things/{thingId}",
        {"id": "T-2"},
        {"thingId": "T-1"},
        [("/id", Evidence.INFERRED)],
        id="inferred-field-is-a-warning",
    ),
    pytest.param(
        _document({"id": STRING}, evidence="EXAMPLE"),
        "/things/{thingId}",
        {"id": "T-2"},
        {"thingId": "T-1"},
        [("/id", Evidence.EXAMPLE)],
        id="weakest-of-response-and-field",
    ),
    pytest.param(
        _document({"id": STRING}),
        "/things/{thingId}",
        {"id": None},
        {"thingId": "T-1"},
        [],
        id="null-is-the-body-checks-business",
    ),
]


class TestIdentityViolations:
    @pytest.mark.parametrize(("document", "path", "body", "requested", "expected"), CASES)
    def test_tied_fields(
        self,
        document: dict[str, Any],
        path: str,
        body: Any,
        requested: dict[str, Any],
        expected: list[tuple[str, Evidence]],
    ) -> None:
        """Only fields the schema ties to a path parameter are compared, each at its own evidence."""
        assert _found(document, path, body, requested) == expected

    @pytest.mark.parametrize(
        ("method", "status"), [("get", 404), ("post", 200), ("get", 500)], ids=["not-found", "write", "server-error"]
    )
    def test_only_successful_reads(self, method: str, status: int) -> None:
        """Errors and writes are not reads of the resource."""
        assert _found(AP, "/v1/invoice/{id}", {"id": "inv-2"}, {"id": "inv-1"}, method=method, status=status) == []

    def test_undocumented_success_uses_the_documented_schema(self) -> None:
        """A 203 for a read documented as 200 is still held to naming the requested resource."""
        assert _found(AP, "/v1/invoice/{id}", {"id": "inv-2"}, {"id": "inv-1"}, status=203) == [("/id", Evidence.DOC)]

    def test_body_that_is_not_json_is_left_to_the_body_check(self) -> None:
        """Unparseable bodies give no identity finding (the body check reports them once)."""
        found = identity_violations(
            _operation(AP, "/v1/invoice/{id}"), status=200, content_type="application/json",
            body=b'{"id": NaN}', requested={"id": "inv-1"},
        )  # fmt: skip
        assert found == []


class TestRequestedValues:
    @pytest.mark.parametrize(
        ("url", "expected"),
        [
            ("http://h/amili/collection/orgs/o-1/invoices/i-1", {"orgId": "o-1", "invoiceId": "i-1"}),
            ("http://h/base/orgs/a%20b/invoices/x%0Ay?q=1", {"orgId": "a b", "invoiceId": "x\ny"}),
            ("http://h/base/orgs/o-1/invoices/a%2Fb", {"orgId": "o-1", "invoiceId": "a/b"}),
            ("http://h/base/orgs/o-1/payments/i-1", None),
        ],
        ids=["plain", "percent-decoded", "escaped-slash", "another-path"],
    )
    def test_values_as_the_server_reads_them(self, url: str, expected: dict[str, str] | None) -> None:
        """The requested id is what the URL carried, decoded as the server decodes its path, not what was generated."""
        assert requested_values("/orgs/{orgId}/invoices/{invoiceId}", url) == expected
