"""Which evidence rule judged each document, as report.json, summary.md and report.html record it.

One `apiconform run` (a subprocess, against a small server on loopback) tests three documents at once:
one with `x-evidence` marks, one without any, and one the config makes report-only.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from apiconform.core.vocabulary import EvidenceRule, ExitCode
from tests.fixtures.cli import CLI_TIMEOUT_SECONDS, load_report
from tests.fixtures.servers import serve

SCHEMA: Final = {"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}}}


def _document(title: str, **marks: str) -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {"title": title, "version": "1"},
        "paths": {
            "/items/{id}": {
                "get": {
                    "operationId": "getItem",
                    **marks,
                    "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
                    "responses": {
                        "200": {"description": "the item", "content": {"application/json": {"schema": SCHEMA}}}
                    },
                }
            }
        },
    }


DOCUMENTS: Final = {
    "marked.json": _document("Marked API", **{"x-evidence": "DOC"}),
    "unmarked.json": _document("Unmarked API"),
    "vendor.json": _document("Vendor API"),
}
CONFIG: Final = """
[targets.vendor]
base-url = "{url}"

[targets.vendor.apis.vendor]
spec = "vendor.json"
evidence-default = "INFERRED"
"""


@dataclass(frozen=True, slots=True)
class Run:
    completed: subprocess.CompletedProcess[str]
    reports: Path


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    async def get_item(request: Request) -> JSONResponse:
        return JSONResponse({"id": request.path_params["id"]})

    directory = tmp_path_factory.mktemp("rules")
    for name, document in DOCUMENTS.items():
        (directory / name).write_text(json.dumps(document), encoding="utf-8")
    with serve(Starlette(routes=[Route("/items/{id}", get_item)])) as url:
        (directory / "apiconform.toml").write_text(CONFIG.format(url=url), encoding="utf-8")
        specs = [argument for name in DOCUMENTS for argument in ("--spec", name)]
        completed = subprocess.run(
            [sys.executable, "-m", "apiconform", "run", "--target", "vendor", *specs, "--report-dir", "reports",
             "--max-examples", "2", "--phases", "examples", "--no-history"],
            cwd=directory,
            env={**os.environ, "CI": "true", "NO_COLOR": "1"},
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=CLI_TIMEOUT_SECONDS,
            check=False,
        )  # fmt: skip
    return Run(completed=completed, reports=directory / "reports")


@pytest.mark.parametrize(
    ("name", "rule"),
    [
        ("marked-api", EvidenceRule.MARKED),
        ("unmarked-api", EvidenceRule.UNMARKED),
        ("vendor", EvidenceRule.REPORT_ONLY),
    ],
    ids=["marked", "unmarked", "report-only-by-config"],
)
def test_each_spec_records_the_rule_that_judged_it(run: Run, name: str, rule: EvidenceRule) -> None:
    """The header says it; report.json records it per spec; summary.md and report.html show it beside the spec."""
    assert run.completed.returncode == ExitCode.CONFORMANT, run.completed.stdout + run.completed.stderr
    assert f"apiconform: {name}: {rule.description}\n" in run.completed.stdout
    specs = {spec["name"]: spec for spec in load_report(run.reports)["specs"]}
    assert specs[name]["evidence_rule"] == rule.value
    summary = (run.reports / "summary.md").read_text(encoding="utf-8")
    assert f"- evidence rule of {name}: " in summary
    html = (run.reports / "report.html").read_text(encoding="utf-8")
    assert f"evidence rule: {rule.description}" in html
