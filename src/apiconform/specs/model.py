"""The contract model: what one document promises, resolved once, each part with the evidence it rests on.

Every other layer reads operations, parameters, bodies, responses, security and links from here, never
the raw document: references (`#/components/...` or a file beside the spec) are followed in one place
(`build.py`), and a part's evidence is the weakest met along the way that reached it (`x-evidence` on
the operation, on a referring node, on the referenced one).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from apiconform.core.vocabulary import Evidence
from apiconform.specs.schema import Schema

__all__ = [
    "HTTP_METHODS",
    "Header",
    "Link",
    "MediaType",
    "Operation",
    "Parameter",
    "RequestBody",
    "Response",
    "SecurityScheme",
    "is_json",
]

HTTP_METHODS: Final = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def is_json(media_type: str) -> bool:
    essence = media_type.split(";", maxsplit=1)[0].strip().lower()
    return essence == "application/json" or essence.endswith("+json")


@dataclass(frozen=True, slots=True, kw_only=True)
class MediaType:
    name: str
    schema: Schema | None
    # Named examples with `$ref`s to `#/components/examples/...` followed: name -> value.
    examples: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)
    raw: Mapping[str, Any] = field(repr=False, compare=False)

    @property
    def example(self) -> Any:
        """The media type's `example`, else its first named example's value; None when it has neither."""
        if "example" in self.raw:
            return self.raw["example"]
        return next(iter(self.examples.values()), None)


@dataclass(frozen=True, slots=True, kw_only=True)
class Header:
    name: str
    required: bool
    evidence: Evidence
    schema: Schema | None


@dataclass(frozen=True, slots=True, kw_only=True)
class Link:
    """An OpenAPI link, with its `x-poll` / `x-created` extensions left in `raw` for the lifecycles."""

    name: str
    operation_id: str
    parameters: dict[str, str]
    evidence: Evidence
    doc: str
    raw: Mapping[str, Any] = field(repr=False, compare=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class Response:
    status: str
    evidence: Evidence
    doc: str
    content: dict[str, MediaType]
    headers: dict[str, Header]
    links: dict[str, Link]

    @property
    def json(self) -> MediaType | None:
        """The first JSON media type with a schema: the body a check can hold to its contract."""
        return next((media for media in self.content.values() if is_json(media.name) and media.schema), None)


@dataclass(frozen=True, slots=True, kw_only=True)
class Parameter:
    name: str
    location: str
    required: bool
    evidence: Evidence
    schema: Schema | None
    raw: Mapping[str, Any] = field(repr=False, compare=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class RequestBody:
    required: bool
    evidence: Evidence
    content: dict[str, MediaType]

    @property
    def json(self) -> MediaType | None:
        return next((media for media in self.content.values() if is_json(media.name)), None)


@dataclass(frozen=True, slots=True, kw_only=True)
class SecurityScheme:
    name: str
    evidence: Evidence
    raw: Mapping[str, Any] = field(repr=False, compare=False)

    @property
    def kind(self) -> str:
        return str(self.raw.get("type", ""))


@dataclass(frozen=True, slots=True, kw_only=True)
class Operation:
    """One operation of a spec, with the evidence that decides whether its findings can fail a gate.

    `raw` is the operation as written, its parameters merged with the path item's; read extensions
    (`x-transition`, `x-token`, `x-doc-tree`) from it, and everything else from the typed fields.
    """

    method: str
    path: str
    operation_id: str
    evidence: Evidence
    status_codes_evidence: Evidence
    doc: str
    raw: dict[str, Any] = field(repr=False, compare=False)
    parameters: tuple[Parameter, ...] = field(default=(), repr=False, compare=False)
    request_body: RequestBody | None = field(default=None, repr=False, compare=False)
    responses: dict[str, Response] = field(default_factory=dict, repr=False, compare=False)
    # Alternatives as written (scheme name -> scopes), any one suffices; `{}` among them makes credentials optional.
    security: tuple[dict[str, list[str]], ...] = field(default=(), repr=False, compare=False)
    # The declared schemes those requirements name.
    schemes: dict[str, SecurityScheme] = field(default_factory=dict, repr=False, compare=False)

    @property
    def label(self) -> str:
        return f"{self.method.upper()} {self.path}"

    @property
    def documented_statuses(self) -> list[str]:
        return list(self.responses)

    @property
    def path_parameters(self) -> list[str]:
        return [parameter.name for parameter in self.parameters if parameter.location == "path"]

    def response(self, status: int | str) -> Response | None:
        """The response documented for a status: its own, its class (`4XX`), or `default`."""
        code = str(status)
        for key in (code, f"{code[0]}XX", f"{code[0]}xx", "default"):
            if key in self.responses:
                return self.responses[key]
        return None

    @property
    def security_evidence(self) -> Evidence | None:
        """How well the need for credentials is known; None for an operation that needs none."""
        named = [self.schemes[name] for requirement in self.security for name in requirement if name in self.schemes]
        if not named:
            return None
        return Evidence.weakest(self.evidence, *(scheme.evidence for scheme in named))
