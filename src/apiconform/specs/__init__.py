"""Spec layer: loading hand-written OpenAPI documents and reading the evidence they carry."""

from apiconform.specs.document import Operation, SpecDocument, discover_specs, load_spec
from apiconform.specs.evidence import evidence_of, schema_node_evidence

__all__ = ["Operation", "SpecDocument", "discover_specs", "evidence_of", "load_spec", "schema_node_evidence"]
