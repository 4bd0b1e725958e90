"""The Amili seed as served: identifiers that would clear, numbers and times in their types, every known value."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import httpx
import pytest

from apiconform.sandbox._amili_seed import ORGANIZATIONS, arm_aritems, arm_customers, collection_invoices
from apiconform.sandbox._identifiers import is_valid_iban, is_valid_kid_mod10, is_valid_kid_mod11, is_valid_org_number
from apiconform.specs import Schema, SpecDocument

# Specs whose response schemas record enums or known values the seed must show.
SPECS_WITH_VALUES = ("amili/collection", "amili/autocollect")
MAX_DEPTH = 20


def _walk(value: Any, key: str = "") -> Iterator[tuple[str, Any]]:
    if isinstance(value, dict):
        for child_key, child in value.items():
            yield from _walk(child, child_key)
    elif isinstance(value, list):
        for item in value:
            yield from _walk(item, key)
    else:
        yield key, value


def _response_values(spec: SpecDocument) -> dict[str, set[str]]:
    """Property name -> the enum and x-known-values of every schema reachable from a response."""
    found: dict[str, set[str]] = defaultdict(set)

    def visit(node: Schema | None, name: str, depth: int = 0) -> None:
        if node is None or depth > MAX_DEPTH:
            return
        for keyword in ("enum", "x-known-values"):
            found[name].update(str(value) for value in node.get(keyword, []))
        children: list[tuple[Schema | None, str]] = [(child, key) for key, child in node.properties().items()]
        children += [(node.items(), name)]
        children += [(part, name) for keyword in ("anyOf", "oneOf", "allOf") for part in node.parts(keyword)]
        for child, child_name in children:
            visit(child, child_name, depth + 1)

    for operation in spec.operations:
        for response in operation.responses.values():
            for media in response.content.values():
                visit(media.schema, "")
    return {name: values for name, values in found.items() if values}


@pytest.fixture(scope="module")
def served(client: httpx.Client) -> dict[str, set[Any]]:
    """Every (property, value) the clean sandbox serves from its lists, read once per organisation."""
    bodies = []
    for organization in ORGANIZATIONS:
        base = f"/amili/collection/orgs/{organization.id}"
        bodies += [
            client.get(f"{base}/batches", params={"PageSize": 100}).json(),
            client.get(f"{base}/invoices").json(),
            client.get(f"{base}/cases", params={"PageSize": 100}).json(),
            client.get(f"{base}/settlements", params={"pageSize": 100}).json(),
        ]
    bodies.append(client.get("/amili/collection/batches", params={"PageSize": 100}).json())
    bodies.append(client.get("/amili/autocollect/webapi/api/Batch", params={"includeclosed": "true"}).json())
    values: dict[str, set[Any]] = defaultdict(set)
    for key, value in _walk(bodies):
        values[key].add(value)
    return values


class TestKnownValues:
    """Every enum value and x-known-values entry of the response schemas appears in what is served."""

    @pytest.mark.parametrize("spec_name", SPECS_WITH_VALUES)
    def test_every_value_served(
        self, all_specs: dict[str, SpecDocument], served: dict[str, set[Any]], spec_name: str
    ) -> None:
        """For each property with recorded values, each value is served somewhere under that name."""
        missing = {
            name: sorted(values - {str(value) for value in served.get(name, set())})
            for name, values in _response_values(all_specs[spec_name]).items()
        }
        assert {name: values for name, values in missing.items() if values} == {}

    def test_batch_lifecycle_values(self, served: dict[str, set[Any]]) -> None:
        """Every status of the guide's batch lifecycle is served."""
        assert {"QUEUED", "SUCCESS", "PARTIAL", "FAILED"} <= served["status"]


class TestIdentifiers:
    """Check digits a bank or register would verify."""

    def test_organisation_numbers(self) -> None:
        """Creditors and company customers carry MOD11-valid organisation numbers."""
        numbers = [organization.organization_number for organization in ORGANIZATIONS]
        numbers += [c["organizationNo"] for org in ORGANIZATIONS for c in arm_customers(org) if "organizationNo" in c]
        assert numbers
        assert all(is_valid_org_number(number) for number in numbers), numbers

    def test_kids(self) -> None:
        """Invoice OCR references, AR item KIDs and customer KIDs pass MOD10 or MOD11, and both schemes are used."""
        kids = [invoice["ocrReferenceNumber"] for org in ORGANIZATIONS for invoice in collection_invoices(org)]
        kids += [item["kid"] for org in ORGANIZATIONS for item in arm_aritems(org)]
        kids += [customer["kid"] for org in ORGANIZATIONS for customer in arm_customers(org)]
        assert all(is_valid_kid_mod10(kid) or is_valid_kid_mod11(kid) for kid in kids)
        assert any(is_valid_kid_mod11(kid) and not is_valid_kid_mod10(kid) for kid in kids)

    def test_bank_accounts(self) -> None:
        """Each creditor's IBAN is valid and its domestic account is the IBAN's 11-digit BBAN."""
        for organization in ORGANIZATIONS:
            assert is_valid_iban(organization.iban)
            assert organization.iban[4:] == organization.bank_account
            assert len(organization.bank_account) == 11


class TestShapes:
    """Amounts are numbers and times ISO 8601, as the specs type them."""

    def test_amounts_are_numbers(self) -> None:
        """Every amount of every invoice and claim is a JSON number, never a string."""
        invoices = [invoice for org in ORGANIZATIONS for invoice in collection_invoices(org)]
        amounts = [
            invoice[key] for invoice in invoices for key in ("originalInvoiceAmount", "currentAmount", "paidAmount")
        ]
        amounts += [
            claim[key]
            for invoice in invoices
            for claim in invoice["claims"]
            for key in ("originalAmount", "currentAmount", "paidAmount")
        ]
        assert all(isinstance(amount, float) for amount in amounts)

    def test_invoice_amounts_add_up(self) -> None:
        """currentAmount + paidAmount = originalInvoiceAmount, and the claims sum to the invoice."""
        for invoice in (invoice for org in ORGANIZATIONS for invoice in collection_invoices(org)):
            assert round(invoice["currentAmount"] + invoice["paidAmount"], 2) == invoice["originalInvoiceAmount"]
            assert (
                round(sum(claim["originalAmount"] for claim in invoice["claims"]), 2)
                == invoice["originalInvoiceAmount"]
            )

    def test_times_are_iso(self) -> None:
        """Date-time fields parse as ISO 8601 with a zone."""
        for invoice in (invoice for org in ORGANIZATIONS for invoice in collection_invoices(org)):
            for key in ("createdAt", "invoiceDate", "dueDate"):
                assert datetime.fromisoformat(invoice[key]).tzinfo is not None
