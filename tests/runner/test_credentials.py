"""The client-credentials flow: fetched once per run, cached until expiry, refreshed on 401, never leaked."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from apiconform.core.errors import CredentialsError
from apiconform.runner.credentials import EXPIRY_MARGIN_SECONDS, ClientCredentials, TokenSource
from apiconform.sandbox import Sandbox
from apiconform.specs import load_spec
from tests.fixtures.servers import serve

ROOT = Path(__file__).resolve().parents[2]
CLIENT_ID = "apiconform-test-client"
CLIENT_SECRET = "client-secret-canary-5521"
STALE_TOKEN = "stale-token-canary-0042"


@dataclass
class TokenEndpoint:
    """A token endpoint that hands out `tokens` in order (the last one repeats) and counts the grants."""

    tokens: list[str]
    lifetime: int = 3600
    grants: list[dict[str, str]] = field(default_factory=list)

    def app(self) -> Starlette:
        async def token(request: Request) -> JSONResponse:
            form = {key: values[0] for key, values in parse_qs((await request.body()).decode()).items()}
            if form.get("client_id") != CLIENT_ID or form.get("client_secret") != CLIENT_SECRET:
                return JSONResponse({"error": "invalid_client"}, status_code=401)
            self.grants.append({key: str(value) for key, value in form.items()})
            issued = self.tokens[min(len(self.grants), len(self.tokens)) - 1]
            now = int(time.time())
            return JSONResponse(
                {
                    "access_token": issued,
                    "token_type": "Bearer",
                    "expires_in": self.lifetime,
                    "expires_on": now + self.lifetime,
                }
            )

        return Starlette(routes=[Route("/token", token, methods=["POST"])])


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    with Sandbox([load_spec(ROOT / "specs/ap-invoice/openapi.yaml", root=ROOT / "specs")]) as running:
        yield running


class TestTokenSource:
    def test_cached_until_expiry(self) -> None:
        """One grant serves every call until the token is about to expire; then one more grant."""
        endpoint = TokenEndpoint(tokens=["first-token", "second-token"], lifetime=120)
        now = [1000.0]
        with serve(endpoint.app()) as url:
            source = TokenSource(
                ClientCredentials(token_url=f"{url}/token", client_id=CLIENT_ID, client_secret=CLIENT_SECRET),
                clock=lambda: now[0],
            )
            assert [source.token() for _ in range(5)] == ["first-token"] * 5
            now[0] = time.time() + 120 - EXPIRY_MARGIN_SECONDS + 1
            assert source.token() == "second-token"
        assert len(endpoint.grants) == 2
        assert endpoint.grants[0]["grant_type"] == "client_credentials"

    def test_refused_credentials_are_a_config_error(self) -> None:
        """A refused client is a CredentialsError (exit 2) naming the endpoint, without the secret."""
        with serve(TokenEndpoint(tokens=["t"]).app()) as url:
            source = TokenSource(ClientCredentials(token_url=f"{url}/token", client_id="wrong", client_secret="nope"))
            with pytest.raises(CredentialsError, match="answered 401: invalid_client") as raised:
                source.token()
        assert "nope" not in str(raised.value)


class TestRunWithClientCredentials:
    @pytest.mark.parametrize(
        ("first_is_stale", "grants"),
        [(False, 1), (True, 2)],
        ids=["once-per-run", "refreshed-on-401"],
    )
    def test_run(self, sandbox: Sandbox, tmp_path: Path, *, first_is_stale: bool, grants: int) -> None:
        """The run conforms using fetched tokens, asks the token endpoint as often as needed and no more."""
        endpoint = TokenEndpoint(tokens=[STALE_TOKEN, sandbox.token] if first_is_stale else [sandbox.token])
        with serve(endpoint.app()) as token_url:
            config = tmp_path / "apiconform.toml"
            config.write_text(
                f"""
[targets.staging]
base-url = "{sandbox.base_url("ap-invoice")}"
params = {{ id = "inv-0001" }}
[targets.staging.auth]
type = "client-credentials"
token-url = "{token_url}/token"
client-id-env = "TEST_CLIENT_ID"
client-secret-env = "TEST_CLIENT_SECRET"
""",
                encoding="utf-8",
            )
            env = {**os.environ, "CI": "true", "TEST_CLIENT_ID": CLIENT_ID, "TEST_CLIENT_SECRET": CLIENT_SECRET}
            completed = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "apiconform",
                    "run",
                    "--config",
                    str(config),
                    "--target",
                    "staging",
                    "--spec",
                    "specs/ap-invoice/openapi.yaml",
                    "--max-examples",
                    "5",
                    "--report-dir",
                    str(tmp_path / "reports"),
                ],
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
                timeout=180,
                check=False,
            )
        output = completed.stdout + completed.stderr
        assert completed.returncode == 0, output
        assert len(endpoint.grants) == grants
        # As bytes: the report directory also holds the history database.
        written = output.encode() + b"".join(path.read_bytes() for path in (tmp_path / "reports").iterdir())
        for secret in (CLIENT_SECRET, sandbox.token, STALE_TOKEN):
            assert secret.encode() not in written

    def test_missing_client_secret_variable(self, tmp_path: Path) -> None:
        """An unset credential variable is one line and exit 2, before any request."""
        config = tmp_path / "apiconform.toml"
        config.write_text(
            '[targets.t]\nbase-url = "http://127.0.0.1:9"\n'
            '[targets.t.auth]\ntype = "client-credentials"\ntoken-url = "http://127.0.0.1:9/token"\n',
            encoding="utf-8",
        )
        env = {key: value for key, value in os.environ.items() if not key.startswith("APICONFORM_")}
        completed = subprocess.run(
            [
                sys.executable,
                "-m",
                "apiconform",
                "run",
                "--config",
                str(config),
                "--target",
                "t",
                "--spec",
                "specs/ap-invoice/openapi.yaml",
                "--report-dir",
                str(tmp_path / "r"),
            ],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert completed.returncode == 2
        assert completed.stderr.strip().splitlines() == [
            "apiconform: error: target 't' needs the environment variable APICONFORM_CLIENT_ID, which is not set"
        ]
