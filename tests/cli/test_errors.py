"""Bad input to `apiconform run`: one line on stderr naming the problem, a distinct exit code, never a traceback.

Exit 2 is apiconform's own input (flags, config, specs, report directory); exit 3 is a target that does
not answer. Each case writes what it needs under tmp_path and returns the extra command-line arguments.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Final

import pytest

from apiconform.core.vocabulary import ExitCode
from tests.fixtures.cli import AP_SPEC, REPO_ROOT, stderr_lines

if TYPE_CHECKING:
    from tests.fixtures.cli import CliRunner

ERROR_PREFIX: Final = "apiconform: error: "
CONFIG_NAME: Final = "apiconform.toml"
VALID_CONFIG: Final = '[targets.staging]\nbase-url = "https://staging.example"\n'
# `{tmp}` in an expected fragment stands for the test's tmp_path.
Setup = Callable[[Path], list[str]]


def _args(*args: str) -> Setup:
    return lambda _: list(args)


def _config(text: str, *args: str) -> Setup:
    def setup(tmp_path: Path) -> list[str]:
        path = tmp_path / CONFIG_NAME
        path.write_text(text, encoding="utf-8")
        return ["--config", str(path), *args]

    return setup


def _spec(text: str, name: str = "openapi.yaml") -> Setup:
    def setup(tmp_path: Path) -> list[str]:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return ["--spec", str(path)]

    return setup


def _ap_spec_text() -> str:
    return (REPO_ROOT / AP_SPEC).read_text(encoding="utf-8")


def _broken_ref_spec(tmp_path: Path) -> list[str]:
    text = _ap_spec_text()
    good = '"#/components/schemas/Invoice"'
    assert good in text, "the AP spec no longer refers to Invoice; pick another $ref to break"
    return _spec(text.replace(good, '"#/components/schemas/NoSuchSchema"', 1))(tmp_path)


def _report_dir_under_a_file(tmp_path: Path) -> list[str]:
    (tmp_path / "file.txt").write_text("a file, not a directory\n", encoding="utf-8")
    return ["--report-dir", str(tmp_path / "file.txt" / "sub")]


def _config_is_a_directory(tmp_path: Path) -> list[str]:
    """An unreadable config; chmod 000 means nothing to root, a directory in its place is unreadable to anyone."""
    (tmp_path / "conf.d").mkdir()
    return ["--config", str(tmp_path / "conf.d")]


def _free_port() -> int:
    """A port nothing listens on: bound to port 0 for the kernel to pick, then released."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def _one_error_line(result: subprocess.CompletedProcess[str]) -> str:
    lines = stderr_lines(result)
    assert len(lines) == 1, f"expected one stderr line, got {len(lines)}:\n{result.stderr}"
    assert lines[0].startswith(ERROR_PREFIX), lines[0]
    assert "Traceback" not in result.stderr + result.stdout
    return lines[0]


USAGE_ERRORS: Final[list[tuple[Setup, tuple[str, ...]]]] = [
    (_config(VALID_CONFIG, "--target", "nope"), ("{tmp}/apiconform.toml", "unknown target 'nope'", "staging")),
    (_config("seed = = 1\n"), ("{tmp}/apiconform.toml", "not valid TOML")),
    (_config("colour = true\n"), ("{tmp}/apiconform.toml", "unknown key 'colour'")),
    (_config('seed = "seven"\n'), ("{tmp}/apiconform.toml", "seed:", "integer")),
    (
        _config('[targets.staging]\nbase-url = "staging.example"\n'),
        ("{tmp}/apiconform.toml", "targets.staging.base-url"),
    ),
    (
        _config('[targets.staging]\ntoken-env = "VENDOR-TOKEN"\n'),
        ("{tmp}/apiconform.toml", "targets.staging.token-env"),
    ),
    (
        _config('[targets.staging.operations."getInvoice"]\nparams = { id = "inv-0001" }\n'),
        ("{tmp}/apiconform.toml", "targets.staging.operations", "getInvoice"),
    ),
    (
        _config('[targets.staging]\nbase-url = "${APICONFORM_TEST_MISSING_VAR}"\n'),
        ("{tmp}/apiconform.toml", "targets.staging.base-url", "APICONFORM_TEST_MISSING_VAR"),
    ),
    (_args("--spec", "{tmp}/missing.yaml"), ("{tmp}/missing.yaml", "no such file")),
    (_spec("foo: bar\n"), ("{tmp}/openapi.yaml", "OpenAPI")),
    (_spec('openapi: 2.0\ninfo: {title: t, version: "1"}\npaths: {}\n'), ("{tmp}/openapi.yaml", "openapi: 2.0")),
    (_broken_ref_spec, ("{tmp}/openapi.yaml", "NoSuchSchema")),
    (_spec("paths: [unclosed\n  - {\n"), ("{tmp}/openapi.yaml", "YAML")),
    (_args("--include", "GET /nope"), ("--include", "GET /nope")),
    (_args("--param", "novalue"), ("--param", "novalue")),
    (_args("--fault", "ap-no-auth", "--base-url", "http://127.0.0.1:9"), ("--fault", "--base-url")),
    (_config(VALID_CONFIG, "--target", "staging", "--base-url", "http://127.0.0.1:9"), ("--target", "--base-url")),
    (_args("--fault", "no-such-fault"), ("--fault", "no-such-fault")),
    (_args("--seed", "-1"), ("--seed", "-1")),
    (_args("--max-examples", "0"), ("--max-examples", "0")),
    (_report_dir_under_a_file, ("{tmp}/file.txt/sub", "not writable")),
    (
        _config('[targets.staging]\nbase-url = "https://staging.example"\ncolour = true\n'),
        ("{tmp}/apiconform.toml", "targets.staging", "unknown key 'colour'"),
    ),
    (
        _config('[targets.staging.auth]\ntype = "bearer"\ntoken = "abc"\n'),
        ("{tmp}/apiconform.toml", "targets.staging.auth", "unknown key 'token'"),
    ),
    (
        _config('[targets.staging.auth]\ntype = "client-credentials"\n'),
        ("{tmp}/apiconform.toml", "targets.staging.auth", "needs token-url"),
    ),
    (
        _config('[targets.staging.auth]\ntype = "oauth1"\n'),
        ("{tmp}/apiconform.toml", "targets.staging.auth.type", "'oauth1'"),
    ),
    (
        _config('[targets.staging]\nsecret-headers = ["X Signature"]\n'),
        ("{tmp}/apiconform.toml", "targets.staging.secret-headers", "'X Signature'"),
    ),
    (_config_is_a_directory, ("{tmp}/conf.d", "is a directory")),
    (
        _args("--target", "apiconform-test-no-such-target"),
        ("unknown target 'apiconform-test-no-such-target'", "--config"),
    ),
    (_spec('openapi: 3.1.0\ninfo: {title: t, version: "1"}\npaths: {}\n'), ("{tmp}/openapi.yaml", "no operations")),
    (_spec('{"openapi": "3.1.0", "info": {"title": "t",\n', "openapi.json"), ("{tmp}/openapi.json", "not valid")),
    (_args("--spec", "{tmp}"), ("{tmp}", "is a directory")),
    (_args("--ca-bundle", "{tmp}/missing.pem"), ("--ca-bundle", "{tmp}/missing.pem", "does not exist")),
    (_args("--rate-limit", "0"), ("--rate-limit", "0")),
    (_args("--max-time", "-1"), ("--max-time", "-1")),
    (_args("--max-requests", "-5"), ("--max-requests", "-5")),
    (_args("--include", "GET /orgs/{orgId}/batches"), ("--include", "GET /orgs/{orgId}/batches")),
    (_args("--base-url", "ftp://127.0.0.1:9"), ("--base-url", "ftp://127.0.0.1:9")),
    (_args("--param", "nosuch=1"), ("--param", "nosuch", "parameters: id")),
    (_args("--report-dir", ""), ("--report-dir", "must not be empty")),
    (_args("--header", "no-colon"), ("--header", "NAME: VALUE", "no-colon")),
    (
        _args("--header", "Authorization: Token ${APICONFORM_TEST_MISSING_VAR}"),
        ("--header", "Authorization", "APICONFORM_TEST_MISSING_VAR"),
    ),
    (
        _config(VALID_CONFIG + '[targets.staging.auth.NoSuchScheme]\ntype = "api-key"\n', "--target", "staging"),
        ("'NoSuchScheme'", "no document declares"),
    ),
]
USAGE_ERROR_IDS: Final = [
    "unknown-target",
    "config-malformed-toml",
    "config-unknown-key",
    "config-seed-wrong-type",
    "config-base-url-without-http",
    "config-token-env-with-dash",
    "config-operation-key-not-method-path",
    "config-missing-env-var",
    "spec-missing-file",
    "spec-yaml-not-openapi",
    "spec-openapi-2",
    "spec-broken-ref",
    "spec-not-yaml",
    "include-unknown-operation",
    "param-without-value",
    "fault-with-base-url",
    "target-with-base-url",
    "fault-unknown-name",
    "seed-negative",
    "max-examples-zero",
    "report-dir-unwritable",
    "config-unknown-key-in-target",
    "config-unknown-key-in-auth",
    "config-client-credentials-without-token-url",
    "config-unknown-auth-type",
    "config-secret-header-not-a-header-name",
    "config-is-a-directory",
    "target-without-any-config",
    "spec-without-paths",
    "spec-json-syntax-error",
    "spec-is-a-directory",
    "ca-bundle-missing",
    "rate-limit-zero",
    "max-time-negative",
    "max-requests-negative",
    "include-operation-of-another-spec",
    "base-url-not-http",
    "param-names-no-parameter",
    "report-dir-empty",
    "header-without-colon",
    "header-missing-env-var",
    "auth-for-an-undeclared-scheme",
]


class TestUsageErrors:
    """Input apiconform cannot act on exits 2 with one `apiconform: error:` line."""

    @pytest.fixture(autouse=True)
    def _no_missing_var(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.delenv("APICONFORM_TEST_MISSING_VAR", raising=False)

    @pytest.mark.parametrize(("setup", "fragments"), USAGE_ERRORS, ids=USAGE_ERROR_IDS)
    def test_exits_2_with_one_line(
        self, cli: CliRunner, tmp_path: Path, setup: Setup, fragments: tuple[str, ...]
    ) -> None:
        """Exit 2, exactly one stderr line starting `apiconform: error:`, naming the flag or file at fault."""
        args = [arg.replace("{tmp}", str(tmp_path)) for arg in setup(tmp_path)]
        result = cli("run", *args)
        assert result.returncode == ExitCode.USAGE_ERROR, result.stdout + result.stderr
        line = _one_error_line(result)
        for fragment in fragments:
            assert fragment.replace("{tmp}", str(tmp_path)) in line

    def test_broken_ref_message_stays_short(self, cli: CliRunner, tmp_path: Path) -> None:
        """A broken $ref is reported by its pointer, not by printing the whole spec into the error line."""
        result = cli("run", *_broken_ref_spec(tmp_path))
        line = _one_error_line(result)
        assert "/components/schemas/NoSuchSchema" in line
        assert len(line) <= 500, f"{len(line)} characters: {line[:300]}…"

    def test_target_names_unknown_spec(self, tmp_path: Path) -> None:
        """A target whose `specs` names a spec the spec directory lacks: exit 2, naming the config and the spec."""
        config = tmp_path / CONFIG_NAME
        config.write_text(
            f'spec-dir = "{(REPO_ROOT / "specs").as_posix()}"\n'
            '[targets.staging]\nbase-url = "http://127.0.0.1:9"\nspecs = ["ap-invoice", "no-such-spec"]\n',
            encoding="utf-8",
        )
        # No --spec: the target's own list is what is checked, so the fixture's default spec is not added.
        result = subprocess.run(
            [sys.executable, "-m", "apiconform", "run", "--config", str(config), "--target", "staging"],
            cwd=tmp_path,
            env={**os.environ, "CI": "true", "NO_COLOR": "1"},
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert result.returncode == ExitCode.USAGE_ERROR, result.stdout + result.stderr
        line = _one_error_line(result)
        assert str(config) in line
        assert "'no-such-spec'" in line

    @pytest.mark.parametrize(
        ("setup", "code"),
        [
            (_args("--param", "novalue"), ExitCode.USAGE_ERROR),
            (_args("--param", "nosuch=1"), ExitCode.USAGE_ERROR),
            (_args("--include", "GET /nope"), ExitCode.USAGE_ERROR),
            (_spec("foo: bar\n"), ExitCode.USAGE_ERROR),
            (_args("--baseline", "{tmp}/missing-baseline.toml"), ExitCode.USAGE_ERROR),
            (lambda _: ["--base-url", f"http://127.0.0.1:{_free_port()}"], ExitCode.TARGET_UNREACHABLE),
        ],
        ids=[
            "param-without-value",
            "param-unknown",
            "include-unknown",
            "spec-not-openapi",
            "baseline-missing",
            "target-unreachable",
        ],
    )
    def test_nothing_is_left_behind(self, cli: CliRunner, tmp_path: Path, setup: Setup, code: ExitCode) -> None:
        """An error that stops the run before it starts leaves no report directory and no history database."""
        args = [arg.replace("{tmp}", str(tmp_path)) for arg in setup(tmp_path)]
        report_dir, history = tmp_path / "deep" / "reports", tmp_path / "shared" / "history.sqlite"
        result = cli("run", "--report-dir", str(report_dir), "--history", str(history), *args)
        assert result.returncode == code, result.stdout + result.stderr
        _one_error_line(result)
        assert not (tmp_path / "deep").exists()
        assert not (tmp_path / "shared").exists()


class TestUnreachableTarget:
    """A base URL where nothing listens exits 3, not 2 and not 1."""

    def test_exits_3_with_one_line(self, cli: CliRunner) -> None:
        """Exit 3 and one line `apiconform: error: target unreachable: <url> (...)`."""
        base_url = f"http://127.0.0.1:{_free_port()}"
        result = cli("run", "--base-url", base_url)
        assert result.returncode == ExitCode.TARGET_UNREACHABLE, result.stdout + result.stderr
        line = _one_error_line(result)
        assert line.startswith(f"{ERROR_PREFIX}target unreachable: {base_url}")
