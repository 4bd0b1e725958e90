"""Merging shard reports into one run; `apiconform merge` and `run --workers N` share it.

Shards split the operations a run tests (`--shard K/N`), so each operation is tested by exactly one shard:
the merge takes every operation from the shard that tested it, concatenates findings and errors, sums the
counts, and works out which shard the merge itself is (None: the whole run). Reports that do not belong
together (other specs, seed, target or version; a shard twice; a shard missing) are refused with one line
before anything is written, because a merged gate that silently lost a shard would pass what it never ran.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from apiconform.core.errors import ReportInputError, UsageError
from apiconform.core.findings import Finding
from apiconform.core.regression import BaselineEntryOutcome, BaselineOutcome, BaselineStatus
from apiconform.core.results import SHARD_SKIP_PREFIX, OperationResult, RunResult, shard_skip_reason

__all__ = ["Shard", "merge_results", "merged_shard"]

Shard = tuple[int, int]
# A report and where it came from (a path, or a worker's name), so every refusal can say which one.
Source = tuple[str, RunResult]


def merge_results(sources: Sequence[Source]) -> RunResult:
    """One RunResult from shard reports of the same run; raises ReportInputError or UsageError when they do not fit."""
    if not sources:
        raise UsageError("nothing to merge: give at least one report")
    first_source, first = sources[0]
    for source, run in sources[1:]:
        _same_run(first_source, first, source, run)
    shard = merged_shard(sources)
    return RunResult(
        tool_version=first.tool_version,
        target=first.target,
        specs=list(first.specs),
        seed=first.seed,
        max_examples=first.max_examples,
        started_at=min((run.started_at for _, run in sources), key=datetime.fromisoformat),
        # Shards run side by side (CI machines, worker processes): the merged run took as long as the slowest.
        duration_seconds=max(run.duration_seconds for _, run in sources),
        request_count=sum(run.request_count for _, run in sources),
        operations=_operations(sources, shard),
        findings=_findings(run for _, run in sources),
        errors=list(dict.fromkeys(error for _, run in sources for error in run.errors)),
        stop_reason="; ".join(dict.fromkeys(run.stop_reason for _, run in sources if run.stop_reason != "completed"))
        or "completed",
        shard=shard,
        baseline=_baseline(sources),
        enum_coverage=_enum_coverage(run for _, run in sources),
        doc_coverage=next((run.doc_coverage for _, run in sources if run.doc_coverage), []),
        undocumented_fields=_undocumented(run for _, run in sources),
        documented_fields=_documented(run for _, run in sources),
    )


def merged_shard(sources: Sequence[Source]) -> Shard | None:
    """The shard the reports make together: None for the whole run; shards 1/4 and 3/4 make shard 1/2."""
    unsharded = [source for source, run in sources if run.shard is None]
    if unsharded and len(sources) > 1:
        raise ReportInputError(unsharded[0], "a whole run, not a shard: there is nothing to merge it with")
    if unsharded:
        return None
    shards = [(source, run.shard) for source, run in sources if run.shard is not None]
    first_source, (_, total) = shards[0]
    seen: dict[int, str] = {}
    for source, (index, other_total) in shards:
        if other_total != total:
            raise ReportInputError(source, f"shard {index}/{other_total} is not one of {first_source}'s {total} shards")
        if index in seen:
            raise ReportInputError(source, f"shard {index}/{total} again (also {seen[index]})")
        seen[index] = source
    indexes = sorted(seen)
    step = total // len(indexes)
    if total % len(indexes) or indexes != list(range(indexes[0], total + 1, step)) or indexes[0] > step:
        missing = ", ".join(f"{index}/{total}" for index in range(1, total + 1) if index not in seen)
        have = ", ".join(f"{index}/{total}" for index in indexes)
        raise UsageError(f"shards {have} make neither the whole run nor one shard of it (missing: {missing})")
    return None if step == 1 else (indexes[0], step)


def _same_run(first_source: str, first: RunResult, source: str, run: RunResult) -> None:
    facts = {
        "apiconform version": (first.tool_version, run.tool_version),
        "specs": (_specs(first), _specs(run)),
        "seed": (first.seed, run.seed),
        "max examples": (first.max_examples, run.max_examples),
        "target": (_target(first), _target(run)),
        "operations": (_labels(first), _labels(run)),
    }
    for name, (expected, actual) in facts.items():
        if expected != actual:
            shown = "differ" if name == "operations" else f"{actual} instead of {expected}"
            raise ReportInputError(source, f"not a shard of the same run as {first_source}: {name} {shown}")


def _target(run: RunResult) -> str:
    """A real target is its URL; an embedded sandbox listens on a new port every run, so it is just that."""
    where = "the embedded sandbox" if run.target.embedded else run.target.base_url
    return f"{run.target.name} ({where})"


def _specs(run: RunResult) -> str:
    """Names and versions, and the overlays that corrected them: shards of one run judged the same contract."""
    return ", ".join(
        f"{spec.name} {spec.version}" + "".join(f" + {overlay.path}" for overlay in spec.overlays) for spec in run.specs
    )


def _labels(run: RunResult) -> list[tuple[str, str]]:
    return [(operation.api, operation.operation) for operation in run.operations]


def _operations(sources: Sequence[Source], shard: Shard | None) -> list[OperationResult]:
    merged = []
    for position, operation in enumerate(sources[0][1].operations):
        label = f"{operation.api} {operation.operation}"
        candidates = [(source, run.operations[position]) for source, run in sources]
        tested = [(source, candidate) for source, candidate in candidates if not candidate.skip_reason]
        if len(tested) > 1:
            raise UsageError(f"{label} was tested by both {tested[0][0]} and {tested[1][0]}: the reports overlap")
        if tested:
            merged.append(tested[0][1])
            continue
        # Skipped everywhere: a reason other than "another shard" (e.g. --include) is the one that holds.
        reasons = [c.skip_reason for _, c in candidates if not c.skip_reason.startswith(SHARD_SKIP_PREFIX)]
        if not reasons and shard is None:
            raise UsageError(f"{label} was tested by none of the reports: each says another shard has it")
        reason = reasons[0] if reasons else shard_skip_reason(shard) if shard is not None else ""
        merged.append(dataclasses.replace(operation, skip_reason=reason))
    return merged


def _findings(runs: Iterable[RunResult]) -> list[Finding]:
    """Concatenated; a problem two shards both saw stays one finding with both counts, as within a run."""
    merged: dict[tuple[Any, ...], Finding] = {}
    for run in runs:
        for finding in run.findings:
            before = merged.get(finding.identity)
            merged[finding.identity] = (
                finding
                if before is None
                else dataclasses.replace(before, occurrences=before.occurrences + finding.occurrences)
            )
    return list(merged.values())


def _baseline(sources: Sequence[Source]) -> BaselineOutcome | None:
    """Entry by entry: used if any shard used it, unused only if no shard did; matches are summed."""
    judged = [(source, run.baseline) for source, run in sources if run.baseline is not None]
    if not judged:
        return None
    if len(judged) != len(sources):
        unjudged = next(source for source, run in sources if run.baseline is None)
        raise ReportInputError(unjudged, f"judged without a baseline, while {judged[0][0]} was judged with one")
    first_source, first = judged[0]
    entries = [outcome.entry for outcome in first.entries]
    for source, outcome in judged[1:]:
        if [item.entry for item in outcome.entries] != entries:
            raise ReportInputError(source, f"judged with another baseline than {first_source}")
    merged = []
    for position, entry in enumerate(entries):
        statuses = {outcome.entries[position].status for _, outcome in judged}
        status = next(s for s in (BaselineStatus.EXPIRED, BaselineStatus.USED, BaselineStatus.UNUSED) if s in statuses)
        matched = sum(outcome.entries[position].matched for _, outcome in judged)
        merged.append(BaselineEntryOutcome(entry=entry, status=status, matched=matched))
    return BaselineOutcome(path=first.path, checked_on=first.checked_on, entries=tuple(merged))


def _enum_coverage(runs: Iterable[RunResult]) -> list[dict[str, Any]]:
    merged: dict[tuple[str, str, str], dict[str, Any]] = {}
    for run in runs:
        for entry in run.enum_coverage:
            key = (entry["api"], entry["operation"], entry["pointer"])
            if key not in merged:
                merged[key] = {**entry, "observed": list(entry["observed"])}
                continue
            observed = merged[key]["observed"]
            known = {json.dumps(value, sort_keys=True) for value in observed}
            observed += [value for value in entry["observed"] if json.dumps(value, sort_keys=True) not in known]
    return list(merged.values())


def _undocumented(runs: Iterable[RunResult]) -> list[dict[str, Any]]:
    merged: dict[tuple[str, str], set[str]] = {}
    for run in runs:
        for entry in run.undocumented_fields:
            merged.setdefault((entry["api"], entry["operation"]), set()).update(entry["pointers"])
    return [
        {"api": api, "operation": operation, "pointers": sorted(pointers)}
        for (api, operation), pointers in merged.items()
    ]


def _documented(runs: Iterable[RunResult]) -> list[dict[str, Any]]:
    merged: dict[tuple[str, str, int], set[str]] = {}
    for run in runs:
        for entry in run.documented_fields:
            merged.setdefault((entry["api"], entry["operation"], entry["status"]), set()).update(entry["pointers"])
    return [
        {"api": api, "operation": operation, "status": status, "pointers": sorted(pointers)}
        for (api, operation, status), pointers in sorted(merged.items())
    ]
