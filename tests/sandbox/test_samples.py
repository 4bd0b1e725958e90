"""Generic bodies: a deterministic instance of a schema, preferring what the spec itself offers."""

from __future__ import annotations

from typing import Any

import jsonschema
import pytest

from apiconform.core.vocabulary import Evidence
from apiconform.sandbox._samples import sample
from apiconform.specs.resolve import Resolver
from apiconform.specs.schema import Schema

DOCUMENT: dict[str, Any] = {
    "components": {
        "schemas": {
            "Status": {"type": "string", "enum": ["QUEUED", "SUCCESS"]},
            "Batch": {
                "type": "object",
                "properties": {
                    "batchId": {"type": "string", "format": "uuid"},
                    "status": {"$ref": "#/components/schemas/Status"},
                    "createdAt": {"type": "string", "format": "date-time"},
                    "count": {"type": "integer", "minimum": 3},
                    "items": {"type": "array", "items": {"type": "string", "x-known-values": ["invoiceSuccess"]}},
                    "failed": {"type": ["object", "null"]},
                },
            },
        }
    }
}


def _schema(node: dict[str, Any]) -> Schema:
    """`node` as a schema of DOCUMENT, its references resolved there."""
    resolver = Resolver({**DOCUMENT, "x-node": node}, None)
    return Schema.at(resolver, resolver.child(resolver.root(), "x-node"), evidence=Evidence.DOC)


class TestSample:
    """Values come from the schema, in a fixed order of preference."""

    @pytest.mark.parametrize(
        ("schema", "expected"),
        [
            ({"type": "string", "const": "x"}, "x"),
            ({"type": "integer", "default": 100}, 100),
            ({"type": "string", "examples": ["NOK", "SEK"]}, "NOK"),
            ({"type": "string", "enum": ["QUEUED", "SUCCESS"]}, "QUEUED"),
            ({"type": "string", "x-known-values": ["Bearer"]}, "Bearer"),
            ({"type": "object"}, {}),
            ({"type": "array"}, []),
            ({"type": "boolean"}, False),
            ({"type": "integer", "minimum": 5}, 5),
            ({"anyOf": [{"type": "integer"}, {"type": "string"}]}, 0),
        ],
        ids=[
            "const",
            "default",
            "examples",
            "enum",
            "known-values",
            "empty-object",
            "untyped-array",
            "boolean",
            "minimum",
            "first-branch",
        ],
    )
    def test_preferred_value(self, schema: dict[str, Any], expected: Any) -> None:
        """Each schema yields the value its keywords suggest first."""
        assert sample(_schema(schema)) == expected

    def test_nested_instance_validates(self) -> None:
        """A referenced object with formats, enums and nullable types validates against its schema."""
        schema = {"$ref": "#/components/schemas/Batch"}
        instance = sample(_schema(schema))
        validator = jsonschema.Draft202012Validator(
            {**DOCUMENT, **schema}, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
        )
        assert list(validator.iter_errors(instance)) == []
        assert instance["status"] == "QUEUED"
        assert instance["items"] == ["invoiceSuccess"]

    def test_deterministic(self) -> None:
        """The same schema gives the same instance every time."""
        schema = {"$ref": "#/components/schemas/Batch"}
        assert sample(_schema(schema)) == sample(_schema(schema))
