"""Known ids are read-only: no write of any phase acts on a resource the run did not create.

Known ids (`--param`, a target's `params`, the sandbox's seeded ids) go in as examples of read
operations only (`ApiTarget.prepared_document`). A generated write may still land on one (a spec's own
example, a boundary value); this guard, in the transport every schemathesis request passes, turns such a
value into an id that exists nowhere before the request leaves.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from apiconform.runner.scenarios.unknown import unknown_value
from apiconform.runner.settings import ApiTarget, acts_on

if TYPE_CHECKING:
    from schemathesis.generation.case import Case

__all__ = ["known_ids_guard"]


def known_ids_guard(api: ApiTarget) -> Callable[[Case[Any]], None]:
    """A hook for the gated transport: rewrites a write's known target id before it is sent."""

    def guard(case: Case[Any]) -> None:
        label = f"{case.operation.method.upper()} {case.operation.path}"
        values = case.path_parameters
        if not values:
            return
        known = api.known_ids(label)
        operation = api.spec.operation(case.operation.method, case.operation.path)
        schemas = {
            parameter.name: parameter.schema
            for parameter in (operation.parameters if operation is not None else ())
            if parameter.location == "path"
        }
        for name, value in list(values.items()):
            schema = schemas.get(name)
            if schema is not None and "enum" in schema:
                continue  # one of a fixed set of values names a state or an action, never a resource of its own
            if str(value) in known.get(name, frozenset()) and acts_on(api.spec, label, name):
                values[name] = unknown_value(schema)

    return guard
