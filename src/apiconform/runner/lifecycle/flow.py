"""One lifecycle's shared state: where requests go, and what each operation it touched has to show for it."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from typing import Any

import httpx

from apiconform.core.findings import Finding
from apiconform.core.vocabulary import CheckClass, Evidence
from apiconform.runner.lifecycle.values import MISSING, evaluate
from apiconform.runner.scenarios._kit import Exchange, ScenarioOutcome, Sender
from apiconform.runner.settings import acts_on
from apiconform.specs.document import Operation

__all__ = ["Flow", "json_body"]

BUSY = frozenset({429, 503})


@dataclass(slots=True)
class Flow:
    """Requests of a lifecycle go through one Sender (the run's gate, redactor and observer)."""

    sender: Sender
    outcomes: dict[str, ScenarioOutcome] = field(default_factory=dict)
    last: dict[str, Exchange] = field(default_factory=dict)  # per operation label
    troubles: list[tuple[str, httpx.HTTPError]] = field(default_factory=list)  # (operation label, error)

    def known(self, operation: Operation, name: str) -> str | None:
        values = self.sender.api.known_values(operation.label, name)
        return values[0] if values else None

    def send(self, operation: Operation, path: dict[str, Any], *, check: CheckClass, **request: Any) -> Exchange:
        """`request` takes Sender.send's keywords: body, form, credential."""
        exchange = dataclasses.replace(self.sender, operation=operation).send(path, **request)
        self.last[operation.label] = exchange
        outcome = self.outcome(operation)
        outcome.requests += 1
        outcome.checks_run.add(check)
        return exchange

    def outcome(self, operation: Operation) -> ScenarioOutcome:
        return self.outcomes.setdefault(operation.label, ScenarioOutcome())

    def fail(
        self,
        operation: Operation,
        exchange: Exchange,
        *,
        check: CheckClass,
        evidence: Evidence,
        title: str,
        message: str,
        expected: str,
        actual: str = "",
        pointer: str = "",
        doc: str = "",
        source: str = "lifecycle",
    ) -> None:
        """A finding on `operation`, though the response that shows it may be another operation's.

        A busy answer (429, 503) says the server could not take the step now, not that it broke the
        contract, so a judgment resting on one is never more than inferred.
        """
        if exchange.status in BUSY:
            evidence = Evidence.INFERRED
        sender = dataclasses.replace(self.sender, operation=operation)
        finding: Finding = sender.finding(
            exchange,
            source=source,
            check=check,
            evidence=evidence,
            title=title,
            message=message,
            expected=expected,
            pointer=pointer,
            doc=doc or operation.doc,
            **({"actual": actual} if actual else {}),
        )
        self.outcome(operation).findings.append(finding)

    def path_for(
        self, operation: Operation, *sources: dict[str, Any], own: frozenset[str] = frozenset()
    ) -> dict[str, Any] | None:
        """Path values from the sources in order, then the target's known values; None if one is missing.

        Names in `own` must come from the sources: a link's value that is not there must never be
        replaced by one of the target's real resources; nor may the resource a write acts on
        (`PUT /articles/{slug}`): known ids serve reads only.
        """
        values: dict[str, Any] = {}
        for name in (part[1:-1] for part in operation.path.split("/") if part.startswith("{")):
            found = next((source[name] for source in sources if name in source), None)
            if found is None and name not in own and not acts_on(self.sender.api.spec, operation.label, name):
                found = self.known(operation, name)
            if found is None or found == "" or isinstance(found, dict | list | bool):
                return None
            values[name] = found
        return values

    def link_path(
        self, operation: Operation, expressions: dict[str, str], *, path: dict[str, Any], request: Any, answer: Any
    ) -> dict[str, Any] | None:
        """Path values of a linked operation: the link's runtime expressions, then the linking request's path."""
        values = {
            name: evaluate(expr, path=path, request=request, response=answer) for name, expr in expressions.items()
        }
        found = {name: value for name, value in values.items() if value is not MISSING}
        return self.path_for(operation, found, path, own=frozenset(expressions))


def json_body(exchange: Exchange) -> Any:
    try:
        return json.loads(exchange.response.content)
    except (ValueError, RecursionError):
        return None
