"""Options several commands take, declared once so their help and types cannot drift apart."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Final

import click

__all__ = [
    "BASELINE_OPTION",
    "COLOR_OPTION",
    "COMPARE_TO_OPTION",
    "CONFIG_OPTION",
    "FAIL_ON_DRIFT_OPTION",
    "HISTORY_ENV",
    "HISTORY_OPTION",
    "NO_HISTORY_OPTION",
    "SPEC_OPTION",
    "NonEmptyPath",
]

HISTORY_ENV: Final = "APICONFORM_HISTORY"


class NonEmptyPath(click.Path):
    """A path that may not be '': click would read it as '.', the current directory, which nobody means."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, str) and not value.strip():
            self.fail("must not be empty", param, ctx)
        return super().convert(value, param, ctx)


FAIL_ON_DRIFT_OPTION = click.option(
    "--fail-on-drift",
    is_flag=True,
    help="Exit 1 on any drift from the previous run (new values, fields, statuses), for vendor regression checks.",
)

SPEC_OPTION = click.option(
    "--spec",
    "specs",
    multiple=True,
    type=click.Path(path_type=Path),
    help="Spec file (repeatable); default: every spec under specs/.",
)
CONFIG_OPTION = click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path),
    help="Config file; default: the nearest apiconform.toml.",
)
COLOR_OPTION = click.option(
    "--color/--no-color", default=None, help="Force colour on or off; default: colour at a terminal outside CI."
)
# How a finished run is judged and kept: `run` and `merge` take the same.
BASELINE_OPTION = click.option(
    "--baseline",
    type=click.Path(path_type=Path, dir_okay=False),
    help="TOML file of accepted deviations: matching findings are shown as accepted and do not fail the run.",
)
COMPARE_TO_OPTION = click.option(
    "--compare-to",
    type=click.Path(path_type=Path),
    help="A previous report.json (or its directory): list new, fixed and persisting failures, and drift.",
)
HISTORY_OPTION = click.option(
    "--history",
    "history_path",
    type=click.Path(path_type=Path, dir_okay=False),
    envvar=HISTORY_ENV,
    help="History database to record the run in; default: <report dir>/history.sqlite (or $APICONFORM_HISTORY).",
)
NO_HISTORY_OPTION = click.option("--no-history", is_flag=True, help="Do not record this run in the history database.")
