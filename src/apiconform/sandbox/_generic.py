"""Any document served: the documented success with a body that fits its schema, errors as documented.

For a document no vendor module implements (Stripe, Xero, a user's own `openapi.json`), every operation
answers its lowest documented 2xx with the document's example where one fits, else a generated instance
(`_instances.py`). Each path parameter has one known value (an instance of its schema, published as the
API's known ids); another value answers 404 where the operation documents a 404, as a real server's
unknown id would. Error answers (401, 400, 404) carry a body that fits the status's documented schema
(or the `default` response's), so a conformant run sees a conformant server.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from apiconform.sandbox._app import Handler, SandboxContext, VendorApi
from apiconform.sandbox._instances import Instances
from apiconform.sandbox._storage import Store
from apiconform.specs.document import SpecDocument
from apiconform.specs.model import Operation, is_json
from apiconform.specs.schema import Schema

__all__ = ["generic_api"]

UNKNOWN = 404
NO_CONTENT = 204
BAD_REQUEST = 400
_JSON = "application/json"


@dataclass(frozen=True, slots=True)
class _Answer:
    status: int
    media_type: str | None
    body: bytes
    schema: Schema | None = None


def generic_api(spec: SpecDocument) -> VendorApi:
    instances = Instances(spec.contract)
    known = {operation.label: _known_path(operation, instances) for operation in spec.operations}
    errors: dict[tuple[str, int], _Answer | None] = {}

    def known_params(_: Store) -> dict[str, dict[str, list[str]]]:
        return {label: {name: [value] for name, value in values.items()} for label, values in known.items() if values}

    def responder(operation: Operation) -> Handler:
        return _responder(operation, instances, known[operation.label])

    def error_body(operation: Operation, status: int) -> tuple[bytes, str] | None:
        key = (operation.label, status)
        if key not in errors:
            errors[key] = _answer(operation, instances, status)
        answer = errors[key]
        if answer is None or answer.media_type is None:
            return None
        return answer.body, answer.media_type

    return VendorApi(
        spec_name=spec.name,
        handlers={},
        seed=lambda _: None,
        known_params=known_params,
        responder=responder,
        error_body=error_body,
    )


def _responder(operation: Operation, instances: Instances, known: dict[str, str]) -> Handler:
    """Bodies are built on the first request, so a 400-operation document starts in a moment."""
    built: dict[str, _Answer | None] = {}

    def answer(kind: str) -> _Answer | None:
        if kind not in built:
            status = _success_status(operation) if kind == "success" else UNKNOWN
            built[kind] = _answer(operation, instances, status)
        return built[kind]

    async def respond(request: Request, _: SandboxContext) -> Response:
        chosen = answer("success") or _Answer(_success_status(operation), None, b"")
        if str(UNKNOWN) in operation.responses and any(
            request.path_params.get(name) != value for name, value in known.items()
        ):
            chosen = answer("missing") or chosen
        if chosen.media_type is None:
            return Response(status_code=chosen.status)
        body = chosen.body
        if chosen.status < BAD_REQUEST:
            named = _naming(chosen.body, dict(request.path_params))
            # A value the field cannot take (2.5 for an integer id) leaves the body as built: valid first.
            schema = chosen.schema
            if named != body and (schema is None or instances.contract.validators.is_valid(schema, json.loads(named))):
                body = named
        return Response(body, status_code=chosen.status, media_type=chosen.media_type)

    return respond


def _naming(body: bytes, requested: dict[str, str]) -> bytes:
    """A read of one resource describes that resource: fields named for a path parameter carry the value asked for.

    `id` stands for the last parameter when that names an id, as the identity check reads a document.
    """
    if not requested or not body.startswith(b"{"):
        return body
    instance = json.loads(body)
    last = list(requested)[-1]
    for node in (instance, instance.get("data")):
        if not isinstance(node, dict):
            continue
        for field, current in node.items():
            name = last if field == "id" and last.lower().endswith("id") else field
            if name in requested and not isinstance(current, dict | list | bool):
                node[field] = _typed(requested[name], current)
    return json.dumps(instance).encode()


def _typed(value: str, like: Any) -> Any:
    if isinstance(like, int | float) and not isinstance(like, bool):
        try:
            number = float(value)
        except ValueError:
            return like
        return int(number) if number.is_integer() and "e" not in value.lower() else number
    return value if isinstance(like, str) else like


def _success_status(operation: Operation) -> int:
    """The lowest documented 2xx; an operation documenting none (Petstore's `DELETE /pet/{petId}`) its first status."""
    codes = sorted(int(code) for code in operation.responses if code.isdigit())
    successes = [code for code in codes if 200 <= code < 300]  # noqa: PLR2004 - the 2xx class
    return successes[0] if successes else (codes[0] if codes else 200)


def _answer(operation: Operation, instances: Instances, status: int) -> _Answer | None:
    """The documented response for `status` (or its `NXX` range, or `default`), with a body that fits it."""
    response = operation.response(status)
    if response is None:
        return None
    if status == NO_CONTENT or not response.content:
        return _Answer(status, None, b"")
    media = next((media for media in response.content.values() if _jsonish(media.name)), None)
    if media is None:
        first = next(iter(response.content))
        return _Answer(status, first.replace("*", "x") if "*" in first else first, b"")
    examples = [media.raw["example"]] if "example" in media.raw else []
    examples += list(media.examples.values())
    body = instances.of(media.schema, examples)
    return _Answer(status, _JSON if "*" in media.name else media.name, json.dumps(body).encode(), media.schema)


def _known_path(operation: Operation, instances: Instances) -> dict[str, str]:
    """One value per path parameter: the one this sandbox has a resource for."""
    known = {}
    for parameter in operation.parameters:
        if parameter.location != "path":
            continue
        examples = [parameter.raw["example"]] if "example" in parameter.raw else []
        known[parameter.name] = _wire(instances.of(parameter.schema, examples))
    return known


def _wire(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if value is None:
        return "null"
    return str(value)


def _jsonish(media: str) -> bool:
    essence = media.split(";", 1)[0].strip().lower()
    return is_json(essence) or essence in {"*/*", "application/*"}
