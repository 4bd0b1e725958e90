"""A schema of the contract model: its keywords with references followed, its address, and its evidence.

Walking a schema by the instance it judges (a property, an array item) is what checks, observers and
lifecycles do; each step follows `$ref`s through the document's resolver and keeps the weakest evidence
met on the way, so a documented component reached through an inferred reference is judged inferred.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, Final

from apiconform.core.vocabulary import Evidence
from apiconform.specs.evidence import evidence_through
from apiconform.specs.resolve import Located, Resolver, escape

# `escape` spells one step of an instance pointer, as findings name the field they judge.
__all__ = ["Schema", "escape"]

MAX_DEPTH: Final = 32


class Schema:
    """`origin` is the node as written (a validator is pointed at it); `node` is what it means, refs followed.

    References are followed on first use, so building the model of a large document stays cheap.
    """

    __slots__ = (
        "_children",
        "_evidence",
        "_followed",
        "_parts",
        "_properties",
        "doc_default",
        "inherited",
        "origin",
        "resolver",
    )

    def __init__(self, resolver: Resolver, origin: Located, *, evidence: Evidence, doc: str = "") -> None:
        self.resolver = resolver
        self.origin = origin
        self.inherited = evidence
        self.doc_default = doc
        self._followed: tuple[Located, Mapping[str, Any]] | None = None
        self._evidence: Evidence | None = None
        self._children: dict[str | int, Schema | None] = {}
        # Walks ask the same schema for the same steps once per response: each is built once.
        self._properties: dict[str, Schema] | None = None
        self._parts: dict[str, list[Schema]] = {}

    @classmethod
    def at(cls, resolver: Resolver, origin: Located, *, evidence: Evidence, doc: str = "") -> Schema:
        return cls(resolver, origin, evidence=evidence, doc=doc)

    def __repr__(self) -> str:
        return f"Schema({self.ref!r}, {self.evidence.value})"

    def _follow(self) -> tuple[Located, Mapping[str, Any]]:
        if self._followed is None:
            target = self.resolver.follow(self.origin)
            node: Mapping[str, Any] = target.node if isinstance(target.node, Mapping) else {}
            if target.via:
                # Sibling keywords of a `$ref` (3.1) apply on top of the target's; the outermost wins.
                merged = dict(node)
                for holder in reversed(target.via):
                    merged.update({key: value for key, value in holder.node.items() if key != "$ref"})
                node = merged
            self._followed = (target, node)
        return self._followed

    @property
    def node(self) -> Mapping[str, Any]:
        return self._follow()[1]

    @property
    def evidence(self) -> Evidence:
        if self._evidence is None:
            target = self._follow()[0]
            own = target.node if isinstance(target.node, Mapping) else {}
            self._evidence = evidence_through(self.inherited, *(holder.node for holder in target.via), own)
        return self._evidence

    @property
    def doc(self) -> str:
        return str(self.node.get("x-doc", self.doc_default))

    @property
    def ref(self) -> str:
        return self.origin.ref

    @property
    def address(self) -> str:
        """Where a validator is pointed: the node a chain of bare `$ref`s lands on, else the node as written.

        Every operation answering with the same component then shares one validator; compiling one
        costs tens of milliseconds where components reference each other (Stripe's do).
        """
        target = self._follow()[0]
        if target.via and all(len(holder.node) == 1 for holder in target.via):
            return Located(target.node, target.uri, target.pointer).ref
        return self.origin.ref

    def get(self, key: str, default: Any = None) -> Any:
        return self.node.get(key, default)

    def __contains__(self, key: str) -> bool:
        return key in self.node

    def _sub(self, *parts: str | int) -> Schema:
        target = self._follow()[0]
        # A keyword written beside a `$ref` lives on the referring node, not on the target.
        holders = [Located(target.node, target.uri, target.pointer), *reversed(target.via)]
        base = next(
            (holder for holder in holders if isinstance(holder.node, Mapping) and parts[0] in holder.node), holders[0]
        )
        return Schema.at(self.resolver, self.resolver.child(base, *parts), evidence=self.evidence, doc=self.doc)

    def properties(self) -> dict[str, Schema]:
        if self._properties is None:
            found = self.node.get("properties")
            named = found.items() if isinstance(found, Mapping) else ()
            self._properties = {
                str(name): self._sub("properties", name) for name, child in named if isinstance(child, Mapping)
            }
        return self._properties

    def items(self) -> Schema | None:
        return self.child(0)

    def parts(self, keyword: str = "allOf") -> Iterator[Schema]:
        if keyword not in self._parts:
            listed = self.node.get(keyword)
            self._parts[keyword] = (
                [self._sub(keyword, index) for index, part in enumerate(listed) if isinstance(part, Mapping)]
                if isinstance(listed, list)
                else []
            )
        return iter(self._parts[keyword])

    def child(self, segment: str | int, depth: int = 0) -> Schema | None:
        """The subschema judging one step of an instance; a node's own keywords win over its `allOf` parts."""
        key: str | int = 0 if isinstance(segment, int) else segment
        if key not in self._children:
            self._children[key] = self._child(segment, depth)
        return self._children[key]

    def _child(self, segment: str | int, depth: int) -> Schema | None:
        if isinstance(segment, int):
            return self._sub("items") if isinstance(self.node.get("items"), Mapping) else None
        own = self.properties().get(segment)
        if own is not None:
            return own
        if depth < MAX_DEPTH:
            for part in self.parts():
                found = part.child(segment, depth + 1)
                if found is not None:
                    return found
        if isinstance(self.node.get("additionalProperties"), Mapping):
            return self._sub("additionalProperties")
        return None

    def at_path(self, path: list[str | int]) -> Schema:
        """The deepest schema along an instance path (where a failing value sits)."""
        node = self
        for segment in path:
            child = node.child(segment)
            if child is None:
                break
            node = child
        return node

    def is_type(self, name: str) -> bool:
        kind = self.node.get("type")
        return kind == name or (isinstance(kind, list) and name in kind)


def _holds(node: Any, key: str | int) -> bool:
    return isinstance(node, Mapping) and key in node
