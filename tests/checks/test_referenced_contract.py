"""A document whose responses, parameters and request bodies are all `$ref`s, run end to end against a server.

Community documents reference `#/components/responses/...` everywhere; a JSON pointer rebuilt from the
path string (`/paths/~1articles/get/responses/200/...`) does not exist in them. The run must validate
through the references and report an invalid body as a finding, with its pointer and evidence.
"""

from __future__ import annotations

import json
from typing import Any, Final

import pytest
import yaml
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from apiconform.core.vocabulary import ExitCode
from tests.fixtures.cli import load_report, run_cli
from tests.fixtures.servers import serve

SCHEMAS: Final = "#/components/schemas/"
DOCUMENT: Final[dict[str, Any]] = {
    "openapi": "3.1.0",
    "info": {"title": "Articles", "version": "1"},
    "paths": {
        "/articles": {
            "get": {
                "operationId": "listArticles",
                "parameters": [{"$ref": "#/components/parameters/Limit"}],
                "responses": {
                    "200": {"$ref": "#/components/responses/ArticleList"},
                    "400": {"$ref": "#/components/responses/Invalid"},
                },
            },
            "post": {
                "operationId": "createArticle",
                "requestBody": {"$ref": "#/components/requestBodies/NewArticle"},
                "responses": {
                    "201": {"$ref": "#/components/responses/Article"},
                    "400": {"$ref": "#/components/responses/Invalid"},
                },
            },
        },
        "/articles/{id}": {
            "parameters": [{"$ref": "#/components/parameters/ArticleId"}],
            "get": {
                "operationId": "getArticle",
                "responses": {
                    "200": {"$ref": "#/components/responses/Article"},
                    "404": {"$ref": "#/components/responses/NotFound"},
                },
            },
        },
    },
    "components": {
        "parameters": {
            "ArticleId": {"name": "id", "in": "path", "required": True, "schema": {"$ref": SCHEMAS + "Id"}},
            "Limit": {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 10}},
        },
        "requestBodies": {
            "NewArticle": {
                "required": True,
                "content": {"application/json": {"schema": {"$ref": SCHEMAS + "NewArticle"}}},
            }
        },
        "responses": {
            "ArticleList": {
                "description": "The articles",
                "content": {"application/json": {"schema": {"type": "array", "items": {"$ref": SCHEMAS + "Article"}}}},
            },
            "Article": {
                "description": "One article",
                "content": {"application/json": {"schema": {"$ref": SCHEMAS + "Article"}}},
            },
            "NotFound": {
                "description": "No such article",
                "content": {"application/json": {"schema": {"$ref": SCHEMAS + "Error"}}},
            },
            "Invalid": {
                "description": "Invalid input",
                "content": {"application/json": {"schema": {"$ref": SCHEMAS + "Error"}}},
            },
        },
        "schemas": {
            "Id": {"type": "string", "pattern": "^a[0-9]+$"},
            "Status": {"type": "string", "enum": ["draft", "published"]},
            "Article": {
                "type": "object",
                "required": ["id", "title", "status"],
                "properties": {
                    "id": {"$ref": SCHEMAS + "Id"},
                    "title": {"type": "string"},
                    "status": {"$ref": SCHEMAS + "Status"},
                    "tags": {"type": ["array", "null"], "items": {"type": "string"}},
                },
            },
            "NewArticle": {
                "type": "object",
                "required": ["title"],
                "properties": {"title": {"type": "string"}},
                "additionalProperties": False,
            },
            "Error": {"type": "object", "required": ["message"], "properties": {"message": {"type": "string"}}},
        },
    },
}
ARTICLE: Final = {"id": "a1", "title": "First", "status": "published", "tags": None}
# The one thing this server gets wrong: a listed article has a status outside the documented enum.
ARCHIVED: Final = {"id": "a2", "title": "Second", "status": "archived", "tags": ["old"]}


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"message": message}, status_code=status)


async def _list(request: Request) -> Response:
    limit = request.query_params.get("limit", "10")
    if not limit.isdigit() or not 1 <= int(limit) <= 10:
        return _error(400, "limit must be an integer from 1 to 10")
    return JSONResponse([ARTICLE, ARCHIVED][: int(limit)])


async def _create(request: Request) -> Response:
    try:
        body = json.loads(await request.body())
    except ValueError:
        return _error(400, "not JSON")
    if not isinstance(body, dict) or set(body) != {"title"} or not isinstance(body["title"], str):
        return _error(400, "a new article is {title}")
    return JSONResponse({**ARTICLE, "title": body["title"]}, status_code=201)


async def _get(request: Request) -> Response:
    if request.path_params["id"] == ARTICLE["id"]:
        return JSONResponse(ARTICLE)
    return _error(404, "no such article")


APP: Final = Starlette(
    routes=[
        Route("/articles", _list, methods=["GET"]),
        Route("/articles", _create, methods=["POST"]),
        Route("/articles/{id}", _get, methods=["GET"]),
    ]
)


Run = tuple[int, dict[str, Any], str]


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Run]:
    """The document as written, and the same document made report-only by the config (`evidence-default`)."""
    directory = tmp_path_factory.mktemp("referenced")
    spec = directory / "articles.yaml"
    spec.write_text(yaml.safe_dump(DOCUMENT, sort_keys=False), encoding="utf-8")
    found: dict[str, Run] = {}
    with serve(APP) as base_url:
        config = directory / "apiconform.toml"
        config.write_text(
            f'[targets.vendor]\nbase-url = "{base_url}"\n'
            '[targets.vendor.apis.articles]\nevidence-default = "INFERRED"\n',
            encoding="utf-8",
        )
        for name, where in (("as-written", ["--base-url", base_url]), ("report-only", ["--target", "vendor"])):
            reports = directory / name
            result = run_cli(
                "run", "--spec", str(spec), *where, "--config", str(config), "--allow-writes", "--param", "id=a1",
                "--report-dir", str(reports), tmp_path=directory,
            )  # fmt: skip
            found[name] = (result.returncode, load_report(reports), result.stdout + result.stderr)
    return found


@pytest.fixture
def run(runs: dict[str, Run]) -> Run:
    return runs["as-written"]


class TestReferencedContract:
    def test_invalid_body_is_a_finding(self, run: tuple[int, dict[str, Any], str]) -> None:
        """The enum broken inside a `$ref`'d response's `$ref`'d item schema is a DOC finding at its pointer."""
        returncode, report, output = run
        found = [
            (finding["operation"], finding["check"], finding["pointer"], finding["evidence"], finding["severity"])
            for finding in report["findings"]
            if finding["severity"] == "failure"
        ]
        assert found == [("GET /articles", "enum", "/*/status", "DOC", "failure")], output
        assert returncode == ExitCode.VIOLATIONS, output

    def test_no_error_lines(self, run: tuple[int, dict[str, Any], str]) -> None:
        """No reference fails to resolve: no error line, no traceback, no pointer to nowhere."""
        _, report, output = run
        assert report["errors"] == [], output
        assert "Traceback" not in output
        assert "PointerToNowhere" not in output

    def test_every_operation_covered(self, run: tuple[int, dict[str, Any], str]) -> None:
        """Parameters and bodies behind references are generated from: every operation was tested."""
        _, report, output = run
        summary = report["summary"]
        assert summary["operations_covered"] == summary["operations"] == 3, output


class TestEvidenceDefault:
    def test_unmarked_document_gates_and_says_so(self, run: Run) -> None:
        """A document without x-evidence marks is gating as written; the run header names the rule."""
        _, _, output = run
        assert "articles: no x-evidence marks: everything it states gates (DOC)" in output

    def test_report_only(self, runs: dict[str, Run]) -> None:
        """`evidence-default = "INFERRED"` for the API: the same violation is a warning, and the run exits 0."""
        returncode, report, output = runs["report-only"]
        found = [
            (finding["operation"], finding["check"], finding["pointer"], finding["evidence"], finding["severity"])
            for finding in report["findings"]
            if finding["check"] == "enum"
        ]
        assert found == [("GET /articles", "enum", "/*/status", "INFERRED", "warning")], output
        assert report["summary"]["failures"] == 0
        assert "articles: evidence-default INFERRED: report-only" in output
        assert returncode == ExitCode.CONFORMANT, output
