"""Options several commands take, declared once so their help and types cannot drift apart."""

from __future__ import annotations

from pathlib import Path

import click

__all__ = ["CONFIG_OPTION", "SPEC_OPTION"]

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
