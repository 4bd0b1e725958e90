"""The Collection API: asynchronous creation through batches, the invoice state machine, scoping and paging."""

from __future__ import annotations

import itertools
from typing import Any

import httpx
import pytest

from apiconform.sandbox import Sandbox
from apiconform.sandbox._amili_common import SETTLE_POLLS
from apiconform.sandbox._amili_seed import ORGANIZATIONS

NORDVIK, SOLHEIM = ORGANIZATIONS[0], ORGANIZATIONS[1]
ORG = f"/amili/collection/orgs/{NORDVIK.id}"
UNKNOWN_UUID = "00000000-0000-4000-8000-00000000a404"
TERMINAL = {"SUCCESS", "PARTIAL", "FAILED"}
_numbers = itertools.count(1)


def _invoice(amount: float = 1250.0, **fields: Any) -> dict[str, Any]:
    return {
        "type": "NOTICE",
        "invoiceNumber": f"TEST-{next(_numbers):05d}",
        "vat": True,
        "fees": False,
        "originalInvoiceAmount": amount,
        "currency": "NOK",
        "invoiceDate": "2026-02-01",
        "dueDate": "2026-02-15",
        "uniqueSourceInvoiceId": f"erp-{next(_numbers)}",
        **fields,
    }


def _settle(client: httpx.Client, batch_id: str) -> tuple[list[str], dict[str, Any]]:
    """Poll a batch until it is terminal; the statuses seen on the way and the final batch."""
    seen = []
    for _ in range(SETTLE_POLLS + 2):
        response = client.get(f"/amili/collection/batches/{batch_id}")
        assert response.status_code == 200
        batch: dict[str, Any] = response.json()["data"]
        seen.append(batch["status"])
        if batch["status"] in TERMINAL:
            return seen, batch
    pytest.fail(f"batch {batch_id} stayed {seen[-1]}")


def _create(client: httpx.Client, invoices: list[Any]) -> tuple[list[str], dict[str, Any]]:
    response = client.post(f"{ORG}/invoices", json={"invoices": invoices})
    assert response.status_code == 202, response.text
    batch_id = response.json()["data"]["batchId"]
    assert response.headers["location"] == f"/amili/collection/batches/{batch_id}"
    return _settle(client, batch_id)


def _fresh_invoice(client: httpx.Client, amount: float = 1250.0) -> str:
    _, batch = _create(client, [_invoice(amount)])
    invoice_id: str = batch["succeeded"][0]["invoiceId"]
    return invoice_id


class TestBatches:
    """Creation answers 202 and a batch that moves from QUEUED to a terminal state."""

    @pytest.mark.parametrize(
        ("invoices", "outcome", "succeeded", "failed"),
        [
            ([_invoice(), _invoice(amount=89.5)], "SUCCESS", 2, 0),
            ([_invoice(), _invoice(amount=-5.0)], "PARTIAL", 1, 1),
            ([_invoice(dueDate="2026-01-01")], "FAILED", 0, 1),
            ([{"description": "no number, no amount"}], "FAILED", 0, 1),
            ([], "SUCCESS", 0, 0),
        ],
        ids=["all-valid", "one-negative-amount", "due-before-invoice-date", "missing-fields", "empty"],
    )
    def test_queued_then_terminal(
        self, client: httpx.Client, invoices: list[Any], outcome: str, succeeded: int, failed: int
    ) -> None:
        """The first read says QUEUED; within a few reads the batch is SUCCESS, PARTIAL or FAILED."""
        seen, batch = _create(client, invoices)
        assert seen[0] == "QUEUED"
        assert batch["status"] == outcome
        assert (len(batch["succeeded"]), len(batch["failed"])) == (succeeded, failed)
        assert "finishedAt" in batch

    def test_created_invoice_exists_only_after_the_batch(self, client: httpx.Client) -> None:
        """The succeeded item names an invoice that now reads back OPEN with its amount."""
        number = _invoice()["invoiceNumber"]
        _, batch = _create(client, [_invoice(amount=4375.5, invoiceNumber=number)])
        invoice_id = batch["succeeded"][0]["invoiceId"]
        response = client.get(f"{ORG}/invoices/{invoice_id}")
        assert response.status_code == 200
        invoice = response.json()["data"]
        assert (invoice["invoiceNumber"], invoice["status"], invoice["originalInvoiceAmount"]) == (
            number,
            "OPEN",
            4375.5,
        )
        listed = client.get(f"{ORG}/invoices", params={"InvoiceNumber": number}).json()["data"]
        assert [item["id"] for item in listed] == [invoice_id]

    def test_duplicate_invoice_number_fails(self, client: httpx.Client) -> None:
        """An invoice number already registered fails in the batch."""
        invoice = _invoice()
        _create(client, [invoice])
        _, batch = _create(client, [invoice])
        assert batch["status"] == "FAILED"
        assert "already registered" in batch["failed"][0]["message"]

    def test_legacy_and_newer_views(self, client: httpx.Client, sandbox: Sandbox) -> None:
        """Get all batches shows status as an object; the newer operations as a lifecycle string."""
        batch_id = sandbox.known_params("amili/collection")["GET /batches/{batchId}"]["batchId"][0]
        legacy = client.get("/amili/collection/batches", params={"PageSize": 100}).json()["data"]
        status = next(batch["status"] for batch in legacy if batch["batchId"] == batch_id)
        assert set(status) == {"statuscode", "errors", "responses"}
        newer = client.get(f"/amili/collection/orgs/{NORDVIK.id}/batches/{batch_id}").json()["data"]
        assert newer["status"] in TERMINAL | {"QUEUED"}


class TestPayments:
    """Payments are queued like invoices and count once their batch settles."""

    def test_full_payment_closes_the_invoice(self, client: httpx.Client) -> None:
        """Paying the whole amount closes the invoice; the payment is listed under it."""
        invoice_id = _fresh_invoice(client, amount=980.0)
        payment = {"invoiceId": invoice_id, "type": "DIRECT_PAYMENT", "amount": 980.0, "currency": "NOK"}
        response = client.post(f"{ORG}/payments", json={"payments": [payment]})
        assert response.status_code == 202
        _, batch = _settle(client, response.json()["data"]["batchId"])
        assert batch["status"] == "SUCCESS"
        invoice = client.get(f"{ORG}/invoices/{invoice_id}").json()["data"]
        assert (invoice["status"], invoice["paidAmount"], invoice["currentAmount"]) == ("CLOSED", 980.0, 0.0)
        payments = client.get(f"{ORG}/invoices/{invoice_id}/payments").json()["data"]
        assert [item["amount"] for item in payments] == [980.0]

    @pytest.mark.parametrize(
        ("payment", "message"),
        [
            ({"invoiceId": UNKNOWN_UUID, "amount": 10.0}, "invoice not found"),
            ({"amount": 99999.0}, "exceeds the remaining amount"),
        ],
        ids=["unknown-invoice", "overpayment"],
    )
    def test_bad_payment_fails_in_the_batch(self, client: httpx.Client, payment: dict[str, Any], message: str) -> None:
        """A payment the server cannot apply is a failed item of a FAILED batch."""
        invoice_id = _fresh_invoice(client)
        response = client.post(f"{ORG}/payments", json={"payments": [{"invoiceId": invoice_id, **payment}]})
        _, batch = _settle(client, response.json()["data"]["batchId"])
        assert batch["status"] == "FAILED"
        assert message in batch["failed"][0]["message"]


class TestStateMachine:
    """Pause, resume and withdraw: repeating an action is fine, an illegal transition is the documented 409."""

    @pytest.mark.parametrize(
        ("actions", "statuses", "final"),
        [
            (["pause"], [202], "PAUSED"),
            (["pause", "pause"], [202, 202], "PAUSED"),
            (["pause", "resume"], [202, 202], "OPEN"),
            (["resume"], [202], "OPEN"),
            (["pause", "withdraw"], [202, 202], "WITHDRAWN"),
            (["withdraw", "withdraw"], [202, 202], "WITHDRAWN"),
            (["withdraw", "resume"], [202, 409], "WITHDRAWN"),
            (["withdraw", "pause"], [202, 409], "WITHDRAWN"),
        ],
        ids=[
            "pause",
            "pause-twice",
            "pause-resume",
            "resume-open",
            "pause-withdraw",
            "withdraw-twice",
            "resume-withdrawn",
            "pause-withdrawn",
        ],
    )
    def test_transitions(self, client: httpx.Client, actions: list[str], statuses: list[int], final: str) -> None:
        """Each action answers 202 (no body) or 409, and the invoice ends in the expected state."""
        invoice_id = _fresh_invoice(client)
        answers = [client.post(f"{ORG}/invoices/{invoice_id}/{action}") for action in actions]
        assert [answer.status_code for answer in answers] == statuses
        assert all(answer.content == b"" for answer in answers if answer.status_code == 202)
        assert client.get(f"{ORG}/invoices/{invoice_id}").json()["data"]["status"] == final

    def test_closed_invoice_cannot_be_paused(self, client: httpx.Client) -> None:
        """A paid (CLOSED) seeded invoice refuses pause with 409."""
        invoices = client.get(f"{ORG}/invoices", params={"Status": "CLOSED"}).json()["data"]
        response = client.post(f"{ORG}/invoices/{invoices[0]['id']}/pause")
        assert response.status_code == 409
        assert "CLOSED" in response.json()["message"]

    def test_history_records_transitions(self, client: httpx.Client) -> None:
        """The invoice history lists each change."""
        invoice_id = _fresh_invoice(client)
        client.post(f"{ORG}/invoices/{invoice_id}/pause")
        client.post(f"{ORG}/invoices/{invoice_id}/resume")
        events = [event["event"] for event in client.get(f"{ORG}/invoices/{invoice_id}/history").json()["data"]]
        assert events == ["REGISTERED", "PAUSED", "RESUMED"]


class TestScoping:
    """Another organisation's resources: 403 where documented, else 404; unknown ones 404."""

    @pytest.mark.parametrize(
        ("method", "suffix", "status"),
        [
            ("GET", "/invoices", 403),
            ("GET", "/invoices/{invoice}", 403),
            ("GET", "/batches", 403),
            ("POST", "/invoices/{invoice}/pause", 404),
        ],
        ids=["list-403", "one-403", "batches-403", "pause-404-no-403-documented"],
    )
    def test_other_organisation(
        self, anonymous: httpx.Client, sandbox: Sandbox, method: str, suffix: str, status: int
    ) -> None:
        """A valid token of Solheim asking for Nordvik's resources."""
        invoice = sandbox.known_params("amili/collection")["GET /orgs/{orgId}/invoices/{invoiceId}"]["invoiceId"][0]
        headers = {"Authorization": f"Bearer {sandbox.other_org_token()}"}
        response = anonymous.request(method, ORG + suffix.format(invoice=invoice), headers=headers)
        assert response.status_code == status

    def test_own_organisation_with_a_scoped_token(self, anonymous: httpx.Client, sandbox: Sandbox) -> None:
        """The same token reads its own organisation's invoices."""
        headers = {"Authorization": f"Bearer {sandbox.other_org_token()}"}
        response = anonymous.get(f"/amili/collection/orgs/{SOLHEIM.id}/invoices", headers=headers)
        assert response.status_code == 200
        assert {item["organization"]["id"] for item in response.json()["data"]} == {SOLHEIM.id}

    @pytest.mark.parametrize(
        ("path", "status"),
        [
            (f"/amili/collection/orgs/{UNKNOWN_UUID}/invoices", 404),
            (f"{ORG}/invoices/{UNKNOWN_UUID}", 404),
            (f"/amili/collection/batches/{UNKNOWN_UUID}", 404),
            (f"/amili/collection/orgs/{SOLHEIM.id}/batches/{{nordvik_batch}}", 404),
        ],
        ids=["unknown-org", "unknown-invoice", "unknown-batch", "batch-of-another-org"],
    )
    def test_unknown_is_404(self, client: httpx.Client, sandbox: Sandbox, path: str, status: int) -> None:
        """Ids that do not exist (in that organisation) are 404."""
        batch = sandbox.known_params("amili/collection")["GET /batches/{batchId}"]["batchId"][0]
        assert client.get(path.format(nordvik_batch=batch)).status_code == status

    def test_unknown_org_on_create(self, client: httpx.Client) -> None:
        """Create invoices lists 404 (newest page), so an unknown organisation is 404 there too."""
        response = client.post(f"/amili/collection/orgs/{UNKNOWN_UUID}/invoices", json={"invoices": []})
        assert response.status_code == 404


class TestPaging:
    """Opaque page tokens in summary.nextPageToken."""

    def test_pages_follow_tokens(self, client: httpx.Client) -> None:
        """PageSize=5 gives 5 cases and a token; following it gives the next 5, none repeated."""
        first = client.get(f"/amili/collection/orgs/{NORDVIK.id}/cases", params={"PageSize": 5}).json()
        token = first["summary"]["nextPageToken"]
        second = client.get(
            f"/amili/collection/orgs/{NORDVIK.id}/cases", params={"PageSize": 5, "PageToken": token}
        ).json()
        first_ids = [case["caseId"] for case in first["data"]]
        second_ids = [case["caseId"] for case in second["data"]]
        assert len(first_ids) == len(second_ids) == 5
        assert not set(first_ids) & set(second_ids)

    def test_foreign_token_reads_past_the_end(self, client: httpx.Client) -> None:
        """A token this server did not issue is an empty page, not an error."""
        response = client.get(f"/amili/collection/orgs/{NORDVIK.id}/cases", params={"PageToken": "garbage"})
        assert response.status_code == 200
        assert response.json()["data"] == []
