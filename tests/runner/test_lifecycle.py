"""Lifecycles: create, follow the job, read back, defaults, state machine; judged from the spec and HTTP alone."""

from __future__ import annotations

import itertools
from typing import Any
from urllib.parse import parse_qs

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from apiconform import ApiTarget, RunSettings, run
from apiconform.core.results import RunResult
from apiconform.core.vocabulary import CheckClass
from apiconform.runner.credentials import ClientCredentials, TokenSource
from apiconform.runner.lifecycle import creation as creation_module
from apiconform.runner.lifecycle.plan import creations, transitions
from apiconform.specs import SpecDocument, load_spec
from tests.fixtures.servers import serve

TOKEN = "lifecycle-token"
SPEC = """
openapi: 3.1.0
info: {title: lifecycle test API, version: "1"}
x-evidence: DOC
security: [{bearer: []}]
paths:
  /orders:
    post:
      operationId: createOrder
      x-status-codes-evidence: DOC
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: "#/components/schemas/OrderCreate"}
            example: {orders: [{ref: ord-1, amount: 12.5}]}
      responses:
        "202":
          description: queued
          content: {application/json: {schema: {type: object, properties: {job: {type: string}}}}}
          links:
            GetJob:
              operationId: getJob
              parameters: {id: "$response.body#/job"}
              x-poll:
                status: /state
                terminal: [DONE, FAILED]
                created: {operationId: getOrder, parameters: {id: "$response.body#/orderId"}}
        "400": {description: bad}
  /jobs/{id}:
    get:
      operationId: getJob
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      responses:
        "200":
          description: the job
          content: {application/json: {schema: {type: object}}}
        "404": {description: unknown}
  /orders/{id}:
    get:
      operationId: getOrder
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      responses:
        "200":
          description: the order
          content: {application/json: {schema: {type: object}}}
        "404": {description: unknown}
  /orders/{id}/hold:
    post:
      operationId: holdOrder
      x-status-codes-evidence: DOC
      x-transition: {status: /status, from: [OPEN, HELD], to: HELD}
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      responses: {"202": {description: held}, "404": {description: unknown}, "409": {description: conflict}}
  /orders/{id}/release:
    post:
      operationId: releaseOrder
      x-status-codes-evidence: DOC
      x-transition: {status: /status, from: [HELD, OPEN], to: OPEN}
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      responses: {"202": {description: released}, "404": {description: unknown}, "409": {description: conflict}}
  /orders/{id}/cancel:
    post:
      operationId: cancelOrder
      x-status-codes-evidence: DOC
      x-transition: {status: /status, from: [OPEN, HELD, CANCELLED], to: CANCELLED}
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      responses: {"202": {description: cancelled}, "404": {description: unknown}, "409": {description: conflict}}
components:
  securitySchemes:
    bearer: {type: http, scheme: bearer}
  schemas:
    OrderCreate:
      type: object
      properties:
        orders:
          type: array
          items:
            type: object
            properties:
              ref: {type: string, x-unique: true}
              amount: {type: number}
              priority: {type: string, default: normal}
"""
MOVES = {"hold": ({"OPEN", "HELD"}, "HELD"), "release": ({"HELD", "OPEN"}, "OPEN"), "cancel": (set(), "CANCELLED")}


def _app(faults: set[str]) -> Starlette:  # noqa: C901 - one small app with a switch per fault reads best whole
    orders: dict[str, dict[str, Any]] = {"o-real": {"id": "o-real", "ref": "vendor-owned", "status": "OPEN"}}
    reads: list[str] = []
    jobs: dict[str, dict[str, Any]] = {}
    counter = itertools.count(1)

    async def create(request: Request) -> JSONResponse:
        if request.headers.get("authorization") != f"Bearer {TOKEN}":
            return JSONResponse({}, status_code=401)
        try:
            item = dict((await request.json())["orders"][0])
            item["ref"] = str(item["ref"])
        except (ValueError, KeyError, IndexError, TypeError):
            return JSONResponse({"error": "bad body"}, status_code=400)
        if any(order["ref"] == item["ref"] for order in orders.values()):
            return JSONResponse({"error": "duplicate ref"}, status_code=400)
        order_id = f"o{next(counter)}"
        default = "urgent" if "wrong-default" in faults else "normal"
        item.setdefault("priority", default)
        if "lose-amount" in faults:
            item["amount"] = 0
        orders[order_id] = {**item, "id": order_id, "status": "OPEN"}
        jobs[order_id] = {"state": "QUEUED", "polls": 0, "orderId": order_id}
        return JSONResponse({"job": order_id}, status_code=202)

    async def job(request: Request) -> JSONResponse:
        found = jobs.get(request.path_params["id"])
        if found is None:
            return JSONResponse({}, status_code=404)
        found["polls"] += 1
        if "job-fails" in faults:
            return JSONResponse({"state": "FAILED"})
        if found["polls"] >= 2 and "stuck-job" not in faults:
            found["state"] = "DONE"
        return JSONResponse({key: value for key, value in found.items() if key != "polls"})

    async def order(request: Request) -> JSONResponse:
        reads.append(request.path_params["id"])
        found = orders.get(request.path_params["id"])
        return JSONResponse(found or {}, status_code=200 if found else 404)

    def move(action: str) -> Any:
        async def endpoint(request: Request) -> Response:
            found = orders.get(request.path_params["id"])
            if found is None:
                return JSONResponse({}, status_code=404)
            allowed, target = MOVES[action]
            if action == "cancel":
                allowed = {"OPEN", "HELD", "CANCELLED"}
            if "release-cancelled" in faults and action == "release" and found["status"] == "CANCELLED":
                allowed = allowed | {"CANCELLED"}
            if "refuse-hold" in faults and action == "hold":
                allowed = set()
            if found["status"] not in allowed:
                return JSONResponse({}, status_code=418 if "teapot-refusal" in faults else 409)
            found["status"] = target
            return Response(status_code=202)

        return endpoint

    app = Starlette(
        routes=[
            Route("/orders", create, methods=["POST"]),
            Route("/jobs/{id}", job),
            Route("/orders/{id}", order),
            *(Route(f"/orders/{{id}}/{action}", move(action), methods=["POST"]) for action in MOVES),
        ]
    )
    app.state.orders = orders
    app.state.reads = reads
    return app


@pytest.fixture(scope="module")
def spec(tmp_path_factory: pytest.TempPathFactory) -> SpecDocument:
    path = tmp_path_factory.mktemp("spec") / "openapi.yaml"
    path.write_text(SPEC, encoding="utf-8")
    return load_spec(path)


def _lifecycle(
    spec: SpecDocument, faults: set[str], *, allow_writes: bool = True
) -> tuple[list[dict[str, Any]], RunResult, dict[str, Any]]:
    app = _app(faults)
    with serve(app) as url:
        api = ApiTarget(spec=spec, base_url=url, token=TOKEN, allow_writes=allow_writes)
        result = run(RunSettings(apis=[api], target_name="test", max_examples=1))
    found = [finding.to_dict() for finding in result.findings if finding.source in {"lifecycle", "default_on_create"}]
    return found, result, dict(app.state.orders)


CASES = [
    # No spec states how long a job may take: a job still queued when the budget ends is a warning.
    ("stuck-job", CheckClass.STATEFUL, "POST /orders", "never reached a terminal status", "warning"),
    ("wrong-default", CheckClass.DEFAULT, "POST /orders", "Default of 'priority' not applied", "failure"),
    ("lose-amount", CheckClass.STATEFUL, "POST /orders", "'amount' read back differs", "failure"),
    (
        "release-cancelled",
        CheckClass.STATEFUL,
        "POST /orders/{id}/release",
        "illegal transition was accepted",
        "failure",
    ),
    ("refuse-hold", CheckClass.STATEFUL, "POST /orders/{id}/hold", "allowed transition was refused", "failure"),
    ("teapot-refusal", CheckClass.STATUS_CODE, "POST /orders/{id}/hold", "illegal transition answered 418", "failure"),
]


class TestPlan:
    def test_reads_creations_and_transitions_from_the_spec(self, spec: SpecDocument) -> None:
        """The create, its poll link and its readback, and each transition with the GET that reads it back."""
        (creation,) = creations(spec)
        assert creation.poll is not None
        assert creation.poll.operation.operation_id == "getJob"
        assert creation.poll.created is not None
        assert creation.poll.created.operation.operation_id == "getOrder"
        assert {rule.operation.operation_id: rule.read.operation_id for rule in transitions(spec)} == {
            "holdOrder": "getOrder",
            "releaseOrder": "getOrder",
            "cancelOrder": "getOrder",
        }


class TestLifecycle:
    def test_clean_target_has_no_lifecycle_findings(self, spec: SpecDocument) -> None:
        """A target that settles, stores, defaults and moves as documented gets nothing, and every step ran."""
        found, result, created = _lifecycle(spec, set())
        # The lifecycle's own: the example with a run tag, once whole and once without its defaulted field.
        tagged = [order for order in created.values() if order["ref"].startswith("ord-1-ac")]
        assert len(tagged) == 2, created
        assert found == []
        checks = {outcome.operation: outcome.checks_run for outcome in result.operations}
        assert CheckClass.DEFAULT in checks["POST /orders"]
        assert all(CheckClass.STATEFUL in checks[f"POST /orders/{{id}}/{action}"] for action in MOVES)

    def test_read_only_target_is_never_written(self, spec: SpecDocument) -> None:
        """Without allow-writes no lifecycle runs: nothing is created, nothing is moved."""
        found, result, created = _lifecycle(spec, {"stuck-job"}, allow_writes=False)
        assert found == []
        assert set(created) == {"o-real"}  # only what the server was seeded with
        assert all(outcome.skip_reason for outcome in result.operations if outcome.operation.startswith("POST"))

    def test_unfollowable_link_never_reaches_a_known_resource(self, spec: SpecDocument) -> None:
        """A failed job names no order: the run says so, and never reads or moves the target's real one."""
        app = _app({"job-fails"})
        with serve(app) as url:
            api = ApiTarget(spec=spec, base_url=url, token=TOKEN, allow_writes=True, params={"id": ["o-real"]})
            result = run(
                RunSettings(apis=[api], target_name="test", max_examples=1, include=frozenset({"POST /orders"}))
            )
        titles = [finding.title for finding in result.findings if finding.source == "lifecycle"]
        assert titles == ["The created resource is not named in the answer"]
        assert "o-real" not in app.state.reads
        assert app.state.orders["o-real"]["status"] == "OPEN"

    def test_shards_walk_the_lifecycle_once(self, spec: SpecDocument) -> None:
        """With the create in one shard and the actions split over both, the walk still happens, once."""
        found = []
        with serve(_app({"release-cancelled"})) as url:
            api = ApiTarget(spec=spec, base_url=url, token=TOKEN, allow_writes=True)
            for index in (1, 2):
                result = run(RunSettings(apis=[api], target_name="test", max_examples=1, shard=(index, 2)))
                found += [finding.title for finding in result.findings if finding.source == "lifecycle"]
        assert [title for title in found if "illegal transition was accepted" in title] == [
            "An illegal transition was accepted (202)"
        ]

    @pytest.mark.parametrize(
        ("fault", "check", "operation", "title", "severity"), CASES, ids=[case[0] for case in CASES]
    )
    def test_fault_is_found(
        self,
        spec: SpecDocument,
        fault: str,
        check: CheckClass,
        operation: str,
        title: str,
        severity: str,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        """Each broken lifecycle gives a finding of its check class on its operation, at its severity, with curl."""
        monkeypatch.setattr(creation_module, "POLL_SECONDS", 1.0)  # a stuck job is given up on sooner
        found, _, _ = _lifecycle(spec, {fault})
        matching = [
            finding
            for finding in found
            if finding["check"] == check.value and finding["operation"] == operation and title in finding["title"]
        ]
        assert matching, found
        assert all(finding["severity"] == severity and finding["curl"].startswith("curl ") for finding in matching)
        assert all(TOKEN not in finding["curl"] for finding in found)

    def test_refusal_rests_on_the_transition_rule(self, tmp_path_factory: pytest.TempPathFactory) -> None:
        """An unlisted refusal of an inferred transition is a warning, however complete the status list."""
        inferred = SPEC.replace(
            "x-transition: {status: /status, from: [OPEN, HELD], to: HELD}",
            "x-transition: {status: /status, from: [OPEN, HELD], to: HELD, x-evidence: INFERRED}",
        )
        assert inferred != SPEC
        path = tmp_path_factory.mktemp("inferred") / "openapi.yaml"
        path.write_text(inferred, encoding="utf-8")
        found, _, _ = _lifecycle(load_spec(path), {"teapot-refusal"})
        refusals = {
            (finding["operation"], finding["check"], finding["severity"])
            for finding in found
            if "illegal transition answered 418" in finding["title"]
        }
        # Release's rule stays documented, so its unlisted refusal still fails: only the rule decides.
        assert refusals == {
            ("POST /orders/{id}/hold", "status_code", "warning"),
            ("POST /orders/{id}/release", "status_code", "failure"),
        }


TOKEN_SPEC = """
openapi: 3.1.0
info: {title: token test API, version: "1"}
x-evidence: DOC
paths:
  /token:
    post:
      operationId: issue
      security: []
      x-token: {role: issue}
      requestBody:
        required: true
        content: {application/x-www-form-urlencoded: {schema: {type: object}}}
      responses:
        "200": {description: a token, content: {application/json: {schema: {type: object}}}}
        "400": {description: bad}
        "401": {description: bad client}
  /refresh:
    post:
      operationId: refresh
      security: []
      x-token: {role: refresh, field: refresh_token}
      requestBody:
        required: true
        content: {application/x-www-form-urlencoded: {schema: {type: object}}}
      responses:
        "200": {description: a new token, content: {application/json: {schema: {type: object}}}}
        "400": {description: bad}
        "401": {description: bad token}
  /verify:
    get:
      operationId: verify
      security: [{bearer: []}]
      x-token: {role: verify}
      responses:
        "200": {description: valid, content: {application/json: {schema: {type: object}}}}
        "401": {description: invalid}
components:
  securitySchemes:
    bearer: {type: http, scheme: bearer}
"""
CLIENT_ID, CLIENT_SECRET = "lifecycle-client", "lifecycle-client-secret-0123456789"


async def _form(request: Request) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs((await request.body()).decode(errors="replace")).items()}


def _token_app(faults: set[str]) -> Starlette:
    issued: set[str] = set()
    counter = itertools.count(1)

    def token() -> JSONResponse:
        value = f"tok-{next(counter)}-{'x' * 24}"
        issued.add(value)
        return JSONResponse({"access_token": value, "token_type": "Bearer", "expires_in": 3600})

    async def issue(request: Request) -> JSONResponse:
        form = await _form(request)
        if (form.get("client_id"), form.get("client_secret")) != (CLIENT_ID, CLIENT_SECRET):
            return JSONResponse({"error": "invalid_client"}, status_code=401)
        return token()

    async def refresh(request: Request) -> JSONResponse:
        form = await _form(request)
        if form.get("refresh_token") not in issued:
            return JSONResponse({"error": "invalid_grant"}, status_code=401)
        if "refresh-gives-nothing" in faults:
            return JSONResponse({})
        fresh = token()
        if "refreshed-not-valid" in faults:
            issued.clear()
        return fresh

    async def verify(request: Request) -> JSONResponse:
        credential = request.headers.get("authorization", "").removeprefix("Bearer ")
        return JSONResponse({"active": True}) if credential in issued else JSONResponse({}, status_code=401)

    return Starlette(
        routes=[
            Route("/token", issue, methods=["POST"]),
            Route("/refresh", refresh, methods=["POST"]),
            Route("/verify", verify),
        ]
    )


TOKEN_CASES = [
    ("refresh-gives-nothing", "POST /refresh", "Token refresh gave no token"),
    ("refreshed-not-valid", "GET /verify", "A just refreshed token does not verify"),
]


@pytest.fixture(scope="module")
def token_spec(tmp_path_factory: pytest.TempPathFactory) -> SpecDocument:
    path = tmp_path_factory.mktemp("token-spec") / "openapi.yaml"
    path.write_text(TOKEN_SPEC, encoding="utf-8")
    return load_spec(path)


class TestTokenLifecycle:
    def _findings(self, spec: SpecDocument, faults: set[str]) -> tuple[list[dict[str, Any]], RunResult]:
        with serve(_token_app(faults)) as url:
            source = TokenSource(
                ClientCredentials(token_url=f"{url}/token", client_id=CLIENT_ID, client_secret=CLIENT_SECRET)
            )
            api = ApiTarget(spec=spec, base_url=url, token_source=source, allow_writes=True)
            result = run(RunSettings(apis=[api], target_name="test", max_examples=1))
        return [finding.to_dict() for finding in result.findings if finding.source == "token_lifecycle"], result

    def test_clean_issuer(self, token_spec: SpecDocument) -> None:
        """Issue, verify, refresh and verify again all pass."""
        found, result = self._findings(token_spec, set())
        assert found == []
        checks = {outcome.operation: outcome.checks_run for outcome in result.operations}
        assert all(CheckClass.STATEFUL in checks[label] for label in ("POST /token", "POST /refresh", "GET /verify"))

    @pytest.mark.parametrize(("fault", "operation", "title"), TOKEN_CASES, ids=[case[0] for case in TOKEN_CASES])
    def test_fault_is_found(self, token_spec: SpecDocument, fault: str, operation: str, title: str) -> None:
        found, _ = self._findings(token_spec, {fault})
        assert [finding["operation"] for finding in found if title in finding["title"]] == [operation], found
        assert all(CLIENT_SECRET not in finding["curl"] and "tok-" not in finding["curl"] for finding in found)
