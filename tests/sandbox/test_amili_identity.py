"""The identity service: client-credentials tokens as the Identiverse guide shows them, and what they grant."""

from __future__ import annotations

import base64
import json
import time
from typing import Any

import httpx
import pytest

from apiconform.sandbox import Sandbox
from apiconform.sandbox._amili_seed import ORGANIZATIONS
from apiconform.specs import SpecDocument

TOKEN_PATH = "/amili/identity/token"


def _claims(token: str) -> dict[str, Any]:
    payload = token.split(".")[1]
    claims: dict[str, Any] = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    return claims


def _form(sandbox: Sandbox, **overrides: str) -> dict[str, str]:
    client_id, secret = sandbox.client_credentials()
    return {"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret, **overrides}


class TestToken:
    """POST /token with the form the workflow guide shows."""

    def test_issues_a_signed_jwt_with_expiry_scope_and_organisation(
        self, anonymous: httpx.Client, sandbox: Sandbox
    ) -> None:
        """200 with access_token, token_type Bearer, integer times, and claims for the client's organisation."""
        before = int(time.time())
        response = anonymous.post(TOKEN_PATH, data=_form(sandbox))
        assert response.status_code == 200
        body = response.json()
        assert body["token_type"] == "Bearer"
        assert body["expires_in"] == 3600
        assert before <= body["not_before"] <= body["expires_on"] - 3600 + 1
        claims = _claims(body["access_token"])
        assert claims["exp"] == body["expires_on"]
        assert claims["org"] == ORGANIZATIONS[0].id
        assert claims["clientno"] == ORGANIZATIONS[0].client_no
        assert "write:collection.case" in claims["scope"].split()
        assert claims["aud"] == body["resource"]

    def test_requested_scope_narrows_the_token(self, anonymous: httpx.Client, sandbox: Sandbox) -> None:
        """A `scope` field grants exactly what it asks for."""
        response = anonymous.post(TOKEN_PATH, data=_form(sandbox, scope="read:collection read:arm"))
        assert _claims(response.json()["access_token"])["scope"] == "read:collection read:arm"

    @pytest.mark.parametrize(
        ("overrides", "status", "error"),
        [
            ({"client_secret": "wrong"}, 401, "invalid_client"),
            ({"client_id": "nobody"}, 401, "invalid_client"),
            ({"grant_type": "password"}, 400, "unsupported_grant_type"),
            ({"scope": "admin"}, 400, "invalid_scope"),
        ],
        ids=["wrong-secret", "unknown-client", "other-grant", "unknown-scope"],
    )
    def test_oauth_errors(
        self, anonymous: httpx.Client, sandbox: Sandbox, overrides: dict[str, str], status: int, error: str
    ) -> None:
        """RFC 6749 error answers: 401 invalid_client, 400 unsupported_grant_type or invalid_scope."""
        response = anonymous.post(TOKEN_PATH, data=_form(sandbox, **overrides))
        assert response.status_code == status
        assert response.json()["error"] == error

    def test_missing_field_is_400(self, anonymous: httpx.Client, sandbox: Sandbox) -> None:
        """The three documented fields are required."""
        form = _form(sandbox)
        del form["client_secret"]
        assert anonymous.post(TOKEN_PATH, data=form).status_code == 400


class TestUsingTokens:
    """Refresh and verify, and the tokens Sandbox hands out for tests."""

    def test_refresh_reissues_for_the_same_client(self, anonymous: httpx.Client, sandbox: Sandbox) -> None:
        """An issued token, even an expired one, refreshes into a valid token of the same client."""
        response = anonymous.post("/amili/identity/refresh", data={"refresh_token": sandbox.expired_token()})
        assert response.status_code == 200
        fresh = response.json()["access_token"]
        assert _claims(fresh)["sub"] == sandbox.client_credentials()[0]
        assert _claims(fresh)["exp"] > time.time()

    def test_refresh_refuses_foreign_tokens(self, anonymous: httpx.Client) -> None:
        """Something this service did not sign is invalid_grant."""
        response = anonymous.post("/amili/identity/refresh", data={"refresh_token": "eyJ.eyJ.sig"})
        assert response.status_code == 401
        assert response.json()["error"] == "invalid_grant"

    def test_verify_reports_claims(self, anonymous: httpx.Client, sandbox: Sandbox) -> None:
        """/verify answers the bearer token's claims."""
        token = sandbox.other_org_token()
        response = anonymous.get("/amili/identity/verify", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 200
        assert response.json()["active"] is True
        assert response.json()["org"] == ORGANIZATIONS[1].id

    def test_other_org_token_is_a_second_organisation(self, sandbox: Sandbox) -> None:
        """other_org_token() belongs to another organisation and client than the demo client."""
        assert _claims(sandbox.other_org_token())["org"] != ORGANIZATIONS[0].id
        assert _claims(sandbox.other_org_token())["clientno"] != ORGANIZATIONS[0].client_no

    def test_expired_token_is_expired(self, sandbox: Sandbox) -> None:
        """expired_token() has an exp in the past."""
        assert _claims(sandbox.expired_token())["exp"] < time.time()

    def test_client_secret_is_stable_for_a_token(self, all_specs: dict[str, SpecDocument]) -> None:
        """The demo secret is derived from the sandbox token, so `apiconform serve` prints the same one each time."""

        def credentials(token: str) -> tuple[str, str]:
            unstarted = Sandbox([all_specs["amili/identity"]], token=token)
            unstarted.stop()
            return unstarted.client_credentials()

        assert credentials("same") == credentials("same")
        assert credentials("same") != credentials("other")
