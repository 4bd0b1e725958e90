"""The security schemes a document declares, and where each puts its credential on the wire.

One small reader, so the runner never interprets `securitySchemes` itself: an `apiKey` sits in a header,
query parameter or cookie of its own name; every `http` scheme, `oauth2` and `openIdConnect` sit in
`Authorization` after the scheme's word (`Bearer`, `Basic`, `Token`, ...). `mutualTLS` travels in no
header, so it has no placement and apiconform cannot send it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from apiconform.core.vocabulary import Evidence
from apiconform.specs.evidence import evidence_of

__all__ = ["SecurityScheme", "requirements", "security_schemes"]

Location = Literal["header", "query", "cookie"]
LOCATIONS: dict[str, Location] = {"header": "header", "query": "query", "cookie": "cookie"}
AUTHORIZATION = "Authorization"
MAX_HOPS = 8
# Token-carrying schemes whose credential goes after `Bearer`.
BEARER_TYPES = frozenset({"oauth2", "openIdConnect"})


@dataclass(frozen=True, slots=True, kw_only=True)
class SecurityScheme:
    """One declared scheme: `kind` is `bearer`, `basic`, `http` (another http scheme), `apiKey` or `none`."""

    name: str
    kind: str
    location: Location = "header"
    parameter: str = AUTHORIZATION
    # What goes before the credential: `Bearer `, `Basic `, the http scheme's own word, nothing for an apiKey.
    prefix: str = ""
    evidence: Evidence = Evidence.INFERRED

    @property
    def sendable(self) -> bool:
        return self.kind != "none"

    def describe(self) -> str:
        if self.kind == "apiKey":
            return f"{self.name!r} (apiKey in {self.location} {self.parameter})"
        return f"{self.name!r} ({self.parameter}: {self.prefix.strip() or self.kind} ...)"


def security_schemes(document: dict[str, Any]) -> dict[str, SecurityScheme]:
    """Every scheme of `components.securitySchemes`, `$ref`s resolved."""
    declared = document.get("components", {}).get("securitySchemes", {})
    return {name: _scheme(name, _resolve(document, raw)) for name, raw in declared.items()}


def requirements(document: dict[str, Any], operation: dict[str, Any]) -> list[list[str]]:
    """The operation's alternatives (any one suffices), each the scheme names it needs together.

    An empty alternative means the operation may be called without credentials.
    """
    declared = operation["security"] if "security" in operation else document.get("security", [])
    return [list(requirement) for requirement in declared or [] if isinstance(requirement, dict)]


def _resolve(document: dict[str, Any], node: Any) -> Any:
    """A scheme's local `$ref` (`#/components/...`), followed a few hops; anything else as it is."""
    for _ in range(MAX_HOPS):
        reference = node.get("$ref") if isinstance(node, dict) else None
        if not isinstance(reference, str) or not reference.startswith("#/"):
            return node
        node = document
        for part in reference[2:].split("/"):
            key = part.replace("~1", "/").replace("~0", "~")
            node = node.get(key) if isinstance(node, dict) else None
    return node


def _scheme(name: str, raw: Any) -> SecurityScheme:
    raw = raw if isinstance(raw, dict) else {}
    kind = str(raw.get("type", ""))
    evidence = evidence_of(raw)
    if kind == "apiKey":
        return SecurityScheme(
            name=name,
            kind="apiKey",
            location=LOCATIONS.get(str(raw.get("in")), "header"),
            parameter=str(raw.get("name", AUTHORIZATION)),
            evidence=evidence,
        )
    if kind == "http":
        word = str(raw.get("scheme", "bearer"))
        lowered = word.lower()
        if lowered in {"bearer", "basic"}:
            return SecurityScheme(name=name, kind=lowered, prefix=f"{lowered.capitalize()} ", evidence=evidence)
        return SecurityScheme(name=name, kind="http", prefix=f"{word[:1].upper()}{word[1:]} ", evidence=evidence)
    if kind in BEARER_TYPES:
        return SecurityScheme(name=name, kind="bearer", prefix="Bearer ", evidence=evidence)
    return SecurityScheme(name=name, kind="none", evidence=evidence)
