"""apiconform: contract tests that hold vendor APIs to their documented contract.

The public surface is this module's `__all__`; everything in subpackages is internal.
"""

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
