"""The request pipeline every operation shares: method dispatch, security, validation against the spec."""

from __future__ import annotations

import base64
from typing import Any

import httpx
import pytest

from apiconform.sandbox import Sandbox
from apiconform.sandbox._amili_seed import ORGANIZATIONS

NORDVIK = ORGANIZATIONS[0]
ORG = f"/amili/collection/orgs/{NORDVIK.id}"
UNKNOWN_UUID = "00000000-0000-4000-8000-00000000a404"


class TestDispatch:
    """Paths and methods come from the specs."""

    @pytest.mark.parametrize(
        ("method", "path", "allow"),
        [
            ("PATCH", "/amili/collection/batches", "GET, HEAD"),
            ("DELETE", f"{ORG}/invoices", "GET, POST, HEAD"),
            ("GET", "/amili/arm/clients/30117/customers/batches", "PUT, POST"),
            ("PUT", "/amili/identity/token", "POST"),
        ],
        ids=["undocumented-patch", "undocumented-delete", "concrete-path-wins", "token-is-post-only"],
    )
    def test_undocumented_method_is_405_with_allow(
        self, client: httpx.Client, method: str, path: str, allow: str
    ) -> None:
        """A method the spec does not list is 405, and Allow lists exactly the documented ones."""
        response = client.request(method, path)
        assert response.status_code == 405
        assert response.headers["allow"] == allow

    def test_head_answers_like_get_without_a_body(self, client: httpx.Client) -> None:
        """HEAD on a GET operation is served by it, without a body."""
        response = client.head("/amili/collection/batches")
        assert response.status_code == 200
        assert response.content == b""

    def test_unknown_path_is_404_json(self, client: httpx.Client) -> None:
        """A path no spec has is a JSON 404."""
        response = client.get("/amili/collection/nowhere")
        assert response.status_code == 404
        assert response.json()["statusCode"] == 404


class TestValidation:
    """Invalid requests get the best status their operation documents; valid ones get through."""

    @pytest.mark.parametrize(
        ("method", "path", "body", "status"),
        [
            ("GET", f"{ORG}/invoices/not-a-uuid", None, 400),
            ("GET", "/amili/collection/batches/not-a-uuid", None, 404),
            ("GET", f"{ORG}/settlements?pageSize=ten", None, 400),
            ("GET", f"{ORG}/invoices?From=yesterday", None, 400),
            ("GET", "/amili/collection/batches?PageSize=ten", None, 400),
            ("GET", "/amili/arm/clients/30117/aritems?pagesize=1001", None, 400),
            ("POST", f"{ORG}/payments", {"payments": {"amount": 100}}, 400),
            ("POST", f"{ORG}/payments", {"payments": [{"amount": "100"}]}, 400),
            ("POST", "/amili/arm/clients/30117/paymentreservations", {"kid": "3011700000015"}, 400),
        ],
        ids=[
            "bad-uuid-400-documented",
            "bad-uuid-404-documented",
            "bad-integer",
            "bad-date-time-400-listed",
            "bad-integer-inferred-list",
            "above-documented-maximum",
            "array-as-object",
            "amount-as-string",
            "required-paymentId-missing",
        ],
    )
    def test_invalid_request_refused(
        self, client: httpx.Client, method: str, path: str, body: Any, status: int
    ) -> None:
        """Each invalid request is refused with the status its operation documents (or 400)."""
        response = client.request(method, path, json=body)
        assert response.status_code == status, response.text
        assert response.json()["message"]

    def test_unsupported_media_type(self, client: httpx.Client) -> None:
        """A body in a media type the operation does not take is refused (400: 415 is not documented)."""
        response = client.post(f"{ORG}/payments", content=b"payments=1", headers={"Content-Type": "text/plain"})
        assert response.status_code == 400
        assert "unsupported media type" in response.json()["message"]

    def test_empty_form_is_a_form(self, anonymous: httpx.Client) -> None:
        """An empty urlencoded body is a form without fields, so /refresh answers 401, not 400."""
        response = anonymous.post(
            "/amili/identity/refresh", content=b"", headers={"Content-Type": "application/x-www-form-urlencoded"}
        )
        assert response.status_code == 401

    def test_json_upload(self, client: httpx.Client) -> None:
        """The file upload takes JSON, as its page says: two files are two files."""
        response = client.post("/amili/arm/clients/30117/files", json={"files": ["JVBERi0xLjcgYQ==", "JVBERi0x"]})
        assert response.status_code == 200
        assert [item["size"] for item in response.json()["files"]] == [16, 8]


class TestSecurity:
    """Credentials as each operation's security requirement says."""

    @pytest.mark.parametrize(
        ("authorization", "reason"),
        [(None, "missing"), ("Bearer garbage", "invalid"), ("Basic dXNlcjpwYXNz", "bearer credentials required")],
        ids=["none", "garbage", "wrong-scheme"],
    )
    def test_refused_with_401_and_challenge(
        self, anonymous: httpx.Client, authorization: str | None, reason: str
    ) -> None:
        """No, garbage or wrong-scheme credentials: 401 with a Bearer challenge."""
        headers = {"Authorization": authorization} if authorization else {}
        response = anonymous.get("/amili/collection/batches", headers=headers)
        assert response.status_code == 401
        assert response.headers["www-authenticate"].startswith("Bearer")
        assert reason in response.json()["message"]

    def test_expired_token_refused(self, anonymous: httpx.Client, sandbox: Sandbox) -> None:
        """A correctly signed token past its exp is 401."""
        response = anonymous.get(
            "/amili/collection/batches", headers={"Authorization": f"Bearer {sandbox.expired_token()}"}
        )
        assert response.status_code == 401
        assert "expired" in response.json()["message"]

    def test_static_token_everywhere_jwt_only_for_amili(self, anonymous: httpx.Client, sandbox: Sandbox) -> None:
        """The static token opens every API; an identity-service token opens Amili's, not the AP API."""
        invoice = sandbox.known_params("ap-invoice")["GET /v1/invoice/{id}"]["id"][0]
        jwt = sandbox.other_org_token()
        static = {"Authorization": f"Bearer {sandbox.token}"}
        assert anonymous.get(f"/ap-invoice/v1/invoice/{invoice}", headers=static).status_code == 200
        assert (
            anonymous.get(f"/ap-invoice/v1/invoice/{invoice}", headers={"Authorization": f"Bearer {jwt}"}).status_code
            == 401
        )
        assert anonymous.get("/amili/collection/batches", headers={"Authorization": f"Bearer {jwt}"}).status_code == 200

    def test_basic_auth_where_documented(self, anonymous: httpx.Client, sandbox: Sandbox) -> None:
        """POST /webapi/api/Batch takes Basic credentials (older page) or the JWT bearer token (newer page)."""
        client_id, secret = sandbox.client_credentials()
        basic = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
        path = "/amili/autocollect/webapi/api/Batch"
        body = {"batchid": "AC-TEST-1", "case": [], "creditor": [], "settlement": []}
        accepted = anonymous.post(
            path, json=body, headers={"Authorization": f"Basic {basic}", "Content-Type": "application/json-patch+json"}
        )
        assert accepted.status_code == 200, accepted.text
        assert accepted.json()["batchid"] == "AC-TEST-1"
        bearer = anonymous.post(
            path,
            json=body,
            headers={"Authorization": f"Bearer {sandbox.token}", "Content-Type": "application/json-patch+json"},
        )
        assert bearer.status_code == 200, bearer.text
        wrong = base64.b64encode(f"{client_id}:not-the-secret".encode()).decode()
        refused = anonymous.post(path, json=body, headers={"Authorization": f"Basic {wrong}"})
        assert refused.status_code == 401

    def test_missing_scope_is_403(self, anonymous: httpx.Client, sandbox: Sandbox) -> None:
        """Creating invoices needs write:collection.case; a token without it is 403."""
        client_id, secret = sandbox.client_credentials()
        form = {
            "grant_type": "client_credentials",
            "client_id": client_id,
            "client_secret": secret,
            "scope": "read:collection",
        }
        token = anonymous.post("/amili/identity/token", data=form).json()["access_token"]
        response = anonymous.post(
            f"{ORG}/invoices", json={"invoices": []}, headers={"Authorization": f"Bearer {token}"}
        )
        assert response.status_code == 403
        assert "write:collection.case" in response.json()["message"]

    def test_open_operations_need_nothing(self, anonymous: httpx.Client) -> None:
        """Operations with `security: []` answer without credentials."""
        assert anonymous.get("/amili/collection/ping").status_code == 200
        assert anonymous.get("/amili/identity/health").status_code == 200
