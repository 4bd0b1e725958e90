"""Options several commands take, declared once so their help and types cannot drift apart."""

from __future__ import annotations

from pathlib import Path

import click

__all__ = ["CONFIG_OPTION", "FAIL_ON_DRIFT_OPTION", "SPEC_OPTION"]

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
