"""Judging a parsed document: refuse only what makes testing impossible, note everything else.

Vendors' documents are sloppy in ways that do not stop a test (Xero's boolean fields default to the
string "false", extra keys sit under `info`); schemathesis loads them, so apiconform runs them and
names each slip, with its location, as a document warning. What it refuses is what schemathesis
refuses (an OpenAPI version it cannot read) and what no reader could follow: a part of the document
that is not the shape it must be, or a local `$ref` that points at nothing.

Validation is cheap on purpose: jsonschema-rs against the OpenAPI meta-schema (milliseconds on Stripe's
4 MB, where openapi-spec-validator takes tens of seconds) and one walk over the document.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib.util import find_spec
from pathlib import Path
from typing import Any

import jsonschema_rs

from apiconform.core.errors import SpecError

__all__ = ["DocumentWarning", "screen"]

# The versions schemathesis reads (its loader's own pattern); others it refuses, and so do we.
OPENAPI_VERSION = re.compile(r"^3\.[0-2]\.[0-9]+(-.+)?$")
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
MAX_WARNINGS = 20
MAX_MESSAGE_CHARS = 200
_META_SCHEMAS = {"3.0": "v3.0", "3.1": "v3.1", "3.2": "v3.2"}


@dataclass(frozen=True, slots=True)
class DocumentWarning:
    """A slip in the document that testing can live with; `location` is a JSON pointer into the document."""

    location: str
    message: str

    def __str__(self) -> str:
        return f"{self.location or '/'}: {self.message}"

    def to_dict(self) -> dict[str, str]:
        return {"location": self.location or "/", "message": self.message}


def screen(path: Path, raw: Mapping[str, Any]) -> tuple[DocumentWarning, ...]:
    """The document's warnings; raises SpecError (one line, naming the construct and where) when it cannot run."""
    version = str(raw.get("openapi", ""))
    if not OPENAPI_VERSION.match(version):
        given = f"openapi: {version}" if version else "no 'openapi' or 'swagger' field"
        raise SpecError(path, f"not an OpenAPI 3.0-3.2 or Swagger 2.0 document ({given})")
    _shape(path, raw)
    walked = _walk(path, raw)
    found = [*_meta_schema_warnings(raw, version), *walked]
    if raw.get("webhooks"):
        found.append(
            DocumentWarning("/webhooks", f"{len(raw['webhooks'])} webhooks not tested (apiconform tests paths)")
        )
    if len(found) > MAX_WARNINGS:
        more = len(found) - MAX_WARNINGS
        found = [*found[:MAX_WARNINGS], DocumentWarning("", f"and {more} more warnings of the same kinds")]
    return tuple(found)


def _shape(path: Path, raw: Mapping[str, Any]) -> None:
    """The parts every reader walks must be mappings and lists of mappings, or nothing can be tested."""
    paths = raw.get("paths", {})
    _expect(path, paths, Mapping, "/paths", "a mapping of paths")
    if not paths and raw.get("webhooks"):
        names = ", ".join(sorted(map(str, raw["webhooks"])))
        raise SpecError(
            path, f"has webhooks ({names}) and no paths: apiconform tests paths, so there is nothing to test"
        )
    for name, item in paths.items():
        where = "/paths/" + _escape(str(name))
        _expect(path, item, Mapping, where, "a path item (a mapping)")
        _parameters(path, item.get("parameters", []), where + "/parameters")
        for method in HTTP_METHODS:
            if method not in item:
                continue
            operation = item[method]
            _expect(path, operation, Mapping, f"{where}/{method}", "an operation (a mapping)")
            _parameters(path, operation.get("parameters", []), f"{where}/{method}/parameters")
            responses = operation.get("responses", {})
            _expect(path, responses, Mapping, f"{where}/{method}/responses", "a mapping of responses")
            for status, response in responses.items():
                _expect(path, response, Mapping, f"{where}/{method}/responses/{status}", "a response (a mapping)")


def _parameters(path: Path, parameters: Any, where: str) -> None:
    _expect(path, parameters, list, where, "a list of parameters")
    for index, parameter in enumerate(parameters):
        _expect(path, parameter, Mapping, f"{where}/{index}", "a parameter (a mapping)")
        if "$ref" not in parameter and not {"name", "in"} <= parameter.keys():
            raise SpecError(path, f"at {where}/{index}: a parameter needs `name` and `in`")


def _expect(path: Path, value: Any, kind: type | tuple[type, ...], where: str, what: str) -> None:
    if not isinstance(value, kind):
        raise SpecError(path, f"at {where}: expected {what}, found {type(value).__name__}")


def _walk(path: Path, raw: Mapping[str, Any]) -> list[DocumentWarning]:
    """Local `$ref`s must resolve (else refused); defaults should match their type (else a warning).

    Both run at C or Rust speed: the references are read from the serialised document with a regular
    expression, and the defaults are judged by a recursive JSON Schema in jsonschema-rs. Only a problem
    found is located by walking the document, so a 10 MB document costs a fraction of a second.
    """
    text = json.dumps(raw, default=str)
    refs = {json.loads(f'"{match}"') if "\\" in match else match for match in set(_REF.findall(text))}
    for ref in sorted(refs):
        if ref.startswith("#") and not _resolves(raw, ref):
            raise SpecError(path, f"at {_locate_ref(raw, ref)}: $ref {ref!r} points to nothing in the document")
    warnings = []
    for error in _defaults_validator().iter_errors(raw):
        where = list(error.instance_path)
        node = _at(raw, where[:-1])
        warnings.append(
            DocumentWarning(_pointer(where), f"{node.get('default')!r} is not of type {node.get('type')!r}")
        )
    return sorted(warnings, key=lambda warning: warning.location)


_REF = re.compile(r'"\$ref": "((?:[^"\\]|\\.)*)"')
_SCHEMA_TYPES = ("boolean", "integer", "number", "string", "array", "object")


@cache
def _defaults_validator() -> Any:
    """Every mapping with a `type` and a `default`: the default is of that type (or null), at any depth."""
    rules = [
        {
            "if": {"properties": {"type": {"const": kind}}, "required": ["type", "default"]},
            "then": {"properties": {"default": {"type": [kind, "null"]}}},
        }
        for kind in _SCHEMA_TYPES
    ]
    schema = {"allOf": rules, "additionalProperties": {"$ref": "#"}, "items": {"$ref": "#"}}
    return jsonschema_rs.Draft202012Validator(schema)


def _locate_ref(raw: Mapping[str, Any], ref: str) -> str:
    stack: list[tuple[Any, list[Any]]] = [(raw, [])]
    while stack:
        node, where = stack.pop()
        if isinstance(node, dict):
            if node.get("$ref") == ref:
                return _pointer(where)
            stack.extend((value, [*where, key]) for key, value in node.items() if isinstance(value, dict | list))
        elif isinstance(node, list):
            stack.extend((value, [*where, index]) for index, value in enumerate(node))
    return "/"


def _at(raw: Mapping[str, Any], where: list[Any]) -> Mapping[str, Any]:
    node: Any = raw
    for part in where:
        node = node[part]
    return node if isinstance(node, Mapping) else {}


def _pointer(where: list[Any]) -> str:
    return "".join(f"/{_escape(str(part))}" for part in where)


def _resolves(raw: Mapping[str, Any], ref: str) -> bool:
    node: Any = raw
    for part in ref[1:].split("/")[1:]:
        key = part.replace("~1", "/").replace("~0", "~")
        if isinstance(node, Mapping) and key in node:
            node = node[key]
        elif isinstance(node, list) and key.isdigit() and int(key) < len(node):
            node = node[int(key)]
        else:
            return False
    return True


def _meta_schema_warnings(raw: Mapping[str, Any], version: str) -> list[DocumentWarning]:
    validator = _meta_validator(_META_SCHEMAS.get(version[:3], "v3.1"))
    try:
        errors = list(validator.iter_errors(raw))
    except ValueError as exc:  # a value JSON has no type for; the parser keeps none, but a caller's dict might
        return [DocumentWarning("", _short(str(exc)))]
    return [DocumentWarning(_pointer(list(error.instance_path)) or "/", _short(error.message)) for error in errors]


@cache
def _meta_validator(version: str) -> Any:
    # The package's meta-schema files, found without importing it (its `__init__` loads pydantic: 0.2 s).
    found = find_spec("openapi_spec_validator")
    if found is None or not found.submodule_search_locations:
        raise ModuleNotFoundError("openapi-spec-validator is not installed", name="openapi_spec_validator")
    schema = Path(next(iter(found.submodule_search_locations)), "resources", "schemas", version, "schema.json")
    return jsonschema_rs.validator_for(json.loads(schema.read_text(encoding="utf-8")))


def _short(message: str) -> str:
    line = " ".join(message.split())
    return line if len(line) <= MAX_MESSAGE_CHARS else line[: MAX_MESSAGE_CHARS - 1] + "…"


def _escape(part: str) -> str:
    return part.replace("~", "~0").replace("/", "~1")
