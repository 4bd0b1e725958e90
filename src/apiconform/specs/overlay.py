"""OpenAPI Overlay 1.0 documents: a user's corrections to a spec they do not own, applied before it is validated.

A community document that declares a field `type: string` where every server sends `null` would fail every
run; editing the vendor's file loses the fix at the next download. An Overlay
(https://spec.openapis.org/overlay/v1.0.0.html) says the correction once, in its own file, with RFC 9535
JSONPath targets. It is applied to the raw document here, before validation and before anything reads it,
so every later layer (schemathesis, the checks, the sandbox) judges the corrected contract.

Semantics, per Overlay 1.0 with the merge rules 1.1 spelled out: actions apply in order, each to the result
of the one before; `update` on an object merges recursively (objects merge, arrays concatenate, anything
else is replaced), on an array appends the value as one entry; `remove: true` removes every selected node
from its object or array. A target that selects nothing changes nothing and is reported, not fatal.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import unquote, urlsplit

import yaml
from jsonpath_rfc9535 import JSONPathError, JSONPathNode, JSONPathQuery
from jsonpath_rfc9535 import compile as compile_jsonpath

from apiconform.core.errors import OverlayError
from apiconform.core.results import OverlayInfo

if TYPE_CHECKING:
    import jsonschema

__all__ = ["Overlay", "OverlayAction", "apply_overlays", "read_overlay"]

_NO_UPDATE: Final = object()
_KINDS: Final = {dict: "an object", list: "an array", str: "a string", bool: "a boolean", type(None): "null"}


@dataclass(frozen=True, slots=True, kw_only=True)
class OverlayAction:
    target: str
    query: JSONPathQuery
    update: Any
    remove: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class Overlay:
    """A validated Overlay document, its targets compiled; `path` is how the user named the file."""

    path: Path
    title: str
    extends: str | None
    actions: tuple[OverlayAction, ...]

    def applies_to(self, spec: Path) -> bool:
        """Whether this overlay is meant for the spec at `spec`.

        Without `extends`, it is meant for whatever document it is given. A relative or `file:` reference
        (resolved against the overlay's own directory) names one local file; an http(s) URL names the
        vendor's published document, which has no local identity to compare, so it applies as if unset.
        """
        if self.extends is None:
            return True
        parts = urlsplit(self.extends)
        if parts.scheme not in {"", "file"} and len(parts.scheme) > 1:
            return True
        named = Path(unquote(parts.path))
        if not named.is_absolute():
            named = self.path.parent / named
        return named.resolve() == spec.resolve()


def read_overlay(path: Path | str) -> Overlay:
    """Read and validate one Overlay document; any problem is one OverlayError naming the file."""
    path = Path(path)
    data = _parse(path)
    errors = sorted(_validator().iter_errors(data), key=lambda error: [str(part) for part in error.path])
    if errors:
        raise OverlayError(path, f"not an Overlay 1.0 document: {_describe(errors[0])}")
    actions = []
    for number, raw in enumerate(data["actions"], start=1):
        try:
            query = compile_jsonpath(raw["target"])
        except JSONPathError as exc:
            raise OverlayError(
                path, f"action {number}: target {raw['target']!r} is not RFC 9535 JSONPath ({exc})"
            ) from None
        remove = bool(raw.get("remove", False))
        update = raw.get("update", _NO_UPDATE)
        if not remove and update is _NO_UPDATE:
            raise OverlayError(path, f"action {number} has neither `update` nor `remove: true`: it changes nothing")
        actions.append(OverlayAction(target=raw["target"], query=query, update=update, remove=remove))
    return Overlay(path=path, title=data["info"]["title"], extends=data.get("extends"), actions=tuple(actions))


def apply_overlays(document: dict[str, Any], overlays: Sequence[Overlay], *, spec: Path) -> tuple[OverlayInfo, ...]:
    """Apply each overlay to `document` in place, in order; what each did, for the report."""
    return tuple(_apply(document, overlay, spec) for overlay in overlays)


def _apply(document: dict[str, Any], overlay: Overlay, spec: Path) -> OverlayInfo:
    unmatched = []
    for number, action in enumerate(overlay.actions, start=1):
        nodes = list(action.query.finditer(document))
        if not nodes:
            unmatched.append((number, action.target))
            continue

        def refuse(problem: str, number: int = number, action: OverlayAction = action) -> OverlayError:
            return OverlayError(overlay.path, f"action {number} (target {action.target}) on {spec}: {problem}")

        if action.remove:
            _remove(nodes, refuse)
            continue
        for node in nodes:
            if isinstance(node.value, dict):
                if not isinstance(action.update, dict):
                    raise refuse(f"the target is an object, so `update` must be an object, not {_kind(action.update)}")
                _merge(node.value, action.update)
            elif isinstance(node.value, list):
                node.value.append(copy.deepcopy(action.update))
            else:
                raise refuse(
                    f"the target is {_kind(node.value)}; Overlay 1.0 updates objects and arrays, "
                    "so target the object that holds it"
                )
    return OverlayInfo(
        path=overlay.path.as_posix(), title=overlay.title, actions=len(overlay.actions), unmatched=tuple(unmatched)
    )


def _merge(target: dict[str, Any], update: dict[str, Any]) -> None:
    for key, value in update.items():
        current = target.get(key)
        if isinstance(current, dict) and isinstance(value, dict):
            _merge(current, value)
        elif isinstance(current, list) and isinstance(value, list):
            current.extend(copy.deepcopy(value))
        else:
            target[key] = copy.deepcopy(value)


def _remove(nodes: list[JSONPathNode], refuse: Callable[[str], OverlayError]) -> None:
    """Every selected node leaves its container; array items go highest index first, so none shifts another."""
    indexes: dict[int, tuple[list[Any], set[int]]] = {}
    for node in nodes:
        if node.parent is None:
            raise refuse("the target is the document root, which cannot be removed")
        container, key = node.parent.value, node.location[-1]
        if isinstance(container, dict):
            container.pop(key, None)
        elif isinstance(container, list) and isinstance(key, int):
            indexes.setdefault(id(container), (container, set()))[1].add(key)
    for container, positions in indexes.values():
        for position in sorted(positions, reverse=True):
            del container[position]


def _kind(value: Any) -> str:
    return next((name for kind, name in _KINDS.items() if isinstance(value, kind)), "a number")


def _parse(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise OverlayError(path, "no such overlay file") from None
    except IsADirectoryError:
        raise OverlayError(path, "is a directory; --overlay takes one Overlay file (repeat it for several)") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise OverlayError(path, f"cannot read the overlay: {exc}") from None
    try:
        return json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    except json.JSONDecodeError as exc:
        raise OverlayError(path, f"not valid JSON: {exc}") from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark is not None else ""
        raise OverlayError(path, f"not valid YAML: {exc.problem or exc.context}{where}") from None
    except yaml.YAMLError as exc:
        raise OverlayError(path, f"not valid YAML: {' '.join(str(exc).split())}") from None


def _describe(error: jsonschema.ValidationError) -> str:
    parts = [str(part) for part in error.path]
    where = ".".join(parts) or "the top level"
    if parts[:1] == ["actions"] and len(parts) > 1:
        # Numbered from 1, as every other message numbers actions: "action 2 target".
        where = " ".join([f"action {int(parts[1]) + 1}", ".".join(parts[2:])]).strip()
    instance = error.instance
    if error.validator == "additionalProperties" and isinstance(instance, dict):
        schema = error.schema if isinstance(error.schema, dict) else {}
        extra = sorted(key for key in instance if key not in schema.get("properties", {}) and not key.startswith("x-"))
        allowed = ", ".join(sorted(schema.get("properties", {})))
        return f"{where}: unknown key {', '.join(map(repr, extra))} (allowed: {allowed}, and x-… extensions)"
    if error.validator == "required":
        return f"{where}: {error.message.replace(' is a required property', '')} is required"
    if error.validator == "pattern" and list(error.path) == ["overlay"]:
        return f"overlay: version {instance!r} is not 1.0.x (this is an Overlay 1.0 implementation)"
    if error.validator == "pattern":
        return f"{where}: {instance!r} must start with '$' (a JSONPath query)"
    if error.validator == "type":
        return f"{where}: expected {error.validator_value}, got {_kind(instance)}"
    return f"{where}: {error.message}"


@cache
def _validator() -> jsonschema.Draft202012Validator:
    import jsonschema  # noqa: PLC0415 - only a run given overlays pays for the validator

    text = resources.files("apiconform.specs").joinpath("overlay.schema.json").read_text(encoding="utf-8")
    return jsonschema.Draft202012Validator(json.loads(text))
