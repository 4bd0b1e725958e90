"""How `--shard K/N` (and so `--workers N`) splits a run: into shards of about equal work, not equal counts.

Operations differ tenfold in what testing them costs: generating and mutating a large request body takes
far longer than a GET with one path parameter, and the shards run side by side, so the run lasts as long
as its slowest shard. An operation's work is estimated by the size of its input schemas (parameters and
request body, references followed), which tracks the measured time per operation closely (correlation
0.88 on this repository's specs); operations are dealt out largest first, each to the lightest shard. The
split depends only on the specs and the selection, so every shard of a CI matrix computes the same one.
"""

from __future__ import annotations

from collections.abc import Sequence

from apiconform.specs.document import Operation, SpecDocument
from apiconform.specs.size import input_size as operation_input_size

__all__ = ["input_size", "split"]


def input_size(spec: SpecDocument, operation: Operation) -> int:
    """Schema nodes a request of this operation is generated from (`specs/size.py`)."""
    return operation_input_size(spec.contract.resolver, operation)


def split(weights: Sequence[int], total: int) -> list[int]:
    """The shard (0-based) of each item: heaviest first, each to the shard with the least so far (ties: lowest)."""
    loads = [0] * total
    shards = [0] * len(weights)
    for position in sorted(range(len(weights)), key=lambda item: (-weights[item], item)):
        lightest = min(range(total), key=lambda shard: (loads[shard], shard))
        shards[position] = lightest
        loads[lightest] += weights[position]
    return shards
