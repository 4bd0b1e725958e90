"""What an API is called in URLs, reports, baselines and history.

A spec in a `specs/` tree (this project's own, or a user's laid out the same way) is named by its path
there: `specs/ap-invoice/openapi.yaml` is `ap-invoice`, `specs/amili/arm.yaml` is `amili/arm`. Sandbox
mounts, baselines, history and config sections key on those names, so they never change. A document
brought from elsewhere (`openapi.json` downloaded next to the config, `stripe.json`) is named after its
`info.title`, slugged: a file name says nothing (half the world's documents are `openapi.json`).
Unless the config names it: a target's `[targets.<t>.apis.<name>]` section with `spec = "..."` makes
`<name>` the API's name (`load_spec(name=...)`, given by cli/resolve.py), and this module is not asked.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

__all__ = ["SPEC_DIR_NAME", "slug", "spec_name"]

SPEC_DIR_NAME = "specs"
MAX_SLUG_CHARS = 60
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def spec_name(path: Path, root: Path | None, raw: Mapping[str, Any] | None = None) -> str:
    resolved = path.resolve()
    if root is not None and resolved.is_relative_to(root.resolve()):
        return _below(resolved, root.resolve())
    tree = next((parent for parent in resolved.parents if parent.name == SPEC_DIR_NAME), None)
    if tree is not None:
        return _below(resolved, tree)
    info = (raw or {}).get("info")
    title = info.get("title") if isinstance(info, Mapping) else None
    named = slug(str(title)) if title else ""
    return named or _below(resolved, resolved.parent.parent if resolved.stem == "openapi" else resolved.parent)


def slug(text: str) -> str:
    """`Xero Accounting API` is `xero-accounting-api`; characters a URL path would escape are dropped."""
    return _NOT_SLUG.sub("-", text.lower()).strip("-")[:MAX_SLUG_CHARS].strip("-")


def _below(resolved: Path, root: Path) -> str:
    stem = resolved.relative_to(root).with_suffix("")
    if stem.name == "openapi" and len(stem.parts) > 1:
        stem = stem.parent
    return stem.as_posix()
