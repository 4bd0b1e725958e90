"""Judging a parsed document: refuse only what makes testing impossible, note everything else.

Vendors' documents are sloppy in ways that do not stop a test (Xero's boolean fields default to the
string "false", extra keys sit under `info`); schemathesis loads them, so apiconform runs them and
names each slip, with its location, as a document warning. What it refuses is what schemathesis
refuses (an OpenAPI version it cannot read) and what no reader could follow: a part of the document
that is not the shape it must be, or a local `$ref` that points at nothing.

Validation is cheap on purpose: jsonschema-rs against the OpenAPI meta-schema (milliseconds on Stripe's
4 MB, where openapi-spec-validator takes tens of seconds) and one walk over the document, which also
tells the contract model whether the document carries evidence marks (so it need not walk it again).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib.util import find_spec
from pathlib import Path
from typing import Any, Final

import jsonschema_rs

from apiconform.core.errors import SpecError
from apiconform.specs.evidence import EVIDENCE_KEYS

__all__ = ["DocumentWarning", "Screening", "screen"]

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


@dataclass(frozen=True, slots=True)
class Screening:
    """What screening found: the document's warnings, and whether any node carries an evidence mark."""

    warnings: tuple[DocumentWarning, ...]
    marked: bool


def screen(path: Path, raw: Mapping[str, Any]) -> Screening:
    """Raises SpecError (one line, naming the construct and where) when the document cannot run."""
    version = str(raw.get("openapi", ""))
    if not OPENAPI_VERSION.match(version):
        given = f"openapi: {version}" if version else "no 'openapi' or 'swagger' field"
        raise SpecError(path, f"not an OpenAPI 3.0-3.2 or Swagger 2.0 document ({given})")
    _shape(path, raw)
    walked, marked = _walk(path, raw)
    found = [*_meta_schema_warnings(raw, version), *walked]
    if raw.get("webhooks"):
        found.append(
            DocumentWarning("/webhooks", f"{len(raw['webhooks'])} webhooks not tested (apiconform tests paths)")
        )
    if len(found) > MAX_WARNINGS:
        more = len(found) - MAX_WARNINGS
        found = [*found[:MAX_WARNINGS], DocumentWarning("", f"and {more} more warnings of the same kinds")]
    return Screening(tuple(found), marked)


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


def _walk(path: Path, raw: Mapping[str, Any]) -> tuple[list[DocumentWarning], bool]:
    """Local `$ref`s must resolve (else refused); defaults should match their type (else a warning).

    One pass over every node gathers what each judgement needs (the references, the nodes with a `type`
    and a `default`, whether any node carries an evidence mark); only a problem found is located by
    walking the document again, so a 10 MB document costs a fraction of a second. Exact types: the
    parser only makes dicts and lists, and `isinstance` against the ABCs would double the cost.
    """
    refs: set[str] = set()
    typed: list[dict[str, Any]] = []
    marked = False
    stack: list[Any] = [raw]
    pop, push = stack.pop, stack.extend
    while stack:
        node = pop()
        kind = type(node)
        if kind is dict:
            ref = node.get("$ref")
            if type(ref) is str:
                refs.add(ref)
            if "default" in node and type(node.get("type")) is str and node["type"] in _DEFAULT_TYPES:
                typed.append(node)
            if not marked and not EVIDENCE_KEYS.isdisjoint(node):
                marked = True
            push(node.values())
        elif kind is list:
            push(node)
    for ref in sorted(refs):
        if ref.startswith("#") and not _resolves(raw, ref):
            raise SpecError(path, f"at {_locate_ref(raw, ref)}: $ref {ref!r} points to nothing in the document")
    wrong = [node for node in typed if not _DEFAULT_TYPES[node["type"]](node["default"])]
    warnings = [
        DocumentWarning(where + "/default", f"{node.get('default')!r} is not of type {node.get('type')!r}")
        for where, node in _locate_nodes(raw, wrong)
    ]
    return sorted(warnings, key=lambda warning: warning.location), marked


def _is_number(value: Any) -> bool:
    return type(value) is not bool and isinstance(value, int | float)


# JSON Schema's types, as a default may also be null; `integer` takes 1.0, a number that is whole.
_DEFAULT_TYPES: Final[dict[str, Callable[[Any], bool]]] = {
    "boolean": lambda value: value is None or type(value) is bool,
    "integer": lambda value: value is None or (_is_number(value) and float(value).is_integer()),
    "number": lambda value: value is None or _is_number(value),
    "string": lambda value: value is None or isinstance(value, str),
    "array": lambda value: value is None or isinstance(value, list),
    "object": lambda value: value is None or isinstance(value, Mapping),
}


def _locate_nodes(raw: Mapping[str, Any], wanted: list[dict[str, Any]]) -> list[tuple[str, dict[str, Any]]]:
    """The pointer of each node in `wanted` (by identity), found by one walk that keeps paths."""
    if not wanted:
        return []
    ids = {id(node): node for node in wanted}
    found = []
    stack: list[tuple[Any, list[Any]]] = [(raw, [])]
    while stack:
        node, where = stack.pop()
        if isinstance(node, dict):
            if id(node) in ids:
                found.append((_pointer(where), ids[id(node)]))
            stack.extend((value, [*where, key]) for key, value in node.items() if isinstance(value, dict | list))
        elif isinstance(node, list):
            stack.extend((value, [*where, index]) for index, value in enumerate(node))
    return found


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
    """openapi-spec-validator's copy of the meta-schemas, read without importing the package (it imports requests)."""
    found = find_spec("openapi_spec_validator")
    locations = found.submodule_search_locations if found is not None else None
    if not locations:
        raise SpecError(Path("openapi_spec_validator"), "the OpenAPI meta-schemas are not installed")
    schema = Path(next(iter(locations))) / "resources" / "schemas" / version / "schema.json"
    return jsonschema_rs.validator_for(json.loads(schema.read_text(encoding="utf-8")))


def _short(message: str) -> str:
    line = " ".join(message.split())
    return line if len(line) <= MAX_MESSAGE_CHARS else line[: MAX_MESSAGE_CHARS - 1] + "…"


def _escape(part: str) -> str:
    return part.replace("~", "~0").replace("/", "~1")
