"""Deferring the one import that costs more than the rest of start-up together: the IRI grammar.

`import jsonschema` runs its format checkers' module, which imports `rfc3987_syntax` (part of
jsonschema's `format-nongpl` extra) when installed; that module builds an Earley parser for RFC 3987
at import, 1-1.7 s of CPU, for a format (`iri`, `iri-reference`) only a failing body that declares it
ever asks about. Every command that loads a spec imports jsonschema (openapi-spec-validator does), so
`defer_iri_grammar()`, called before any of that, puts a stand-in under the module's name: jsonschema's
`from rfc3987_syntax import is_valid_syntax` gets a function that imports the real module on its
first call, and any other attribute read does the same. Validation results are the real module's.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import types
from typing import Any, Final

__all__ = ["defer_iri_grammar"]

IRI_GRAMMAR: Final = "rfc3987_syntax"


class _Deferred(types.ModuleType):
    """Stands in for the module until something uses it; then the real module replaces it everywhere."""

    def __getattr__(self, name: str) -> Any:
        # The import system asks for `__path__` and friends on every `from ... import`; those must not load it.
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(_real(), name)


def _real() -> types.ModuleType:
    loaded = sys.modules.get(IRI_GRAMMAR)
    if isinstance(loaded, _Deferred):
        del sys.modules[IRI_GRAMMAR]
    return importlib.import_module(IRI_GRAMMAR)


def _is_valid_syntax(term: str, value: str) -> bool:
    return bool(_real().is_valid_syntax(term, value))


def defer_iri_grammar() -> None:
    """Idempotent; does nothing when the module is already imported or is not installed."""
    if IRI_GRAMMAR in sys.modules or importlib.util.find_spec(IRI_GRAMMAR) is None:
        return
    stand_in = _Deferred(IRI_GRAMMAR, __doc__)
    stand_in.is_valid_syntax = _is_valid_syntax  # type: ignore[attr-defined] # the one name jsonschema imports
    sys.modules[IRI_GRAMMAR] = stand_in
