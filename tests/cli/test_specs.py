"""`apiconform specs`: the doc-coverage table, and exit 1 when documentation has no operation."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _specs(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CI": "true", "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "apiconform", "specs", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


class TestSpecsCommand:
    def test_every_tree_entry_has_an_operation(self) -> None:
        """The repository's specs map all 72 documentation-tree entries; exit 0."""
        completed = _specs()
        assert completed.returncode == 0, completed.stderr
        assert "documentation-tree entries without an operation: none" in completed.stdout
        assert "72/72 mapped" in completed.stdout

    def test_json_counts_by_evidence(self) -> None:
        """The JSON form gives operations and constraints by evidence level for every spec."""
        completed = _specs("--format", "json")
        data = json.loads(completed.stdout)
        apis = {api["api"]: api for api in data["apis"]}
        assert set(apis) >= {"ap-invoice", "amili/collection", "amili/arm", "amili/identity"}
        assert apis["ap-invoice"]["operations_by_evidence"] == {"DOC": 1, "EXAMPLE": 0, "INFERRED": 0}
        assert apis["ap-invoice"]["constraints_by_evidence"]["EXAMPLE"] >= 6
        assert data["unmapped_entries"] == []

    def test_unmapped_entry_fails(self, tmp_path: Path) -> None:
        """A tree entry no operation implements is listed, and the command exits 1."""
        specs = tmp_path / "specs"
        shutil.copytree(ROOT / "specs" / "amili", specs / "amili")
        tree = specs / "amili" / "doc-tree.yaml"
        tree.write_text(
            tree.read_text(encoding="utf-8") + "- {api: arm, group: Ghosts, title: Haunt one customer}\n",
            encoding="utf-8",
        )
        completed = _specs(cwd=tmp_path)
        assert completed.returncode == 1
        assert "amili/arm > Ghosts > Haunt one customer" in completed.stdout
        assert "documentation-tree entries without an operation: 1" in completed.stdout


class TestReadmeCounts:
    def test_readme_table_matches_the_command(self) -> None:
        """The counts by evidence level in the README are the ones `apiconform specs` computes today."""
        data = json.loads(_specs("--format", "json").stdout)
        readme = (ROOT / "README.md").read_text(encoding="utf-8")
        levels = ("DOC", "EXAMPLE", "INFERRED")
        for api in data["apis"]:
            operations = " / ".join(str(api["operations_by_evidence"][level]) for level in levels)
            constraints = " / ".join(str(api["constraints_by_evidence"][level]) for level in levels)
            assert f"| {api['api']} | {operations} | {constraints} |" in readme, api["api"]
