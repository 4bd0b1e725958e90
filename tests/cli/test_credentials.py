"""Credentials as the document declares them, run as a user runs them: `apiconform run --base-url ... -H ...`.

The target is a stand-in (tests/fixtures/token_api.py) whose document declares an `apiKey` scheme in
`Authorization` and which accepts only `Token <token>`; the embedded sandbox's URL stands for a real
target reached without credentials.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import pytest

from apiconform.core.vocabulary import ExitCode
from apiconform.sandbox import Sandbox
from apiconform.specs import load_spec
from tests.fixtures.cli import AP_SPEC, REPO_ROOT
from tests.fixtures.servers import serve
from tests.fixtures.token_api import ISSUED_JWT, KNOWN_SLUG, SPEC, TOKEN, TokenApi

RUN_TIMEOUT: Final = 180
TOKEN_HEADER: Final = "Authorization: Token ${T}"


@dataclass(frozen=True, slots=True, kw_only=True)
class Run:
    completed: subprocess.CompletedProcess[str]
    directory: Path

    @property
    def report(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads((self.directory / "report.json").read_text(encoding="utf-8"))
        return data

    @property
    def output(self) -> str:
        return self.completed.stdout + self.completed.stderr

    def written(self) -> bytes:
        files = b"".join(path.read_bytes() for path in sorted(self.directory.rglob("*")) if path.is_file())
        return files + self.output.encode()


def _run(tmp_path: Path, *args: str, env: dict[str, str] | None = None) -> Run:
    directory = tmp_path / "reports"
    argv = [sys.executable, "-m", "apiconform", "run", *args, "--max-examples", "5", "--report-dir", str(directory)]
    base = {key: value for key, value in os.environ.items() if not key.startswith("APICONFORM_")}
    completed = subprocess.run(
        argv,
        cwd=REPO_ROOT,
        env={**base, "CI": "true", "NO_COLOR": "1", **(env or {})},
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT,
        check=False,
    )
    return Run(completed=completed, directory=directory)


@pytest.fixture(scope="module")
def spec_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("token-api") / "openapi.yaml"
    path.write_text(SPEC, encoding="utf-8")
    return path


def _stand_in_run(api: TokenApi, spec: Path, tmp_path: Path, *extra: str) -> Run:
    with serve(api.app()) as url:
        return _run(
            tmp_path,
            "--spec",
            str(spec),
            "--base-url",
            url,
            "--header",
            TOKEN_HEADER,
            "--param",
            f"slug={KNOWN_SLUG}",
            *extra,
            env={"T": TOKEN},
        )


@pytest.fixture(scope="module")
def clean(spec_path: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Run, TokenApi]:
    api = TokenApi()
    return _stand_in_run(api, spec_path, tmp_path_factory.mktemp("clean"), "--allow-writes"), api


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    spec = load_spec(REPO_ROOT / AP_SPEC, root=REPO_ROOT / "specs")
    with Sandbox([spec]) as running:
        yield running


class TestTokenScheme:
    """`--header 'Authorization: Token ${T}'` against a server that takes nothing else."""

    def test_conformant(self, clean: tuple[Run, TokenApi]) -> None:
        run, _ = clean
        assert run.completed.returncode == ExitCode.CONFORMANT, run.output[-3000:]

    def test_every_operation_gets_a_2xx(self, clean: tuple[Run, TokenApi]) -> None:
        """The credential reached every operation: each answered at least one request with success."""
        operations = clean[0].report["operations"]
        assert len(operations) == 6
        lacking = [op["operation"] for op in operations if not any(200 <= s < 300 for s in op["statuses"])]
        assert lacking == []
        assert all(op["covered"] and "uncovered_reason" not in op for op in operations)

    def test_only_token_was_sent(self, clean: tuple[Run, TokenApi]) -> None:
        """Every credential the server saw was `Token ...`; none went out as `Bearer`."""
        _, api = clean
        sent = {headers.get("authorization", "").split(" ", 1)[0] for _, _, headers in api.seen}
        assert "Bearer" not in sent
        assert "Token" in sent

    def test_known_id_is_read_only(self, clean: tuple[Run, TokenApi]) -> None:
        """With writes allowed, nothing wrote to the user's known article; it is still there, unchanged."""
        _, api = clean
        writes = [(method, path) for method, path, _ in api.seen if method != "GET" and KNOWN_SLUG in path]
        assert writes == []
        assert api.articles[KNOWN_SLUG] == {"slug": KNOWN_SLUG, "title": "Known", "state": "published"}
        assert any(method == "DELETE" for method, _, _ in api.seen)  # writes did run, on the run's own articles

    def test_no_secret_written(self, clean: tuple[Run, TokenApi]) -> None:
        """Neither the token given nor the JWT the server handed out in a body is in any report or stream."""
        written = clean[0].written()
        assert TOKEN.encode() not in written
        assert ISSUED_JWT.encode() not in written


class TestProbesInTheScheme:
    def test_malformed_token_reaches_token_validation(self, spec_path: Path, tmp_path: Path) -> None:
        """A server whose token validation crashes is caught: the malformed probe is `Token ...`, not `Bearer ...`."""
        run = _stand_in_run(TokenApi(faults={"token-500"}), spec_path, tmp_path)
        assert run.completed.returncode == ExitCode.VIOLATIONS, run.output[-3000:]
        crashes = [
            finding
            for finding in run.report["findings"]
            if finding["check"] == "server_error" and "malformed token" in finding["title"]
        ]
        assert crashes, run.report["findings"]
        assert all("Authorization: Token apiconform.malformed.token" in finding["curl"] for finding in crashes)


class TestTargetHeaders:
    def test_no_credentials_probe_drops_a_target_header_carrying_one(self, spec_path: Path, tmp_path: Path) -> None:
        """`headers = {Authorization = "Token ${T}"}` is the scheme's credential: the probe without one sends none."""
        api = TokenApi()
        with serve(api.app()) as url:
            config = tmp_path / "apiconform.toml"
            config.write_text(
                f'[targets.conduit]\nbase-url = "{url}"\nparams = {{ slug = "{KNOWN_SLUG}" }}\n'
                'headers = { Authorization = "Token ${T}", "X-Trace" = "plain" }\n',
                encoding="utf-8",
            )
            run = _run(
                tmp_path,
                *("--config", str(config), "--target", "conduit", "--spec", str(spec_path)),
                *("--include", "GET /articles/{slug}"),
                env={"T": TOKEN},
            )
        assert run.completed.returncode == ExitCode.CONFORMANT, run.output[-3000:]
        # The question without credentials is schemathesis's ignored_auth probe or, where it asked none, ours.
        probes = [headers for method, path, headers in api.seen if (method, path) == ("GET", f"/articles/{KNOWN_SLUG}")]
        assert {headers.get("authorization", "") for headers in probes} >= {"", "Token apiconform.malformed.token"}
        assert all(headers.get("x-trace") == "plain" for headers in probes)


class TestCurlReplay:
    def test_curl_line_reproduces_the_status(self, spec_path: Path, tmp_path: Path) -> None:
        """A finding's curl line, rerun with the user's variable set, gets the status the report shows."""
        api = TokenApi(faults={"bad-enum"})
        with serve(api.app()) as url:
            run = _run(
                tmp_path,
                *("--spec", str(spec_path), "--base-url", url, "--header", TOKEN_HEADER),
                *("--param", f"slug={KNOWN_SLUG}", "--include", "GET /articles/{slug}"),
                env={"T": TOKEN},
            )
            assert run.completed.returncode == ExitCode.VIOLATIONS, run.output[-3000:]
            findings = [f for f in run.report["findings"] if f["check"] == "enum" and f["response"]]
            assert findings, run.report["findings"]
            finding = findings[0]
            assert '"Authorization: Token $T"' in finding["curl"]
            assert "[Filtered]" not in finding["curl"]
            replay = subprocess.run(
                ["bash", "-c", f"{finding['curl']} -s -o /dev/null -w '%{{http_code}}'"],
                env={**os.environ, "T": TOKEN},
                capture_output=True,
                text=True,
                timeout=30,
                check=False,
            )
        assert replay.stdout == str(finding["response"]["status"]), replay.stderr


class TestNoSilentUnauthenticatedRun:
    def test_no_credentials_configured_exits_2(self, sandbox: Sandbox, tmp_path: Path) -> None:
        """A document that requires credentials, a run with none: one line naming the flag and variable, exit 2."""
        run = _run(tmp_path, "--spec", AP_SPEC, "--base-url", sandbox.base_url("ap-invoice"))
        assert run.completed.returncode == ExitCode.USAGE_ERROR
        lines = run.completed.stderr.strip().splitlines()
        assert len(lines) == 1, lines
        assert "requires credentials" in lines[0]
        assert "APICONFORM_TOKEN" in lines[0]
        assert "--header" in lines[0]
        assert "--no-credentials" in lines[0]
        assert not (tmp_path / "reports" / "report.json").exists()

    def test_no_credentials_on_purpose_is_not_covered(self, sandbox: Sandbox, tmp_path: Path) -> None:
        """`--no-credentials`: every request refused, so the operation is not covered, said in console and report."""
        run = _run(tmp_path, "--spec", AP_SPEC, "--base-url", sandbox.base_url("ap-invoice"), "--no-credentials")
        assert "NOT COVERED ap-invoice: 1 operation (credentials rejected)" in run.completed.stdout, run.output
        operations = run.report["operations"]
        assert [op["uncovered_reason"] for op in operations] == ["credentials rejected"]
        assert not operations[0]["covered"]
        assert "credentials rejected" in (run.directory / "summary.md").read_text(encoding="utf-8")

    def test_no_credentials_on_purpose_is_never_conformant(self, sandbox: Sandbox, tmp_path: Path) -> None:
        """Such a run is never "conformant": an operation that tested nothing makes it incomplete (exit 4)."""
        run = _run(tmp_path, "--spec", AP_SPEC, "--base-url", sandbox.base_url("ap-invoice"), "--no-credentials")
        assert run.completed.returncode == ExitCode.INCOMPLETE, run.output[-3000:]
        assert run.report["verdict"] != "conformant"
