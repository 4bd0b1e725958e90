"""Where CLI text goes and how a run's progress looks: a live display for a person, plain lines for CI.

At a terminal outside CI, one live display (rich) shows operations done of all, requests, failures so far
and the time taken, and each failure is printed above it the moment it is found. In CI (`CI` set) or when
stdout is not a terminal: plain, colour-free lines, one per operation tested and one per failure found.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from typing import TYPE_CHECKING, NoReturn

import click

from apiconform.core.errors import ApiconformError
from apiconform.runner import Event, FailureFound, OperationDone, ProgressEvent, RunStarted

if TYPE_CHECKING:
    from apiconform.cli.live import LiveProgress
    from apiconform.core.findings import Finding
    from apiconform.specs.document import SpecDocument

__all__ = ["Output", "fail", "failure_line"]


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() not in {"", "0", "false"}


class Output:
    def __init__(self, *, color: bool | None = None, live: bool | None = None) -> None:
        interactive = sys.stdout.isatty() and not _in_ci()
        if color is None:
            color = interactive and not os.environ.get("NO_COLOR")
        self.color = color
        self.live = interactive if live is None else live
        self._display: LiveProgress | None = None

    def style(self, text: str, colour: str) -> str:
        return click.style(text, fg=colour, bold=colour == "red") if self.color else text

    def line(self, text: str = "") -> None:
        if self._display is not None:
            self._display.print(text)
            return
        click.echo(text, color=self.color)

    def error(self, text: str) -> None:
        click.echo(f"apiconform: error: {text}", err=True, color=False)

    def overlays(self, specs: Iterable[SpecDocument]) -> None:
        """The run header names every overlay applied, so nobody mistakes the corrected contract for the file's."""
        for spec in specs:
            for overlay in spec.overlays:
                self.line(
                    f"apiconform: overlay {overlay.path} ({overlay.title}) on {spec.name}: {overlay.actions} "
                    f"action{'s' if overlay.actions != 1 else ''}"
                )
                for number, target in overlay.unmatched:
                    warning = self.style("warning", "yellow")
                    self.line(f"  {warning}: action {number} target {target} selected nothing in {spec.name}")

    def plain(self) -> Output:
        """The same output without a live display: for worker processes, which share one terminal."""
        return Output(color=self.color, live=False)

    def progress(self, event: Event) -> None:
        """What a run reports as it goes; per-phase scenarios only move the live display."""
        if isinstance(event, RunStarted):
            if self.live:
                from apiconform.cli.live import LiveProgress

                self._display = LiveProgress(event.operations, color=self.color)
            else:
                self.line(f"apiconform: testing {event.operations} operations")
        elif isinstance(event, FailureFound):
            if self._display is not None:
                self._display.failed()
            self.line(self.style(failure_line(event.finding), "red"))
        elif isinstance(event, OperationDone):
            if self._display is not None:
                self._display.done(sent=event.sent)
                return
            counts = f"{event.requests} requests, {event.failures} failures, {event.warnings} warnings"
            self.line(f"  [{event.api}] {event.operation}  {counts}")
        elif isinstance(event, ProgressEvent) and self._display is not None:
            self._display.sent(event.sent)

    def end_progress(self) -> None:
        """Before the summary: the live display stays as its last frame, and lines go to stdout again."""
        if self._display is not None:
            self._display.stop()
            self._display = None


def failure_line(finding: Finding) -> str:
    """One line per failure while the run goes; the summary at the end has the curl line and the rest."""
    where = f"{finding.api} {finding.operation} {finding.pointer}".rstrip()
    detail = f"expected {finding.expected or '-'}; got {finding.actual or '-'}" if finding.expected else finding.title
    return f"FAIL [{finding.check.value}] {where}: {detail} ({finding.evidence.value})"


def fail(exc: ApiconformError) -> NoReturn:
    """Bad input ends a command with one line on stderr and its exit code, never a traceback."""
    Output().error(str(exc))
    sys.exit(int(exc.exit_code))
