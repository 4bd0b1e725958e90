"""Reading x-evidence along an instance path: inheritance, $ref siblings and allOf."""

from __future__ import annotations

from typing import Any

import pytest

from apiconform.core.vocabulary import Evidence
from apiconform.specs.resolve import Resolver
from apiconform.specs.schema import Schema

DOCUMENT: dict[str, Any] = {
    "components": {
        "schemas": {
            "Base": {"type": "object", "x-evidence": "DOC", "properties": {"id": {"type": "string"}}},
            "Documented": {
                "type": "object",
                "x-evidence": "DOC",
                "properties": {"code": {"type": "string", "x-evidence": "DOC"}},
            },
            "Extended": {
                "allOf": [{"$ref": "#/components/schemas/Base"}],
                "properties": {"kind": {"type": "string", "x-evidence": "EXAMPLE"}},
            },
        }
    }
}
ROOT: dict[str, Any] = {
    "type": "object",
    "properties": {
        "base": {"$ref": "#/components/schemas/Base", "x-evidence": "INFERRED"},
        "inferred": {"$ref": "#/components/schemas/Documented", "x-evidence": "INFERRED"},
        "extended": {"$ref": "#/components/schemas/Extended"},
        "items": {"type": "array", "items": {"$ref": "#/components/schemas/Extended"}},
    },
}


class TestSchemaNodeEvidence:
    @pytest.mark.parametrize(
        ("path", "expected"),
        [
            ([], Evidence.DOC),
            (["base"], Evidence.INFERRED),
            (["base", "id"], Evidence.INFERRED),
            (["extended", "kind"], Evidence.EXAMPLE),
            (["extended", "id"], Evidence.DOC),
            (["items", 0, "kind"], Evidence.EXAMPLE),
            (["unknown", "deeper"], Evidence.DOC),
            (["inferred", "code"], Evidence.INFERRED),
        ],
        ids=[
            "root",
            "ref-sibling-wins",
            "inherited-from-ref-site",
            "own",
            "through-allOf",
            "array-items",
            "unknown",
            "child-never-strengthens",
        ],
    )
    def test_walk(self, path: list[str | int], expected: Evidence) -> None:
        """Evidence comes from the nearest node on the instance path that states it."""
        resolver = Resolver({**DOCUMENT, "x-root": ROOT}, None)
        root = Schema.at(resolver, resolver.child(resolver.root(), "x-root"), evidence=Evidence.DOC)
        assert root.at_path(path).evidence is expected
