"""Checks layer: what apiconform adds to schemathesis's checks, and the classifier that judges all of them.

Importing this package registers apiconform's checks with schemathesis, so they run in the engine and
in the pytest integration alike. Checks see only HTTP: the request schemathesis sent and the response.
"""

from apiconform.checks.body import response_body_conformance
from apiconform.checks.classify import CHECK_CLASS_BY_NAME, classify_failure
from apiconform.checks.identity import response_resource_identity
from apiconform.checks.violations import ContractViolation

# schemathesis's own body check would report the same violations without evidence; ours replaces it.
REPLACED_CHECKS = ("response_schema_conformance",)

__all__ = [
    "CHECK_CLASS_BY_NAME",
    "REPLACED_CHECKS",
    "ContractViolation",
    "classify_failure",
    "response_body_conformance",
    "response_resource_identity",
]
