"""The ARM API: documented paging defaults and caps, the customer lifecycle, batches and reservations."""

from __future__ import annotations

import httpx
import pytest

from apiconform.sandbox import Sandbox
from apiconform.sandbox._amili_seed import ORGANIZATIONS

CLIENT = f"/amili/arm/clients/{ORGANIZATIONS[0].client_no}"
OTHER_CLIENT = f"/amili/arm/clients/{ORGANIZATIONS[2].client_no}"
SEEDED_AR_ITEMS = 150


class TestPaging:
    """AR items: maximumcount default and cap 10000, pagesize default 100 and cap 1000, below 5 gives 10."""

    @pytest.mark.parametrize(
        ("query", "count"),
        [
            ({}, 100),
            ({"pagesize": 25}, 25),
            ({"pagesize": 4}, 10),
            ({"pagesize": 0}, 10),
            ({"pagesize": 5}, 5),
            ({"pagesize": 1000}, SEEDED_AR_ITEMS),
            ({"maximumcount": 30}, 30),
            ({"maximumcount": 30, "pagesize": 20}, 20),
            ({"maximumcount": 10000}, 100),
        ],
        ids=[
            "default-100",
            "pagesize",
            "below-5-falls-back",
            "zero-falls-back",
            "five-is-kept",
            "cap-allowed",
            "maximumcount-bounds",
            "pagesize-within-maximum",
            "maximumcount-cap-allowed",
        ],
    )
    def test_page_size(self, client: httpx.Client, query: dict[str, int], count: int) -> None:
        """The first page holds as many items as the documented rules say."""
        response = client.get(f"{CLIENT}/aritems", params=query)
        assert response.status_code == 200
        assert len(response.json()) == count

    @pytest.mark.parametrize("query", [{"pagesize": 1001}, {"maximumcount": 10001}], ids=["pagesize", "maximumcount"])
    def test_above_the_cap_is_refused(self, client: httpx.Client, query: dict[str, int]) -> None:
        """The spec gives the caps as `maximum`, so a larger value is invalid (400)."""
        assert client.get(f"{CLIENT}/aritems", params=query).status_code == 400

    def test_totals_in_headers_and_later_pages(self, client: httpx.Client) -> None:
        """X-Total-Count counts what maximumcount allows; `page` walks the rest."""
        first = client.get(f"{CLIENT}/aritems", params={"pagesize": 100})
        assert first.headers["x-total-count"] == str(SEEDED_AR_ITEMS)
        assert first.headers["x-page-count"] == "2"
        second = client.get(f"{CLIENT}/aritems", params={"pagesize": 100, "page": 2})
        assert len(second.json()) == SEEDED_AR_ITEMS - 100
        assert not {item["arItemId"] for item in first.json()} & {item["arItemId"] for item in second.json()}


class TestDocuments:
    """Documents are found by their documentNo, as the page says."""

    def test_get_by_document_number(self, client: httpx.Client) -> None:
        """A listed document is served at its documentNo; its internal id is not a document number."""
        document = client.get(f"{CLIENT}/documents").json()["documents"][0]
        assert client.get(f"{CLIENT}/documents/{document['documentNo']}").json()["documentId"] == document["documentId"]
        assert client.get(f"{CLIENT}/documents/{document['documentId']}").status_code == 404


class TestCustomers:
    """Create, read, update, delete, and then 404."""

    def test_lifecycle(self, client: httpx.Client) -> None:
        """Every step answers as a client would expect, and the deleted customer is gone."""
        created = client.post(f"{CLIENT}/customers", json={"name": "Kari Fjeld", "email": "kari.fjeld@epost.no"})
        assert created.status_code == 200
        number = created.json()["customerNo"]
        assert created.headers["location"] == f"{CLIENT}/customers/{number}"
        assert client.get(f"{CLIENT}/customers/{number}").json()["name"] == "Kari Fjeld"
        updated = client.put(f"{CLIENT}/customers", json={"customerNo": number, "phone": "+47 912 34 567"})
        assert updated.status_code == 200
        assert client.get(f"{CLIENT}/customers/{number}").json()["phone"] == "+47 912 34 567"
        assert client.delete(f"{CLIENT}/customers/{number}").status_code == 200
        assert client.get(f"{CLIENT}/customers/{number}").status_code == 404
        assert client.delete(f"{CLIENT}/customers/{number}").status_code == 404
        assert client.put(f"{CLIENT}/customers", json={"customerNo": number}).status_code == 404

    def test_post_existing_number_updates(self, client: httpx.Client) -> None:
        """POST with an existing customerNo updates it, as the page says."""
        first = client.post(f"{CLIENT}/customers", json={"customerNo": "77001", "name": "Before"})
        second = client.post(f"{CLIENT}/customers", json={"customerNo": "77001", "name": "After"})
        assert first.status_code == second.status_code == 200
        assert client.get(f"{CLIENT}/customers/77001").json()["name"] == "After"
        assert second.json()["createdAt"] == first.json()["createdAt"]

    def test_batch_settles(self, client: httpx.Client) -> None:
        """A customer batch is 202 while processing and 200 (or 206 when partial) once done."""
        body = {"customers": [{"customerNo": "88001", "name": "Batch AS"}, {"name": "no number"}]}
        queued = client.post(f"{CLIENT}/customers/batches", json=body)
        assert queued.status_code == 202
        batch_path = queued.headers["location"]
        statuses = [client.get(batch_path).status_code for _ in range(3)]
        assert statuses[0] == 202
        assert statuses[-1] == 206
        assert client.get(batch_path).json()["failedCount"] == 1
        assert client.get(f"{CLIENT}/customers/88001").status_code == 200


class TestItemsAndReservations:
    """AR items, their update and payment reservations."""

    def test_update_and_credit_note(self, client: httpx.Client) -> None:
        """PUT changes an AR item found by its id; a creditNote makes a new CREDIT_NOTE item."""
        item = client.get(f"{CLIENT}/aritems", params={"pagesize": 5}).json()[0]
        updated = client.put(f"{CLIENT}/aritems", json={"arItemId": item["arItemId"], "referenceNo": "PO-4711"})
        assert updated.json()["referenceNo"] == "PO-4711"
        note = client.put(f"{CLIENT}/aritems", json={"arItemId": item["arItemId"], "creditNote": {"amount": 100.0}})
        assert note.json()["documentType"] == "CREDIT_NOTE"
        assert client.get(f"{CLIENT}/aritems/{note.json()['arItemId']}").status_code == 200
        assert client.put(f"{CLIENT}/aritems", json={"arItemId": "nope"}).status_code == 404

    def test_expand_customer(self, client: httpx.Client, sandbox: Sandbox) -> None:
        """expand=customer embeds the item's customer."""
        item_id = sandbox.known_params("amili/arm")["GET /clients/{clientno}/aritems/{aritemid}"]["aritemid"][0]
        item = client.get(f"{CLIENT}/aritems/{item_id}", params={"expand": "customer"}).json()
        assert item["customer"]["customerNo"] == item["customerNo"]

    @pytest.mark.parametrize(
        ("key", "source"),
        [("arItemId", "item"), ("kid", "item"), ("documentNo", "item"), ("customerNo", "customer")],
        ids=["by-ar-item", "by-kid", "by-document-no", "by-customer"],
    )
    def test_reservation_by_any_identification(self, client: httpx.Client, key: str, source: str) -> None:
        """A reservation finds its AR item or customer by any listed identification; it is idempotent."""
        item = client.get(f"{CLIENT}/aritems", params={"pagesize": 5}).json()[1]
        value = item[key] if source == "item" else item["customerNo"]
        body = {"paymentId": f"PAY-{key}", key: value}
        first = client.post(f"{CLIENT}/paymentreservations", json=body)
        assert first.status_code == 200, first.text
        assert first.json()["status"] == "RESERVED"
        assert client.post(f"{CLIENT}/paymentreservations", json=body).json() == first.json()

    def test_reservation_for_nothing_is_404(self, client: httpx.Client) -> None:
        """An identification matching nothing is 404."""
        response = client.post(f"{CLIENT}/paymentreservations", json={"paymentId": "PAY-X", "kid": "0000000000"})
        assert response.status_code == 404


class TestScoping:
    """Client numbers: another organisation's is 403, an unknown one 404."""

    def test_other_client_is_403(self, anonymous: httpx.Client, sandbox: Sandbox) -> None:
        """A token of the second organisation reading the first one's AR items."""
        headers = {"Authorization": f"Bearer {sandbox.other_org_token()}"}
        assert anonymous.get(f"{CLIENT}/aritems", headers=headers).status_code == 403
        assert (
            anonymous.get(f"/amili/arm/clients/{ORGANIZATIONS[1].client_no}/aritems", headers=headers).status_code
            == 200
        )

    @pytest.mark.parametrize(
        ("method", "path", "status"),
        [("GET", "/amili/arm/clients/99999/aritems", 404), ("GET", "/amili/arm/clients/99999/documents", 403)],
        ids=["404-documented", "only-403-documented"],
    )
    def test_unknown_client(self, client: httpx.Client, method: str, path: str, status: int) -> None:
        """An unknown client number is 404, or 403 where the operation documents no 404."""
        assert client.request(method, path).status_code == status

    def test_each_client_has_its_own_data(self, client: httpx.Client) -> None:
        """A smaller client's list is its own."""
        items = client.get(f"{OTHER_CLIENT}/aritems").json()
        assert items
        assert all(item["arItemId"].startswith(ORGANIZATIONS[2].client_no) for item in items)
