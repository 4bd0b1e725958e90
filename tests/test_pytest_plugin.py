"""`pytest tests/conformance` judges a target as `apiconform run` does: documented violations fail it."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from apiconform.sandbox import Fault, Sandbox
from apiconform.specs import load_spec
from apiconform.specs.document import discover_specs

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "specs" / "ap-invoice" / "openapi.yaml"


@pytest.fixture(params=[None, Fault.AP_ENUM_OUT_OF_SET], ids=["clean", "enum-fault"])
def sandbox(request: pytest.FixtureRequest) -> Iterator[tuple[Sandbox, Fault | None]]:
    faults = [request.param] if request.param is not None else []
    with Sandbox([load_spec(SPEC, root=ROOT / "specs")], faults=faults) as running:
        yield running, request.param


class TestConformanceUnderPytest:
    def test_against_base_url(self, sandbox: tuple[Sandbox, Fault | None]) -> None:
        """Passes against a conformant target and fails, naming the check class, against a broken one."""
        running, fault = sandbox
        env = {**os.environ, "APICONFORM_TOKEN": running.token, "CI": "true", "NO_COLOR": "1"}
        completed = subprocess.run(
            [
                sys.executable,
                "-m",
                "pytest",
                "tests/conformance",
                "-q",
                "-p",
                "no:cacheprovider",
                "--base-url",
                running.base_url("ap-invoice"),
                "--spec",
                "specs/ap-invoice/openapi.yaml",
                "--param",
                "id=inv-0001",
            ],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        output = completed.stdout + completed.stderr
        if fault is None:
            assert completed.returncode == 0, output
        else:
            assert completed.returncode == 1, output
            assert "[enum] GET /v1/invoice/{id} /currency (DOC)" in output
        assert running.token not in output


def test_every_spec_the_cli_runs_is_a_conformance_test() -> None:
    """`pytest tests/conformance` collects one test per spec `apiconform run` tests by default."""
    completed = subprocess.run(
        [sys.executable, "-m", "pytest", "tests/conformance", "--collect-only", "-q", "-p", "no:cacheprovider"],
        cwd=ROOT,
        env={**os.environ, "CI": "true", "NO_COLOR": "1"},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    collected = {line.rsplit("[", 1)[-1].rstrip("]") for line in completed.stdout.splitlines() if "::" in line}
    names = {load_spec(path, root=ROOT / "specs").name for path in discover_specs(ROOT / "specs")}
    assert collected == names


def test_without_credentials_stops() -> None:
    """A target whose document requires credentials, and none given: exit 2 naming the variable, no test run."""
    with Sandbox([load_spec(SPEC, root=ROOT / "specs")]) as running:
        env = {key: value for key, value in os.environ.items() if not key.startswith("APICONFORM_")}
        completed = subprocess.run(
            [
                *(sys.executable, "-m", "pytest", "tests/conformance", "-q", "-p", "no:cacheprovider"),
                *("--base-url", running.base_url("ap-invoice"), "--spec", "specs/ap-invoice/openapi.yaml"),
                *("--param", "id=inv-0001"),
            ],
            cwd=ROOT,
            env={**env, "CI": "true", "NO_COLOR": "1"},
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
    assert completed.returncode == 2, completed.stdout + completed.stderr
    assert "requires credentials" in completed.stdout + completed.stderr
    assert "APICONFORM_TOKEN" in completed.stdout + completed.stderr
