"""Building the contract model from a document: every reference followed once, evidence carried along."""

from __future__ import annotations

from collections.abc import Mapping

from apiconform.core.vocabulary import Evidence
from apiconform.specs.evidence import evidence_of, evidence_through
from apiconform.specs.model import (
    HTTP_METHODS,
    Header,
    Link,
    MediaType,
    Operation,
    Parameter,
    RequestBody,
    Response,
    SecurityScheme,
)
from apiconform.specs.resolve import Located, Resolver
from apiconform.specs.schema import Schema

__all__ = ["OperationBuilder"]


class OperationBuilder:
    """Builds the operations of one document; shared components (responses, schemes) are resolved once."""

    def __init__(self, resolver: Resolver, *, root: Evidence, status_lists: Evidence | None) -> None:
        self.resolver = resolver
        self.root = root
        # None: each operation's `x-status-codes-evidence` says (marked documents); else this level for all.
        self.status_lists = status_lists
        document = resolver.root().node
        components = document.get("components", {}) if isinstance(document, Mapping) else {}
        self.schemes = {
            str(name): self._scheme(str(name))
            for name in (components.get("securitySchemes") or {} if isinstance(components, Mapping) else {})
        }

    def operations(self) -> list[Operation]:
        found = []
        paths = self.resolver.child(self.resolver.root(), "paths")
        for path in paths.node or {}:
            item = self.resolver.follow(self.resolver.child(paths, path))
            if not isinstance(item.node, Mapping):
                continue
            item_evidence = evidence_through(self.root, *(holder.node for holder in item.via), item.node)
            found += [
                self._operation(str(path), method, item, item_evidence)
                for method in HTTP_METHODS
                if isinstance(item.node.get(method), Mapping)
            ]
        return found

    def _operation(self, path: str, method: str, item: Located, inherited: Evidence) -> Operation:
        located = self.resolver.child(Located(item.node, item.uri, item.pointer), method)
        raw = dict(located.node)
        evidence = evidence_through(inherited, raw)
        parameters = self._parameters(item, located, evidence)
        if parameters:
            raw["parameters"] = [dict(parameter.raw) for parameter in parameters]
        if self.status_lists is None:
            listed = evidence_of(raw, key="x-status-codes-evidence", default=Evidence.INFERRED)
            status_codes = Evidence.weakest(evidence, listed)
        else:
            status_codes = Evidence.weakest(evidence, self.status_lists)
        doc = str(raw.get("x-doc", ""))
        responses = self.resolver.child(located, "responses")
        document = self.resolver.root().node
        requirements = raw.get("security", document.get("security", []))
        security = tuple(
            {str(name): list(scopes or []) for name, scopes in requirement.items()}
            for requirement in requirements or []
            if isinstance(requirement, Mapping)
        )
        return Operation(
            method=method,
            path=path,
            operation_id=str(raw.get("operationId", f"{method}:{path}")),
            evidence=evidence,
            status_codes_evidence=status_codes,
            doc=doc,
            raw=raw,
            parameters=tuple(parameters),
            request_body=self._request_body(located, evidence, doc),
            responses={
                str(status): self._response(str(status), self.resolver.child(responses, status), evidence, doc)
                for status in (responses.node or {})
            },
            security=security,
            schemes={
                name: self.schemes[name] for requirement in security for name in requirement if name in self.schemes
            },
        )

    def _parameters(self, item: Located, operation: Located, evidence: Evidence) -> list[Parameter]:
        """Path-item parameters apply unless the operation overrides them (same name and location)."""
        found: dict[tuple[str, str], Parameter] = {}
        for holder in (Located(item.node, item.uri, item.pointer), operation):
            listed = self.resolver.child(holder, "parameters")
            for index, _ in enumerate(listed.node or []):
                parameter = self._parameter(self.resolver.child(listed, index), evidence)
                found[parameter.name, parameter.location] = parameter
        return list(found.values())

    def _parameter(self, origin: Located, inherited: Evidence) -> Parameter:
        target = self.resolver.follow(origin)
        evidence = evidence_through(inherited, *(holder.node for holder in target.via), target.node)
        node = {**target.node, **{key: value for key, value in origin.node.items() if key != "$ref"}}
        schema = None
        if isinstance(node.get("schema"), Mapping):
            where = Located(target.node, target.uri, target.pointer)
            schema = Schema.at(self.resolver, self.resolver.child(where, "schema"), evidence=evidence)
        return Parameter(
            name=str(node.get("name")),
            location=str(node.get("in")),
            # A path parameter is always required, whatever the document forgot to say.
            required=bool(node.get("required", False)) or node.get("in") == "path",
            evidence=evidence,
            schema=schema,
            raw=node,
        )

    def _request_body(self, operation: Located, evidence: Evidence, doc: str) -> RequestBody | None:
        if not isinstance(operation.node.get("requestBody"), Mapping):
            return None
        target = self.resolver.follow(self.resolver.child(operation, "requestBody"))
        reached = evidence_through(evidence, *(holder.node for holder in target.via), target.node)
        return RequestBody(
            required=bool(target.node.get("required", False)),
            evidence=reached,
            content=self._content(Located(target.node, target.uri, target.pointer), reached, doc),
        )

    def _response(self, status: str, origin: Located, evidence: Evidence, doc: str) -> Response:
        target = self.resolver.follow(origin)
        node = target.node if isinstance(target.node, Mapping) else {}
        reached = evidence_through(evidence, *(holder.node for holder in target.via), node)
        doc = str(node.get("x-doc", doc))
        where = Located(node, target.uri, target.pointer)
        headers = self.resolver.child(where, "headers")
        links = self.resolver.child(where, "links")
        return Response(
            status=status,
            evidence=reached,
            doc=doc,
            content=self._content(where, reached, doc),
            headers={
                str(name): self._header(str(name), self.resolver.child(headers, name), reached)
                for name in (headers.node or {})
            },
            links={
                str(name): self._link(str(name), self.resolver.child(links, name), reached, doc)
                for name in (links.node or {})
            },
        )

    def _content(self, holder: Located, evidence: Evidence, doc: str) -> dict[str, MediaType]:
        content = self.resolver.child(holder, "content")
        found = {}
        for name, media in (content.node or {}).items():
            if not isinstance(media, Mapping):
                continue
            located = self.resolver.child(content, name)
            schema = None
            if isinstance(media.get("schema"), Mapping):
                origin = self.resolver.child(located, "schema")
                schema = Schema.at(self.resolver, origin, evidence=evidence, doc=doc)
            listed = self.resolver.child(located, "examples")
            examples = {}
            for key in listed.node if isinstance(listed.node, Mapping) else {}:
                example = self.resolver.follow(self.resolver.child(listed, key)).node
                if isinstance(example, Mapping) and "value" in example:
                    examples[str(key)] = example["value"]
            found[str(name)] = MediaType(name=str(name), schema=schema, examples=examples, raw=media)
        return found

    def _header(self, name: str, origin: Located, evidence: Evidence) -> Header:
        target = self.resolver.follow(origin)
        reached = evidence_through(evidence, *(holder.node for holder in target.via), target.node)
        schema = None
        if isinstance(target.node.get("schema"), Mapping):
            where = Located(target.node, target.uri, target.pointer)
            schema = Schema.at(self.resolver, self.resolver.child(where, "schema"), evidence=reached)
        return Header(name=name, required=bool(target.node.get("required", False)), evidence=reached, schema=schema)

    def _link(self, name: str, origin: Located, evidence: Evidence, doc: str) -> Link:
        target = self.resolver.follow(origin)
        node = {**target.node, **{key: value for key, value in origin.node.items() if key != "$ref"}}
        return Link(
            name=name,
            operation_id=str(node.get("operationId", "")),
            parameters={str(key): str(value) for key, value in (node.get("parameters") or {}).items()},
            evidence=evidence_through(evidence, *(holder.node for holder in target.via), target.node),
            doc=str(node.get("x-doc", doc)),
            raw=node,
        )

    def _scheme(self, name: str) -> SecurityScheme:
        located = self.resolver.child(self.resolver.root(), "components", "securitySchemes", name)
        target = self.resolver.follow(located)
        evidence = evidence_through(self.root, *(holder.node for holder in target.via), target.node)
        return SecurityScheme(name=name, evidence=evidence, raw=target.node)
