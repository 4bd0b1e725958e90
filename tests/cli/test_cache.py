"""Where a run keeps hypothesis's derived caches: the user's cache directory, unless hypothesis is told otherwise."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis.configuration import set_hypothesis_home_dir, storage_directory

from apiconform.cli.cache import HYPOTHESIS_ENV, use_user_cache


@pytest.fixture(autouse=True)
def _restore_hypothesis_home() -> Iterator[None]:
    yield
    set_hypothesis_home_dir(None)


def test_the_xdg_cache_directory(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv(HYPOTHESIS_ENV, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    expected = tmp_path / "apiconform" / "hypothesis"
    assert use_user_cache() == expected
    assert storage_directory("unicode_data", intent_to_write=False).path == expected / "unicode_data"


def test_home_cache_without_xdg(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv(HYPOTHESIS_ENV, raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert use_user_cache() == tmp_path / ".cache" / "apiconform" / "hypothesis"


def test_hypothesis_own_setting_wins(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(HYPOTHESIS_ENV, str(tmp_path / "mine"))
    assert use_user_cache() is None
