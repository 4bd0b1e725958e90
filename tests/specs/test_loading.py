"""Loading documents others wrote: JSON as JSON, Swagger 2.0 converted, slips noted, only the impossible refused."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Final

import pytest
import schemathesis
import yaml
from schemathesis.core.result import Ok

from apiconform.core.errors import SpecError
from apiconform.specs import Contract, EvidenceRule, load_spec
from apiconform.specs.parsing import MAX_SPEC_BYTES

OPERATION: Final = {"responses": {"200": {"description": "ok"}}}


def _document(**extra: Any) -> dict[str, Any]:
    return {
        "openapi": "3.0.3",
        "info": {"title": "Vendor Billing API", "version": "1"},
        "paths": {"/a": {"get": OPERATION}},
    } | extra


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


class TestParsing:
    def test_json_that_yaml_cannot_read_is_read_as_json(self, tmp_path: Path) -> None:
        # A tab inside a quoted string is valid JSON; YAML's quoted scalar refuses some escapes JSON allows.
        document = _document()
        document["info"]["description"] = "tab\there \\/ slash"
        text = json.dumps(document)
        with pytest.raises(yaml.YAMLError):
            yaml.safe_load(text.replace("\\/", "\\/\\z"))
        loaded = load_spec(_write(tmp_path, "api.json", text.replace("slash", "slash \\/")))
        assert loaded.raw["info"]["description"] == "tab\there \\/ slash /"

    def test_yaml_dates_stay_strings(self, tmp_path: Path) -> None:
        text = yaml.safe_dump(_document()).replace("version: '1'", "version: '1'\n  x-released: 2024-01-31")
        loaded = load_spec(_write(tmp_path, "api.yaml", text))
        assert loaded.raw["info"]["x-released"] == "2024-01-31"
        assert loaded.warnings == ()

    def test_integer_status_keys_become_strings(self, tmp_path: Path) -> None:
        text = (
            "openapi: 3.0.3\ninfo: {title: t, version: '1'}\n"
            "paths:\n  /a:\n    get:\n      responses:\n        200: {description: ok}\n"
        )
        assert list(load_spec(_write(tmp_path, "api.yaml", text)).operations[0].raw["responses"]) == ["200"]

    @pytest.mark.parametrize(
        ("responses", "refused"),
        [
            ('"200": &r {description: ok, x-self: *r}', "at /paths/~1a/get/responses/200/x-self"),
            ('"200": &r {description: ok}\n        "201": *r', None),
        ],
        ids=["alias-inside-itself", "alias-beside-itself"],
    )
    def test_a_yaml_alias_inside_itself_is_refused(self, tmp_path: Path, responses: str, refused: str | None) -> None:
        text = (
            "openapi: 3.0.3\ninfo: {title: t, version: '1'}\n"
            f"paths:\n  /a:\n    get:\n      responses:\n        {responses}\n"
        )
        path = _write(tmp_path, "api.yaml", text)
        if refused is None:
            assert set(load_spec(path).operations[0].responses) == {"200", "201"}
        else:
            with pytest.raises(SpecError, match=f"{refused}: a YAML alias refers to a node that contains it"):
                load_spec(path)

    def test_a_document_over_the_size_limit_is_refused_unread(self, tmp_path: Path) -> None:
        path = tmp_path / "huge.json"
        with path.open("wb") as handle:
            handle.truncate(MAX_SPEC_BYTES + 1)  # sparse: no 50 MB written, and not valid JSON either
        with pytest.raises(SpecError, match="over the 50 MB limit"):
            load_spec(path)


class TestScreening:
    @pytest.mark.parametrize(
        ("extra", "location", "message"),
        [
            (
                {"components": {"schemas": {"A": {"type": "boolean", "default": "false"}}}},
                "/components/schemas/A/default",
                "'false' is not of type 'boolean'",
            ),
            ({"info": {"title": "t", "version": "1", "colour": "red"}}, "/info", "colour"),
        ],
        ids=["string-default-on-boolean", "extra-key-under-info"],
    )
    def test_slips_become_warnings_with_their_location(
        self, tmp_path: Path, extra: dict[str, Any], location: str, message: str
    ) -> None:
        loaded = load_spec(_write(tmp_path, "api.json", json.dumps(_document(**extra))))
        assert any(w.location == location and message in w.message for w in loaded.warnings), loaded.warnings
        schemathesis.openapi.from_dict(loaded.raw)  # and schemathesis loads it too

    @pytest.mark.parametrize(
        ("schema", "warned"),
        [
            ({"type": "integer", "default": 1.0}, False),
            ({"type": "integer", "default": 1.5}, True),
            ({"type": "integer", "default": True}, True),
            ({"type": "number", "default": False}, True),
            ({"type": "number", "default": 10**30}, False),
            ({"type": "string", "default": None}, False),
            ({"type": "object", "default": []}, True),
            ({"type": "array", "default": {}}, True),
            ({"type": ["string"], "default": 1}, False),
            ({"type": "object", "properties": {"on": {"type": "boolean", "default": "no"}}}, True),
            ({"allOf": [{"type": "boolean", "default": "false"}]}, True),
        ],
        ids=[
            "whole-float-is-an-integer",
            "fraction-is-no-integer",
            "boolean-is-no-integer",
            "boolean-is-no-number",
            "big-integer-is-a-number",
            "null-is-always-allowed",
            "list-is-no-object",
            "mapping-is-no-array",
            "type-list-not-judged",
            "nested-property",
            "inside-a-list",
        ],
    )
    def test_defaults_are_judged_by_json_schema_types(
        self, tmp_path: Path, schema: dict[str, Any], warned: bool
    ) -> None:
        extra = {"components": {"schemas": {"A": schema}}}
        loaded = load_spec(_write(tmp_path, "api.json", json.dumps(_document(**extra))))
        defaults = [warning for warning in loaded.warnings if warning.location.endswith("/default")]
        assert bool(defaults) is warned, loaded.warnings
        assert all(warning.location.startswith("/components/schemas/A/") for warning in defaults)

    @pytest.mark.parametrize(
        ("extra", "rule"),
        [
            ({}, EvidenceRule.UNMARKED),
            ({"components": {"schemas": {"A": {"type": "string", "x-evidence": "INFERRED"}}}}, EvidenceRule.MARKED),
            ({"paths": {"/a": {"get": {**OPERATION, "x-status-codes-evidence": "DOC"}}}}, EvidenceRule.MARKED),
        ],
        ids=["no-marks", "a-schema-mark", "a-status-list-mark"],
    )
    def test_screening_tells_the_model_whether_the_document_is_marked(
        self, tmp_path: Path, extra: dict[str, Any], rule: EvidenceRule
    ) -> None:
        loaded = load_spec(_write(tmp_path, "api.json", json.dumps(_document(**extra))))
        assert loaded.contract.rule is rule
        assert Contract(loaded.raw).rule is rule  # the dict alone, walked by the model itself, agrees

    def test_an_unknown_format_is_no_problem(self, tmp_path: Path) -> None:
        extra = {"components": {"schemas": {"A": {"type": "string", "format": "sku-code"}}}}
        assert load_spec(_write(tmp_path, "api.json", json.dumps(_document(**extra)))).warnings == ()

    @pytest.mark.parametrize(
        ("document", "words"),
        [
            (_document(openapi="4.0.0"), ("openapi: 4.0.0",)),
            (_document(paths={"/a": []}), ("at /paths/~1a", "path item")),
            (
                _document(paths={"/a": {"get": {"parameters": [{"in": "query"}], **OPERATION}}}),
                ("/paths/~1a/get/parameters/0", "name"),
            ),
            (
                _document(paths={"/a": {"get": {"responses": {"200": {"$ref": "#/components/responses/Nope"}}}}}),
                ("at /paths/~1a/get/responses/200", "#/components/responses/Nope"),
            ),
            (
                {**_document(), "openapi": "3.1.0", "paths": {}, "webhooks": {"invoice.paid": {"post": OPERATION}}},
                ("webhooks (invoice.paid) and no paths",),
            ),
        ],
        ids=[
            "unsupported-version",
            "path-item-not-a-mapping",
            "parameter-without-name",
            "dangling-ref",
            "webhooks-only",
        ],
    )
    def test_what_cannot_run_is_refused_in_one_line(
        self, tmp_path: Path, document: dict[str, Any], words: tuple[str, ...]
    ) -> None:
        with pytest.raises(SpecError) as raised:
            load_spec(_write(tmp_path, "api.json", json.dumps(document)))
        line = str(raised.value)
        assert "\n" not in line
        assert all(word in line for word in words), line

    def test_webhooks_beside_paths_are_noted_as_not_tested(self, tmp_path: Path) -> None:
        document = {**_document(), "openapi": "3.1.0", "webhooks": {"invoice.paid": {"post": OPERATION}}}
        loaded = load_spec(_write(tmp_path, "api.json", json.dumps(document)))
        assert [str(warning) for warning in loaded.warnings] == [
            "/webhooks: 1 webhooks not tested (apiconform tests paths)"
        ]


SWAGGER: Final = """
swagger: "2.0"
info: {title: Swagger Shop, version: "1"}
host: shop.example
basePath: /v2
schemes: [https]
consumes: [application/json]
produces: [application/json, application/xml]
securityDefinitions:
  key: {type: apiKey, name: api_key, in: header}
  login: {type: oauth2, flow: implicit, authorizationUrl: "https://shop.example/auth", scopes: {"write:pets": w}}
  basic: {type: basic}
parameters:
  Limit: {name: limit, in: query, type: integer, maximum: 50}
paths:
  /pets/{id}:
    parameters:
      - {name: id, in: path, required: true, type: integer, format: int64}
    get:
      parameters:
        - {$ref: "#/parameters/Limit"}
        - {name: tags, in: query, type: array, items: {type: string}, collectionFormat: multi}
      responses:
        "200": {description: ok, schema: {$ref: "#/definitions/Pet"}, headers: {X-Rate: {type: integer}}}
        "404": {description: missing}
    post:
      consumes: [application/x-www-form-urlencoded]
      parameters:
        - {name: name, in: formData, type: string, required: true}
        - {name: photo, in: formData, type: file}
      responses: {"200": {description: ok}}
    put:
      parameters: [{name: body, in: body, required: true, schema: {$ref: "#/definitions/Pet"}}]
      security: [{login: ["write:pets"]}]
      responses: {"200": {description: ok}}
definitions:
  Pet:
    type: object
    required: [name]
    properties:
      name: {type: string}
      owner: {$ref: "#/definitions/Owner"}
  Owner: {type: object, x-nullable: true, properties: {name: {type: string}}}
"""


@pytest.fixture(scope="module")
def converted(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    path = tmp_path_factory.mktemp("swagger") / "swagger.yaml"
    path.write_text(SWAGGER, encoding="utf-8")
    loaded = load_spec(path)
    assert loaded.dialect == "swagger 2.0"
    assert loaded.warnings == ()  # the converted document is a valid OpenAPI 3.0 document
    return loaded.raw


class TestSwagger:
    @pytest.mark.parametrize(
        ("pointer", "expected"),
        [
            ("/openapi", "3.0.3"),
            ("/servers", [{"url": "https://shop.example/v2"}]),
            ("/components/schemas/Pet/properties/owner", {"$ref": "#/components/schemas/Owner"}),
            ("/components/schemas/Owner/nullable", True),
            ("/components/securitySchemes/basic", {"type": "http", "scheme": "basic"}),
            ("/components/securitySchemes/login/flows/implicit/authorizationUrl", "https://shop.example/auth"),
            ("/components/parameters/Limit/schema", {"type": "integer", "maximum": 50}),
            ("/paths/~1pets~1{id}/get/parameters/0/schema", {"type": "integer", "format": "int64"}),
            ("/paths/~1pets~1{id}/get/parameters/1", {"$ref": "#/components/parameters/Limit"}),
            ("/paths/~1pets~1{id}/get/parameters/2/explode", True),
            (
                "/paths/~1pets~1{id}/get/responses/200/content/application~1xml/schema",
                {"$ref": "#/components/schemas/Pet"},
            ),
            ("/paths/~1pets~1{id}/get/responses/200/headers/X-Rate/schema", {"type": "integer"}),
            ("/paths/~1pets~1{id}/get/responses/404", {"description": "missing"}),
            (
                "/paths/~1pets~1{id}/post/requestBody/content/application~1x-www-form-urlencoded/schema/properties/photo",
                {"type": "string", "format": "binary"},
            ),
            ("/paths/~1pets~1{id}/post/requestBody/required", True),
            (
                "/paths/~1pets~1{id}/put/requestBody/content/application~1json/schema",
                {"$ref": "#/components/schemas/Pet"},
            ),
        ],
        ids=lambda value: value if isinstance(value, str) and value.startswith("/") else "",
    )
    def test_converted_to_openapi_3(self, converted: dict[str, Any], pointer: str, expected: Any) -> None:
        node: Any = converted
        for part in pointer.split("/")[1:]:
            node = node[part.replace("~1", "/")] if isinstance(node, dict) else node[int(part)]
        assert node == expected

    def test_schemathesis_loads_the_converted_document(self, converted: dict[str, Any]) -> None:
        results = list(schemathesis.openapi.from_dict(converted).get_all_operations())
        assert sorted(result.ok().label for result in results if isinstance(result, Ok)) == [
            "GET /pets/{id}",
            "POST /pets/{id}",
            "PUT /pets/{id}",
        ]


class TestNames:
    @pytest.mark.parametrize(
        ("relative", "expected"),
        [
            ("openapi.json", "vendor-billing-api"),
            ("downloads/stripe.json", "vendor-billing-api"),
            ("specs/ap-invoice/openapi.yaml", "ap-invoice"),
            ("specs/amili/arm.yaml", "amili/arm"),
        ],
        ids=["downloaded-openapi-json", "file-named-after-the-vendor", "own-spec-directory", "own-spec-file"],
    )
    def test_named_by_title_outside_a_specs_tree(self, tmp_path: Path, relative: str, expected: str) -> None:
        path = tmp_path / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(_document()), encoding="utf-8")
        assert load_spec(path).name == expected

    def test_a_document_without_a_title_is_named_by_its_file(self, tmp_path: Path) -> None:
        document = _document(info={"title": "", "version": "1"})
        assert load_spec(_write(tmp_path, "billing.json", json.dumps(document))).name == "billing"
