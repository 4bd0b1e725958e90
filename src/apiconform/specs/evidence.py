"""Reading `x-evidence` from a spec: which contract is documented, which only seen in examples or guessed.

A node without `x-evidence` inherits from the nearest enclosing node, and a document without any
annotation is taken as documented contract: a user's own spec is their documentation.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from apiconform.core.vocabulary import Evidence

__all__ = ["child_schema", "evidence_of", "evidence_through", "resolve_ref", "schema_node_evidence"]

MAX_REF_DEPTH = 32


def evidence_of(node: Mapping[str, Any], *, key: str = "x-evidence", default: Evidence = Evidence.DOC) -> Evidence:
    value = node.get(key)
    if value is None:
        return default
    try:
        return Evidence(str(value).upper())
    except ValueError:
        return default


def resolve_ref(document: Mapping[str, Any], node: Mapping[str, Any]) -> Mapping[str, Any]:
    """Follow local `$ref`s; sibling keywords (3.1 allows them) override the referenced node's own."""
    depth = 0
    while "$ref" in node and depth < MAX_REF_DEPTH:
        target = _pointer(document, str(node["$ref"]))
        siblings = {key: value for key, value in node.items() if key != "$ref"}
        node = {**target, **siblings}
        depth += 1
    return node


def schema_node_evidence(
    document: Mapping[str, Any],
    schema: Mapping[str, Any],
    instance_path: Sequence[str | int],
    *,
    inherited: Evidence,
    doc: str = "",
) -> tuple[Evidence, str]:
    """Evidence and doc pointer of the schema node that judges the value at `instance_path`.

    Walks the instance path through properties and items, not the schema path, so a value is judged
    by the evidence of the field it sits in even when the failing keyword lives in a referenced component.
    """
    node = resolve_ref(document, schema)
    evidence = evidence_of(node, default=inherited)
    doc = str(node.get("x-doc", doc))
    for segment in instance_path:
        child = child_schema(document, node, segment)
        if child is None:
            break
        node = resolve_ref(document, child)
        evidence = evidence_of(node, default=evidence)
        doc = str(node.get("x-doc", doc))
    return evidence, doc


def child_schema(
    document: Mapping[str, Any], node: Mapping[str, Any], segment: str | int, depth: int = 0
) -> Mapping[str, Any] | None:
    """The subschema judging one step of the instance; a node's own keywords win over its `allOf` parts."""
    if isinstance(segment, int):
        items = node.get("items")
        return items if isinstance(items, Mapping) else None
    properties = node.get("properties", {})
    if isinstance(properties, Mapping) and isinstance(properties.get(segment), Mapping):
        child: Mapping[str, Any] = properties[segment]
        return child
    if depth < MAX_REF_DEPTH:
        for part in node.get("allOf", []):
            if isinstance(part, Mapping):
                found = child_schema(document, resolve_ref(document, part), segment, depth + 1)
                if found is not None:
                    return found
    additional = node.get("additionalProperties")
    return additional if isinstance(additional, Mapping) else None


def _pointer(document: Mapping[str, Any], ref: str) -> Mapping[str, Any]:
    if not ref.startswith("#"):
        return {}
    node: Any = document
    for part in ref[1:].split("/")[1:]:
        key = part.replace("~1", "/").replace("~0", "~")
        if not isinstance(node, Mapping) or key not in node:
            return {}
        node = node[key]
    return node if isinstance(node, Mapping) else {}


def evidence_through(inherited: Evidence, *nodes: Mapping[str, Any]) -> Evidence:
    """The evidence of the last node reached through the others: the weakest mark on the way.

    A node without a mark inherits; a mark can only lower what reached it, so a documented component
    referenced from an inferred response is as well known as that response, no better.
    """
    evidence = inherited
    for node in nodes:
        evidence = Evidence.weakest(evidence, evidence_of(node, default=evidence))
    return evidence
