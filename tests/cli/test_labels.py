"""What an API is called: its document's `info.title` slugged, unless a target's API section names it.

A section with `spec = "..."` (relative to the config file) makes its key the API's name in the run header,
report.json and everything keyed on it, and the rest of the section applies to that document. Runs are
real: `apiconform run` as a subprocess against a small server on loopback.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from apiconform.core.vocabulary import ExitCode
from tests.fixtures.cli import CLI_TIMEOUT_SECONDS, load_report, stderr_lines
from tests.fixtures.servers import serve

ERROR_PREFIX: Final = "apiconform: error: "
DOCUMENT: Final = {
    "openapi": "3.1.0",
    "info": {"title": "Vendor Billing API", "version": "1"},
    "paths": {
        "/items/{id}": {
            "get": {
                "operationId": "getItem",
                "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
                "responses": {
                    "200": {
                        "description": "the item",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "required": ["id"],
                                    "properties": {"id": {"type": "string"}},
                                }
                            }
                        },
                    }
                },
            }
        }
    },
}


def _app() -> Starlette:
    async def get_item(request: Request) -> JSONResponse:
        return JSONResponse({"id": request.path_params["id"]})

    return Starlette(routes=[Route("/items/{id}", get_item)])


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with serve(_app()) as url:
        yield url


@dataclass(frozen=True, slots=True)
class Project:
    """A config file in `directory`, the vendor's document at `vendor/openapi.json` beside it."""

    directory: Path
    document: Path
    url: str

    def config(self, sections: str) -> Path:
        path = self.directory / "apiconform.toml"
        path.write_text(f'[targets.vendor]\nbase-url = "{self.url}"\n\n{sections}', encoding="utf-8")
        return path


@pytest.fixture
def project(tmp_path: Path, server: str) -> Project:
    directory = tmp_path / "project"
    document = directory / "vendor" / "openapi.json"
    document.parent.mkdir(parents=True)
    document.write_text(json.dumps(DOCUMENT), encoding="utf-8")
    return Project(directory=directory, document=document, url=server)


BILLING: Final = '[targets.vendor.apis.billing]\nspec = "vendor/openapi.json"\nevidence-default = "INFERRED"\n'
Arguments = Callable[[Project], list[str]]


def _run(tmp_path: Path, arguments: list[str]) -> subprocess.CompletedProcess[str]:
    """From the test's directory, not the repository's: a run without --spec must not find its specs/."""
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "apiconform",
            "run",
            *arguments,
            "--report-dir",
            str(tmp_path / "reports"),
            "--max-examples",
            "2",
            "--phases",
            "examples",
            "--no-history",
        ],
        cwd=tmp_path,
        env={**os.environ, "CI": "true", "NO_COLOR": "1"},
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=CLI_TIMEOUT_SECONDS,
        check=False,
    )


@pytest.mark.parametrize(
    ("arguments", "name", "header"),
    [
        (
            lambda project: ["--spec", str(project.document), "--base-url", project.url],
            "vendor-billing-api",
            "vendor-billing-api: no x-evidence marks",
        ),
        (
            lambda project: ["--config", str(project.config(BILLING)), "--target", "vendor"],
            "billing",
            "billing: evidence-default INFERRED: report-only",
        ),
        (
            lambda project: [
                "--config",
                str(project.config(BILLING)),
                "--target",
                "vendor",
                "--spec",
                str(project.directory / "vendor" / ".." / "vendor" / "openapi.json"),
            ],
            "billing",
            "billing: evidence-default INFERRED: report-only",
        ),
    ],
    ids=["title-when-no-config-names-it", "the-section-key-when-one-does", "the-same-file-given-by-spec"],
)
def test_an_api_is_named_by_its_title_unless_the_config_names_it(
    tmp_path: Path, project: Project, arguments: Arguments, name: str, header: str
) -> None:
    """The section's key is the name everywhere, and the section's settings apply to that document."""
    completed = _run(tmp_path, arguments(project))
    assert completed.returncode == ExitCode.CONFORMANT, completed.stdout + completed.stderr
    assert f"apiconform: {header}" in completed.stdout
    report = load_report(tmp_path / "reports")
    assert [spec["name"] for spec in report["specs"]] == [name]
    assert {operation["api"] for operation in report["operations"]} == {name}


def _second_title_twin(project: Project) -> list[str]:
    twin = project.directory / "copy.json"
    twin.write_text(json.dumps(DOCUMENT), encoding="utf-8")
    return ["--spec", str(project.document), "--spec", str(twin), "--base-url", project.url]


@pytest.mark.parametrize(
    ("arguments", "words"),
    [
        (
            lambda project: [
                "--config",
                str(project.config('[targets.vendor.apis.billing]\nspec = "vendor/missing.json"\n')),
                "--target",
                "vendor",
            ],
            ("targets.vendor.apis.billing.spec: no such file", "missing.json"),
        ),
        (
            lambda project: [
                "--config",
                str(project.config(BILLING + '\n[targets.vendor.apis.payments]\nspec = "./vendor/openapi.json"\n')),
                "--target",
                "vendor",
            ],
            ("targets.vendor.apis.payments.spec:", "is already the API 'billing'"),
        ),
        (
            lambda project: [
                "--config",
                str(project.config('[targets.vendor.apis."my billing"]\nspec = "vendor/openapi.json"\n')),
                "--target",
                "vendor",
            ],
            ("targets.vendor.apis.my billing:", "'my billing' cannot name an API"),
        ),
        (
            _second_title_twin,
            ("are both named 'vendor-billing-api'", "name one in the config"),
        ),
    ],
    ids=["spec-file-missing", "two-sections-one-file", "a-key-no-url-can-carry", "two-documents-one-title"],
)
def test_a_bad_name_is_one_line_and_exit_2(
    tmp_path: Path, project: Project, arguments: Arguments, words: tuple[str, ...]
) -> None:
    completed = _run(tmp_path, arguments(project))
    assert completed.returncode == ExitCode.USAGE_ERROR, completed.stdout + completed.stderr
    lines = stderr_lines(completed)
    assert len(lines) == 1, lines
    assert lines[0].startswith(ERROR_PREFIX)
    assert all(word in lines[0] for word in words), lines[0]
    assert not (tmp_path / "reports").exists()
