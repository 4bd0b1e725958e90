"""What the spec says about a resource's life: how it is created, where its batch is polled, how it moves.

Read from OpenAPI links and three extensions (see specs/README.md): `x-poll` on a link (the linked
operation is polled until a status reaches a terminal value), `x-transition` on an operation (from
which statuses it is allowed, and the status it leads to) and `x-unique` on a request property (a
business key the run must make unique before sending an example twice). Nothing here is per vendor.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from apiconform.core.vocabulary import Evidence
from apiconform.specs.document import Operation, SpecDocument
from apiconform.specs.evidence import evidence_of
from apiconform.specs.model import Link
from apiconform.specs.schema import Schema

__all__ = ["Creation", "Poll", "Readback", "Transition", "creations", "reader_of", "transitions"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Readback:
    """Where a created resource is read: an operation, and pointers (into the poll answer) to its parameters."""

    operation: Operation
    parameters: dict[str, str]  # runtime expressions over the answer that names the resource
    evidence: Evidence


@dataclass(frozen=True, slots=True, kw_only=True)
class Poll:
    operation: Operation
    parameters: dict[str, str]  # runtime expressions, as in an OpenAPI link
    status: str  # JSON pointer into the poll answer
    terminal: frozenset[str]
    link_evidence: Evidence  # of the way there: the link's expressions
    doc: str
    created: Readback | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Creation:
    operation: Operation
    example: Any
    schema: Schema | None
    poll: Poll | None = None
    # A synchronous create names its resource in its own answer (a link marked `x-created`).
    created: Readback | None = None
    # Request fields whose value names another created resource (e.g. a payment's invoiceId).
    needs: frozenset[str] = field(default_factory=frozenset)

    @property
    def provides(self) -> frozenset[str]:
        """Path parameter names of the resource this creation makes, for creations that need it."""
        readback = self.poll.created if self.poll is not None else self.created
        path = readback.operation.path if readback is not None else ""
        return frozenset(part[1:-1] for part in path.split("/") if part.startswith("{"))


@dataclass(frozen=True, slots=True, kw_only=True)
class Transition:
    operation: Operation
    read: Operation  # GET on the parent path: where the status is read back
    status: str
    allowed_from: frozenset[str]
    to: str
    evidence: Evidence
    doc: str

    def allowed(self, status: str) -> bool:
        return status.upper() in self.allowed_from


def creations(spec: SpecDocument) -> list[Creation]:
    """Every write operation with a JSON request example; those that need another created resource last."""
    found = []
    for operation in spec.operations:
        body = operation.request_body
        media = body.content.get("application/json") if body is not None else None
        if operation.method not in {"post", "put"} or media is None or "example" not in media.raw:
            continue
        found.append(
            Creation(
                operation=operation,
                example=media.example,
                schema=media.schema,
                poll=_poll(spec, operation),
                created=_created(operation, spec),
            )
        )
    ordered = [
        dataclasses.replace(
            creation,
            needs=frozenset(
                _item_keys(creation.example)
                & {name for other in found if other is not creation for name in other.provides}
            ),
        )
        for creation in found
    ]
    return sorted(ordered, key=lambda creation: len(creation.needs))


def transitions(spec: SpecDocument) -> list[Transition]:
    found = []
    for operation in spec.operations:
        rule = operation.raw.get("x-transition")
        read = reader_of(spec, operation)
        if not isinstance(rule, dict) or read is None or "status" not in rule or "to" not in rule:
            continue
        found.append(
            Transition(
                operation=operation,
                read=read,
                status=str(rule["status"]),
                allowed_from=frozenset(str(value).upper() for value in rule.get("from", [])),
                to=str(rule["to"]).upper(),
                evidence=Evidence.weakest(operation.evidence, evidence_of(rule)),
                doc=str(rule.get("x-doc", operation.doc)),
            )
        )
    return found


def reader_of(spec: SpecDocument, operation: Operation) -> Operation | None:
    """The GET of the resource an action path acts on: `/invoices/{id}/pause` is read at `/invoices/{id}`."""
    return spec.operation("get", operation.path.rsplit("/", 1)[0])


def _poll(spec: SpecDocument, operation: Operation) -> Poll | None:
    for link in _links(operation):
        rule = link.raw.get("x-poll")
        target = _by_id(spec, link.operation_id)
        if not isinstance(rule, dict) or target is None or "status" not in rule:
            continue
        created = rule.get("created")
        return Poll(
            operation=target,
            parameters=link.parameters,
            status=str(rule["status"]),
            terminal=frozenset(str(value).upper() for value in rule.get("terminal", [])),
            link_evidence=link.evidence,
            doc=str(rule.get("x-doc", link.raw.get("x-doc", operation.doc))),
            created=_readback(spec, created, link.evidence) if isinstance(created, dict) else None,
        )
    return None


def _created(operation: Operation, spec: SpecDocument) -> Readback | None:
    link = next((link for link in _links(operation) if link.raw.get("x-created") is True), None)
    return _readback(spec, link.raw, link.evidence) if link is not None else None


def _readback(spec: SpecDocument, link: Mapping[str, Any], evidence: Evidence) -> Readback | None:
    reader = _by_id(spec, str(link.get("operationId", "")))
    return Readback(operation=reader, parameters=_expressions(link), evidence=evidence) if reader else None


def _links(operation: Operation) -> Iterator[Link]:
    for status, response in operation.responses.items():
        if status.startswith("2"):
            yield from response.links.values()


def _expressions(link: Mapping[str, Any]) -> dict[str, str]:
    return {str(name): str(value) for name, value in link.get("parameters", {}).items()}


def _by_id(spec: SpecDocument, operation_id: str) -> Operation | None:
    return next((operation for operation in spec.operations if operation.operation_id == operation_id), None)


def _item_keys(example: Any) -> set[str]:
    """Keys of the created items: an example is an object, or an object holding a list of them."""
    keys: set[str] = set()
    if isinstance(example, dict):
        for value in example.values():
            if isinstance(value, list):
                keys |= {key for item in value if isinstance(item, dict) for key in item}
        keys |= set(example)
    return keys
