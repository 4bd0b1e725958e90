"""Validating instances against the model's schemas, in the document's own registry.

The whole document (and any file it references) is one registry, and a validator is a `$ref` to the
address of the schema the model holds, so a `$ref` anywhere resolves the same way on both paths: the
Rust validator (jsonschema-rs) answers the common case, a valid instance, fast; the Python one
(jsonschema) explains a failing one. OpenAPI 3.0 schemas are JSON Schema with a few words of their
own (`nullable`, boolean exclusive bounds); they are rewritten to 2020-12 once, in place of a copy.
"""

from __future__ import annotations

import operator
from collections.abc import Iterator
from datetime import date
from typing import TYPE_CHECKING, Any, Final

import jsonschema_rs
from referencing import Registry, Resource
from referencing.exceptions import NoSuchResource
from referencing.jsonschema import DRAFT202012

from apiconform.core.errors import SpecError
from apiconform.specs.parsing import collector_paused
from apiconform.specs.resolve import Resolver
from apiconform.specs.schema import Schema

if TYPE_CHECKING:
    import jsonschema

__all__ = ["Validators", "as_json_schema"]


class Validators:
    """Validators per schema address of one document, built on first use and reused for every instance."""

    def __init__(self, resolver: Resolver, *, openapi: str) -> None:
        self.resolver = resolver
        self.legacy = openapi.startswith("3.0")
        self._contents: dict[str, Any] = {}
        self._fast_registry: jsonschema_rs.Registry | None = None
        self._registry: Registry[Any] | None = None
        self._fast: dict[str, Any] = {}
        self._slow: dict[str, jsonschema.Draft202012Validator] = {}

    def is_valid(self, schema: Schema, instance: Any) -> bool | None:
        """The Rust validator's answer; None when it cannot compile the schema or take the value."""
        address = schema.address
        if address not in self._fast:
            try:
                self._fast[address] = jsonschema_rs.Draft202012Validator(
                    {"$ref": address}, registry=self._rust_registry(), validate_formats=True
                )
            except (jsonschema_rs.ValidationError, jsonschema_rs.ReferencingError, ValueError):
                self._fast[address] = None
        fast = self._fast[address]
        if fast is None:
            return None
        try:
            return bool(fast.is_valid(instance))
        except (ValueError, OverflowError):  # a value Rust cannot take: the bytes of an upload, say
            return None

    def errors(self, schema: Schema, instance: Any) -> Iterator[jsonschema.ValidationError]:
        """Why an instance is invalid; nothing when the Rust validator accepts it.

        Most instances are valid, and the Python validator that explains a failure is far slower (it was a
        third of the sandbox's CPU in a default run when it judged every request body).
        """
        if self.is_valid(schema, instance):
            return iter(())
        address = schema.address
        if address not in self._slow:
            # The Python validator explains a failing body; a run whose bodies all pass never loads it (0.15 s).
            import jsonschema  # noqa: PLC0415 - see above

            self._slow[address] = jsonschema.Draft202012Validator(
                {"$ref": address},
                registry=self._python_registry(),
                format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER,
            )
        return self._slow[address].iter_errors(instance)

    def _document(self, uri: str) -> Any:
        if uri not in self._contents:
            raw = self.resolver.retrieve(uri)
            self._contents[uri] = as_json_schema(raw, legacy=self.legacy)
        return self._contents[uri]

    def _rust_registry(self) -> jsonschema_rs.Registry:
        if self._fast_registry is None:
            resources = [(uri, self._document(uri)) for uri in list(self.resolver.documents)]
            with collector_paused():
                self._fast_registry = jsonschema_rs.Registry(resources, retriever=self._document)
        return self._fast_registry

    def _python_registry(self) -> Registry[Any]:
        if self._registry is None:

            def retrieve(uri: str) -> Resource[Any]:
                try:
                    return Resource.from_contents(self._document(uri), default_specification=DRAFT202012)
                except SpecError as exc:
                    raise NoSuchResource(uri) from exc

            self._registry = Registry(retrieve=retrieve).with_resources(  # type: ignore[call-arg] # attrs names the field _retrieve
                (uri, Resource.from_contents(self._document(uri), default_specification=DRAFT202012))
                for uri in list(self.resolver.documents)
            )
        return self._registry


JSON_TYPES: Final = frozenset({"null", "boolean", "object", "array", "number", "string", "integer"})
# Values, not schemas: left as written (an example object may well have a field called `type`).
_DATA: Final = frozenset({"example", "examples", "enum", "const", "default", "x-examples"})


def as_json_schema(node: Any, *, legacy: bool = True, schema: bool = True) -> Any:
    """The document (or node) with its schemas in 2020-12 words; addresses (pointers) stay the same.

    Only what changes is copied: the answer shares every unchanged part with `node`, so neither may be
    changed in place afterwards (nothing does: the model and validators only read).

    `legacy` (OpenAPI 3.0) reads `nullable` and boolean exclusive bounds. Type names JSON Schema does not
    have (`date`, `file`), which validators refuse to compile, are dropped or read as `string` in any version,
    and so are values YAML reads as dates (`example: 2020-09-13`): JSON has strings there.
    """
    with collector_paused():
        return _as_json_schema(node, legacy, schema)


def _as_json_schema(node: Any, legacy: bool, schema: bool) -> Any:
    """The node itself where nothing below it changes: most of a document is left as it is, and shared."""
    if type(node) is dict or isinstance(node, dict):
        result = node
        for key, value in node.items():
            if type(value) in _CONTAINERS or isinstance(value, dict | list | date):
                converted = _as_json_schema(value, legacy, schema and key not in _DATA)
                if converted is not value:
                    if result is node:
                        result = dict(node)
                    result[key] = converted
        if schema and _changes(result, legacy=legacy):
            if result is node:
                result = dict(node)
            _convert(result, legacy=legacy)
        return result
    if type(node) is list or isinstance(node, list):
        items = [
            _as_json_schema(value, legacy, schema)
            if type(value) in _CONTAINERS or isinstance(value, dict | list | date)
            else value
            for value in node
        ]
        return node if all(map(operator.is_, items, node)) else items
    if isinstance(node, date):  # a datetime is a date too
        return node.isoformat()
    return node


_CONTAINERS: Final = frozenset({dict, list})


def _changes(node: dict[str, Any], *, legacy: bool) -> bool:
    """Whether `_convert` would rewrite this node."""
    kind = node.get("type")
    if isinstance(kind, str) and kind not in JSON_TYPES:
        return True
    if isinstance(kind, list) and not JSON_TYPES.issuperset(kind):
        return True
    return legacy and (
        node.get("nullable") is True
        or isinstance(node.get("exclusiveMinimum"), bool)
        or isinstance(node.get("exclusiveMaximum"), bool)
    )


def _convert(node: dict[str, Any], *, legacy: bool) -> None:
    _known_types(node)
    if not legacy:
        return
    for bound, limit in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
        if isinstance(node.get(bound), bool) and node.pop(bound) and limit in node:
            node[bound] = node.pop(limit)
    if node.get("nullable") is not True:
        return
    del node["nullable"]
    kind = node.get("type")
    if isinstance(kind, str):
        node["type"] = [kind, "null"]
        if isinstance(node.get("enum"), list) and None not in node["enum"]:
            node["enum"] = [*node["enum"], None]
        return
    # No type beside the `nullable` (a `$ref`, an `allOf`): null, or whatever the rest allows.
    rest = dict(node)
    node.clear()
    node["anyOf"] = [rest, {"type": "null"}]


def _known_types(node: dict[str, Any]) -> None:
    """`type` as JSON Schema knows it; a string `type` inside `properties` is a property, never reaches here."""
    kind = node.get("type")
    names = [kind] if isinstance(kind, str) else kind if isinstance(kind, list) else None
    if names is None or JSON_TYPES.issuperset(names):
        return
    known = [name for name in ("string" if name == "file" else name for name in names) if name in JSON_TYPES]
    if not known:
        del node["type"]
    else:
        node["type"] = known[0] if isinstance(kind, str) else known
