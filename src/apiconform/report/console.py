"""The human summary at the end of a run: plain and colour-free in CI, coloured at a terminal."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path

from apiconform.core.findings import Finding
from apiconform.core.results import RunResult

__all__ = ["ConsoleSummary"]

MAX_LISTED = 20
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
        hidden = max(0, len(failures) - MAX_LISTED) + max(0, len(warnings) - MAX_LISTED)
        if hidden:
            out.append(f"… and {hidden} more in report.json")
        for error in result.errors:
            out.append(self.style(f"ERROR {error}", "red"))
        not_covered: Counter[tuple[str, str]] = Counter(
            (operation.api, operation.skip_reason or "no request reached it")
            for operation in result.operations
            if not operation.covered
        )
        for (api, reason), count in sorted(not_covered.items()):
            out.append(f"NOT COVERED {api}: {count} operation{'s' if count != 1 else ''} ({reason})")
        verdict = "conformant" if not failures else "violations found"
        colour = "green" if not failures else "red"
        out.append("")
        out.append(
            self.style(
                f"apiconform: {verdict}: {len(failures)} failures, {len(warnings)} warnings; "
                f"{covered}/{len(result.operations)} operations covered; "
                f"{result.request_count} requests in {result.duration_seconds:.1f}s (seed {result.seed})",
                colour,
            )
        )
        out += [f"  report: {path}" for path in report_paths]
        return out

    def _finding(self, label: str, colour: str, finding: Finding) -> list[str]:
        where = f"{finding.api} {finding.operation}"
        head = f"{label} [{finding.check.value}] {where} {finding.pointer or ''}".rstrip()
        lines = [self.style(head, colour) + f"  ({finding.evidence.value}, {finding.source}, ×{finding.occurrences})"]
        if finding.expected or finding.actual:
            lines.append(f"     expected {finding.expected or '-'}; got {finding.actual or '-'}")
        else:
            lines.append(f"     {finding.title}")
        if finding.curl:
            lines.append(f"     {finding.curl}")
        return lines
