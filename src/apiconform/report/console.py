"""The human summary at the end of a run: plain and colour-free in CI, coloured at a terminal."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path

from apiconform.core.findings import Finding
from apiconform.core.regression import BaselineStatus, Comparison, HistoryTrend
from apiconform.core.results import NOT_REACHED, RunResult, percent
from apiconform.core.vocabulary import Verdict

__all__ = ["ConsoleSummary", "comparison_lines"]

MAX_LISTED = 20
VERDICT_LINE = {
    Verdict.CONFORMANT: ("conformant", "green"),
    Verdict.VIOLATIONS: ("violations found", "red"),
    Verdict.INCOMPLETE: ("INCOMPLETE, not conformant", "yellow"),
}
Style = Callable[[str, str], str]


def _plain(text: str, _: str) -> str:
    return text


class ConsoleSummary:
    """Renders lines; the CLI decides where they go and whether `style` adds colour."""

    def __init__(self, style: Style = _plain) -> None:
        self.style = style

    def lines(self, result: RunResult, report_paths: list[Path]) -> list[str]:
        failures, warnings = result.failures, result.warnings
        covered = sum(1 for operation in result.operations if operation.covered)
        out = [""]
        for finding in failures[:MAX_LISTED]:
            out += self._finding("FAIL", "red", finding)
        for finding in warnings[:MAX_LISTED]:
            out += self._finding("WARN", "yellow", finding)
        for finding in result.accepted[:MAX_LISTED]:
            out += self._finding("ACCEPTED", "cyan", finding)
        hidden = sum(max(0, len(group) - MAX_LISTED) for group in (failures, warnings, result.accepted))
        if hidden:
            out.append(f"… and {hidden} more in report.json")
        for error in result.errors:
            out.append(self.style(f"ERROR {error}", "red"))
        out += [
            f"DOCUMENT WARNING {spec.name}: {warning['location']}: {warning['message']}"
            for spec in result.specs
            for warning in spec.warnings
        ]
        not_covered: Counter[tuple[str, str]] = Counter(
            (operation.api, operation.skip_reason or operation.uncovered_reason or NOT_REACHED)
            for operation in result.operations
            if not operation.covered
        )
        for (api, reason), count in sorted(not_covered.items()):
            out.append(f"NOT COVERED {api}: {count} operation{'s' if count != 1 else ''} ({reason})")
        out += [self.style(f"INCOMPLETE: {reason}", "yellow") for reason in result.incomplete_reasons]
        out += self._baseline(result)
        if result.comparison is not None:
            out += ["", *comparison_lines(result.comparison, self.style)]
        if result.history is not None:
            out.append(
                f"HISTORY run #{result.history.run_id} in {result.history.database}; "
                f"pass rate {_trend_text(result.history)}"
            )
        verdict, colour = VERDICT_LINE[result.verdict]
        accepted = f", {len(result.accepted)} accepted" if result.baseline is not None else ""
        out.append("")
        out.append(
            self.style(
                f"apiconform: {verdict}: {len(failures)} failures, {len(warnings)} warnings{accepted}; "
                f"{covered}/{len(result.operations)} operations covered; "
                f"{result.request_count} requests in {result.duration_seconds:.1f}s (seed {result.seed})",
                colour,
            )
        )
        out += [f"  report: {path}" for path in report_paths]
        return out

    def _baseline(self, result: RunResult) -> list[str]:
        if result.baseline is None:
            return []
        out = []
        for outcome in result.baseline.with_status(BaselineStatus.EXPIRED):
            entry = outcome.entry
            out.append(
                self.style(f"BASELINE EXPIRED {entry.expires.isoformat()}", "red")
                + f" {entry.operation} [{entry.check.value}] {entry.pointer or '/'}: {entry.reason}"
                + (f" (its {outcome.matched} finding(s) fail again)" if outcome.matched else "")
            )
        for outcome in result.baseline.with_status(BaselineStatus.UNUSED):
            entry = outcome.entry
            out.append(
                self.style("BASELINE UNUSED", "yellow")
                + f" {entry.operation} [{entry.check.value}] {entry.pointer or '/'}: nothing matched; remove it"
            )
        return out

    def _finding(self, label: str, colour: str, finding: Finding) -> list[str]:
        where = f"{finding.api} {finding.operation}"
        head = f"{label} [{finding.check.value}] {where} {finding.pointer or ''}".rstrip()
        lines = [self.style(head, colour) + f"  ({finding.evidence.value}, {finding.source}, ×{finding.occurrences})"]
        if finding.expected or finding.actual:
            lines.append(f"     expected {finding.expected or '-'}; got {finding.actual or '-'}")
        else:
            lines.append(f"     {finding.title}")
        if finding.accepted is not None:
            lines.append(f"     accepted until {finding.accepted.expires}: {finding.accepted.reason}")
        elif finding.curl:
            lines.append(f"     {finding.curl}")
        return lines


def comparison_lines(comparison: Comparison, style: Style = _plain) -> list[str]:
    """The regression against a previous run, as `apiconform diff` and `run --compare-to` print it."""
    new, fixed, persisting = comparison.new_failures, comparison.fixed, comparison.persisting
    out = [
        f"COMPARED with {comparison.previous} ({comparison.previous_started_at}, {comparison.previous_verdict}): "
        + style(f"{len(new)} new", "red" if new else "green")
        + f", {len(fixed)} fixed, {len(persisting)} persisting, {len(comparison.drift)} drift"
        + _drift_kinds(comparison)
    ]
    for label, colour, items in (("NEW", "red", new), ("FIXED", "green", fixed), ("PERSISTING", "yellow", persisting)):
        for item in items[:MAX_LISTED]:
            where = f"{item.api} {item.operation} {item.pointer}".rstrip()
            note = f"  ({item.note})" if item.note else ""
            out.append(f"  {style(label, colour)} [{item.check}] {where}: {item.title}{note}")
        if len(items) > MAX_LISTED:
            out.append(f"  … and {len(items) - MAX_LISTED} more {label.lower()}")
    for drift in comparison.drift[:MAX_LISTED]:
        where = " ".join(
            part for part in (drift.api, drift.operation, drift.check and f"[{drift.check}]", drift.pointer) if part
        )
        change = f": {drift.before or '-'} → {drift.after or '-'}" if drift.before or drift.after else ""
        out.append(f"  DRIFT {drift.kind.value.replace('_', ' ')} {where}{change}")
    if len(comparison.drift) > MAX_LISTED:
        out.append(f"  … and {len(comparison.drift) - MAX_LISTED} more drift")
    return out


def _drift_kinds(comparison: Comparison) -> str:
    kinds = Counter(item.kind.value.replace("_", " ") for item in comparison.drift)
    return f" ({', '.join(f'{count} {kind}' for kind, count in kinds.most_common())})" if kinds else ""


def _trend_text(history: HistoryTrend) -> str:
    rates = [
        "incomplete" if point.verdict == Verdict.INCOMPLETE else percent(point.pass_rate) for point in history.runs[-8:]
    ]
    return " → ".join(rates) + f" (last {len(rates)} of series {history.series})"
