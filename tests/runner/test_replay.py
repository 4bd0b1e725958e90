"""No request that tests nothing new: identical reads are answered from the answer already judged, one probe a host.

A real server on loopback records every request it gets; the run must never send it the same read twice
with nothing written in between, and the run's request count must be what the server received.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route

from apiconform import ApiTarget, RunSettings, run
from apiconform.core.vocabulary import CheckClass
from apiconform.specs import SpecDocument, load_spec
from tests.fixtures.servers import serve

TOKEN = "replay-token"
KNOWN = ("it-1", "it-2", "it-3")
SPEC = """
openapi: 3.1.0
info: {title: replay test API, version: "1"}
x-evidence: DOC
security: [{bearer: []}]
paths:
  /items/{id}:
    get:
      operationId: getItem
      x-status-codes-evidence: DOC
      parameters:
        - {name: id, in: path, required: true, schema: {type: string, enum: [it-1, it-2, it-3, it-4]}}
      responses:
        "200":
          description: the item
          content:
            application/json:
              schema:
                type: object
                required: [id, size]
                properties: {id: {type: string}, size: {type: string, enum: [S, M, L]}}
        "401": {description: no token}
        "404": {description: no such item}
    delete:
      operationId: deleteItem
      x-status-codes-evidence: DOC
      parameters:
        - {name: id, in: path, required: true, schema: {type: string, enum: [it-1, it-2, it-3, it-4]}}
      responses:
        "204": {description: deleted}
        "401": {description: no token}
        "404": {description: no such item}
components:
  securitySchemes:
    bearer: {type: http, scheme: bearer}
"""


def _app(log: list[tuple[str, str, str]]) -> Starlette:
    items = {name: {"id": name, "size": "M"} for name in KNOWN}
    # A deviation on one item, so that judging a read answered again is seen to keep its finding.
    items["it-2"]["size"] = "XL"

    async def item(request: Request) -> Response:
        if request.headers.get("authorization") != f"Bearer {TOKEN}":
            return JSONResponse({"error": "no token"}, status_code=401)
        name = str(request.path_params["id"])
        if name not in items:
            return JSONResponse({"error": "not found"}, status_code=404)
        if request.method == "DELETE":
            return Response(status_code=204)  # stays readable: a delete that is answered but not done
        return JSONResponse(items[name])

    async def root(_: Request) -> Response:
        return JSONResponse({"error": "not found"}, status_code=404)

    routes = [Route("/items/{id}", item, methods=["GET", "DELETE"]), Route("/", root)]
    app = Starlette(routes=[Mount("/a", routes=routes), Mount("/b", routes=routes)])

    async def recording(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            headers = {name.decode().lower(): value.decode() for name, value in scope["headers"]}
            if "x-schemathesis-probe" not in headers:  # schemathesis's own probes of what the server accepts
                query = scope["query_string"].decode()
                log.append(
                    (scope["method"], scope["path"] + (f"?{query}" if query else ""), repr(sorted(headers.items())))
                )
        await app(scope, receive, send)

    return recording  # type: ignore[return-value] # an ASGI callable is all uvicorn needs


@pytest.fixture(scope="module")
def spec(tmp_path_factory: pytest.TempPathFactory) -> SpecDocument:
    path: Path = tmp_path_factory.mktemp("spec") / "openapi.yaml"
    path.write_text(SPEC, encoding="utf-8")
    return load_spec(path)


def _same_read_twice(log: list[tuple[str, str, str]]) -> list[tuple[str, str]]:
    """Reads the server got again with no answered write in between (test-case ids aside)."""
    seen: set[tuple[str, str, str]] = set()
    repeated = []
    for method, path, headers in log:
        if method not in {"GET", "HEAD"}:
            seen.clear()
            continue
        key = (method, path, _without_case_id(headers))
        if key in seen:
            repeated.append((method, path))
        seen.add(key)
    return repeated


def _without_case_id(headers: str) -> str:
    return "\n".join(part for part in headers.split("), (") if "x-schemathesis-testcaseid" not in part)


@pytest.mark.parametrize(
    ("allow_writes", "reads_only"), [(False, True), (True, False)], ids=["read-only-target", "writes-allowed"]
)
def test_no_read_is_sent_twice_and_every_request_is_counted(
    spec: SpecDocument, allow_writes: bool, reads_only: bool
) -> None:
    log: list[tuple[str, str, str]] = []
    with serve(_app(log)) as url:
        api = ApiTarget(
            spec=spec, base_url=f"{url}/a", token=TOKEN, params={"id": list(KNOWN)}, allow_writes=allow_writes
        )
        result = run(RunSettings(apis=[api], target_name="test", max_examples=25, seed=0))
    assert _same_read_twice(log) == []
    assert result.request_count == len(log)
    assert all(method in {"GET", "HEAD"} for method, _, _ in log) is reads_only
    # Every read was still judged: the deviating item is found, and the operation's checks ran.
    (finding,) = [finding for finding in result.findings if finding.check is CheckClass.ENUM]
    assert finding.operation == "GET /items/{id}"
    (read,) = [outcome for outcome in result.operations if outcome.operation == "GET /items/{id}"]
    assert read.requests > 0
    assert CheckClass.STATUS_CODE in read.checks_run


def test_one_probe_per_host(spec: SpecDocument) -> None:
    """Two APIs on one host: the host is probed once, at the first API's base URL."""
    log: list[tuple[str, str, str]] = []
    with serve(_app(log)) as url:
        apis = [ApiTarget(spec=spec, base_url=f"{url}/{name}", token=TOKEN) for name in ("a", "b")]
        run(RunSettings(apis=apis, target_name="test", max_examples=1, include=frozenset({"GET /items/{id}"})))
    probes = [path for _, path, headers in log if path in {"/a", "/b"} and "authorization" not in headers]
    assert probes == ["/a"]
