"""CLI layer: `apiconform run` and `apiconform serve`. It sits on top; nothing imports it."""

import os
import signal
import time
from types import FrameType

__all__ = ["PROCESS_STARTED", "main"]

# When the process began, near enough: --max-time counts from here, so loading counts too.
PROCESS_STARTED = time.monotonic()
SIGNAL_EXIT_BASE = 128


def main() -> None:
    """The entry point. A signal while the commands are still being imported ends the process quietly."""
    for number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(number, _quiet_exit)
    from apiconform.cli.main import main as command

    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    command()


def _quiet_exit(number: int, _: FrameType | None) -> None:
    os._exit(SIGNAL_EXIT_BASE + number)
