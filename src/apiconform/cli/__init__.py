"""CLI layer: `apiconform run` and `apiconform serve`. It sits on top; nothing imports it."""

from apiconform.cli.main import main

__all__ = ["main"]
