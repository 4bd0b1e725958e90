"""The generic sandbox: any document served as documented, its security enforced, unknown ids 404."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final

import httpx
import jsonschema
import pytest

from apiconform.sandbox import Sandbox
from apiconform.sandbox._instances import Instances
from apiconform.specs import SpecDocument, load_spec
from apiconform.specs.schema import Schema
from apiconform.specs.validation import as_json_schema

TOKEN: Final = "generic-token"
ERROR: Final = {"$ref": "#/components/responses/Error"}
DOCUMENT: Final[dict[str, Any]] = {
    "openapi": "3.0.3",
    "info": {"title": "Shop Billing API", "version": "1"},
    "security": [{"bearer": []}],
    "paths": {
        "/invoices/{id}": {
            "parameters": [{"$ref": "#/components/parameters/Id"}],
            "get": {"responses": {"200": {"$ref": "#/components/responses/Invoice"}, "404": ERROR}},
        },
        "/invoices": {
            "post": {
                "requestBody": {"$ref": "#/components/requestBodies/Invoice"},
                "responses": {"201": {"$ref": "#/components/responses/Invoice"}, "400": ERROR},
            },
        },
        "/header-key": {"get": {"security": [{"header": []}], "responses": {"204": {"description": "ok"}}}},
        "/query-key": {"get": {"security": [{"query": []}], "responses": {"204": {"description": "ok"}}}},
        "/cookie-key": {"get": {"security": [{"cookie": []}], "responses": {"204": {"description": "ok"}}}},
        "/basic": {"get": {"security": [{"basic": []}], "responses": {"204": {"description": "ok"}}}},
        "/open": {"get": {"security": [], "responses": {"200": {"$ref": "#/components/responses/Invoice"}}}},
    },
    "components": {
        "securitySchemes": {
            "bearer": {"type": "http", "scheme": "bearer"},
            "basic": {"type": "http", "scheme": "basic"},
            "header": {"type": "apiKey", "in": "header", "name": "X-Api-Key"},
            "query": {"type": "apiKey", "in": "query", "name": "api_key"},
            "cookie": {"type": "apiKey", "in": "cookie", "name": "session"},
        },
        "parameters": {
            "Id": {
                "name": "id",
                "in": "path",
                "required": True,
                "schema": {"type": "string", "pattern": "^in_[a-z0-9]{6}$"},
            }
        },
        "requestBodies": {
            "Invoice": {
                "required": True,
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Invoice"}}},
            }
        },
        "responses": {
            "Invoice": {
                "description": "an invoice",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Invoice"}}},
            },
            "Error": {
                "description": "an error",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
            },
        },
        "schemas": {
            "Invoice": {
                "type": "object",
                "required": ["id", "amount", "currency", "customer"],
                "properties": {
                    "id": {"type": "string", "pattern": "^in_[a-z0-9]{6}$"},
                    "amount": {"type": "integer", "minimum": 1, "maximum": 99},
                    "currency": {"type": "string", "enum": ["nok", "sek"]},
                    "paid": {"type": "boolean", "default": "false"},
                    "note": {"type": "string", "nullable": True, "maxLength": 3},
                    "customer": {
                        "oneOf": [{"type": "string", "minLength": 5}, {"$ref": "#/components/schemas/Customer"}]
                    },
                },
            },
            "Customer": {
                "allOf": [
                    {"$ref": "#/components/schemas/Named"},
                    {
                        "type": "object",
                        "required": ["email"],
                        "properties": {"email": {"type": "string", "format": "email"}},
                    },
                ]
            },
            "Named": {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}}},
            "Error": {
                "type": "object",
                "required": ["code"],
                "properties": {"code": {"type": "string", "enum": ["not_found", "invalid"]}},
            },
        },
    },
}
BEARER: Final = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture(scope="module")
def spec(tmp_path_factory: pytest.TempPathFactory) -> SpecDocument:
    path = tmp_path_factory.mktemp("generic") / "openapi.json"
    path.write_text(json.dumps(DOCUMENT), encoding="utf-8")
    return load_spec(path)


@pytest.fixture(scope="module")
def sandbox(spec: SpecDocument) -> Iterator[Sandbox]:
    with Sandbox([spec], token=TOKEN) as running:
        yield running


@pytest.fixture
def client(sandbox: Sandbox, spec: SpecDocument) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=sandbox.base_url(spec.name), timeout=10) as http:
        yield http


def _schema_valid(name: str, body: Any) -> None:
    document = as_json_schema(DOCUMENT)
    jsonschema.Draft202012Validator(
        {**document, "$ref": f"#/components/schemas/{name}"},
        format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER,
    ).validate(body)


class TestAnswers:
    def test_mounted_under_the_title_and_known_ids_published(self, sandbox: Sandbox, spec: SpecDocument) -> None:
        assert spec.name == "shop-billing-api"
        known = sandbox.known_params(spec.name)["GET /invoices/{id}"]["id"]
        assert len(known) == 1
        assert known[0].startswith("in_")

    def test_documented_success_with_a_valid_body(
        self, client: httpx.Client, sandbox: Sandbox, spec: SpecDocument
    ) -> None:
        known = sandbox.known_params(spec.name)["GET /invoices/{id}"]["id"][0]
        response = client.get(f"/invoices/{known}", headers=BEARER)
        assert response.status_code == 200
        assert response.headers["content-type"] == "application/json"
        _schema_valid("Invoice", response.json())

    def test_another_id_is_the_documented_404(self, client: httpx.Client) -> None:
        response = client.get("/invoices/in_zzzzzz", headers=BEARER)
        assert response.status_code == 404
        _schema_valid("Error", response.json())

    def test_a_valid_create_gets_201_and_an_invalid_one_the_documented_400(self, client: httpx.Client) -> None:
        valid = {"id": "in_abc123", "amount": 5, "currency": "nok", "customer": "cus_12345"}
        assert client.post("/invoices", json=valid, headers=BEARER).status_code == 201
        refused = client.post("/invoices", json={**valid, "amount": 0}, headers=BEARER)
        assert refused.status_code == 400
        _schema_valid("Error", refused.json())


class TestSecurity:
    @pytest.mark.parametrize(
        ("path", "credential"),
        [
            ("/header-key", {"headers": {"X-Api-Key": TOKEN}}),
            ("/query-key", {"params": {"api_key": TOKEN}}),
            ("/cookie-key", {"headers": {"Cookie": f"session={TOKEN}"}}),
            ("/basic", {"headers": {"Authorization": "Basic " + base64.b64encode(f"me:{TOKEN}".encode()).decode()}}),
            ("/invoices/in_zzzzzz", {"headers": BEARER}),
        ],
        ids=["api-key-header", "api-key-query", "api-key-cookie", "basic", "bearer"],
    )
    def test_each_scheme_as_declared(self, client: httpx.Client, path: str, credential: dict[str, Any]) -> None:
        wrong: Any = {key: dict.fromkeys(value, "wrong") for key, value in credential.items()}
        given: Any = credential
        assert client.get(path).status_code == 401
        assert client.get(path, **wrong).status_code == 401
        assert client.get(path, **given).status_code in {200, 204, 404}

    def test_an_operation_without_security_is_open(self, client: httpx.Client) -> None:
        assert client.get("/open").status_code == 200


CASES: Final[dict[str, dict[str, Any]]] = {
    "pattern": {"type": "string", "pattern": "^AC[0-9a-fA-F]{32}$"},
    "length": {"type": "string", "minLength": 12, "maxLength": 12},
    "exclusive-maximum": {"type": "integer", "minimum": 10, "exclusiveMaximum": 12},
    "multiple-of": {"type": "number", "multipleOf": 0.5, "minimum": 0.7},
    "nullable": {"type": "string", "nullable": True, "format": "date-time"},
    "uuid": {"type": "string", "format": "uuid"},
    "const": {"type": "string", "enum": ["fixed"]},
    "min-items": {"type": "array", "items": {"type": "integer"}, "minItems": 3},
    "one-of": {"oneOf": [{"type": "integer"}, {"type": "number", "multipleOf": 0.5}]},
    "any-of": {"anyOf": [{"type": "object", "required": ["a"], "properties": {"a": {"type": "boolean"}}}]},
    "all-of": {"allOf": [{"required": ["a"]}, {"properties": {"a": {"type": "string", "enum": ["x"]}}}]},
    "ref": {"$ref": "#/components/schemas/Invoice"},
    "all-of-narrowed-deep": {
        "type": "object",
        "required": ["events"],
        "properties": {
            "events": {
                "type": "array",
                "items": {
                    "allOf": [
                        {
                            "type": "object",
                            "required": ["customer"],
                            "properties": {"customer": {"type": "string", "nullable": True, "format": "uuid"}},
                        },
                        {
                            "type": "object",
                            "properties": {"customer": {"type": "string", "nullable": True, "enum": [None]}},
                        },
                    ]
                },
            }
        },
    },
    "wrong-example": {"type": "integer", "maximum": 3, "example": 7},
}


@pytest.fixture(scope="module")
def cases(tmp_path_factory: pytest.TempPathFactory) -> SpecDocument:
    """One operation per case, its 200 body the case's schema, so the model holds each as a `Schema`."""
    paths = {
        f"/{name}": {
            "get": {"responses": {"200": {"description": name, "content": {"application/json": {"schema": schema}}}}}
        }
        for name, schema in CASES.items()
    }
    document = {**DOCUMENT, "paths": paths}
    path = tmp_path_factory.mktemp("cases") / "openapi.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return load_spec(path)


def _schema(spec: SpecDocument, name: str) -> Schema:
    operation = spec.operation("get", f"/{name}")
    assert operation is not None
    media = operation.responses["200"].json
    assert media is not None
    assert media.schema is not None
    return media.schema


class TestInstances:
    @pytest.mark.parametrize("name", list(CASES), ids=list(CASES))
    def test_a_generated_instance_is_valid(self, cases: SpecDocument, name: str) -> None:
        instance = Instances(cases.contract).of(_schema(cases, name))
        document = as_json_schema({**DOCUMENT, "x-case": CASES[name]})
        checker = jsonschema.Draft202012Validator.FORMAT_CHECKER
        jsonschema.Draft202012Validator({**document, "$ref": "#/x-case"}, format_checker=checker).validate(instance)

    def test_a_fitting_example_comes_first_and_a_wrong_one_is_skipped(self, cases: SpecDocument) -> None:
        assert Instances(cases.contract).of(_schema(cases, "wrong-example"), [7, 2]) == 2

    def test_the_same_document_gives_the_same_instance(self, cases: SpecDocument) -> None:
        first = Instances(cases.contract).of(_schema(cases, "ref"))
        assert first == Instances(cases.contract).of(_schema(cases, "ref"))


def test_serve_takes_any_document(tmp_path: Path) -> None:
    """`apiconform serve --spec FILE` on a document no vendor module implements prints where it is served."""
    path = tmp_path / "openapi.json"
    path.write_text(json.dumps(DOCUMENT), encoding="utf-8")
    with subprocess.Popen(
        [sys.executable, "-m", "apiconform", "serve", "--spec", str(path), "--port", "0", "--token", TOKEN],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path,
    ) as process:  # fmt: skip
        try:
            assert process.stdout is not None
            banner = process.stdout.readline()
            assert f"(token: {TOKEN})" in banner
            url = process.stdout.readline().split(": ", 1)[1].strip()
            assert url.endswith("/shop-billing-api")
            assert httpx.get(f"{url}/open", timeout=10).status_code == 200
        finally:
            process.terminate()
            process.wait(timeout=10)
