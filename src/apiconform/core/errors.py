"""Errors raised by apiconform.

Two families, kept apart as schemathesis keeps usage errors apart from contract failures: a usage error
means apiconform could not do its job (exit 2 or 3), a contract failure means the target broke its
contract (a finding in the report, exit 1).

    ApiconformError                 bad input to apiconform itself; one line, no traceback
    ├── UsageError                  command-line flags that do not fit together (exit 2)
    ├── CredentialsError            a token endpoint refused the configured client credentials (exit 2)
    ├── ConfigError                 a config file that cannot be read or fails its schema (exit 2)
    ├── SpecError                   a spec that is not OpenAPI, or has a broken $ref (exit 2)
    ├── OverlayError                an Overlay document that is not one, or cannot apply to its spec (exit 2)
    ├── ReportError                 a report directory that cannot be written (exit 2)
    ├── ReportInputError            a report.json, baseline or history database that cannot be read (exit 2)
    └── TargetUnreachable           nothing answers at the target's base URL (exit 3)

    ContractFailure(AssertionError) a gating finding raised inside a pytest run

Usage::

    try:
        run(settings)
    except apiconform.ApiconformError as exc:
        print(f"apiconform: error: {exc}")
        sys.exit(exc.exit_code)
"""

from __future__ import annotations

from pathlib import Path

from apiconform.core.vocabulary import ExitCode

__all__ = [
    "ApiconformError",
    "ConfigError",
    "ContractFailure",
    "CredentialsError",
    "OverlayError",
    "ReportError",
    "ReportInputError",
    "SpecError",
    "TargetUnreachable",
    "UsageError",
]


class ApiconformError(Exception):
    """Bad input to apiconform; the message is the one line a user sees."""

    exit_code: ExitCode = ExitCode.USAGE_ERROR


class UsageError(ApiconformError, ValueError):
    """Command-line input that cannot be acted on."""


class CredentialsError(ApiconformError, PermissionError):
    """The configured credentials were refused: a config problem, not a contract violation."""


class _FileError(ApiconformError):
    """An error about one file, so the message always names it."""

    def __init__(self, path: Path | str, problem: str) -> None:
        self.path = Path(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")


class ConfigError(_FileError, ValueError):
    """A config file that cannot be read, parsed or validated."""


class SpecError(_FileError, ValueError):
    """A spec file that is not a usable OpenAPI document."""


class OverlayError(_FileError, ValueError):
    """An Overlay document that cannot be read, fails the Overlay schema, or has an action that cannot apply."""


class ReportError(_FileError, OSError):
    """A report directory or file that cannot be written."""


class ReportInputError(_FileError, ValueError):
    """A file a report command reads (a previous report.json, a baseline, a history database) that is unusable."""


class TargetUnreachable(ApiconformError, ConnectionError):
    """The target did not answer at all, so no contract can be judged."""

    exit_code = ExitCode.TARGET_UNREACHABLE

    def __init__(self, base_url: str, reason: str) -> None:
        self.base_url = base_url
        self.reason = reason
        super().__init__(f"target unreachable: {base_url} ({reason})")


class ContractFailure(AssertionError):
    """Raised by the pytest integration so a gating finding shows as a failed assertion, not a crash."""
