"""Distribution: documents sent under the client's Identifier, their status and lookup, and the Partner API."""

from __future__ import annotations

import httpx
import pytest

from apiconform.sandbox import Sandbox
from apiconform.sandbox._amili_seed import ORGANIZATIONS

BASE = "/amili/distribution-invoice"


class TestSending:
    """Send, then ask for status and a lookup link."""

    @pytest.mark.parametrize(
        ("path", "body"),
        [
            ("/send/invoice", {"Invoice": {"Identifier": "B2C-0001", "Channel": "EINVOICE", "InvoiceNo": "70001"}}),
            ("/send/ehf30/creditnote", {"Creditnote": {"Identifier": "EHF-CN-0001", "DocumentCurrencyCode": "NOK"}}),
            ("/send/dk/invoice", {"Invoice": {"Identifier": "DK-0001"}}),
            ("/send/letter", {"Identifier": "LETTER-0001"}),
        ],
        ids=["b2c-invoice", "ehf-creditnote", "danish", "letter"],
    )
    def test_sent_document_has_status_and_link(self, client: httpx.Client, path: str, body: dict[str, object]) -> None:
        """200 with a receipt; status RECEIVED turns DELIVERED; the lookup link is stable."""
        receipt = client.post(BASE + path, json=body)
        assert receipt.status_code == 200, receipt.text
        identifier = receipt.json()["Identifier"]
        assert receipt.json()["Status"] == "RECEIVED"
        statuses = [client.get(f"{BASE}/send/status/{identifier}").json()["Status"] for _ in range(2)]
        assert statuses[-1] == "DELIVERED"
        posted = client.post(f"{BASE}/send/pstatus", json={"Identifier": identifier})
        assert posted.json()["Status"] == "DELIVERED"
        links = [client.get(f"{BASE}/lookup/{identifier}").json()["LookupUrl"] for _ in range(2)]
        assert links[0] == links[1]
        assert links[0].startswith("https://")

    def test_resend_is_idempotent(self, client: httpx.Client) -> None:
        """Sending the same Identifier again answers the first receipt."""
        body = {"Invoice": {"Identifier": "B2C-AGAIN", "Channel": "EINVOICE"}}
        assert (
            client.post(f"{BASE}/send/invoice", json=body).json()
            == client.post(f"{BASE}/send/invoice", json=body).json()
        )

    @pytest.mark.parametrize(
        ("method", "path", "body"),
        [
            ("GET", "/send/status/never-sent", None),
            ("GET", "/lookup/never-sent", None),
            ("POST", "/send/pstatus", {"Identifier": "never-sent"}),
        ],
        ids=["status", "lookup", "pstatus"],
    )
    def test_never_sent_is_404(self, client: httpx.Client, method: str, path: str, body: object) -> None:
        """An Identifier nobody sent is 404."""
        assert client.request(method, BASE + path, json=body).status_code == 404

    def test_another_organisation_sees_nothing(self, anonymous: httpx.Client, sandbox: Sandbox) -> None:
        """A seeded delivery of the demo client is 404 to another organisation's token."""
        identifier = sandbox.known_params("amili/distribution-invoice")["GET /lookup/{identifier}"]["identifier"][0]
        headers = {"Authorization": f"Bearer {sandbox.other_org_token()}"}
        assert anonymous.get(f"{BASE}/lookup/{identifier}", headers=headers).status_code == 404


class TestPartner:
    """The Partner API: companies are scoped, its token endpoint issues the same tokens."""

    def test_companies_follow_the_token(self, client: httpx.Client, anonymous: httpx.Client, sandbox: Sandbox) -> None:
        """The static token sees every company; an organisation's token only its own."""
        everyone = client.get("/amili/distribution-partner/companies").json()["Companies"]
        assert {company["CompanyId"] for company in everyone} == {org.client_no for org in ORGANIZATIONS}
        headers = {"Authorization": f"Bearer {sandbox.other_org_token()}"}
        own = anonymous.get("/amili/distribution-partner/companies", headers=headers).json()["Companies"]
        assert [company["CompanyId"] for company in own] == [ORGANIZATIONS[1].client_no]

    def test_token_for_client_credentials(self, anonymous: httpx.Client, sandbox: Sandbox) -> None:
        """POST /token with the demo client's JSON credentials: a token; with wrong ones: 401."""
        client_id, secret = sandbox.client_credentials()
        issued = anonymous.post(
            "/amili/distribution-partner/token", json={"client_id": client_id, "client_secret": secret}
        )
        assert issued.status_code == 200
        token = issued.json()["access_token"]
        assert (
            anonymous.get("/amili/distribution-partner/files", headers={"Authorization": f"Bearer {token}"}).status_code
            == 200
        )
        assert anonymous.post("/amili/distribution-partner/token", json={"client_id": client_id}).status_code == 401

    def test_generic_operation_answers_its_schema(self, client: httpx.Client) -> None:
        """An operation no page describes answers its documented success with a schema-valid body."""
        response = client.get("/amili/distribution-partner/invoice/summary", params={"CompanyId": "30117"})
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("application/json")
        assert isinstance(response.json(), dict)
