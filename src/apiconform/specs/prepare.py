"""The document handed to schemathesis: every operation kept, parameters merged, known values as examples.

Known ids go in as parameter `examples`, so the examples phase reaches real resources while coverage
and fuzzing still generate unknown ids and exercise the error paths. The copy is made here, from the
model's merged parameters, so no other layer edits or walks the raw document.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Final

from apiconform.specs.document import SpecDocument
from apiconform.specs.parsing import collector_paused, copy_data

__all__ = ["KNOWN_EXAMPLE_PREFIX", "prepared_document"]

KNOWN_EXAMPLE_PREFIX: Final = "apiconform-known"


def prepared_document(spec: SpecDocument, known_values: Callable[[str, str], list[str]]) -> dict[str, Any]:
    """`known_values(label, name)` gives the values to offer for one parameter of one operation.

    Operations are selected by filtering the loaded schema, never by deleting them here: a path that lost
    a documented method would make its undocumented-method checks flag a documented one.
    """
    with collector_paused():
        return _prepared(spec, known_values)


def _prepared(spec: SpecDocument, known_values: Callable[[str, str], list[str]]) -> dict[str, Any]:
    document: dict[str, Any] = copy_data(spec.raw)
    paths: dict[str, Any] = document.get("paths") or {}
    for path, item in list(paths.items()):
        if isinstance(item, Mapping) and "$ref" in item:
            # A referenced path item is written out, so its operations can carry their own examples.
            resolver = spec.contract.resolver
            target = resolver.follow(resolver.child(resolver.root(), "paths", path))
            paths[path] = {**copy_data(dict(target.node)), **{k: v for k, v in item.items() if k != "$ref"}}
    for operation in spec.operations:
        item = paths.get(operation.path)
        if not isinstance(item, dict) or not isinstance(item.get(operation.method), dict):
            continue
        parameters = [copy_data(dict(parameter.raw)) for parameter in operation.parameters]
        for parameter in parameters:
            values = known_values(operation.label, str(parameter.get("name")))
            if values:
                parameter.pop("example", None)
                parameter["examples"] = {
                    f"{KNOWN_EXAMPLE_PREFIX}-{index}": {"value": value} for index, value in enumerate(values)
                }
        if parameters:
            item[operation.method]["parameters"] = parameters
    for item in paths.values():
        if isinstance(item, dict):
            item.pop("parameters", None)  # merged into each operation above
    return document
