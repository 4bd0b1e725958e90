"""Where CLI text goes and whether it is coloured: colour only for a person at a terminal."""

from __future__ import annotations

import os
import sys

import click

__all__ = ["Output"]


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
