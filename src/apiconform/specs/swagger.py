"""Swagger 2.0 turned into OpenAPI 3.0 at load, so every later layer (and schemathesis) reads one dialect.

The mapping is the one the OpenAPI 3.0 specification implies: `definitions`, `parameters` and `responses`
move under `components` (with every `$ref` rewritten), `body` and `formData` parameters become a
`requestBody` whose media types come from `consumes`, a response `schema` becomes `content` for each
type in `produces`, `securityDefinitions` become `securitySchemes` (oauth2 flows renamed), and
`host`/`basePath`/`schemes` become `servers`. Swagger's `x-nullable` becomes `nullable`, `type: file`
a binary string.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["from_swagger"]

OPENAPI_VERSION = "3.0.3"
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch")
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
_REFS = {
    "#/definitions/": "#/components/schemas/",
    "#/parameters/": "#/components/parameters/",
    "#/responses/": "#/components/responses/",
}
# The keywords a Swagger parameter (or header) holds that belong in its OpenAPI 3 `schema`.
_SCHEMA_KEYS = frozenset(
    {
        "type",
        "format",
        "items",
        "default",
        "maximum",
        "exclusiveMaximum",
        "minimum",
        "exclusiveMinimum",
        "maxLength",
        "minLength",
        "pattern",
        "maxItems",
        "minItems",
        "uniqueItems",
        "enum",
        "multipleOf",
    }
)
_FLOWS = {
    "implicit": "implicit",
    "password": "password",
    "application": "clientCredentials",
    "accessCode": "authorizationCode",
}


def from_swagger(swagger: Mapping[str, Any]) -> dict[str, Any]:
    document = _schemas(swagger)
    consumes = list(document.get("consumes") or ["application/json"])
    produces = list(document.get("produces") or ["application/json"])
    parameters = document.get("parameters") or {}
    converted: dict[str, Any] = {"openapi": OPENAPI_VERSION, "info": document.get("info", {})}
    converted |= {
        key: value for key, value in document.items() if key.startswith("x-") or key in {"tags", "externalDocs"}
    }
    converted["servers"] = _servers(document)
    if "security" in document:
        converted["security"] = document["security"]
    converted["paths"] = {
        path: _path_item(item, parameters, consumes, produces) for path, item in (document.get("paths") or {}).items()
    }
    components: dict[str, Any] = {}
    if document.get("definitions"):
        components["schemas"] = document["definitions"]
    plain = {
        name: _parameter(param) for name, param in parameters.items() if param.get("in") not in {"body", "formData"}
    }
    if plain:
        components["parameters"] = plain
    if document.get("responses"):
        components["responses"] = {
            name: _response(response, produces) for name, response in document["responses"].items()
        }
    if document.get("securityDefinitions"):
        components["securitySchemes"] = {
            name: _security_scheme(scheme) for name, scheme in document["securityDefinitions"].items()
        }
    if components:
        converted["components"] = components
    return converted


def _schemas(node: Any) -> Any:
    """A deep copy with `$ref`s pointing into `components` and Swagger-only schema keywords translated."""
    if isinstance(node, list):
        return [_schemas(value) for value in node]
    if not isinstance(node, Mapping):
        return node
    copied = {str(key): _schemas(value) for key, value in node.items()}
    ref = copied.get("$ref")
    if isinstance(ref, str):
        copied["$ref"] = next((new + ref[len(old) :] for old, new in _REFS.items() if ref.startswith(old)), ref)
    if "x-nullable" in copied and isinstance(copied["x-nullable"], bool):
        copied["nullable"] = copied.pop("x-nullable")
    if copied.get("type") == "file":
        copied["type"] = "string"
        copied["format"] = "binary"
    if isinstance(copied.get("discriminator"), str):
        copied["discriminator"] = {"propertyName": copied["discriminator"]}
    return copied


def _servers(document: Mapping[str, Any]) -> list[dict[str, str]]:
    base_path = str(document.get("basePath") or "")
    host = document.get("host")
    if not host:
        return [{"url": base_path or "/"}]
    return [{"url": f"{scheme}://{host}{base_path}"} for scheme in document.get("schemes") or ["https"]]


def _path_item(
    item: Mapping[str, Any], shared: Mapping[str, Any], consumes: list[str], produces: list[str]
) -> dict[str, Any]:
    converted = {key: value for key, value in item.items() if key not in {*HTTP_METHODS, "parameters"}}
    inherited = list(item.get("parameters") or [])
    for method in HTTP_METHODS:
        if isinstance(item.get(method), Mapping):
            converted[method] = _operation(item[method], inherited, shared, consumes, produces)
    return converted


def _operation(
    operation: Mapping[str, Any],
    inherited: list[Any],
    shared: Mapping[str, Any],
    consumes: list[str],
    produces: list[str],
) -> dict[str, Any]:
    own_consumes = list(operation.get("consumes") or consumes)
    own_produces = list(operation.get("produces") or produces)
    converted = {
        key: value for key, value in operation.items() if key not in {"parameters", "consumes", "produces", "schemes"}
    }
    resolved = [
        (param, _resolve(param, shared)) for param in _merged(inherited, operation.get("parameters") or [], shared)
    ]
    parameters = [
        param if "$ref" in param else _parameter(param)
        for param, definition in resolved
        if definition.get("in") not in {"body", "formData"}
    ]
    if parameters:
        converted["parameters"] = parameters
    body = next((definition for _, definition in resolved if definition.get("in") == "body"), None)
    form = [definition for _, definition in resolved if definition.get("in") == "formData"]
    if body is not None:
        converted["requestBody"] = _body(body, own_consumes)
    elif form:
        converted["requestBody"] = _form(form, own_consumes)
    converted["responses"] = {
        str(status): response if "$ref" in response else _response(response, own_produces)
        for status, response in (operation.get("responses") or {}).items()
    }
    return converted


def _merged(inherited: list[Any], own: list[Any], shared: Mapping[str, Any]) -> list[Any]:
    """Path-item parameters apply unless the operation redefines the same name and location."""
    names = {(_resolve(param, shared).get("name"), _resolve(param, shared).get("in")) for param in own}
    kept = [
        param
        for param in inherited
        if (_resolve(param, shared).get("name"), _resolve(param, shared).get("in")) not in names
    ]
    return [*kept, *own]


def _resolve(param: Mapping[str, Any], shared: Mapping[str, Any]) -> Mapping[str, Any]:
    ref = param.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/components/parameters/"):
        found = shared.get(ref.removeprefix("#/components/parameters/"))
        return found if isinstance(found, Mapping) else {}
    return param


def _parameter(param: Mapping[str, Any]) -> dict[str, Any]:
    converted = {key: value for key, value in param.items() if key not in _SCHEMA_KEYS and key != "collectionFormat"}
    schema = {key: value for key, value in param.items() if key in _SCHEMA_KEYS}
    converted["schema"] = schema
    if "example" in param:
        converted["example"] = param["example"]
    fmt = param.get("collectionFormat")
    if schema.get("type") == "array" and fmt:
        converted["style"] = {"ssv": "spaceDelimited", "pipes": "pipeDelimited"}.get(
            fmt, "form" if param.get("in") in {"query", "cookie"} else "simple"
        )
        converted["explode"] = fmt == "multi"
    return converted


def _body(param: Mapping[str, Any], consumes: list[str]) -> dict[str, Any]:
    schema = param.get("schema", {})
    body: dict[str, Any] = {"content": {media: {"schema": schema} for media in consumes}}
    if param.get("required"):
        body["required"] = True
    if "description" in param:
        body["description"] = param["description"]
    return body


def _form(params: list[Mapping[str, Any]], consumes: list[str]) -> dict[str, Any]:
    properties = {str(param["name"]): _parameter(param)["schema"] | _described(param) for param in params}
    schema: dict[str, Any] = {"type": "object", "properties": properties}
    required = [str(param["name"]) for param in params if param.get("required")]
    if required:
        schema["required"] = required
    media_types = [media for media in consumes if media in FORM_TYPES]
    if not media_types:
        has_file = any(prop.get("format") == "binary" for prop in properties.values())
        media_types = [FORM_TYPES[1] if has_file else FORM_TYPES[0]]
    body: dict[str, Any] = {"content": {media: {"schema": schema} for media in media_types}}
    if required:
        body["required"] = True
    return body


def _described(param: Mapping[str, Any]) -> dict[str, Any]:
    return {"description": param["description"]} if "description" in param else {}


def _response(response: Mapping[str, Any], produces: list[str]) -> dict[str, Any]:
    converted: dict[str, Any] = {"description": response.get("description", "")}
    converted |= {key: value for key, value in response.items() if key.startswith("x-")}
    examples = response.get("examples") or {}
    if "schema" in response:
        converted["content"] = {
            media: {"schema": response["schema"]} | ({"example": examples[media]} if media in examples else {})
            for media in produces
        }
    if response.get("headers"):
        converted["headers"] = {
            name: {"schema": {key: value for key, value in header.items() if key in _SCHEMA_KEYS}} | _described(header)
            for name, header in response["headers"].items()
        }
    return converted


def _security_scheme(scheme: Mapping[str, Any]) -> dict[str, Any]:
    kind = scheme.get("type")
    described = _described(scheme)
    if kind == "basic":
        return {"type": "http", "scheme": "basic"} | described
    if kind == "oauth2":
        flow: dict[str, Any] = {"scopes": scheme.get("scopes") or {}}
        for key in ("authorizationUrl", "tokenUrl"):
            if key in scheme:
                flow[key] = scheme[key]
        return {"type": "oauth2", "flows": {_FLOWS.get(str(scheme.get("flow")), "implicit"): flow}} | described
    return dict(scheme)
