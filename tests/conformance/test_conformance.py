"""The conformance suite as plain pytest tests, for teams that want it inside their own pytest run."""

from __future__ import annotations

from typing import Any

import schemathesis
from schemathesis.generation.case import Case

from apiconform.pytest_plugin import judge
from apiconform.specs import SpecDocument

schema = schemathesis.pytest.from_fixture("conformance_schema")


@schema.parametrize()
def test_operation_conforms(case: Case[Any], conformance_spec: SpecDocument) -> None:
    """Every generated request's response meets the documented contract; inferred contract only warns."""
    response = case.call()
    judge(case, response, document=conformance_spec)
