"""Reading `x-evidence` from a spec: which contract is documented, which only seen in examples or guessed.

A node without `x-evidence` inherits from the nearest enclosing node, and a document without any
annotation is taken as documented contract: a user's own spec is their documentation.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from apiconform.core.vocabulary import Evidence

__all__ = ["EVIDENCE_KEYS", "evidence_of", "evidence_through"]

# A document with none of these anywhere is unmarked: all it states is documented contract.
EVIDENCE_KEYS: Final = frozenset({"x-evidence", "x-status-codes-evidence"})


def evidence_of(node: Mapping[str, Any], *, key: str = "x-evidence", default: Evidence = Evidence.DOC) -> Evidence:
    value = node.get(key)
    if value is None:
        return default
    try:
        return Evidence(str(value).upper())
    except ValueError:
        return default


def evidence_through(inherited: Evidence, *nodes: Mapping[str, Any]) -> Evidence:
    """The evidence of the last node reached through the others: the weakest mark on the way.

    A node without a mark inherits; a mark can only lower what reached it, so a documented component
    referenced from an inferred response is as well known as that response, no better.
    """
    evidence = inherited
    for node in nodes:
        evidence = Evidence.weakest(evidence, evidence_of(node, default=evidence))
    return evidence
