"""No secret leaves the run: canary credentials of every kind, grepped for in every file and stream a run writes.

The target is the embedded sandbox served behind a recorder, reached as a named target with four kinds
of credential: a bearer token (ap-invoice), an OAuth2 client-credentials flow against a small token
endpoint (amili/collection), HTTP Basic (amili/autocollect), and a config-named secret header sent with
every request. The recorder proves each canary was really sent; then report.json, junit.xml,
report.html, summary.md, the history database (as bytes) and stdout/stderr must hold none of them, in a
clean run and in a failing one whose findings carry curl lines and response snapshots.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from collections.abc import Awaitable, Callable, Iterator, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final
from urllib.parse import parse_qs

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from apiconform.core.vocabulary import ExitCode
from apiconform.sandbox import Fault, Sandbox
from apiconform.specs import load_spec
from tests.fixtures.cli import REPO_ROOT
from tests.fixtures.servers import serve

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]

SPECS: Final = ("ap-invoice/openapi.yaml", "amili/collection.yaml", "amili/autocollect.yaml")
BEARER: Final = "canary-bearer-6d1f0b7e2a"
CLIENT_ID: Final = "canary-client-id"
CLIENT_SECRET: Final = "canary-client-secret-93ab41"
SIGNATURE: Final = "canary-signature-5c27e8d0"
# Not a name schemathesis sanitises by itself (no "key", "token", "secret"...): only `secret-headers` hides it.
SIGNATURE_HEADER: Final = "X-Partner-Signature"
INCLUDED: Final = (
    "GET /v1/invoice/{id}",
    "GET /orgs/{orgId}/batches",
    "POST /orgs/{orgId}/invoices",
    "POST /webapi/api/Batch",
)
RUN_TIMEOUT: Final = 180
REPORT_FILES: Final = ("report.json", "junit.xml", "report.html", "summary.md")


@dataclass
class HeaderRecorder:
    """ASGI middleware keeping the request headers the target received, lower-cased."""

    app: Any
    seen: list[dict[str, str]] = field(default_factory=list)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            self.seen.append({key.decode("latin-1"): value.decode("latin-1") for key, value in scope["headers"]})
        await self.app(scope, receive, send)


@dataclass
class CanaryTarget:
    """A running sandbox behind a recorder, its token endpoint, and every canary that may not leak."""

    sandbox: Sandbox
    recorder: HeaderRecorder
    url: str
    token_url: str
    issued: str
    basic: tuple[str, str]
    faults: tuple[Fault, ...]

    @property
    def canaries(self) -> dict[str, str]:
        user, password = self.basic
        pair = base64.b64encode(f"{user}:{password}".encode()).decode()
        return {
            "bearer token": BEARER,
            "client secret": CLIENT_SECRET,
            "issued access token": self.issued,
            "basic password": password,
            "basic header value": pair,
            "secret header": SIGNATURE,
            **{f"{name} (base64)": base64.b64encode(value.encode()).decode() for name, value in self._plain().items()},
        }

    def _plain(self) -> dict[str, str]:
        return {"bearer": BEARER, "client secret": CLIENT_SECRET, "signature": SIGNATURE, "password": self.basic[1]}


def _token_endpoint(issued: str) -> Starlette:
    async def token(request: Request) -> JSONResponse:
        form = {key: values[0] for key, values in parse_qs((await request.body()).decode()).items()}
        if form.get("client_id") != CLIENT_ID or form.get("client_secret") != CLIENT_SECRET:
            return JSONResponse({"error": "invalid_client"}, status_code=401)
        return JSONResponse({"access_token": issued, "token_type": "Bearer", "expires_in": 3600})

    return Starlette(routes=[Route("/token", token, methods=["POST"])])


@pytest.fixture(params=[(), (Fault.AP_ENUM_OUT_OF_SET, Fault.AMILI_ENUM_OUT_OF_SET)], ids=["clean", "failing"])
def canary_target(request: pytest.FixtureRequest) -> Iterator[CanaryTarget]:
    specs = [load_spec(REPO_ROOT / "specs" / path, root=REPO_ROOT / "specs") for path in SPECS]
    sandbox = Sandbox(specs, token=BEARER, faults=request.param)
    client = next(iter(sandbox.issuer.clients.values()))
    issued = str(sandbox.issuer.issue(client)["access_token"])
    recorder = HeaderRecorder(sandbox.app)
    try:
        with serve(recorder) as url, serve(_token_endpoint(issued)) as token_url:
            yield CanaryTarget(
                sandbox=sandbox,
                recorder=recorder,
                url=url,
                token_url=token_url,
                issued=issued,
                basic=sandbox.client_credentials(),
                faults=request.param,
            )
    finally:
        sandbox.stop()


def _config(target: CanaryTarget) -> str:
    known = {
        label: values
        for name in ("ap-invoice", "amili/collection")
        for label, values in target.sandbox.known_params(name).items()
        if label in INCLUDED
    }
    operations = "".join(
        f'[targets.canary.operations."{label}"]\nparams = {{ '
        + ", ".join(f'{name} = "{values[0]}"' for name, values in params.items())
        + " }\n"
        for label, params in known.items()
    )
    return f"""
[targets.canary]
base-url = "{target.url}/ap-invoice"
allow-writes = true
headers = {{ "{SIGNATURE_HEADER}" = "${{CANARY_SIGNATURE}}", "X-Trace" = "not-a-secret" }}
secret-headers = ["{SIGNATURE_HEADER}"]
{operations}
[targets.canary.apis."amili/collection"]
base-url = "{target.url}/amili/collection"
[targets.canary.apis."amili/collection".auth]
type = "client-credentials"
token-url = "{target.token_url}/token"
client-id-env = "CANARY_CLIENT_ID"
client-secret-env = "CANARY_CLIENT_SECRET"
[targets.canary.apis."amili/autocollect"]
base-url = "{target.url}/amili/autocollect"
[targets.canary.apis."amili/autocollect".auth]
type = "basic"
username-env = "CANARY_BASIC_USER"
password-env = "CANARY_BASIC_PASSWORD"
"""


@dataclass(frozen=True, slots=True, kw_only=True)
class Written:
    """Everything one run wrote: its streams, and every file under its output directory, as bytes."""

    completed: subprocess.CompletedProcess[bytes]
    files: dict[Path, bytes]


def _run(target: CanaryTarget, tmp_path: Path) -> Written:
    config = tmp_path / "apiconform.toml"
    config.write_text(_config(target), encoding="utf-8")
    out = tmp_path / "out"
    argv = [sys.executable, "-m", "apiconform", "run", "--config", str(config), "--target", "canary"]
    argv += [arg for path in SPECS for arg in ("--spec", f"specs/{path}")]
    argv += [arg for label in INCLUDED for arg in ("--include", label)]
    argv += ["--max-examples", "3", "--report-dir", str(out / "reports"), "--history", str(out / "history.sqlite")]
    user, password = target.basic
    env = {
        **os.environ,
        "CI": "true",
        "APICONFORM_TOKEN": BEARER,
        "CANARY_CLIENT_ID": CLIENT_ID,
        "CANARY_CLIENT_SECRET": CLIENT_SECRET,
        "CANARY_BASIC_USER": user,
        "CANARY_BASIC_PASSWORD": password,
        "CANARY_SIGNATURE": SIGNATURE,
    }
    completed = subprocess.run(argv, cwd=REPO_ROOT, env=env, capture_output=True, timeout=RUN_TIMEOUT, check=False)
    files = {path: path.read_bytes() for path in sorted(out.rglob("*")) if path.is_file()}
    return Written(completed=completed, files=files)


class TestNoSecretLeaks:
    """Canary credentials of every kind are sent to the target and appear in nothing the run writes."""

    def test_no_canary_in_any_output(self, canary_target: CanaryTarget, tmp_path: Path) -> None:
        """report.json, junit.xml, report.html, summary.md, history.sqlite, stdout and stderr: zero canaries."""
        written = _run(canary_target, tmp_path)
        output = (written.completed.stdout + written.completed.stderr).decode("utf-8", errors="replace")
        assert written.completed.returncode in {ExitCode.CONFORMANT, ExitCode.VIOLATIONS}, output[-3000:]
        assert b"Traceback" not in written.completed.stderr
        names = {path.name for path in written.files}
        assert {*REPORT_FILES, "history.sqlite"} <= names, names
        streams = {"stdout": written.completed.stdout, "stderr": written.completed.stderr}
        sources = {**{str(path): data for path, data in written.files.items()}, **streams}
        leaks = [
            f"{what} in {where}"
            for what, canary in canary_target.canaries.items()
            for where, data in sources.items()
            if canary.encode() in data
        ]
        assert leaks == [], leaks
        _assert_canaries_sent(canary_target)
        if canary_target.faults:
            _assert_findings_with_evidence(written, tmp_path)


def _assert_canaries_sent(target: CanaryTarget) -> None:
    """The leak check means something only if each credential really reached the target."""
    seen = target.recorder.seen
    authorizations = {headers.get("authorization", "") for headers in seen}
    user, password = target.basic
    pair = base64.b64encode(f"{user}:{password}".encode()).decode()
    assert f"Bearer {BEARER}" in authorizations
    assert f"Bearer {target.issued}" in authorizations
    assert f"Basic {pair}" in authorizations
    assert any(headers.get(SIGNATURE_HEADER.lower()) == SIGNATURE for headers in seen)


def _assert_findings_with_evidence(written: Written, tmp_path: Path) -> None:
    """The failing run has findings with curl lines and response snapshots, for bearer and OAuth2 APIs alike."""
    report = json.loads(written.files[tmp_path / "out" / "reports" / "report.json"])
    assert written.completed.returncode == ExitCode.VIOLATIONS
    failing = {finding["api"] for finding in report["findings"] if finding["curl"] and finding["response"]}
    assert {"ap-invoice", "amili/collection"} <= failing, failing
