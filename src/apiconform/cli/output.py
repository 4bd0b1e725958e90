"""Where CLI text goes and whether it is coloured: colour only for a person at a terminal."""

from __future__ import annotations

import os
import sys
from typing import NoReturn

import click

from apiconform.core.errors import ApiconformError
from apiconform.runner import ProgressEvent

__all__ = ["Output", "fail"]


class Output:
    def __init__(self, *, color: bool | None = None) -> None:
        if color is None:
            color = (
                sys.stdout.isatty()
                and not os.environ.get("NO_COLOR")
                and os.environ.get("CI", "") in {"", "0", "false"}
            )
        self.color = color

    def style(self, text: str, colour: str) -> str:
        return click.style(text, fg=colour, bold=colour == "red") if self.color else text

    def line(self, text: str = "") -> None:
        click.echo(text, color=self.color)

    def error(self, text: str) -> None:
        click.echo(f"apiconform: error: {text}", err=True, color=False)

    def progress(self, event: ProgressEvent) -> None:
        """One finished scenario, so a long run shows it is moving."""
        status = self.style(event.status, "green" if event.status == "success" else "yellow")
        self.line(f"  [{event.api}] {event.phase:<9} {event.operation}  {status} ({event.requests} requests)")


def fail(exc: ApiconformError) -> NoReturn:
    """Bad input ends a command with one line on stderr and its exit code, never a traceback."""
    Output().error(str(exc))
    sys.exit(int(exc.exit_code))
