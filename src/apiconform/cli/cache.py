"""Hypothesis's caches in the user's cache directory, not in whatever directory a run happens to start from.

Hypothesis keeps derived tables under `.hypothesis/` in the working directory; the one every schemathesis
run needs, the characters UTF-8 can encode, takes about 2 s of CPU to build, which a gate run from a fresh
checkout or CI workspace paid every time (most of a one-spec run), leaving the directory behind. The example
database is off for runs (`runner/settings.py`), so only derived data is kept: sharing it between runs makes
them faster without making one depend on another. `HYPOTHESIS_STORAGE_DIRECTORY`, when set, still decides.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Final

__all__ = ["use_user_cache"]

HYPOTHESIS_ENV: Final = "HYPOTHESIS_STORAGE_DIRECTORY"


def use_user_cache() -> Path | None:
    """Point hypothesis at `$XDG_CACHE_HOME/apiconform/hypothesis` (default `~/.cache/...`); the path, or None."""
    if os.environ.get(HYPOTHESIS_ENV):
        return None
    base = os.environ.get("XDG_CACHE_HOME")
    try:
        root = Path(base) if base else Path.home() / ".cache"
    except RuntimeError:  # no home directory to be found: hypothesis keeps its default
        return None
    directory = root / "apiconform" / "hypothesis"
    from hypothesis.configuration import set_hypothesis_home_dir  # only `run` generates, and pays for hypothesis

    set_hypothesis_home_dir(directory)
    return directory
