"""The wrong-base-path hint: the root `apiconform serve` prints instead of an API's base URL gives 404 for everything.

The end-to-end case runs the CLI against a real sandbox's root; the table decides when all-404 is a wrong base
path and when it is the contract (ids nobody gave the run).
"""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from pathlib import Path
from typing import Final

import pytest

from apiconform.core.results import OperationResult
from apiconform.core.vocabulary import ExitCode
from apiconform.runner.hints import ONLY_404, base_path_hint
from apiconform.runner.settings import ApiTarget
from apiconform.sandbox import Sandbox
from apiconform.specs import load_spec
from tests.fixtures.cli import AP_SPEC, REPO_ROOT, load_report
from tests.fixtures.results import AP_GET, operation

SPEC: Final = load_spec(REPO_ROOT / AP_SPEC, root=REPO_ROOT / "specs")
ROOT_URL: Final = "http://127.0.0.1:9999"


def _answered(*statuses: int) -> OperationResult:
    return dataclasses.replace(operation(AP_GET), statuses=set(statuses))


@pytest.mark.parametrize(
    ("base_url", "params", "answered", "expected"),
    [
        (ROOT_URL, {"id": ["inv-0001"]}, _answered(404), f"mounts it at /ap-invoice ({ROOT_URL}/ap-invoice)"),
        (ROOT_URL, {}, _answered(404), None),
        (ROOT_URL, {"id": ["inv-0001"]}, _answered(200, 404), None),
        (f"{ROOT_URL}/ap-invoice", {"id": ["inv-0001"]}, _answered(404), None),
        (ROOT_URL, {"id": ["inv-0001"]}, _answered(), None),
    ],
    ids=["root-with-known-id", "unknown-ids-404-by-contract", "some-answer-found", "already-mounted", "no-answer"],
)
def test_when_all_404_means_a_wrong_base_path(
    base_url: str, params: dict[str, list[str]], answered: OperationResult, expected: str | None
) -> None:
    hint = base_path_hint(ApiTarget(spec=SPEC, base_url=base_url, params=params), [answered])
    if expected is None:
        assert hint is None
    else:
        assert hint is not None
        assert expected in hint


def test_the_server_root_is_named_and_the_run_is_incomplete(tmp_path: Path) -> None:
    """Against the root, the answers conform (404 is documented) yet test nothing: exit 4, and one hint line."""
    with Sandbox([SPEC]) as sandbox:
        completed = subprocess.run(
            [sys.executable, "-m", "apiconform", "run", "--base-url", sandbox.url, "--spec", AP_SPEC,
             "--param", "id=inv-0001", "--max-examples", "3", "--report-dir", str(tmp_path), "--no-history"],
            cwd=REPO_ROOT,
            env={**os.environ, "CI": "true", "APICONFORM_TOKEN": sandbox.token},
            capture_output=True,
            text=True,
            timeout=240,
            check=False,
        )  # fmt: skip
    output = completed.stdout + completed.stderr
    assert completed.returncode == ExitCode.INCOMPLETE, output
    hints = [line for line in completed.stdout.splitlines() if "every operation answered 404" in line]
    assert len(hints) == 1, output
    assert f"{sandbox.url}/ap-invoice" in hints[0]
    report = load_report(tmp_path)
    assert report["verdict"] == "incomplete"
    assert [op["uncovered_reason"] for op in report["operations"]] == [ONLY_404]
