"""Write docs/detection.md: for each fault in the sandbox catalogue, does apiconform catch it, and plain st.

Each fault gets two runs focused on its one operation, both with the same seed, example budget and known
parameter values:

* `apiconform run --fault NAME --include OP --seed S --max-examples N` (its own embedded sandbox), and
* `st run SPEC --url BASE --include-operation-id ID --checks all --seed S --max-examples N` against a
  sandbox started here with the same fault, the known ids fixed through a schemathesis.toml `[parameters]`
  table, and the bearer token sent as a header.

The same two runs against the clean sandbox, once per operation, give the false-positive rows. A fault
counts as detected by apiconform when its report has a finding of the fault's check class on the fault's
operation; by schemathesis when some check fails that did not fail on the clean sandbox.

Usage::

    .venv/bin/python scripts/detection.py                     # every fault, writes docs/detection.md
    .venv/bin/python scripts/detection.py --only amili-no-auth --output /tmp/detection.md
"""

# ruff: noqa: T201, INP001 - a script that reports progress on stdout, not a package module
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path
from typing import Any

from apiconform.sandbox import FAULTS, Fault, FaultInfo, Sandbox
from apiconform.specs import SpecDocument, load_spec
from apiconform.specs.document import Operation, discover_specs

REPO = Path(__file__).resolve().parents[1]
SPEC_ROOT = REPO / "specs"
DEFAULT_OUTPUT = REPO / "docs" / "detection.md"
SEED = 0
MAX_EXAMPLES = 10
RUN_TIMEOUT = 300
ST_TOKEN = "detection-token"
CLEAN = "(clean sandbox)"


@dataclass(frozen=True, slots=True)
class Target:
    api: str
    operation: str
    # More operations the run includes (a stateful fault's create and delete).
    also: tuple[str, ...] = ()

    @property
    def operations(self) -> tuple[str, ...]:
        return (self.operation, *self.also)


@dataclass(slots=True)
class Outcome:
    """What one tool saw on one run: apiconform's check classes or schemathesis's check names."""

    seen: set[str] = field(default_factory=set)
    exit_code: int | None = None
    error: str = ""


@dataclass(slots=True)
class Row:
    fault: Fault | None
    target: Target
    apiconform: Outcome = field(default_factory=Outcome)
    schemathesis: Outcome = field(default_factory=Outcome)
    st_command: str = ""
    parameters: dict[str, str] = field(default_factory=dict)


def _specs() -> dict[str, SpecDocument]:
    documents = [load_spec(path, root=SPEC_ROOT) for path in discover_specs(SPEC_ROOT)]
    return {document.name: document for document in documents}


def _apiconform(spec: SpecDocument, target: Target, fault: Fault | None, max_examples: int) -> Outcome:
    """A drift fault (one no single run sees) runs twice: clean, then faulty compared with the clean report."""
    if fault is None or FAULTS[fault].drift is None:
        return _apiconform_run(spec, target, fault, max_examples)
    with tempfile.TemporaryDirectory(prefix="detection-previous-") as previous:
        clean = _apiconform_run(spec, target, None, max_examples, keep=Path(previous))
        if clean.error:
            return clean
        return _apiconform_run(spec, target, fault, max_examples, compare_to=Path(previous) / "report.json")


def _apiconform_run(
    spec: SpecDocument,
    target: Target,
    fault: Fault | None,
    max_examples: int,
    *,
    keep: Path | None = None,
    compare_to: Path | None = None,
) -> Outcome:
    with tempfile.TemporaryDirectory(prefix="detection-") as scratch:
        directory = str(keep or scratch)
        command = [
            sys.executable, "-m", "apiconform", "run", "--spec", str(spec.path),
            *(argument for operation in target.operations for argument in ("--include", operation)),
            "--seed", str(SEED), "--max-examples", str(max_examples), "--report-dir", directory, "--no-color",
            "--no-history",
        ]  # fmt: skip
        if fault is not None:
            command += ["--fault", fault.value]
        if compare_to is not None:
            command += ["--compare-to", str(compare_to)]
        env = {**os.environ, "CI": "true", "NO_COLOR": "1"}
        try:
            result = subprocess.run(  # noqa: S603 - our own CLI, arguments built here
                command, cwd=REPO, env=env, capture_output=True, text=True, timeout=RUN_TIMEOUT, check=False
            )
        except subprocess.TimeoutExpired:
            return Outcome(error=f"timed out after {RUN_TIMEOUT}s")
        report_path = Path(directory) / "report.json"
        if not report_path.is_file():
            return Outcome(exit_code=result.returncode, error=(result.stderr or result.stdout).strip()[-300:])
        report = json.loads(report_path.read_text(encoding="utf-8"))
        seen = {
            f"{finding['check']}/{finding['severity']}"
            for finding in report["findings"]
            if finding["api"] == target.api and finding["operation"] == target.operation
        }
        seen |= {
            f"drift/{item['kind']} {item['pointer'] or item['before'] or item['after']}".strip()
            for item in report.get("comparison", {}).get("drift", [])
            if item["api"] == target.api and item["operation"] == target.operation
        }
        return Outcome(seen=seen, exit_code=result.returncode)


def _parameters(spec: SpecDocument, target: Target, sandbox: Sandbox) -> dict[str, str]:
    """The sandbox's known ids, keyed as st's `[parameters]` wants (`path.orgId`).

    st fixes these values for every request, links included; for a run over several operations only the
    parameters all of them share are fixed (the client number), so a created resource's own id can flow.
    """
    per_operation = []
    for label in target.operations:
        operation = _operation(spec, label)
        known = sandbox.known_params(spec.name).get(label, {})
        locations = {parameter.name: parameter.location for parameter in operation.parameters}
        per_operation.append(
            {f"{locations.get(name, 'query')}.{name}": values[0] for name, values in known.items() if values}
        )
    shared = set.intersection(*(set(parameters) for parameters in per_operation))
    return {key: value for key, value in sorted(per_operation[0].items()) if key in shared}


def _operation(spec: SpecDocument, label: str) -> Operation:
    method, _, path = label.partition(" ")
    operation = spec.operation(method, path)
    assert operation is not None  # noqa: S101 - targets come from the catalogue, which names real operations
    return operation


def _schemathesis(spec: SpecDocument, target: Target, fault: Fault | None, max_examples: int, row: Row) -> Outcome:
    operation_ids = [_operation(spec, label).operation_id for label in target.operations]
    with (
        Sandbox([spec], token=ST_TOKEN, faults=[fault] if fault else []) as sandbox,
        tempfile.TemporaryDirectory(prefix="detection-st-") as directory,
    ):
        row.parameters = _parameters(spec, target, sandbox)
        config = Path(directory) / "schemathesis.toml"
        lines = ["[parameters]", *(f"{json.dumps(key)} = {json.dumps(value)}" for key, value in row.parameters.items())]
        config.write_text("\n".join(lines) + "\n", encoding="utf-8")
        events = Path(directory) / "events.ndjson"
        arguments = [
            "run", str(spec.path.relative_to(REPO)), "--url", sandbox.base_url(spec.name),
            *(argument for operation_id in operation_ids for argument in ("--include-operation-id", operation_id)),
            "--checks", "all", "--seed", str(SEED),
            "--max-examples", str(max_examples), "-H", f"Authorization: Bearer {ST_TOKEN}",
            "--request-timeout", "10", "--no-color",
        ]  # fmt: skip
        row.st_command = " ".join(
            ["st", "--config-file", "schemathesis.toml", *(_quote(argument) for argument in arguments)]
        ).replace(sandbox.url, "http://127.0.0.1:PORT")
        command = [
            str(Path(sys.executable).with_name("st")), "--config-file", str(config), *arguments,
            "--report", "ndjson", "--report-ndjson-path", str(events),
        ]  # fmt: skip
        try:
            result = subprocess.run(  # noqa: S603 - schemathesis's own CLI, arguments built here
                command, cwd=REPO, capture_output=True, text=True, timeout=RUN_TIMEOUT, check=False
            )
        except subprocess.TimeoutExpired:
            return Outcome(error=f"timed out after {RUN_TIMEOUT}s")
        if not events.is_file():
            return Outcome(exit_code=result.returncode, error=(result.stderr or result.stdout).strip()[-300:])
        return Outcome(seen=_failed_checks(events), exit_code=result.returncode)


def _quote(argument: str) -> str:
    return json.dumps(argument) if any(char in argument for char in " :'\"{}") else argument


def _failed_checks(events: Path) -> set[str]:
    failed: set[str] = set()
    for line in events.read_text(encoding="utf-8").splitlines():
        event = json.loads(line)
        finished: dict[str, Any] | None = event.get("ScenarioFinished")
        if not finished:
            continue
        for checks in finished.get("recorder", {}).get("checks", {}).values():
            failed.update(check["name"] for check in checks if check.get("status") == "failure")
    return failed


def _run_row(row: Row, specs: dict[str, SpecDocument], max_examples: int) -> Row:
    spec = specs[row.target.api]
    row.apiconform = _apiconform(spec, row.target, row.fault, max_examples)
    row.schemathesis = _schemathesis(spec, row.target, row.fault, max_examples, row)
    label = row.fault.value if row.fault else f"clean {row.target.api} {row.target.operation}"
    print(f"  {label}: apiconform {sorted(row.apiconform.seen)}, st {sorted(row.schemathesis.seen)}", flush=True)
    return row


def _expected(info: FaultInfo) -> str:
    """What a report shows for the fault: a finding's `check/`, or for a drift fault `drift/kind pointer`."""
    return f"drift/{info.drift.value} {info.pointer}" if info.drift is not None else f"{info.detected_by.value}/"


def _apiconform_cell(info: FaultInfo, outcome: Outcome) -> str:
    if outcome.error:
        return f"error: {outcome.error}"
    expected = {item for item in outcome.seen if item.startswith(_expected(info))}
    others = sorted(outcome.seen - expected)
    if expected:
        return "**yes**: " + ", ".join(sorted(expected)) + (f" (also {', '.join(others)})" if others else "")
    return "no" + (f" (saw {', '.join(others)})" if others else "")


def _st_cell(outcome: Outcome, clean: Outcome | None) -> str:
    if outcome.error:
        return f"error: {outcome.error}"
    baseline = clean.seen if clean is not None else set()
    new = sorted(outcome.seen - baseline)
    if new:
        return "**yes**: " + ", ".join(new)
    return "no" + (f" (only its clean-run failures: {', '.join(sorted(outcome.seen))})" if outcome.seen else "")


def _apiconform_detected(info: FaultInfo, outcome: Outcome) -> bool:
    return any(item.startswith(_expected(info)) for item in outcome.seen)


def _st_new(outcome: Outcome, clean: Row | None) -> set[str]:
    return outcome.seen - (clean.schemathesis.seen if clean is not None else set())


def _markdown(rows: list[Row], clean: dict[Target, Row], max_examples: int) -> str:
    faults = [(row.fault, FAULTS[row.fault], row) for row in rows if row.fault is not None]
    detected = sum(_apiconform_detected(info, row.apiconform) for _, info, row in faults)
    st_detected = sum(bool(_st_new(row.schemathesis, clean.get(row.target))) for _, _, row in faults)
    lines = [
        "# Fault detection: apiconform and plain schemathesis",
        "",
        "Generated by `scripts/detection.py`; do not edit by hand. Every fault of the sandbox catalogue",
        "(`src/apiconform/sandbox/_faults.py`) is switched on alone, and two runs focus on the fault's operation",
        f"with the same seed ({SEED}), the same example budget ({max_examples}) and the same known parameter values:",
        "`apiconform run` (its embedded sandbox) and `st run --checks all` against a sandbox started with the",
        "same fault. apiconform detects a fault when its report has a finding of the fault's check class on the",
        "fault's operation (severity after the slash); schemathesis detects it when a check fails that did not",
        "fail on the clean sandbox. A drift fault (a documented field that stops arriving) breaks no check in one",
        "run: apiconform runs the clean sandbox first and the faulty one with `--compare-to` the clean report,",
        "and detects it when the comparison names the drift.",
        "",
        "One difference is the tools' own: apiconform offers every known id as a parameter example, while st's",
        "`[parameters]` fixes one value per parameter (the first known id). A fault that shows on one resource only",
        "(a PARTIAL batch, say) is out of st's reach, as are unknown ids, which st does not ask for.",
        "",
        f"schemathesis {version('schemathesis')}, apiconform {version('apiconform')}.",
        "",
        f"**apiconform detected {detected} of {len(faults)} faults; plain schemathesis {st_detected}.**",
        "",
        "| fault | api | operation | expected check | apiconform detected | schemathesis detected |",
        "|---|---|---|---|---|---|",
    ]
    for fault, info, row in faults:
        baseline = clean.get(row.target)
        lines.append(
            f"| `{fault.value}` | {info.api} | `{info.operation}` "
            f"| {f'drift ({info.drift.value})' if info.drift else info.detected_by.value} "
            f"| {_apiconform_cell(info, row.apiconform)} "
            f"| {_st_cell(row.schemathesis, baseline.schemathesis if baseline else None)} |"
        )
    lines += [
        "",
        "## Clean sandbox (false positives)",
        "",
        "The same runs without a fault. Every apiconform finding here would be a false positive; so would every",
        "schemathesis failure, which is why those are subtracted before a fault counts as detected by it.",
        "",
        "| api | operation | apiconform findings | schemathesis failing checks |",
        "|---|---|---|---|",
    ]
    failures = warnings = 0
    for target, row in sorted(clean.items(), key=lambda item: (item[0].api, item[0].operation)):
        failures += sum(item.endswith("/failure") for item in row.apiconform.seen)
        warnings += sum(item.endswith("/warning") for item in row.apiconform.seen)
        apiconform_cell = row.apiconform.error or (", ".join(sorted(row.apiconform.seen)) or "0")
        st_cell = row.schemathesis.error or (", ".join(sorted(row.schemathesis.seen)) or "0")
        lines.append(f"| {target.api} | `{target.operation}` | {apiconform_cell} | {st_cell} |")
    lines += [
        "",
        f"**apiconform on the clean sandbox: {failures} false-positive failures, {warnings} warnings.** Warnings rest",
        "on inferred contract and never fail a gate; they are listed so each can be judged (a status list the",
        "spec inferred without 400, say).",
        "",
    ]
    lines += [
        "## Commands",
        "",
        "apiconform, for each fault (its embedded sandbox breaks itself):",
        "",
        "```bash",
        (
            f"apiconform run --spec SPEC --include 'OPERATION' --fault NAME --seed {SEED} "
            f"--max-examples {max_examples} --report-dir DIR"
        ),
        "```",
        "",
        f"schemathesis, against `Sandbox([spec], token='{ST_TOKEN}', faults=[NAME])` started by the script; the",
        "`schemathesis.toml` holds only a `[parameters]` table with the known ids listed for the operation:",
        "",
    ]
    for target, row in sorted(clean.items(), key=lambda item: (item[0].api, item[0].operation)):
        parameters = ", ".join(f"`{key} = {value}`" for key, value in row.parameters.items()) or "none"
        lines += [
            f"- {target.api} `{target.operation}`: parameters {parameters}",
            "",
            "  ```bash",
            f"  {row.st_command}",
            "  ```",
            "",
        ]
    return "\n".join(lines)


def _target(info: FaultInfo) -> Target:
    return Target(info.api, info.operation, info.also)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--max-examples", type=int, default=MAX_EXAMPLES)
    parser.add_argument("--only", nargs="*", default=None, help="fault names (default: all)")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    specs = _specs()
    chosen = [fault for fault in FAULTS if args.only is None or fault.value in args.only]
    targets = sorted({_target(FAULTS[fault]) for fault in chosen}, key=str)
    rows = [Row(fault=fault, target=_target(FAULTS[fault])) for fault in chosen]
    clean_rows = [Row(fault=None, target=target) for target in targets]
    with ThreadPoolExecutor(max_workers=args.workers) as pool:
        done = list(pool.map(lambda row: _run_row(row, specs, args.max_examples), [*clean_rows, *rows]))
    clean = {row.target: row for row in done if row.fault is None}
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(
        _markdown([row for row in done if row.fault is not None], clean, args.max_examples), encoding="utf-8"
    )
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
