"""Requests judged by the spec they arrive for: parameters and bodies validated before any handler runs.

Built once per operation from the spec, so the sandbox accepts exactly what the contract allows: path and
query strings are read as their schema's type, bodies are parsed by their documented media type, and
everything is validated with format checking on.
"""

from __future__ import annotations

import email.policy
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Final, Protocol
from urllib.parse import parse_qsl

import jsonschema
from starlette.requests import Request

from apiconform.specs.document import SpecDocument
from apiconform.specs.model import Operation
from apiconform.specs.schema import Schema
from apiconform.specs.validation import Validators

__all__ = ["Inputs", "Invalid", "RequestContract"]

_INTEGER = re.compile(r"-?\d+")
_BOUNDARY = re.compile(r"boundary=(\"[^\"]+\"|[^;\s]+)", re.IGNORECASE)
_NUMBER = re.compile(r"-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?")
_BOOLEANS = {"true": True, "false": False}
MAX_PROBLEMS = 5
FORM_MEDIA_TYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})


class Invalid(Exception):
    """A request the contract does not allow; `problems` say what, for the error body."""

    def __init__(self, problems: tuple[str, ...], *, locations: frozenset[str], media_type: bool = False) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems
        self.locations = locations
        self.media_type = media_type


@dataclass(frozen=True, slots=True, kw_only=True)
class Inputs:
    """A request's inputs as their schemas type them."""

    path: dict[str, Any] = field(default_factory=dict)
    query: dict[str, Any] = field(default_factory=dict)
    headers: dict[str, Any] = field(default_factory=dict)
    body: Any = None
    media_type: str = ""


class _Validator(Protocol):
    def iter_errors(self, instance: Any) -> Iterator[jsonschema.ValidationError]: ...


@dataclass(frozen=True, slots=True)
class _AgainstSchema:
    """Validation in the document's own registry (`specs/validation.py`), so a `$ref` anywhere resolves."""

    validators: Validators
    schema: Schema

    def iter_errors(self, instance: Any) -> Iterator[jsonschema.ValidationError]:
        return self.validators.errors(self.schema, instance)


@dataclass(frozen=True, slots=True)
class _Parameter:
    name: str
    location: str
    required: bool
    schema: Mapping[str, Any]
    validator: _Validator
    style: str = "form"
    explode: bool = True
    # Property schemas of an object parameter, so each serialized property reads as its own type.
    properties: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class _Media:
    validator: _Validator
    schema: Schema | None
    # A form's fields by name, so each one's text reads as its property's type (a repeated one as a list).
    fields: dict[str, Mapping[str, Any]]


@dataclass(frozen=True, slots=True)
class _Body:
    required: bool
    media: dict[str, _Media]


_ANYTHING = jsonschema.Draft202012Validator({})


class RequestContract:
    """What one operation accepts: its parameters and its request body, with validators built once."""

    def __init__(self, spec: SpecDocument, operation: Operation, *, ignored: frozenset[str] = frozenset()) -> None:
        """`ignored` names JSON Schema keywords this server does not enforce (how a fault relaxes it)."""
        validators = spec.contract.validators
        self.ignored = ignored
        self.operation = operation
        self.parameters = [
            _Parameter(
                name=parameter.name,
                location=parameter.location,
                required=parameter.required,
                schema=parameter.schema.node if parameter.schema is not None else {},
                validator=_AgainstSchema(validators, parameter.schema) if parameter.schema is not None else _ANYTHING,
                style=_style(parameter.location, parameter.raw),
                explode=bool(parameter.raw.get("explode", _style(parameter.location, parameter.raw) == "form")),
                properties={
                    name: child.node
                    for name, child in (parameter.schema.properties() if parameter.schema is not None else {}).items()
                },
            )
            for parameter in operation.parameters
        ]
        self.body = _body(operation, validators)

    def path_fits(self, values: Mapping[str, str]) -> bool:
        """Whether the path parameters take these values: which of two look-alike templates a path names."""
        for parameter in self.parameters:
            if parameter.location == "path":
                value = _coerce([values.get(parameter.name, "")], parameter.schema)
                if next(iter(parameter.validator.iter_errors(value)), None) is not None:
                    return False
        return True

    def parse(self, request: Request, raw_body: bytes) -> Inputs:
        """The request's typed inputs; raises Invalid when the contract does not allow them."""
        problems: list[str] = []
        locations: set[str] = set()
        inputs = Inputs()
        query = _multi(request.query_params.multi_items())
        targets = {"path": inputs.path, "query": inputs.query, "header": inputs.headers}
        for parameter in self.parameters:
            target = targets.get(parameter.location)
            if target is None:
                continue
            raw = _wire(parameter, request, query)
            found = len(problems)
            value = _read(parameter, raw, query)
            if value is _ABSENT:
                if parameter.required:
                    problems.append(f"{parameter.location} parameter {parameter.name!r} is required")
            elif value is _OPAQUE:
                target[parameter.name] = raw  # a serialization this sandbox does not decode: taken, not judged
            else:
                problems.extend(
                    f"{parameter.location} parameter {parameter.name!r}: {error.message}"
                    for error in parameter.validator.iter_errors(value)
                    if error.validator not in self.ignored
                )
                target[parameter.name] = value
            if len(problems) > found:
                locations.add(parameter.location)
        found = len(problems)
        body, media_type = self._parse_body(request, raw_body, problems)
        if len(problems) > found:
            locations.add("body")
        if problems:
            raise Invalid(tuple(problems[:MAX_PROBLEMS]), locations=frozenset(locations))
        return Inputs(path=inputs.path, query=inputs.query, headers=inputs.headers, body=body, media_type=media_type)

    def _parse_body(self, request: Request, raw_body: bytes, problems: list[str]) -> tuple[Any, str]:
        if self.body is None:
            return None, ""
        content_type = request.headers.get("content-type", "")
        media_type = content_type.split(";", 1)[0].strip().lower()
        if not raw_body and not (media_type in FORM_MEDIA_TYPES and media_type in self.body.media):
            # An empty form is a form with no fields; an empty JSON body is no body at all.
            if self.body.required:
                problems.append("a request body is required")
            return None, ""
        media = self.body.media.get(media_type)
        if media is None:
            message = f"unsupported media type {media_type or '(none)'!r}"
            raise Invalid((message,), locations=frozenset({"body"}), media_type=True)
        try:
            body = _decode(media_type, content_type, raw_body, media.fields)
        except ValueError as exc:
            problems.append(f"the body is not valid {media_type}: {exc}")
            return None, media_type
        if not _decodable(media_type):
            # XML, octet streams, text: no faithful reading into the schema's terms, so nothing to refuse.
            return body, media_type
        problems.extend(
            f"body{_where(error.absolute_path)}: {error.message}"
            for error in media.validator.iter_errors(body)
            if error.validator not in self.ignored and not _read_only_required(media.schema, error)
        )
        return body, media_type


def _body(operation: Operation, validators: Validators) -> _Body | None:
    if operation.request_body is None:
        return None
    media: dict[str, _Media] = {}
    for media_type, definition in operation.request_body.content.items():
        schema = definition.schema
        properties = schema.properties() if schema is not None else {}
        media[media_type.lower()] = _Media(
            validator=_AgainstSchema(validators, schema) if schema is not None else _ANYTHING,
            schema=schema,
            fields={name: child.node for name, child in properties.items()},
        )
    return _Body(required=operation.request_body.required, media=media)


def _decodable(media_type: str) -> bool:
    """Whether a body of this media type is read into the terms its schema judges (JSON, or a form's fields)."""
    return media_type == "application/json" or media_type.endswith("+json") or media_type in FORM_MEDIA_TYPES


def _read_only_required(schema: Schema | None, error: jsonschema.ValidationError) -> bool:
    """A missing property the schema marks `readOnly`: OpenAPI requires it of responses only, never of a request."""
    if schema is None or error.validator != "required" or not isinstance(error.instance, Mapping):
        return False
    listed = error.validator_value if isinstance(error.validator_value, list) else []
    missing = [name for name in listed if isinstance(name, str) and name not in error.instance]
    name = next((name for name in missing if error.message == f"{name!r} is a required property"), None)
    child = schema.at_path(list(error.absolute_path)).child(name) if name is not None else None
    return child is not None and child.get("readOnly") is True


def _wire(parameter: _Parameter, request: Request, query: Mapping[str, list[str]]) -> list[str] | None:
    """The parameter's text as the request carries it; None when absent."""
    if parameter.location == "path":
        return [str(request.path_params.get(parameter.name, ""))]
    if parameter.location == "query":
        return query.get(parameter.name)
    return request.headers.getlist(parameter.name) or None


_ABSENT: Final = object()
_OPAQUE: Final = object()
_STYLES: Final = {"query": "form", "cookie": "form", "path": "simple", "header": "simple"}
_DELIMITERS: Final = {"form": ",", "simple": ",", "spaceDelimited": " ", "pipeDelimited": "|"}


def _style(location: str, raw: Mapping[str, Any]) -> str:
    return str(raw.get("style") or _STYLES.get(location, "form"))


def _read(parameter: _Parameter, raw: list[str] | None, query: Mapping[str, list[str]]) -> Any:
    """A parameter's value as OpenAPI serializes it (its `style` and `explode`), typed by its schema.

    _ABSENT when the request does not carry it, _OPAQUE for a serialization this sandbox does not decode
    (matrix and label paths, nested deepObject keys), which it then takes rather than refuses.
    """
    schema = parameter.schema
    if parameter.location == "query" and _is_object(schema) and (parameter.style == "deepObject" or parameter.explode):
        return _exploded_object(parameter, query)
    if raw is None:
        return _ABSENT
    delimiter = _DELIMITERS.get(parameter.style)
    if delimiter is None:
        return _OPAQUE
    if _is(schema, "array"):
        exploded = parameter.explode and parameter.location in {"query", "cookie"}
        texts = raw if exploded else [part for text in raw for part in text.split(delimiter)]
        return [_scalar(text, _items(schema)) for text in texts]
    if _is_object(schema) and len(raw) == 1:
        return _flat_object(parameter, raw[0], delimiter)
    return _coerce(raw, schema)


def _exploded_object(parameter: _Parameter, query: Mapping[str, list[str]]) -> Any:
    """`filter[status]=paid` (deepObject) or `status=paid` (an exploded form object): one key per property."""
    values: dict[str, Any] = {}
    deep = parameter.style == "deepObject"
    prefix = f"{parameter.name}["
    for key, texts in query.items():
        if deep and key.startswith(prefix) and key.endswith("]"):
            name = key[len(prefix) : -1]
            if "[" in name or "]" in name:
                return _OPAQUE  # nested objects have no standard serialization
        elif not deep and key in parameter.properties:
            name = key
        else:
            continue
        values[name] = _coerce(texts, parameter.properties.get(name, {}))
    if values:
        return values
    # An exploded form object with no listed property present may still carry others (additionalProperties).
    return _OPAQUE if parameter.required and not deep else _ABSENT


def _flat_object(parameter: _Parameter, text: str, delimiter: str) -> Any:
    """`a,1,b,2`, or `a=1,b=2` where exploded (headers and paths): a flat object's properties."""
    parts = text.split(delimiter)
    if parameter.explode:
        pairs = [part.partition("=") for part in parts]
        if any(not separator for _, separator, _ in pairs):
            return _OPAQUE
        items = [(name, value) for name, _, value in pairs]
    else:
        if len(parts) % 2:
            return _OPAQUE
        items = list(zip(parts[::2], parts[1::2], strict=True))
    return {name: _scalar(value, parameter.properties.get(name, {})) for name, value in items}


def _is_object(schema: Mapping[str, Any]) -> bool:
    return _is(schema, "object") or ("type" not in schema and "properties" in schema)


def _multi(items: list[tuple[str, str]]) -> dict[str, list[str]]:
    values: dict[str, list[str]] = {}
    for name, value in items:
        values.setdefault(name, []).append(value)
    return values


def _coerce(raw: list[str], schema: Mapping[str, Any]) -> Any:
    """A parameter's wire strings read as its schema's type; what does not parse stays a string and fails."""
    kinds = schema.get("type")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    if "array" in kinds:
        return [_scalar(value, _items(schema)) for value in raw]
    if len(raw) != 1:
        return raw
    return _scalar(raw[0], schema)


def _kinds(schema: Mapping[str, Any]) -> list[Any]:
    """The types a value may take: its own, or its `anyOf`/`oneOf` branches' (`404` or `"failed"`)."""
    kinds = schema.get("type")
    found = list(kinds) if isinstance(kinds, list) else [kinds]
    for keyword in ("anyOf", "oneOf"):
        branches = schema.get(keyword)
        for branch in branches if isinstance(branches, list) else []:
            found += _kinds(branch) if isinstance(branch, Mapping) else []
    return found


def _is(schema: Mapping[str, Any], kind: str) -> bool:
    kinds = schema.get("type")
    return kinds == kind or (isinstance(kinds, list) and kind in kinds)


def _items(schema: Mapping[str, Any]) -> Mapping[str, Any]:
    items = schema.get("items")
    return items if isinstance(items, Mapping) else {}


def _scalar(value: str, schema: Mapping[str, Any]) -> Any:
    kinds = _kinds(schema)
    if "integer" in kinds and _INTEGER.fullmatch(value):
        return int(value)
    if "number" in kinds and _NUMBER.fullmatch(value):
        number = float(value)
        return int(number) if number.is_integer() and "e" not in value.lower() and "." not in value else number
    if "boolean" in kinds and value in _BOOLEANS:
        return _BOOLEANS[value]
    if "null" in kinds and value == "null":
        return None
    return value


def _decode(media_type: str, content_type: str, raw: bytes, fields: Mapping[str, Mapping[str, Any]]) -> Any:
    if media_type == "application/json" or media_type.endswith("+json"):
        try:
            return json.loads(raw)
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ValueError(str(exc)) from None
    if media_type == "application/x-www-form-urlencoded":
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ValueError(str(exc)) from None
        return _form(parse_qsl(text, keep_blank_values=True), fields)
    if media_type == "multipart/form-data":
        return _form(_multipart(content_type, raw) if raw.strip() else [], fields)
    return raw.decode("utf-8", errors="replace")


def _form(pairs: list[tuple[str, str]], fields: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """Form fields as the body schema types them, since a form carries text only.

    `true` is a boolean where the property is one, and repeated names an array only where it wants one.
    """
    values: dict[str, Any] = {}
    for name, text in pairs:
        schema = fields.get(name, {})
        if _is(schema, "array"):
            values.setdefault(name, []).append(_scalar(text, _items(schema)))
            continue
        value = _scalar(text, schema)
        if name in values:
            previous = values[name]
            values[name] = [*previous, value] if isinstance(previous, list) else [previous, value]
        else:
            values[name] = value
    return values


def _multipart(content_type: str, raw: bytes) -> list[tuple[str, str]]:
    """The named parts of a multipart/form-data body (RFC 7578); files are read as text, which is all we keep."""
    match = _BOUNDARY.search(content_type)
    if match is None:
        raise ValueError("multipart body without a boundary")
    delimiter = b"--" + match.group(1).strip('"').encode("latin-1")
    sections = raw.split(delimiter)
    if len(sections) < 2 or not sections[-1].startswith(b"--"):  # noqa: PLR2004 - preamble and the closing part
        raise ValueError("the closing boundary is missing")
    pairs = []
    for section in sections[1:-1]:
        head, separator, content = section.removeprefix(b"\r\n").partition(b"\r\n\r\n")
        if not separator:
            raise ValueError("a part without headers")
        disposition = email.message_from_bytes(head + b"\r\n\r\n", policy=email.policy.HTTP)
        name = disposition.get_param("name", header="content-disposition")
        if not isinstance(name, str):
            raise ValueError("a part without a name")  # noqa: TRY004 - a malformed body, read as ValueError
        pairs.append((name, content.removesuffix(b"\r\n").decode("utf-8", errors="replace")))
    return pairs


def _where(path: Any) -> str:
    return "".join(f"/{part}" for part in path)
