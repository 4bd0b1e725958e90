"""Scenarios: unknown ids, credential conditions and paging bounds, judged from the spec and HTTP alone."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from apiconform import ApiTarget, RunSettings, run
from apiconform.core.redaction import Redactor
from apiconform.core.vocabulary import CheckClass
from apiconform.runner.limits import RequestGate, RunLimits
from apiconform.runner.scenarios._kit import Sender
from apiconform.specs import SpecDocument, load_spec
from apiconform.specs.contract import Contract
from tests.fixtures.servers import serve

TOKEN = "valid-token-for-org-a"
OTHER = "valid-token-for-org-b"
EXPIRED = "expired-token-for-org-a"
ITEMS = [{"id": f"it-{index}", "kind": "A"} for index in range(12)]
SPEC = """
openapi: 3.1.0
info: {title: scenario test API, version: "1"}
x-evidence: DOC
x-status-codes-evidence: DOC
paths:
  /items:
    get:
      operationId: listItems
      x-evidence: DOC
      x-status-codes-evidence: DOC
      security: [{bearer: []}]
      parameters:
        - name: pagesize
          in: query
          x-evidence: DOC
          x-fallback: {below: 2, value: 4}
          schema: {type: integer, default: 3, maximum: 5}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {type: object, properties: {data: {type: array, items: {$ref: "#/components/schemas/Item"}}}}
        "400": {description: bad request, x-evidence: DOC}
        "401": {description: refused, x-evidence: DOC}
  /items/{id}:
    get:
      operationId: getItem
      x-evidence: DOC
      x-status-codes-evidence: DOC
      security: [{bearer: []}]
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      responses:
        "200":
          description: ok
          content: {application/json: {schema: {$ref: "#/components/schemas/Item"}}}
        "401": {description: refused, x-evidence: DOC}
        "403": {description: other organisation, x-evidence: DOC}
        "404": {description: unknown, x-evidence: DOC}
components:
  securitySchemes:
    bearer: {type: http, scheme: bearer, x-evidence: DOC}
  schemas:
    Item:
      type: object
      x-evidence: DOC
      required: [id, kind]
      properties:
        id: {type: string}
        kind: {type: string, enum: [A, B]}
"""


def _app(faults: set[str], seen: list[str] | None = None) -> Starlette:  # noqa: C901 - one app, a switch per fault
    seen = [] if seen is None else seen

    def authorised(request: Request) -> str | None:
        header = request.headers.get("authorization", "")
        if "accept-any-token" in faults and header.startswith("Bearer "):
            return TOKEN
        if header == f"Bearer {EXPIRED}" and "accept-expired" in faults:
            return TOKEN
        return {f"Bearer {TOKEN}": TOKEN, f"Bearer {OTHER}": OTHER}.get(header)

    async def get_item(request: Request) -> JSONResponse:
        seen.append(request.headers.get("authorization", ""))
        who = authorised(request)
        if who is None:
            # A token it does not know, refused as a bad request rather than as unauthorised.
            invalid = "invalid-token-400" in faults and bool(request.headers.get("authorization"))
            return JSONResponse({"error": "unauthorized"}, status_code=400 if invalid else 401)
        item = next((item for item in ITEMS if item["id"] == request.path_params["id"]), None)
        if item is None and "403-unknown" in faults:
            return JSONResponse({"error": "forbidden"}, status_code=403)
        if item is None and "other-item-unknown" in faults:
            return JSONResponse(ITEMS[0])
        if item is None:
            return JSONResponse(
                {"error": "boom"} if "500-unknown" in faults else {},
                status_code=500 if "500-unknown" in faults else 404,
            )
        if who == OTHER and "other-org-200" not in faults:
            return JSONResponse({"error": "forbidden"}, status_code=403)
        return JSONResponse(item)

    async def list_items(request: Request) -> JSONResponse:
        if authorised(request) is None:
            return JSONResponse({"error": "unauthorized"}, status_code=401)
        raw = request.query_params.get("pagesize")
        size = 3 if raw is None else int(raw) if raw.lstrip("-").isdigit() else None
        if size is None:
            return JSONResponse({"error": "bad"}, status_code=400)
        if raw is None and "ignore-default" in faults:
            size = 12
        if size < 2 and "no-fallback" not in faults:
            size = 4
        if "ignore-cap" not in faults:
            size = min(size, 5)
        return JSONResponse({"data": ITEMS[: max(size, 0)]})

    return Starlette(routes=[Route("/items", list_items), Route("/items/{id}", get_item)])


@pytest.fixture(scope="module")
def spec(tmp_path_factory: pytest.TempPathFactory) -> SpecDocument:
    path = tmp_path_factory.mktemp("spec") / "openapi.yaml"
    path.write_text(SPEC, encoding="utf-8")
    return load_spec(path)


def _findings(spec: SpecDocument, faults: set[str]) -> list[dict[str, Any]]:
    with serve(_app(faults)) as url:
        api = ApiTarget(
            spec=spec, base_url=url, token=TOKEN, params={"id": ["it-1"]}, expired_token=EXPIRED, other_token=OTHER
        )
        result = run(RunSettings(apis=[api], target_name="test", max_examples=3))
    return [finding.to_dict() for finding in result.findings if finding.phase == "scenario"]


CASES = [
    ("accept-expired", CheckClass.AUTH, "GET /items/{id}", "an expired token"),
    ("other-org-200", CheckClass.AUTH, "GET /items/{id}", "another organisation"),
    ("500-unknown", CheckClass.SERVER_ERROR, "GET /items/{id}", "unknown"),
    ("403-unknown", CheckClass.ERROR_CODE, "GET /items/{id}", "answered 403, not 404"),
    ("other-item-unknown", CheckClass.SCHEMA, "GET /items/{id}", "Another resource: /id"),
    ("ignore-default", CheckClass.DEFAULT, "GET /items", "Default pagesize=3"),
    ("ignore-cap", CheckClass.DEFAULT, "GET /items", "above its cap"),
    ("no-fallback", CheckClass.DEFAULT, "GET /items", "fall back"),
    # Judged on schemathesis's own invalid-credential probe, which this run does not repeat.
    ("invalid-token-400", CheckClass.ERROR_CODE, "GET /items/{id}", "refused with 400, not 401"),
]


class TestScenarios:
    def test_clean_target_has_no_scenario_findings(self, spec: SpecDocument) -> None:
        """A target that honours every documented condition gets no scenario finding."""
        assert _findings(spec, set()) == []

    @pytest.mark.parametrize(("fault", "check", "operation", "title"), CASES, ids=[case[0] for case in CASES])
    def test_fault_is_found(
        self, spec: SpecDocument, fault: str, check: CheckClass, operation: str, title: str
    ) -> None:
        """Each broken condition gives a DOC finding of its check class on its operation."""
        found = _findings(spec, {fault})
        matching = [
            finding
            for finding in found
            if finding["check"] == check.value and finding["operation"] == operation and title in finding["title"]
        ]
        assert matching, found
        assert all(finding["severity"] == "failure" for finding in matching)
        assert all(TOKEN not in finding["curl"] and OTHER not in finding["curl"] for finding in found)


def test_credential_probes_schemathesis_sent_are_judged_not_repeated(spec: SpecDocument) -> None:
    """schemathesis's ignored_auth asks each read once without credentials and once with an invalid one: so
    does the auth scenario, which judges those answers instead of sending its own malformed token again."""
    seen: list[str] = []
    with serve(_app(set(), seen)) as url:
        api = ApiTarget(spec=spec, base_url=url, token=TOKEN, params={"id": ["it-1"]}, expired_token=EXPIRED)
        result = run(RunSettings(apis=[api], target_name="test", max_examples=3))
    assert [finding for finding in result.findings if finding.phase == "scenario"] == []
    assert [header for header in seen if "SCHEMATHESIS-INVALID" in header]  # schemathesis asked
    assert [header for header in seen if "apiconform.malformed" in header] == []  # and was not asked again
    assert f"Bearer {EXPIRED}" in seen  # a question schemathesis does not ask is still sent


def test_sender_waits_out_a_busy_answer(spec: SpecDocument) -> None:
    """A 429 with Retry-After is retried through the gate, like schemathesis's own requests; the retry is counted."""
    calls: list[int] = []

    async def busy_once(_: Request) -> JSONResponse:
        calls.append(1)
        if len(calls) == 1:
            return JSONResponse({}, status_code=429, headers={"Retry-After": "0"})
        return JSONResponse(ITEMS[0])

    with serve(Starlette(routes=[Route("/items/{id}", busy_once)])) as url, httpx.Client() as client:
        api = ApiTarget(spec=spec, base_url=url, token=TOKEN)
        gate = RequestGate(RunLimits())
        operation = next(op for op in spec.operations if op.operation_id == "getItem")
        sender = Sender(api=api, operation=operation, client=client, redactor=Redactor([TOKEN]), gate=gate)
        exchange = sender.send({"id": "it-0"})
    assert (exchange.status, len(calls), gate.sent) == (200, 2, 2)


@pytest.mark.parametrize(
    ("schema", "fits"),
    [
        ({"type": "string"}, True),
        ({"type": "string", "format": "uuid"}, True),
        ({"type": "integer"}, True),
        ({"type": "number"}, True),
        ({"type": "string", "pattern": "^[0-9]{9}$"}, False),
    ],
    ids=["string", "uuid", "integer", "number", "pattern-refuses-the-stand-in"],
)
def test_exact_404_only_for_a_stand_in_the_schema_accepts(schema: dict[str, Any], fits: bool) -> None:
    """A stand-in id the parameter's schema refuses may rightly get 400, so only an accepted one demands 404."""
    from apiconform.runner.scenarios.unknown import _fits, unknown_value  # noqa: PLC0415 - the seam under test

    parameter = {"name": "id", "in": "path", "required": True, "schema": schema}
    document = {"openapi": "3.1.0", "paths": {"/items/{id}": {"get": {"parameters": [parameter], "responses": {}}}}}
    contract = Contract(document)
    operation = contract.operation("get", "/items/{id}")
    assert operation is not None
    [resolved] = operation.parameters
    assert _fits(contract.validators, resolved.schema, unknown_value(resolved.schema)) is fits
