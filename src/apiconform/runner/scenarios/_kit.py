"""What every scenario shares: building URLs from known values, sending through the gate, judging bodies."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlencode

import httpx

from apiconform.checks.body import body_violations
from apiconform.checks.identity import identity_violations
from apiconform.core.findings import Finding, ResponseSnapshot
from apiconform.core.redaction import Redactor
from apiconform.core.vocabulary import CheckClass, Evidence
from apiconform.runner.auth_answers import Condition, RecordedAnswer
from apiconform.runner.credentials import ACCESS_TOKEN_REFERENCE, Credential
from apiconform.runner.limits import RequestGate
from apiconform.runner.placement import Placement, apply, cookie_header, required_schemes
from apiconform.runner.settings import ApiTarget
from apiconform.specs.model import Operation, Parameter, Response

__all__ = ["READ_METHODS", "RUN_CREDENTIALS", "Exchange", "ScenarioOutcome", "Sender"]

READ_METHODS = frozenset({"get", "head"})
# `Sender.send(credential=RUN_CREDENTIALS)`: the credentials the run was given, where the operation needs them.
RUN_CREDENTIALS = "\x00run-credentials"


@dataclass(slots=True)
class ScenarioOutcome:
    requests: int = 0
    checks_run: set[CheckClass] = field(default_factory=set)
    findings: list[Finding] = field(default_factory=list)


@dataclass(frozen=True, slots=True, kw_only=True)
class Exchange:
    """One request and its response, with what a finding needs already redacted."""

    url: str
    response: httpx.Response
    curl: str
    snapshot: ResponseSnapshot

    @property
    def status(self) -> int:
        return self.response.status_code

    @property
    def succeeded(self) -> bool:
        return self.response.is_success


@dataclass(frozen=True, slots=True, kw_only=True)
class Sender:
    api: ApiTarget
    operation: Operation
    client: httpx.Client
    redactor: Redactor
    gate: RequestGate
    # Every response a scenario receives is observed like the engine's (statuses, enum values, fields).
    on_response: Callable[[Operation, int, str, bytes], None] = lambda *_: None
    # Every answer to a request that was meant to get through (not a deliberate probe): see runner/refusals.py.
    on_counted: Callable[[Operation, int], None] = lambda *_: None
    counted: bool = True
    # What schemathesis's own credential probes got for an operation (`runner/auth_answers.py`).
    recorded: Callable[[str, Condition], RecordedAnswer | None] = lambda *_: None

    @property
    def is_read(self) -> bool:
        return self.operation.method in READ_METHODS

    def path_parameters(self) -> list[Parameter]:
        return [parameter for parameter in self.operation.parameters if parameter.location == "path"]

    def known_value(self, name: str) -> str | None:
        values = self.api.known_values(self.operation.label, name)
        return values[0] if values else None

    def known_path(self) -> dict[str, Any] | None:
        """Path values that reach a real resource, or None when some parameter has no known value."""
        values = {}
        for parameter in self.path_parameters():
            value = self.known_value(parameter.name)
            if value is None:
                return None
            values[parameter.name] = value
        return values

    def documented(self, status: str) -> Response | None:
        return self.operation.responses.get(status)

    def response_evidence(self, status: str) -> Evidence:
        """How well a documented status is known; an undocumented one is our inference."""
        response = self.documented(status)
        return Evidence.INFERRED if response is None else response.evidence

    def placements(self) -> list[Placement]:
        """Where this operation's credentials travel; for a run without any, where its scheme would put one."""
        chosen = self.api.placements(self.operation.raw)
        if chosen:
            return chosen
        alternatives = required_schemes(self.api.spec.raw, self.operation.raw) or []
        return [
            Placement(scheme=scheme, credential=Credential(scheme=scheme.name))
            for scheme in next(iter(alternatives), [])
            if scheme.sendable
        ]

    def send(
        self,
        path_values: dict[str, Any],
        *,
        query: dict[str, Any] | None = None,
        credential: str | None = RUN_CREDENTIALS,
        body: Any = None,
        form: dict[str, str] | None = None,
    ) -> Exchange:
        """Send one request through the gate, with the run's credentials, none (`None`), or `credential`.

        A `credential` string travels where the operation's scheme puts its token, with the same prefix
        (`Token <credential>` for a `Token` apiKey); none removes every credential, including a target
        header that carries one.
        """
        # Values are escaped: an id with `/`, `..`, `?` or `#` must not reach another resource.
        escaped = {name: quote(str(value), safe="") for name, value in path_values.items()}
        url = self.api.base_url.rstrip("/") + self.operation.path.format_map(escaped)
        headers = {"Accept": "application/json"}
        headers |= {
            name: value
            for name, value in self.api.headers.items()
            if credential is not None or not self.redactor.is_secret_header(name)
        }
        params: dict[str, Any] = dict(query or {})
        content = None
        if body is not None:
            headers["Content-Type"], content = "application/json", json.dumps(body).encode()
        elif form is not None:
            headers["Content-Type"], content = "application/x-www-form-urlencoded", urlencode(form).encode()
        if credential is not None:
            self._place(credential, headers, params)
        # A 429 or 503 that says when to come back is waited out, as schemathesis's requests are (transport.py).
        attempt = 0
        while True:
            self.gate.acquire()
            response = self.client.request(
                self.operation.method.upper(), url, headers=headers, params=params or None, content=content
            )
            delay = self.gate.retry_delay(response.status_code, dict(response.headers), attempt)
            if delay is None:
                break
            self.gate.wait(delay)
            attempt += 1
        self.on_response(
            self.operation, response.status_code, response.headers.get("content-type", ""), response.content
        )
        if self.counted:
            self.on_counted(self.operation, response.status_code)
        full_url = str(response.request.url)
        snapshot = ResponseSnapshot.from_text(
            status=response.status_code,
            headers=self.redactor.headers(dict(response.headers)),
            text=self.redactor.text(response.text),
        )
        curl = self.redactor.curl(self.operation.method, full_url, headers, body=content)
        return Exchange(url=full_url, response=response, curl=curl, snapshot=snapshot)

    def replay(self, condition: Condition) -> Exchange | None:
        """Schemathesis's answer to the same question, judged here as if this scenario had asked it."""
        answer = self.recorded(self.operation.label, condition)
        if answer is None:
            return None
        request = httpx.Request(answer.method, answer.url, headers=answer.request_headers)
        response = httpx.Response(answer.status, headers=answer.headers, content=answer.body, request=request)
        snapshot = ResponseSnapshot.from_text(
            status=answer.status,
            headers=self.redactor.headers(answer.headers),
            text=self.redactor.text(response.text),
        )
        curl = self.redactor.curl(answer.method, answer.url, answer.request_headers)
        return Exchange(url=answer.url, response=response, curl=curl, snapshot=snapshot)

    def _place(self, credential: str, headers: dict[str, str], params: dict[str, Any]) -> None:
        cookies: dict[str, str] = {}
        real = credential == RUN_CREDENTIALS
        chosen = self.api.placements(self.operation.raw) if real else self.placements()
        apply(chosen, headers=headers, query=params, cookies=cookies, token=None if real else credential)
        for placement in chosen if real else ():
            source = placement.credential.source
            if source is not None:
                self.redactor.add(source.token(), reference=ACCESS_TOKEN_REFERENCE)
        if cookies:
            headers["Cookie"] = cookie_header(cookies)

    def finding(self, exchange: Exchange, *, source: str, **fields: Any) -> Finding:
        return Finding(
            api=self.api.spec.name,
            operation=self.operation.label,
            doc=fields.pop("doc", self.operation.doc),
            source=source,
            phase="scenario",
            curl=exchange.curl,
            response=exchange.snapshot,
            actual=fields.pop("actual", f"status {exchange.status}"),
            **fields,
        )

    def body_findings(
        self, exchange: Exchange, *, source: str, requested: Mapping[str, Any] | None = None
    ) -> list[Finding]:
        """The documented body check on a scenario's response, so error bodies are held to their schema.

        Given the path values sent, a success is also checked to describe the resource they name.
        """
        content_type = exchange.response.headers.get("content-type", "")
        body = exchange.response.content
        violations = body_violations(
            self.api.spec.contract, self.operation, status=exchange.status, content_type=content_type, body=body
        )
        if requested is not None:
            violations += identity_violations(
                self.operation, status=exchange.status, content_type=content_type, body=body, requested=requested
            )
        return [
            self.finding(
                exchange,
                source=source,
                check=violation.check_class,
                evidence=violation.evidence,
                title=violation.title,
                message=violation.message,
                pointer=violation.pointer,
                expected=violation.expected,
                actual=violation.actual,
                doc=violation.doc or self.operation.doc,
            )
            for violation in violations
        ]
