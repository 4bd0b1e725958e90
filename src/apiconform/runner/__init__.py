"""Runner layer: drives schemathesis's engine over each API and turns its events into one RunResult.

It imports core, specs, config and checks; it never imports the sandbox or any report writer.
"""

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
