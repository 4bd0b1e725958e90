"""The live display of a run at a person's terminal, drawn by rich (imported only when a terminal needs it)."""

from __future__ import annotations

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.text import Text

__all__ = ["LiveProgress"]

REFRESHES_PER_SECOND = 4


class LiveProgress:
    """Operations done of all, requests sent, failures so far and the time taken; lines printed above it."""

    def __init__(self, operations: int, *, color: bool) -> None:
        self._console = Console(no_color=not color, highlight=False)
        self._progress = Progress(
            TextColumn("apiconform"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("operations · {task.fields[requests]} requests · {task.fields[failures]} failures ·"),
            TimeElapsedColumn(),
            console=self._console,
            refresh_per_second=REFRESHES_PER_SECOND,
        )
        self._task = self._progress.add_task("run", total=operations, requests=0, failures=0)
        self._failures = 0
        self._progress.start()

    def print(self, text: str) -> None:
        self._console.print(Text.from_ansi(text))

    def sent(self, requests: int) -> None:
        self._progress.update(self._task, requests=requests)

    def done(self, *, sent: int) -> None:
        self._progress.update(self._task, advance=1, requests=sent)

    def failed(self) -> None:
        self._failures += 1
        self._progress.update(self._task, failures=self._failures)

    def stop(self) -> None:
        self._progress.stop()
