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


# Who may follow a `$ref` or walk the raw document: the contract model (specs/) only.
RESOLVER_MODULES = ("referencing", "jsonschema_rs", "apiconform.specs.resolve")
RESOLVER_NAMES = frozenset({"resolve_ref", "RefResolver", "Registry", "Resolver"})
OUTSIDE_SPECS = sorted(
    path.relative_to(PACKAGE).as_posix() for path in PACKAGE.rglob("*.py") if path.parent.name != "specs"
)


def _raw_document_reads(tree: ast.AST) -> list[str]:
    """`x["paths"]`, `x.get("paths")` and pointers spelled from a path (`"/paths/..."`, `"#/paths"`)."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant) and node.slice.value == "paths":
            found.append(f'line {node.lineno}: ["paths"]')
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "get"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and node.args[0].value == "paths"
        ):
            found.append(f'line {node.lineno}: .get("paths")')
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and "/paths" in node.value:
            found.append(f"line {node.lineno}: {node.value!r}")
    return found


def _resolver_imports(tree: ast.AST) -> list[str]:
    found = []
    for node in ast.walk(tree):
        modules: list[str] = []
        names: list[str] = []
        if isinstance(node, ast.ImportFrom) and node.module:
            modules, names = [node.module], [alias.name for alias in node.names]
        elif isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        found += [module for module in modules if module.startswith(RESOLVER_MODULES)]
        found += [name for name in names if name in RESOLVER_NAMES]
    return found


class TestContractModel:
    """Only specs/ reads the raw document and follows references; every other layer reads the model."""

    @pytest.mark.parametrize("module", OUTSIDE_SPECS)
    def test_no_resolver_outside_specs(self, module: str) -> None:
        """No `$ref` resolver (referencing, jsonschema-rs registries, specs/resolve.py) is imported here."""
        assert _resolver_imports(ast.parse((PACKAGE / module).read_text(encoding="utf-8"))) == []

    @pytest.mark.parametrize("module", OUTSIDE_SPECS)
    def test_no_raw_paths_outside_specs(self, module: str) -> None:
        """No `document["paths"]`, no pointer built from a path string: operations come from the model."""
        assert _raw_document_reads(ast.parse((PACKAGE / module).read_text(encoding="utf-8"))) == []

    @pytest.mark.parametrize(
        ("source", "reads"),
        [
            ('spec.raw["paths"]', 1),
            ('document.get("paths", {})', 1),
            ('f"/paths/{path}/get"', 1),
            ("operation.responses", 0),
        ],
        ids=["subscript", "get", "pointer", "model"],
    )
    def test_the_rule_sees_raw_reads(self, source: str, reads: int) -> None:
        """The rule itself catches each spelling (a rule that cannot fail proves nothing)."""
        assert len(_raw_document_reads(ast.parse(source))) == reads

    @pytest.mark.parametrize(
        ("source", "found"),
        [
            ("from referencing import Registry", 2),
            ("import jsonschema_rs", 1),
            ("from apiconform.specs.evidence import resolve_ref", 1),
            ("from apiconform.specs.schema import Schema", 0),
        ],
        ids=["referencing", "jsonschema-rs", "resolve-ref", "model"],
    )
    def test_the_rule_sees_resolver_imports(self, source: str, found: int) -> None:
        """Each way of importing a resolver is caught."""
        assert len(_resolver_imports(ast.parse(source))) == found
