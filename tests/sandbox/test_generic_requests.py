"""The generic sandbox takes every request its document allows: no false 400 for a valid one, a 400 for an invalid one.

Each row is a construct vendors' documents use that a naive reading refuses: a `readOnly` property listed
as required (OpenAPI requires it of responses only), a form whose fields carry text for typed properties,
an XML body the sandbox cannot read into its schema's terms (so it does not judge it).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, Final

import httpx
import pytest

from apiconform.sandbox import Sandbox
from apiconform.specs import SpecDocument, load_spec

TOKEN: Final = "requests-token"
WIDGET: Final = {
    "type": "object",
    "required": ["id", "name", "size"],
    "properties": {
        "id": {"type": "integer", "readOnly": True},
        "name": {"type": "string"},
        "size": {"type": "integer", "minimum": 1},
        "created": {"$ref": "#/components/schemas/Stamp"},
        "active": {"type": "boolean"},
        "tags": {"type": "array", "items": {"type": "integer"}},
    },
}
ARRAY_OF_INTEGERS: Final = {"type": "array", "items": {"type": "integer"}}
FILTER: Final = {
    "type": "object",
    "properties": {"status": {"type": "string", "enum": ["paid", "open"]}, "min": {"type": "integer"}},
}
STATUS: Final = {"anyOf": [{"type": "string", "enum": ["failed"]}, {"type": "integer", "minimum": 100}]}


def _query(name: str, schema: dict[str, Any], **serialization: Any) -> dict[str, Any]:
    return {"name": name, "in": "query", "schema": schema, **serialization}


DOCUMENT: Final[dict[str, Any]] = {
    "openapi": "3.0.3",
    "info": {"title": "Widget Requests", "version": "1"},
    "security": [{"bearer": []}],
    "paths": {
        "/widgets": {
            "post": {
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Widget"}},
                        "application/xml": {"schema": {"$ref": "#/components/schemas/Widget"}},
                        "application/x-www-form-urlencoded": {"schema": {"$ref": "#/components/schemas/Widget"}},
                    },
                },
                "responses": {
                    "201": {"description": "made"},
                    "400": {"description": "refused"},
                },
            }
        },
        "/search": {
            "get": {
                "parameters": [
                    _query("ids", ARRAY_OF_INTEGERS, explode=False),
                    _query("tags", {"type": "array", "items": {"type": "string"}}, style="pipeDelimited"),
                    _query("words", {"type": "array", "items": {"type": "string"}}, style="spaceDelimited"),
                    _query("filter", FILTER, style="deepObject", required=True),
                    _query("page", {"type": "object", "properties": {"limit": {"type": "integer"}}}),
                    _query("point", {"type": "object", "properties": {"x": {"type": "integer"}}}, explode=False),
                    _query("statuses[]", {"type": "array", "items": STATUS}),
                    {"name": "X-Ids", "in": "header", "schema": ARRAY_OF_INTEGERS},
                ],
                "responses": {"200": {"description": "found"}, "400": {"description": "refused"}},
            }
        },
    },
    "components": {
        "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        "schemas": {
            "Widget": {**WIDGET, "required": [*WIDGET["required"], "created"]},
            "Stamp": {"type": "string", "format": "date-time", "readOnly": True},
        },
    },
}
JSON: Final = "application/json"
FORM: Final = "application/x-www-form-urlencoded"
XML: Final = "application/xml"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    path = tmp_path_factory.mktemp("requests") / "openapi.json"
    path.write_text(json.dumps(DOCUMENT), encoding="utf-8")
    spec: SpecDocument = load_spec(path)
    with (
        Sandbox([spec], token=TOKEN) as sandbox,
        httpx.Client(
            base_url=sandbox.base_url(spec.name), headers={"Authorization": f"Bearer {TOKEN}"}, timeout=10
        ) as http,
    ):
        yield http


@pytest.mark.parametrize(
    ("media_type", "body", "status"),
    [
        (JSON, json.dumps({"name": "a", "size": 2}), 201),
        (JSON, json.dumps({"name": "a"}), 400),
        (JSON, json.dumps({"name": "a", "size": 0}), 400),
        (FORM, "name=a&size=2&active=true&tags=1&tags=2", 201),
        (FORM, "name=a&size=2&tags=3", 201),
        (FORM, "name=a&size=two", 400),
        (FORM, "name=a&size=2&active=yes", 400),
        (XML, "<Widget><name>a</name><size>2</size></Widget>", 201),
    ],
    ids=[
        "json-read-only-required-omitted",
        "json-writable-required-missing",
        "json-below-minimum",
        "form-fields-typed-by-their-properties",
        "form-single-array-field",
        "form-integer-not-a-number",
        "form-boolean-not-a-boolean",
        "xml-not-judged",
    ],
)
def test_valid_requests_taken_invalid_refused(client: httpx.Client, media_type: str, body: str, status: int) -> None:
    response = client.post("/widgets", content=body, headers={"Content-Type": media_type})
    assert response.status_code == status, response.text


def test_read_only_is_no_licence_for_a_wrong_value(client: httpx.Client) -> None:
    """A client need not send a readOnly property; one it sends anyway is still judged."""
    body = {"name": "a", "size": 2, "id": "not-a-number"}
    response = client.post("/widgets", json=body)
    assert response.status_code == 400
    assert "body/id" in response.text


def _answers(kind: str) -> dict[str, Any]:
    schema = {"type": "object", "required": ["kind"], "properties": {"kind": {"type": "string", "enum": [kind]}}}
    return {"200": {"description": "ok", "content": {"application/json": {"schema": schema}}}}


FILE_ID: Final = {"name": "fileId", "in": "path", "required": True, "schema": {"type": "string", "format": "uuid"}}
FILE_NAME: Final = {"name": "fileName", "in": "path", "required": True, "schema": {"type": "string"}}
LOOK_ALIKES: Final[dict[str, Any]] = {
    "openapi": "3.0.3",
    "info": {"title": "Look-alike Paths", "version": "1"},
    "paths": {
        "/files/{fileId}": {"get": {"parameters": [FILE_ID], "responses": _answers("by-id")}},
        "/files/{fileName}": {
            "get": {"parameters": [FILE_NAME], "responses": _answers("by-name")},
            "put": {"parameters": [FILE_NAME], "responses": _answers("stored")},
        },
    },
}
UUID: Final = "9f1c2a4e-5b6d-4c7e-8f90-1a2b3c4d5e6f"


@pytest.fixture(scope="module")
def look_alikes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    path = tmp_path_factory.mktemp("look-alikes") / "openapi.json"
    path.write_text(json.dumps(LOOK_ALIKES), encoding="utf-8")
    spec = load_spec(path)
    with Sandbox([spec]) as sandbox, httpx.Client(base_url=sandbox.base_url(spec.name), timeout=10) as http:
        yield http


@pytest.mark.parametrize(
    ("method", "path", "status", "kind"),
    [
        ("GET", f"/files/{UUID}", 200, "by-id"),
        ("GET", "/files/report.pdf", 200, "by-name"),
        ("PUT", "/files/report.pdf", 200, "stored"),
        ("PUT", f"/files/{UUID}", 200, "stored"),
        ("DELETE", "/files/report.pdf", 405, None),
    ],
    ids=["value-fits-the-first", "value-fits-only-the-second", "method-of-the-second", "method-decides", "neither"],
)
def test_look_alike_templates_answered_by_the_one_that_fits(
    look_alikes: httpx.Client, method: str, path: str, status: int, kind: str | None
) -> None:
    """Two templates of one shape: the request's method and value choose, as a server reading the value would."""
    response = look_alikes.request(method, path)
    assert response.status_code == status, response.text
    if kind is None:
        assert response.headers["allow"] == "GET, PUT, HEAD"
    else:
        assert response.json() == {"kind": kind}


SEARCH: Final = "filter[status]=paid"


@pytest.mark.parametrize(
    ("query", "headers", "status"),
    [
        (f"{SEARCH}&filter[min]=3", {}, 200),
        ("filter[min]=x", {}, 400),
        ("filter[status]=lost", {}, 400),
        ("ids=1", {}, 400),
        (f"{SEARCH}&ids=1,2,3", {}, 200),
        (f"{SEARCH}&ids=1,x", {}, 400),
        (f"{SEARCH}&tags=a|b&words=a%20b", {}, 200),
        (f"{SEARCH}&limit=5", {}, 200),
        (f"{SEARCH}&limit=five", {}, 400),
        (f"{SEARCH}&point=x,1", {}, 200),
        (f"{SEARCH}&point=x,one", {}, 400),
        (f"{SEARCH}&statuses[]=404&statuses[]=failed", {}, 200),
        (f"{SEARCH}&statuses[]=lost", {}, 400),
        (SEARCH, {"X-Ids": "1,2"}, 200),
        (SEARCH, {"X-Ids": "1,b"}, 400),
    ],
    ids=[
        "deep-object",
        "deep-object-wrong-type",
        "deep-object-outside-enum",
        "required-deep-object-missing",
        "form-not-exploded-array",
        "form-not-exploded-array-wrong-item",
        "pipe-and-space-delimited",
        "exploded-form-object",
        "exploded-form-object-wrong-type",
        "form-not-exploded-object",
        "form-not-exploded-object-wrong-type",
        "bracketed-name-any-of-items",
        "bracketed-name-outside-any-of",
        "simple-header-array",
        "simple-header-array-wrong-item",
    ],
)
def test_parameters_read_as_serialized(client: httpx.Client, query: str, headers: dict[str, str], status: int) -> None:
    """Each parameter decoded per its `style` and `explode` (OpenAPI 3), then judged by its schema."""
    response = client.get(f"/search?{query}", headers=headers)
    assert response.status_code == status, response.text
