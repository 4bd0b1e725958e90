"""Spec layer: loading OpenAPI documents into one resolved contract model, with the evidence each part rests on."""

from apiconform.specs.contract import Contract, EvidenceRule
from apiconform.specs.document import Operation, SpecDocument, discover_specs, load_spec
from apiconform.specs.evidence import evidence_of
from apiconform.specs.schema import Schema

__all__ = [
    "Contract",
    "EvidenceRule",
    "Operation",
    "Schema",
    "SpecDocument",
    "discover_specs",
    "evidence_of",
    "load_spec",
]
