"""The AP invoice seed: complete enum coverage, the page's object shapes, and identifiers that would clear."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pytest

from apiconform.sandbox._ap_invoice_seed import seed_invoices
from apiconform.sandbox._identifiers import is_valid_german_vat_id, is_valid_iban, is_valid_org_number

if TYPE_CHECKING:
    from collections.abc import Iterator

CURRENCIES = [
    "EUR", "USD", "GBP", "JPY", "AUD", "CAD", "CHF", "CNY", "HKD", "NZD", "SEK", "KRW", "SGD", "NOK",
    "MXN", "INR", "BRL", "RUB", "ZAR", "TRY", "AED", "THB", "DKK", "PLN", "TWD", "SAR", "MYR", "IDR",
]  # fmt: skip
TYPES = ["INVOICE", "CREDIT_NOTE", "REMINDER"]
STATUSES = ["NEW", "REJECTED", "APPROVED", "IN_PROGRESS", "CANCELLED"]
REQUIRED = ["currency", "type", "shouldCreateTransaction", "alreadyPaid", "archived", "organization", "status"]
PLAIN_DATES = [
    "date",
    "billingPeriodStart",
    "billingPeriodEnd",
    "dueDate",
    "skontoDate",
    "alreadyPaidDate",
    "archivedDate",
]

# The field sets of every object in the page's example JSON, written out so a shape drift is caught here.
STAMPS = {"id", "createdAt", "updatedAt"}
USER = STAMPS | {"email", "name", "authId", "role", "hasPushNotification"}
ORGANIZATION = STAMPS | {"name", "slug", "logoFileName", "country", "vatNumber", "featureFlags"}
FEATURE_FLAG = STAMPS | {"featureName", "isEnabled"}
BANK_ACCOUNT = STAMPS | {"name", "iban", "bic", "countryCode", "address"}
COUNTERPARTY = STAMPS | {
    "email", "markedTrusted", "markedTrustedDate", "markedTrustedUser", "description", "vat",
    "accountsPayableNumber", "paymentTermsDays", "skontoPercentage", "skontoDays", "bankAccount",
}  # fmt: skip
PO_COUNTERPARTY = COUNTERPARTY | {
    "name", "street", "city", "zip", "country", "organization", "bankAccountVerification", "transactions",
}  # fmt: skip
LINE_ITEM = STAMPS | {
    "productCode", "externalId", "title", "description", "quantity", "unit", "unitPrice", "totalPrice", "discount",
    "taxRate", "taxAmount",
}  # fmt: skip
PO_LINE_ITEM = LINE_ITEM | {
    "deliveredQuantity", "invoicedQuantity", "invoicedTotalAmount", "deliveryPercentage", "invoicedPercentage",
}  # fmt: skip
COST_CENTER = STAMPS | {"code", "name", "type"}
INVOICE = STAMPS | {
    "originalFileName", "filename", "counterpartyName", "counterpartyIban", "counterpartyVat", "counterparty",
    "invoiceNumber", "internalInvoiceNumber", "purchaseOrderNumber", "purchaseOrder", "date", "billingPeriodStart",
    "billingPeriodEnd", "dueDate", "skontoDate", "skontoAmount", "skontoRate", "totalAmount", "currency", "type",
    "paymentTerms", "notes", "shouldCreateTransaction", "alreadyPaid", "alreadyPaidDate", "archived", "archivedDate",
    "archivedByUser", "organization", "status", "debitor", "export", "splits", "lineItems",
}  # fmt: skip
PURCHASE_ORDER = STAMPS | {
    "purchaseOrderNumber", "externalId", "orderDate", "deliveryDate", "counterparty", "lineItems", "currency",
    "counterpartyId", "counterpartyName", "totalOrderAmount", "totalInvoicedAmount", "totalLineItems",
    "fullyInvoicedLineItemsCount", "fullyDeliveredLineItemsCount", "invoiceCompletionPercentage",
    "totalOrderQuantity", "totalDeliveredQuantity", "uniqueDeliveriesCount", "totalInvoicedQuantity",
    "uniqueInvoicesCount", "outstandingInvoiceAmount",
}  # fmt: skip
PAYMENT_RUN = {
    "id", "createdAt", "createdById", "createdByName", "organizationId", "sumAmount", "sumAmountWithSkonto",
    "sumBookedAmount", "transactionCount",
}  # fmt: skip
TRANSACTION = STAMPS | {
    "amount", "remittanceInformation", "requestedExecutionDate", "skontoAmount", "skontoDate", "ignoreSkontoDeadline",
    "creditor", "debitor", "analysis", "archived", "archivedDate", "archivedByUser", "paymentRun",
}  # fmt: skip

PO_CP = "purchaseOrder.counterparty"
TX = f"{PO_CP}.transactions"
SHAPES: dict[str, set[str]] = {
    "": INVOICE,
    "counterparty": COUNTERPARTY,
    "counterparty.markedTrustedUser": USER,
    "counterparty.bankAccount": BANK_ACCOUNT,
    "purchaseOrder": PURCHASE_ORDER,
    PO_CP: PO_COUNTERPARTY,
    f"{PO_CP}.markedTrustedUser": USER | {"organization"},
    f"{PO_CP}.markedTrustedUser.organization": ORGANIZATION,
    f"{PO_CP}.markedTrustedUser.organization.featureFlags.0": FEATURE_FLAG,
    f"{PO_CP}.organization": ORGANIZATION,
    f"{PO_CP}.organization.featureFlags.0": FEATURE_FLAG,
    f"{PO_CP}.bankAccount": BANK_ACCOUNT,
    f"{PO_CP}.bankAccountVerification": STAMPS
    | {"bankAccount", "paymentProvider", "status", "initializedAt", "mailTrackings", "fullName"},
    f"{PO_CP}.bankAccountVerification.bankAccount": BANK_ACCOUNT,
    f"{PO_CP}.bankAccountVerification.mailTrackings": STAMPS | {"version", "type", "status"},
    TX: TRANSACTION,
    f"{TX}.creditor": BANK_ACCOUNT,
    f"{TX}.debitor": BANK_ACCOUNT,
    f"{TX}.analysis": STAMPS | {"analysisRules", "customRules"},
    f"{TX}.analysis.analysisRules": STAMPS
    | {"type", "severity", "markedOk", "markedOkReason", "markedOkDate", "value", "markedOkUser"},
    f"{TX}.analysis.customRules": STAMPS
    | {"name", "description", "rule", "twoFactorCheck", "accountCheck", "deleted", "active", "organization"},
    f"{TX}.archivedByUser": USER | {"organization"},
    f"{TX}.archivedByUser.organization": ORGANIZATION,
    f"{TX}.paymentRun": PAYMENT_RUN,
    "purchaseOrder.lineItems.0": PO_LINE_ITEM,
    "archivedByUser": USER,
    "organization": ORGANIZATION,
    "organization.featureFlags.0": FEATURE_FLAG,
    "debitor": BANK_ACCOUNT,
    "export": STAMPS | {"invoiceCount"},
    "splits.0": STAMPS | {"partialAmount", "taxRate", "taxKey", "notes", "costCenter", "costCenter2", "ledgerAccount"},
    "splits.0.taxKey": STAMPS | {"type", "name", "description", "internalTaxKeyName", "externalCode", "isSystemKey"},
    "splits.0.costCenter": COST_CENTER,
    "splits.0.costCenter2": COST_CENTER,
    "splits.0.ledgerAccount": STAMPS | {"accountNumber", "name"},
    "lineItems.0": LINE_ITEM | {"purchaseOrderLineItem"},
    "lineItems.0.purchaseOrderLineItem": PO_LINE_ITEM,
}


@pytest.fixture(scope="module")
def invoices() -> list[dict[str, Any]]:
    return seed_invoices()


@pytest.fixture(scope="module")
def first(invoices: list[dict[str, Any]]) -> dict[str, Any]:
    return invoices[0]


def _resolve(document: Any, path: str) -> Any:
    for part in filter(None, path.split(".")):
        document = document[int(part)] if part.isdigit() else document[part]
    return document


def _values(document: Any, keys: set[str]) -> Iterator[Any]:
    """Every value stored under one of the keys, at any depth."""
    if isinstance(document, dict):
        for key, value in document.items():
            if key in keys:
                yield value
            yield from _values(value, keys)
    elif isinstance(document, list):
        for item in document:
            yield from _values(item, keys)


class TestIdentity:
    """Invoice ids and numbering."""

    def test_ids_are_unique_and_sequential(self, invoices: list[dict[str, Any]]) -> None:
        assert [invoice["id"] for invoice in invoices] == [f"inv-{n:04d}" for n in range(1, len(invoices) + 1)]

    def test_first_invoice_is_a_new_eur_invoice(self, first: dict[str, Any]) -> None:
        assert (first["currency"], first["type"], first["status"]) == ("EUR", "INVOICE", "NEW")

    def test_internal_numbers_follow_year_month_sequence(self, invoices: list[dict[str, Any]]) -> None:
        for invoice in invoices:
            assert re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])-\d{5}", invoice["internalInvoiceNumber"])
            assert invoice["internalInvoiceNumber"][:7] == invoice["createdAt"][:7]

    def test_seed_is_deterministic(self, invoices: list[dict[str, Any]]) -> None:
        assert seed_invoices() == invoices


class TestCoverage:
    """Together the invoices use every documented enum value and both values of each required boolean."""

    @pytest.mark.parametrize(
        ("field", "values"),
        [("currency", CURRENCIES), ("type", TYPES), ("status", STATUSES)],
        ids=["currency", "type", "status"],
    )
    def test_every_enum_value_used(self, invoices: list[dict[str, Any]], field: str, values: list[str]) -> None:
        assert {invoice[field] for invoice in invoices} == set(values)

    @pytest.mark.parametrize("field", ["shouldCreateTransaction", "alreadyPaid", "archived"])
    def test_both_boolean_values_used(self, invoices: list[dict[str, Any]], field: str) -> None:
        assert {invoice[field] for invoice in invoices} == {True, False}

    @pytest.mark.parametrize("field", REQUIRED, ids=REQUIRED)
    def test_required_field_always_present(self, invoices: list[dict[str, Any]], field: str) -> None:
        assert all(field in invoice for invoice in invoices)

    def test_some_invoices_omit_optional_fields(self, invoices: list[dict[str, Any]]) -> None:
        assert any(set(invoice) < INVOICE for invoice in invoices)

    def test_no_field_outside_the_page(self, invoices: list[dict[str, Any]]) -> None:
        assert all(set(invoice) <= INVOICE for invoice in invoices)


class TestFirstInvoiceShapes:
    """inv-0001 carries every object of the page's example, each with exactly the page's fields."""

    @pytest.mark.parametrize(("path", "fields"), SHAPES.items(), ids=[path or "invoice" for path in SHAPES])
    def test_object_has_the_page_fields(self, first: dict[str, Any], path: str, fields: set[str]) -> None:
        node = _resolve(first, path)
        assert isinstance(node, dict)
        assert set(node) == fields

    @pytest.mark.parametrize(
        "path",
        [f"{PO_CP}.bankAccountVerification.mailTrackings", TX, f"{TX}.analysis.analysisRules"],
        ids=["mailTrackings", "transactions", "analysisRules"],
    )
    def test_singular_objects_are_not_arrays(self, first: dict[str, Any], path: str) -> None:
        assert isinstance(_resolve(first, path), dict)


class TestValues:
    """Values look like what the real API returns and would survive real validators."""

    def test_all_ibans_valid(self, invoices: list[dict[str, Any]]) -> None:
        ibans = list(_values(invoices, {"iban", "counterpartyIban"}))
        assert ibans
        assert all(is_valid_iban(value) for value in ibans)

    def test_vat_ids_carry_valid_check_digits(self, invoices: list[dict[str, Any]]) -> None:
        vat_ids = set(_values(invoices, {"vat", "vatNumber", "counterpartyVat"}))
        assert all(is_valid_german_vat_id(value) for value in vat_ids if value.startswith("DE"))
        assert all(is_valid_org_number(value[2:-3]) for value in vat_ids if value.startswith("NO"))
        assert {value[:2] for value in vat_ids} == {"DE", "NO", "SE"}

    def test_created_and_updated_are_utc_date_times(self, invoices: list[dict[str, Any]]) -> None:
        stamps = list(_values(invoices, {"createdAt", "updatedAt"}))
        assert stamps
        for value in stamps:
            assert value.endswith("Z")
            assert datetime.fromisoformat(value).utcoffset() is not None

    @pytest.mark.parametrize("field", PLAIN_DATES, ids=PLAIN_DATES)
    def test_plain_dates_are_iso_dates(self, invoices: list[dict[str, Any]], field: str) -> None:
        values = [invoice[field] for invoice in invoices if field in invoice]
        assert values
        assert all(date.fromisoformat(value).isoformat() == value for value in values)

    def test_amounts_have_at_most_two_decimals(self, invoices: list[dict[str, Any]]) -> None:
        amounts = list(_values(invoices, {"totalAmount", "skontoAmount", "partialAmount", "unitPrice", "totalPrice"}))
        assert all(isinstance(value, float) and round(value, 2) == value for value in amounts)

    def test_splits_add_up_to_the_total(self, invoices: list[dict[str, Any]]) -> None:
        for invoice in filter(lambda invoice: "splits" in invoice, invoices):
            parts = sum(Decimal(str(split["partialAmount"])) for split in invoice["splits"])
            assert parts == Decimal(str(invoice["totalAmount"]))

    @pytest.mark.parametrize(
        ("flag", "dated"),
        [("archived", "archivedDate"), ("alreadyPaid", "alreadyPaidDate")],
        ids=["archived", "already-paid"],
    )
    def test_flag_and_its_date_agree(self, invoices: list[dict[str, Any]], flag: str, dated: str) -> None:
        assert all(invoice[flag] == (dated in invoice) for invoice in invoices)
