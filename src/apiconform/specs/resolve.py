"""Following `$ref`s once, for every layer: local pointers and files beside the spec, with where each landed.

Every reference is resolved against the document (or file) it is written in, and the answer says where
the target lives (a URI and a JSON pointer), so a validator can be pointed at the very node the model
holds instead of at a pointer rebuilt from a path string that may not exist in the raw document.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final, NamedTuple
from urllib.parse import quote, unquote, urldefrag, urljoin, urlparse

import yaml

from apiconform.core.errors import SpecError

__all__ = ["SPEC_URI", "Located", "Resolver", "escape"]

# The base URI of a document read from memory (no file): nothing relative can be resolved against it.
SPEC_URI: Final = "urn:apiconform:spec"
MAX_REF_DEPTH: Final = 32
_YAML_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class Located(NamedTuple):
    """A node of the document (or of a file it references), with its address and the references passed.

    A named tuple, not a frozen dataclass: building the model of a large document makes hundreds of
    thousands of these, and a frozen dataclass takes four times as long to make.
    """

    node: Any
    uri: str
    pointer: str
    # Where a `$ref` was followed on the way here, outermost first; their sibling keywords (3.1) apply too.
    via: tuple[Located, ...] = ()

    @property
    def ref(self) -> str:
        """The address as a `$ref` a JSON Schema validator with this document in its registry can follow."""
        return f"{self.uri}#{quote(self.pointer, safe='/~')}"


def escape(part: str) -> str:
    return part.replace("~", "~0").replace("/", "~1")


class Resolver:
    """Resolves references within one spec; files beside it are read once, on first reference."""

    def __init__(self, document: Mapping[str, Any], path: Path | None) -> None:
        self.base = path.resolve().as_uri() if path is not None else SPEC_URI
        self.directory = path.resolve().parent if path is not None else None
        self.documents: dict[str, Any] = {self.base: document}

    def root(self) -> Located:
        return Located(self.documents[self.base], self.base, "")

    def child(self, located: Located, *parts: str | int) -> Located:
        """One step down (`properties`, `name`) from a node, keeping the address exact; None where nothing is."""
        node = located.node
        pointer = located.pointer
        for part in parts:
            # dict first by exact type: the model is built by millions of these steps on a large document.
            if type(node) is dict or (node is not None and isinstance(node, Mapping)):
                node = node.get(part)
            elif isinstance(node, list) and isinstance(part, int) and part < len(node):
                node = node[part]
            else:
                node = None
            text = part if type(part) is str else str(part)
            pointer += "/" + (escape(text) if "~" in text or "/" in text else text)
        return Located(node, located.uri, pointer)

    def follow(self, located: Located) -> Located:
        """The node a (chain of) `$ref` lands on; a node without one is its own target."""
        via = list(located.via)
        depth = 0
        while isinstance(located.node, Mapping) and isinstance(located.node.get("$ref"), str):
            if depth >= MAX_REF_DEPTH:
                raise SpecError(self._path(located.uri), f"$ref chain too deep at {located.ref}")
            via.append(Located(located.node, located.uri, located.pointer))
            located = self.lookup(located.uri, str(located.node["$ref"]))
            depth += 1
        return Located(located.node, located.uri, located.pointer, tuple(via))

    def lookup(self, base: str, reference: str) -> Located:
        target = urljoin(base, reference)
        uri, fragment = urldefrag(target)
        document = self._document(uri or base, reference)
        node: Any = document
        pointer = unquote(fragment)
        for raw in pointer.split("/")[1:]:
            part = raw.replace("~1", "/").replace("~0", "~")
            if isinstance(node, Mapping) and part in node:
                node = node[part]
            elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
                node = node[int(part)]
            else:
                raise SpecError(self._path(base), f"$ref {reference!r} points at nothing")
        return Located(node, uri or base, pointer)

    def retrieve(self, uri: str) -> Any:
        """The contents of a referenced file, for validators' registries (they read files only through here)."""
        return self._document(uri, uri)

    def _document(self, uri: str, reference: str) -> Any:
        if uri in self.documents:
            return self.documents[uri]
        parsed = urlparse(uri)
        if parsed.scheme != "file" or self.directory is None:
            raise SpecError(self._path(self.base), f"$ref {reference!r}: only local files beside the spec are read")
        path = Path(unquote(parsed.path))
        try:
            text = path.read_text(encoding="utf-8")
            contents = json.loads(text) if path.suffix == ".json" else yaml.load(text, Loader=_YAML_LOADER)  # noqa: S506 - safe loader
        except (OSError, ValueError, yaml.YAMLError) as exc:
            raise SpecError(path, f"cannot read the file a $ref names: {exc}") from None
        self.documents[uri] = contents
        return contents

    def _path(self, uri: str) -> Path:
        parsed = urlparse(uri)
        return Path(unquote(parsed.path)) if parsed.scheme == "file" else Path("<spec>")
