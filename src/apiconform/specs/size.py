"""How much input an operation has: the schema nodes its requests are generated from, references followed.

`--shard` deals operations out by this weight (runner/shards.py); it tracks the time testing one takes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from apiconform.specs.model import Operation
from apiconform.specs.resolve import Resolver

__all__ = ["input_size"]

# Keys that document a schema without shaping what is generated.
_ANNOTATIONS: Final = frozenset({"description", "summary", "example", "examples", "title", "x-doc", "x-evidence"})
_MAX_DEPTH: Final = 64


def input_size(resolver: Resolver, operation: Operation) -> int:
    """Schema nodes a request of this operation is generated from; 1 more, so no operation weighs nothing."""
    base = resolver.base
    return (
        1
        + _nodes(resolver, base, operation.raw.get("parameters", []), ())
        + _nodes(resolver, base, operation.raw.get("requestBody", {}), ())
    )


def _nodes(resolver: Resolver, uri: str, node: Any, followed: tuple[str, ...]) -> int:
    """Mappings and lists below `node`, `$ref`s followed once per path (a recursive schema counts once)."""
    if len(followed) > _MAX_DEPTH:
        return 0
    if isinstance(node, Mapping):
        reference = node.get("$ref")
        if isinstance(reference, str):
            if reference in followed:
                return 0
            target = resolver.lookup(uri, reference)
            merged = {**target.node, **{key: value for key, value in node.items() if key != "$ref"}}
            return _nodes(resolver, target.uri, merged, (*followed, reference))
        return 1 + sum(_nodes(resolver, uri, value, followed) for key, value in node.items() if key not in _ANNOTATIONS)
    if isinstance(node, list):
        return sum(_nodes(resolver, uri, item, followed) for item in node)
    return 0
