"""The example GitHub Actions workflows: valid YAML, and every `apiconform` command in them is a real one.

Each `run:` script is split into simple commands the way a shell would (quotes, `;`, `&&`, pipes,
redirections); every command starting with `apiconform` is parsed by the real click command, so an
option renamed in the CLI breaks this test before it breaks someone's nightly job.
"""

from __future__ import annotations

import itertools
import shlex
from pathlib import Path
from typing import Any, Final

import click
import pytest
import yaml

from apiconform.cli.main import cli
from apiconform.report.baseline import load_baseline
from tests.fixtures.cli import REPO_ROOT

WORKFLOW_DIR: Final = REPO_ROOT / "examples" / "github-actions"
GATE: Final = WORKFLOW_DIR / "conformance-gate.yml"
NIGHTLY: Final = WORKFLOW_DIR / "nightly-vendor-check.yml"
WORKFLOWS: Final = [GATE, NIGHTLY]
SEPARATORS: Final = {";", "&&", "||", "|", "&", "{", "}", "(", ")"}
REDIRECTIONS: Final = {">", ">>", "<", "2>", "2>>", "&>"}
FILE_OPTIONS: Final = {"--baseline", "--spec", "--config"}


def _workflow(path: Path) -> dict[Any, Any]:
    data: dict[Any, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data


def _triggers(workflow: dict[Any, Any]) -> dict[str, Any]:
    """`on:` reads as the boolean True in YAML 1.1, which PyYAML follows."""
    triggers: dict[str, Any] = workflow["on"] if "on" in workflow else workflow[True]
    return triggers


def _steps(workflow: dict[Any, Any]) -> list[dict[str, Any]]:
    return [step for job in workflow["jobs"].values() for step in job["steps"]]


def _simple_commands(script: str) -> list[list[str]]:
    """The simple commands of a shell script, without redirections."""
    lexer = shlex.shlex(script.replace("\\\n", " "), posix=True, punctuation_chars=";&|(){}<>")
    lexer.whitespace_split = True
    lexer.commenters = ""
    commands: list[list[str]] = [[]]
    skip_next = False
    for token in lexer:
        if skip_next:
            skip_next = False
        elif token in REDIRECTIONS:
            skip_next = True
        elif token in SEPARATORS or token == "\n":
            commands.append([])
        else:
            commands[-1].append(token)
    return [command for command in commands if command]


def _apiconform_commands(path: Path) -> list[list[str]]:
    commands = []
    for step in _steps(_workflow(path)):
        for line in str(step.get("run", "")).splitlines():
            commands += [command[1:] for command in _simple_commands(line) if command[0] == "apiconform"]
    return commands


def _parse(argv: list[str]) -> click.Context:
    """Parse `apiconform ARGV` with the real command; raises click.UsageError for an unknown option or value."""
    name, *rest = argv
    command = cli.commands.get(name)
    if command is None:
        raise click.UsageError(f"no such command {name!r}")
    return command.make_context(name, rest)


ALL_COMMANDS: Final = [(path.name, argv) for path in WORKFLOWS for argv in _apiconform_commands(path)]


class TestShape:
    """Each workflow is valid YAML with the structure GitHub Actions needs."""

    @pytest.mark.parametrize("path", WORKFLOWS, ids=lambda path: path.name)
    def test_valid_workflow(self, path: Path) -> None:
        """A name, triggers and jobs whose steps each use an action or run a script."""
        workflow = _workflow(path)
        assert workflow["name"]
        assert _triggers(workflow)
        for job in workflow["jobs"].values():
            assert job["runs-on"] == "ubuntu-latest"
            assert job["timeout-minutes"] <= 90
            for step in job["steps"]:
                assert ("uses" in step) != ("run" in step), step

    @pytest.mark.parametrize("path", WORKFLOWS, ids=lambda path: path.name)
    def test_actions_are_pinned_to_a_major_version(self, path: Path) -> None:
        """Every action names a version."""
        for step in _steps(_workflow(path)):
            if "uses" in step:
                assert "@v" in step["uses"], step["uses"]

    @pytest.mark.parametrize("path", WORKFLOWS, ids=lambda path: path.name)
    def test_reports_are_uploaded_even_on_failure(self, path: Path) -> None:
        """The reports directory is uploaded as an artefact, also when the run failed."""
        uploads = [
            step for step in _steps(_workflow(path)) if step.get("uses", "").startswith("actions/upload-artifact@")
        ]
        assert len(uploads) == 1
        assert "reports/" in uploads[0]["with"]["path"]
        assert uploads[0]["if"].startswith("always()")

    @pytest.mark.parametrize("path", WORKFLOWS, ids=lambda path: path.name)
    def test_summary_goes_to_the_step_summary(self, path: Path) -> None:
        """summary.md is appended to $GITHUB_STEP_SUMMARY."""
        scripts = "\n".join(str(step.get("run", "")) for step in _steps(_workflow(path)))
        assert 'cat reports/summary.md >> "$GITHUB_STEP_SUMMARY"' in scripts

    def test_gate_triggers(self) -> None:
        """The gate runs on pull requests and on pushes to main."""
        triggers = _triggers(_workflow(GATE))
        assert "pull_request" in triggers
        assert triggers["push"]["branches"] == ["main"]

    def test_nightly_triggers_and_secret(self) -> None:
        """The nightly check runs on a schedule (and by hand) and takes the vendor token from a secret."""
        workflow = _workflow(NIGHTLY)
        triggers = _triggers(workflow)
        assert triggers["schedule"][0]["cron"].count(" ") == 4
        assert "workflow_dispatch" in triggers
        env = workflow["jobs"]["vendor"]["env"]
        assert env["VENDOR_TOKEN"] == "${{ secrets.VENDOR_TOKEN }}"
        assert "APICONFORM_HISTORY" in env


class TestCommands:
    """The apiconform commands the workflows call exist, with these options."""

    def test_the_workflows_use_every_report_command(self) -> None:
        """Between them, the workflows run `run` with --baseline and --compare-to, `diff` and `history`."""
        flat = [" ".join(argv) for _, argv in ALL_COMMANDS]
        assert any(line.startswith("run ") and "--baseline" in line for line in flat)
        assert any(line.startswith("run ") and "--compare-to" in line for line in flat)
        assert any(line.startswith("diff ") for line in flat)
        assert any(line.startswith("history") for line in flat)

    @pytest.mark.parametrize(
        ("workflow", "argv"), ALL_COMMANDS, ids=lambda value: value if isinstance(value, str) else " ".join(value)[:60]
    )
    def test_command_parses(self, workflow: str, argv: list[str]) -> None:
        """The real click command accepts the command line as written."""
        with _parse(argv) as context:
            assert context.command.name == argv[0], workflow

    @pytest.mark.parametrize(
        ("workflow", "argv"), ALL_COMMANDS, ids=lambda value: value if isinstance(value, str) else " ".join(value)[:60]
    )
    def test_files_it_names_exist(self, workflow: str, argv: list[str]) -> None:
        """A file given to --baseline, --spec or --config is in the repository, and a baseline is valid."""
        for option, value in itertools.pairwise(argv):
            if option in FILE_OPTIONS:
                assert (REPO_ROOT / value).is_file(), f"{workflow}: {value}"
                if option == "--baseline":
                    load_baseline(REPO_ROOT / value)

    def test_a_renamed_option_would_fail(self) -> None:
        """The check has teeth: an option the CLI does not have is rejected."""
        with pytest.raises(click.UsageError, match="No such option"):
            _parse(["run", "--compare-with", "previous/report.json"])


@pytest.mark.parametrize(
    ("script", "commands"),
    [
        pytest.param("apiconform run --x 1", [["apiconform", "run", "--x", "1"]], id="simple"),
        pytest.param(
            'a >> "$F"; apiconform diff a b', [["a"], ["apiconform", "diff", "a", "b"]], id="redirect-and-list"
        ),
        pytest.param(
            "{ echo '```'; apiconform history; } >> \"$F\"", [["echo", "```"], ["apiconform", "history"]], id="group"
        ),
        pytest.param("mkdir -p p && cp a p/a", [["mkdir", "-p", "p"], ["cp", "a", "p/a"]], id="and"),
    ],
)
def test_shell_splitting(script: str, commands: list[list[str]]) -> None:
    """The splitter finds the simple commands of the shapes the workflows use."""
    assert _simple_commands(script) == commands
