"""Runner layer: drives schemathesis's engine over each API and turns its events into one RunResult.

It imports core, specs, config and checks; it never imports the sandbox or any report writer. Its names
are imported on first use: a module that needs only the settings does not load schemathesis's engine.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from apiconform.core.lazy import export

if TYPE_CHECKING:
    from apiconform.runner.engine import run
    from apiconform.runner.probe import probe
    from apiconform.runner.progress import Event, FailureFound, OperationDone, ProgressEvent, RunStarted
    from apiconform.runner.settings import DEFAULT_MAX_EXAMPLES, DEFAULT_SEED, ApiTarget, RunSettings

__all__ = [
    "DEFAULT_MAX_EXAMPLES",
    "DEFAULT_SEED",
    "ApiTarget",
    "Event",
    "FailureFound",
    "OperationDone",
    "ProgressEvent",
    "RunSettings",
    "RunStarted",
    "probe",
    "run",
]

_HOME_OF = {
    "run": "apiconform.runner.engine",
    "probe": "apiconform.runner.probe",
    "Event": "apiconform.runner.progress",
    "FailureFound": "apiconform.runner.progress",
    "OperationDone": "apiconform.runner.progress",
    "ProgressEvent": "apiconform.runner.progress",
    "RunStarted": "apiconform.runner.progress",
    "DEFAULT_MAX_EXAMPLES": "apiconform.runner.settings",
    "DEFAULT_SEED": "apiconform.runner.settings",
    "ApiTarget": "apiconform.runner.settings",
    "RunSettings": "apiconform.runner.settings",
}


def __getattr__(name: str) -> Any:
    return export(__name__, _HOME_OF, globals(), name)
