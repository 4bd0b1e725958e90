"""The layer rules of ARCHITECTURE.md, enforced by reading every module's imports."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import apiconform

PACKAGE = Path(apiconform.__file__).parent
ALLOWED: dict[str, set[str]] = {
    "core": set(),
    "specs": {"core"},
    "config": {"core"},
    "checks": {"core", "specs"},
    "sandbox": {"core", "specs"},
    "runner": {"core", "specs", "config", "checks"},
    "report": {"core"},
}
LAYERS = sorted(ALLOWED)


def _imported_layers(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return {name.split(".")[1] for name in names if name.startswith("apiconform.") and name.count(".") >= 1}


class TestLayers:
    @pytest.mark.parametrize("layer", LAYERS)
    def test_layer_imports_only_what_it_may(self, layer: str) -> None:
        """A layer imports only itself and the layers below it."""
        for path in sorted((PACKAGE / layer).rglob("*.py")):
            used = _imported_layers(path) - {layer}
            assert used <= ALLOWED[layer], f"{path.relative_to(PACKAGE)} imports {sorted(used - ALLOWED[layer])}"

    @pytest.mark.parametrize("layer", ["checks", "runner", "report"])
    def test_no_check_can_see_the_fault_switch(self, layer: str) -> None:
        """Checks see only HTTP: nothing that judges a target imports the sandbox."""
        for path in sorted((PACKAGE / layer).rglob("*.py")):
            assert "sandbox" not in _imported_layers(path), path

    def test_nothing_imports_the_entry_points(self) -> None:
        """cli and the pytest integration sit on top."""
        for path in sorted(PACKAGE.rglob("*.py")):
            if path.parent.name == "cli" or path.name in {"pytest_plugin.py", "__main__.py"}:
                continue
            assert not {"cli", "pytest_plugin"} & _imported_layers(path), path


class TestPublicSurface:
    def test_all_names_exist(self) -> None:
        """Every name in apiconform.__all__ is importable, and the list is sorted."""
        assert apiconform.__all__ == sorted(apiconform.__all__)
        for name in apiconform.__all__:
            assert hasattr(apiconform, name), name
