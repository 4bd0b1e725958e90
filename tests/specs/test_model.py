"""The contract model: references followed once, evidence the weakest along the way, the evidence rule.

Each document is written to a file and loaded as a user's would be, so file references resolve beside it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Final

import pytest
import yaml

from apiconform.checks.body import body_violations
from apiconform.core.vocabulary import CheckClass, Evidence
from apiconform.specs import SpecDocument, load_spec
from apiconform.specs.contract import EvidenceRule
from apiconform.specs.model import Operation

THING: Final = "#/components/schemas/Thing"


def _document(version: str = "3.1.0", **components: Any) -> dict[str, Any]:
    return {"openapi": version, "info": {"title": "T", "version": "1"}, "paths": {}, "components": components}


def _load(tmp_path: Path, document: dict[str, Any], **files: Any) -> SpecDocument:
    for name, contents in files.items():
        (tmp_path / f"{name}.yaml").write_text(yaml.safe_dump(contents), encoding="utf-8")
    path = tmp_path / "openapi.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return load_spec(path)


def _get(spec: SpecDocument, path: str = "/things") -> Operation:
    operation = spec.operation("get", path)
    assert operation is not None
    return operation


def _judge(spec: SpecDocument, body: bytes, *, path: str = "/things") -> list[tuple[CheckClass, str, Evidence]]:
    violations = body_violations(
        spec.contract, _get(spec, path), status=200, content_type="application/json", body=body
    )
    return [(violation.check_class, violation.pointer, violation.evidence) for violation in violations]


def _responding(response: dict[str, Any], **components: Any) -> dict[str, Any]:
    document = _document(**components)
    document["paths"] = {"/things": {"get": {"x-evidence": "DOC", "responses": {"200": response}}}}
    return document


THING_SCHEMA: Final = {
    "type": "object",
    "x-evidence": "DOC",
    "required": ["id"],
    "properties": {"id": {"type": "integer"}},
}


class TestEvidenceAlongReferences:
    @pytest.mark.parametrize(
        ("response_evidence", "expected"),
        [("INFERRED", Evidence.INFERRED), ("EXAMPLE", Evidence.EXAMPLE), ("DOC", Evidence.DOC)],
        ids=["inferred-response", "example-response", "doc-response"],
    )
    def test_doc_schema_through_a_referenced_response(
        self, tmp_path: Path, response_evidence: str, expected: Evidence
    ) -> None:
        """A DOC schema reached through a `$ref`'d response is judged no better than that response."""
        spec = _load(
            tmp_path,
            _responding(
                {"$ref": "#/components/responses/Things"},
                responses={
                    "Things": {
                        "description": "x",
                        "x-evidence": response_evidence,
                        "content": {"application/json": {"schema": {"$ref": THING}}},
                    }
                },
                schemas={"Thing": THING_SCHEMA},
            ),
        )
        assert _judge(spec, b'{"id": "seven"}') == [(CheckClass.TYPE, "/id", expected)]
        response = _get(spec).response(200)
        assert response is not None
        assert response.evidence is expected

    def test_sibling_mark_on_a_reference(self, tmp_path: Path) -> None:
        """`x-evidence` beside a `$ref` (3.1) lowers what the reference reaches."""
        spec = _load(
            tmp_path,
            _responding(
                {
                    "description": "x",
                    "content": {"application/json": {"schema": {"$ref": THING, "x-evidence": "INFERRED"}}},
                },
                schemas={"Thing": THING_SCHEMA},
            ),
        )
        assert _judge(spec, b"{}") == [(CheckClass.REQUIRED, "/id", Evidence.INFERRED)]


class TestEvidenceRule:
    @pytest.mark.parametrize(
        ("marks", "default", "rule", "operation", "status_lists"),
        [
            ({}, None, EvidenceRule.UNMARKED, Evidence.DOC, Evidence.DOC),
            ({"x-evidence": "DOC"}, None, EvidenceRule.MARKED, Evidence.DOC, Evidence.INFERRED),
            (
                {"x-evidence": "DOC", "x-status-codes-evidence": "DOC"},
                None,
                EvidenceRule.MARKED,
                Evidence.DOC,
                Evidence.DOC,
            ),
            ({}, Evidence.INFERRED, EvidenceRule.REPORT_ONLY, Evidence.INFERRED, Evidence.INFERRED),
            ({"x-evidence": "DOC"}, Evidence.INFERRED, EvidenceRule.REPORT_ONLY, Evidence.INFERRED, Evidence.INFERRED),
        ],
        ids=["unmarked-gates", "marked-lists-inferred", "marked-lists-doc", "report-only", "report-only-marked"],
    )
    def test_rule(
        self,
        tmp_path: Path,
        marks: dict[str, str],
        default: Evidence | None,
        rule: EvidenceRule,
        operation: Evidence,
        status_lists: Evidence,
    ) -> None:
        """Unmarked documents gate as written, status lists included; `evidence-default` makes any report-only."""
        document = _document()
        document["paths"] = {"/things": {"get": {**marks, "responses": {"200": {"description": "x"}}}}}
        spec = _load(tmp_path, document)
        if default is not None:
            spec = SpecDocument(name=spec.name, path=spec.path, raw=spec.raw, evidence_default=default)
        assert spec.contract.rule is rule
        assert (_get(spec).evidence, _get(spec).status_codes_evidence) == (operation, status_lists)


class TestDialects:
    def test_openapi_30_nullable(self, tmp_path: Path) -> None:
        """3.0 `nullable` allows null, beside a type or a `$ref`; a wrong non-null value keeps its exact pointer."""
        document = _document(
            "3.0.3",
            schemas={
                "Thing": {
                    "type": "object",
                    "properties": {
                        "name": {"type": "string", "nullable": True},
                        "size": {"type": "integer", "nullable": True, "enum": [1, 2]},
                        "child": {"allOf": [{"$ref": "#/components/schemas/Child"}], "nullable": True},
                    },
                },
                "Child": {"type": "object", "required": ["id"], "properties": {"id": {"type": "integer"}}},
            },
        )
        document["paths"] = {
            "/things": {
                "get": {
                    "responses": {
                        "200": {"description": "x", "content": {"application/json": {"schema": {"$ref": THING}}}}
                    }
                }
            }
        }
        spec = _load(tmp_path, document)
        assert _judge(spec, b'{"name": null, "size": null, "child": null}') == []
        assert _judge(spec, b'{"name": 3, "size": 3, "child": {}}') == [
            (CheckClass.REQUIRED, "/child/id", Evidence.DOC),
            (CheckClass.TYPE, "/name", Evidence.DOC),
            (CheckClass.ENUM, "/size", Evidence.DOC),
        ]

    def test_openapi_31_type_arrays_and_defs(self, tmp_path: Path) -> None:
        """3.1 type arrays and `$defs` inside a component are plain 2020-12."""
        thing = {
            "type": "object",
            "$defs": {"Size": {"type": ["integer", "null"], "minimum": 1}},
            "properties": {"size": {"$ref": "#/components/schemas/Thing/$defs/Size"}},
        }
        spec = _load(
            tmp_path,
            _responding(
                {"description": "x", "content": {"application/json": {"schema": {"$ref": THING}}}},
                schemas={"Thing": thing},
            ),
        )
        assert _judge(spec, b'{"size": null}') == []
        assert _judge(spec, b'{"size": "big"}') == [(CheckClass.TYPE, "/size", Evidence.DOC)]

    def test_values_and_types_json_schema_lacks(self, tmp_path: Path) -> None:
        """A YAML date (`example: 2020-09-13`) and a type name JSON Schema lacks do not stop the fast path."""
        path = tmp_path / "openapi.yaml"
        path.write_text(
            "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths:\n  /things:\n    get:\n      responses:\n"
            "        '200':\n          description: x\n          content:\n            application/json:\n"
            "              schema:\n                type: object\n                properties:\n"
            "                  day: {type: string, format: date, example: 2020-09-13}\n"
            "                  when: {type: datetime}\n",
            encoding="utf-8",
        )
        spec = SpecDocument(name="t", path=path, raw=yaml.safe_load(path.read_text(encoding="utf-8")))
        response = _get(spec).response(200)
        assert response is not None
        assert response.json is not None
        assert response.json.schema is not None
        assert spec.contract.validators.is_valid(response.json.schema, {"day": "2020-09-13", "when": 1}) is True
        assert _judge(spec, b'{"day": "yesterday"}') == [(CheckClass.FORMAT, "/day", Evidence.DOC)]


class TestReferences:
    def test_files_beside_the_spec(self, tmp_path: Path) -> None:
        """Parameters, responses and schemas in other files resolve, and so do the references inside them."""
        document = _document()
        document["paths"] = {
            "/things/{id}": {
                "parameters": [{"$ref": "common.yaml#/Id"}],
                "get": {"responses": {"200": {"$ref": "common.yaml#/Found"}}},
            }
        }
        common = {
            "Id": {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}},
            "Found": {"description": "x", "content": {"application/json": {"schema": {"$ref": "#/Thing"}}}},
            "Thing": THING_SCHEMA,
        }
        spec = _load(tmp_path, document, common=common)
        operation = _get(spec, "/things/{id}")
        assert [(parameter.name, parameter.location) for parameter in operation.parameters] == [("id", "path")]
        assert _judge(spec, b'{"id": 1}', path="/things/{id}") == []
        assert _judge(spec, b'{"id": "x"}', path="/things/{id}") == [(CheckClass.TYPE, "/id", Evidence.DOC)]

    def test_named_examples_through_references(self, tmp_path: Path) -> None:
        """`examples` entries that are `$ref`s to `#/components/examples` read as their values."""
        media = {"schema": {"$ref": THING}, "examples": {"one": {"$ref": "#/components/examples/One"}}}
        spec = _load(
            tmp_path,
            _responding(
                {"description": "x", "content": {"application/json": media}},
                schemas={"Thing": THING_SCHEMA},
                examples={"One": {"value": {"id": 1}}},
            ),
        )
        response = _get(spec).response(200)
        assert response is not None
        assert response.json is not None
        assert (response.json.examples, response.json.example) == ({"one": {"id": 1}}, {"id": 1})

    def test_path_item_reference_and_merged_parameters(self, tmp_path: Path) -> None:
        """A `$ref`'d path item's operations exist; an operation's parameter overrides the path item's."""
        document = _document(
            parameters={"Limit": {"name": "limit", "in": "query", "schema": {"type": "integer"}}},
            pathItems={
                "Things": {
                    "parameters": [{"$ref": "#/components/parameters/Limit"}],
                    "get": {
                        "parameters": [{"name": "limit", "in": "query", "schema": {"type": "string"}}],
                        "responses": {"200": {"description": "x"}},
                    },
                }
            },
        )
        document["paths"] = {"/things": {"$ref": "#/components/pathItems/Things"}}
        spec = _load(tmp_path, document)
        parameters = _get(spec).parameters
        assert [(parameter.name, parameter.schema and parameter.schema.get("type")) for parameter in parameters] == [
            ("limit", "string")
        ]
