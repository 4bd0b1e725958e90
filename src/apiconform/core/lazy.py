"""Package names loaded on first use, so `apiconform --help` does not import the engine behind them."""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Any

__all__ = ["export"]


def export(package: str, homes: Mapping[str, str], namespace: dict[str, Any], name: str) -> Any:
    """A package's `__getattr__`: import `name` from its home module once, then keep it in the package."""
    home = homes.get(name)
    if home is None:
        raise AttributeError(f"module {package!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    namespace[name] = value
    return value
