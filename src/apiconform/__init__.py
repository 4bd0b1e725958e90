"""apiconform: contract tests that hold vendor APIs to their documented contract.

The public surface is this module's `__all__`; everything in subpackages is internal. Names are imported
on first use, so `apiconform --help` and the commands that never generate a request do not pay for
schemathesis, hypothesis and the validators behind `run`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from apiconform.core.deferred import defer_iri_grammar
from apiconform.core.lazy import export

defer_iri_grammar()

if TYPE_CHECKING:
    from apiconform.core.errors import (
        ApiconformError,
        ConfigError,
        ContractFailure,
        ReportError,
        SpecError,
        TargetUnreachable,
        UsageError,
    )
    from apiconform.core.findings import Finding, ResponseSnapshot
    from apiconform.core.results import OperationResult, RunResult
    from apiconform.core.vocabulary import CheckClass, Evidence, ExitCode, Severity
    from apiconform.runner import ApiTarget, RunSettings, run
    from apiconform.specs import SpecDocument, load_spec

__all__ = [
    "ApiTarget",
    "ApiconformError",
    "CheckClass",
    "ConfigError",
    "ContractFailure",
    "Evidence",
    "ExitCode",
    "Finding",
    "OperationResult",
    "ReportError",
    "ResponseSnapshot",
    "RunResult",
    "RunSettings",
    "Severity",
    "SpecDocument",
    "SpecError",
    "TargetUnreachable",
    "UsageError",
    "load_spec",
    "run",
]

_HOMES = {
    "apiconform.core.errors": (
        "ApiconformError",
        "ConfigError",
        "ContractFailure",
        "ReportError",
        "SpecError",
        "TargetUnreachable",
        "UsageError",
    ),
    "apiconform.core.findings": ("Finding", "ResponseSnapshot"),
    "apiconform.core.results": ("OperationResult", "RunResult"),
    "apiconform.core.vocabulary": ("CheckClass", "Evidence", "ExitCode", "Severity"),
    "apiconform.runner": ("ApiTarget", "RunSettings", "run"),
    "apiconform.specs": ("SpecDocument", "load_spec"),
}
_HOME_OF = {name: module for module, names in _HOMES.items() for name in names}


def __getattr__(name: str) -> Any:
    return export(__name__, _HOME_OF, globals(), name)


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
