"""Reading a spec file into plain data: JSON as JSON, YAML with libyaml, anything too large refused unread.

Vendors publish JSON that is valid JSON but not always valid YAML (Twilio's escapes trip YAML's quoted
scalars), so a document that looks like JSON is parsed as JSON. YAML keeps timestamps as the strings
they are written as: a JSON Schema document has no date type, and `example: 2024-01-01` is a string
example (a `datetime.date` would break every validator downstream).
"""

from __future__ import annotations

import copy
import gc
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Final

import yaml

from apiconform.core.errors import SpecError

__all__ = ["MAX_SPEC_BYTES", "collector_paused", "copy_data", "first_line", "load_yaml", "read_document"]

# Far above any real document (Stripe's full spec is ~7 MB); a larger file is a mistake or an attack, and
# parsing it would take minutes and gigabytes before anything could be said about it.
MAX_SPEC_BYTES = 50 * 1024 * 1024
MAX_PROBLEM_CHARS = 300
_TIMESTAMP = "tag:yaml.org,2002:timestamp"


class _SpecLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc] # libyaml's C loader when built in
    """The safe loader with timestamps left as strings."""


_SpecLoader.add_constructor(_TIMESTAMP, yaml.SafeLoader.construct_yaml_str)


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector off while a document is read or modelled, on again after.

    Reading a large document allocates millions of containers, none of them garbage; each allocation
    threshold crossed would start a collection that walks everything read so far again (a third of
    Stripe's load time). What is left over is collected at the next collection after.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def copy_data(node: Any) -> Any:
    """A deep copy of parsed data, twice as fast as `copy.deepcopy` on a document's dicts and lists.

    Shared subtrees (a YAML anchor) are copied once per use, as JSON would have them; anything else is
    left to `copy.deepcopy`.
    """
    kind = type(node)
    if kind is dict:
        return {key: copy_data(value) if type(value) in _CONTAINERS else value for key, value in node.items()}
    if kind is list:
        return [copy_data(value) if type(value) in _CONTAINERS else value for value in node]
    if kind in _IMMUTABLE:
        return node
    return copy.deepcopy(node)


_CONTAINERS: Final = frozenset({dict, list})
_IMMUTABLE: Final = frozenset({str, int, float, bool, type(None)})


def load_yaml(text: str) -> Any:
    return yaml.load(text, Loader=_SpecLoader)  # noqa: S506 - a safe loader (SafeLoader or libyaml's CSafeLoader)


def read_document(path: Path) -> dict[str, Any]:
    """The file's top-level mapping; a SpecError naming the file for anything a person must fix."""
    try:
        size = path.stat().st_size
        if path.is_dir():
            raise SpecError(path, "is a directory; --spec takes one spec file (repeat it for several)")
        if size > MAX_SPEC_BYTES:
            limit = MAX_SPEC_BYTES // (1024 * 1024)
            raise SpecError(path, f"is {size / (1024 * 1024):.0f} MB, over the {limit} MB limit for a spec file")
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SpecError(path, "no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SpecError(path, f"cannot read: {exc}") from None
    raw = _parse(path, text)
    if not isinstance(raw, dict):
        raise SpecError(path, "not an OpenAPI document (the top level is not a mapping)")
    return {str(key): value for key, value in raw.items()}


def _parse(path: Path, text: str) -> Any:
    if path.suffix.lower() == ".json" or text.lstrip().startswith("{"):
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            if path.suffix.lower() == ".json":
                raise SpecError(path, f"not valid JSON: {exc}") from None
    try:
        return _stringify_keys(path, load_yaml(text))
    except yaml.YAMLError as exc:
        raise SpecError(path, f"not valid YAML or JSON: {first_line(exc)}") from None


def _stringify_keys(path: Path, node: Any) -> Any:
    """YAML reads `200:` as an int and `on:` as a bool; an OpenAPI document's keys are all strings.

    YAML can also alias a node inside itself, which no JSON document and no reader of one can follow
    (every walk would go round forever): refused, naming where. A node aliased beside itself is fine.
    """
    on_path: set[int] = set()
    # (node, where) to enter, or (None, id) to leave: depth first, so `on_path` holds the node's ancestors.
    stack: list[tuple[Any, Any]] = [(node, "")]
    while stack:
        current, where = stack.pop()
        if current is None:
            on_path.discard(where)
            continue
        if id(current) in on_path:
            raise SpecError(path, f"at {where or '/'}: a YAML alias refers to a node that contains it")
        on_path.add(id(current))
        stack.append((None, id(current)))
        if isinstance(current, dict):
            if any(not isinstance(key, str) for key in current):
                items = [(_key(key), value) for key, value in current.items()]
                current.clear()
                current.update(items)
            stack.extend(
                (value, f"{where}/{_escape(key)}") for key, value in current.items() if isinstance(value, dict | list)
            )
        elif isinstance(current, list):
            stack.extend(
                (value, f"{where}/{index}") for index, value in enumerate(current) if isinstance(value, dict | list)
            )
    return node


def _escape(part: str) -> str:
    return part.replace("~", "~0").replace("/", "~1")


def _key(key: Any) -> str:
    if isinstance(key, bool):
        return str(key).lower()
    return str(key)


def first_line(exc: BaseException) -> str:
    """Validators quote whole documents ("... does not exist within {...}"); a person needs the first clause."""
    text = str(exc).strip() or type(exc).__name__
    line = " ".join(text.splitlines()[0].split())
    line = line.split(" within {", 1)[0]
    return line if len(line) <= MAX_PROBLEM_CHARS else line[: MAX_PROBLEM_CHARS - 1] + "…"
