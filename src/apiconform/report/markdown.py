"""`summary.md`: the verdict, the counts and the top failures, for a CI step summary or a pull-request comment.

GitHub-flavoured Markdown, rendered from the report.json document. Values from the target go into code
spans with a fence longer than any backtick run they hold, and pipes are escaped, so a hostile response
can neither break the table nor inject a link. Long lists are cut: a step summary has a size limit, and
report.html has everything.

Usage in GitHub Actions::

    - run: cat reports/summary.md >> "$GITHUB_STEP_SUMMARY"
      if: always()
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Final

from apiconform.core.regression import DRIFT_LABEL
from apiconform.core.results import RunResult, percent
from apiconform.core.vocabulary import EvidenceRule, Verdict

__all__ = ["MarkdownSummaryWriter", "comparison_markdown", "render_markdown"]

TOP_FAILURES: Final = 10
TOP_OTHERS: Final = 20
MAX_VALUE_CHARS: Final = 100
_SPECIAL: Final = re.compile(r"([\\`*_\[\]<>|~&#!])")
_BACKTICKS: Final = re.compile(r"`+")
VERDICT_HEADING: Final = {
    Verdict.CONFORMANT.value: ("✅", "conformant"),
    Verdict.VIOLATIONS.value: ("❌", "violations"),
    Verdict.INCOMPLETE.value: ("⚠️", "INCOMPLETE, not conformant"),
}


def text(value: object) -> str:
    """Plain text in a table cell: Markdown and HTML specials escaped, one line."""
    return _SPECIAL.sub(r"\\\1", " ".join(str(value).split()))


def code(value: object, *, limit: int = MAX_VALUE_CHARS) -> str:
    """A value as a code span that nothing inside it can end early; pipes escaped for tables."""
    flat = " ".join(str(value).split())
    if not flat:
        return "–"
    if len(flat) > limit:
        flat = flat[: limit - 1] + "…"
    longest = max((len(run) for run in _BACKTICKS.findall(flat)), default=0)
    fence = "`" * (longest + 1)
    escaped = flat.replace("|", "\\|")
    pad = " " if longest or flat.startswith("`") or flat.endswith("`") else ""
    return f"{fence}{pad}{escaped}{pad}{fence}"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _percent(rate: float | None) -> str:
    return percent(rate, space=" ")


class MarkdownSummaryWriter:
    filename = "summary.md"

    def write(self, result: RunResult, directory: Path) -> Path:
        path = directory / self.filename
        path.write_text(render_markdown(result.to_dict()), encoding="utf-8")
        return path


def render_markdown(report: dict[str, Any]) -> str:
    summary, run, target = report["summary"], report["run"], report["target"]
    symbol, verdict = VERDICT_HEADING[report["verdict"]]
    incomplete = list(report.get("incomplete", []))
    baselined = f"{summary.get('accepted', 0)} accepted by the baseline · " if "baseline" in report else ""
    counts = (
        f"**{_plural(summary['failures'], 'failure')}** on documented contract · "
        f"{_plural(summary['warnings'], 'warning')} · {baselined}"
        f"{summary['operations_covered']}/{summary['operations']} operations covered · "
        f"pass rate {_percent(summary.get('pass_rate'))} · exit code {report['exit_code']}"
    )
    lines = [
        f"## {symbol} apiconform: {verdict} on {code(target['name'])}",
        "",
        counts,
        "",
        *([f"> **Incomplete:** {'; '.join(text(reason) for reason in incomplete)}", ""] if incomplete else []),
        "| Target | Specs | Seed | Requests | Duration |",
        "|---|---|---:|---:|---:|",
        f"| {code(target['name'])} {code(target['base_url'])} | "
        + ", ".join(f"{text(spec['name'])} {text(spec['version'])}" for spec in report["specs"])
        + f" | {run['seed']} | {run['request_count']} | {run['duration_seconds']:.1f} s |",
        "",
    ]
    rules = [(spec["name"], spec["evidence_rule"]) for spec in report["specs"] if "evidence_rule" in spec]
    lines += [f"- evidence rule of {text(name)}: {text(EvidenceRule(rule).description)}" for name, rule in rules]
    lines += [""] if rules else []
    overlays = [(spec["name"], overlay) for spec in report["specs"] for overlay in spec.get("overlays", [])]
    if overlays:
        lines += ["### Overlays applied", ""]
        for name, overlay in overlays:
            lines.append(
                f"- {code(overlay['path'])} ({text(overlay['title'])}) on {text(name)}: "
                f"{_plural(overlay['actions'], 'action')}"
            )
            lines += [
                f"  - warning: action {item['action']} target {code(item['target'])} selected nothing"
                for item in overlay["unmatched"]
            ]
        lines.append("")
    if report["errors"]:
        lines += ["### Errors", "", *(f"- {text(error)}" for error in report["errors"]), ""]
    lines += _document_warnings(report)
    lines += _not_covered(report)
    comparison = report.get("comparison")
    if comparison is not None:
        lines += [*comparison_markdown(comparison, heading="### Since the previous run").splitlines(), ""]
    findings = report["findings"]
    failures = sorted(
        (finding for finding in findings if finding["severity"] == "failure" and "accepted" not in finding),
        key=lambda finding: -finding["occurrences"],
    )
    if failures:
        lines += [f"### Top failures ({len(failures)})", "", *_findings_table(failures[:TOP_FAILURES])]
        if len(failures) > TOP_FAILURES:
            lines.append(f"\n… and {len(failures) - TOP_FAILURES} more in report.html")
        lines.append("")
    baseline = report.get("baseline")
    if baseline is not None:
        lines += _baseline(baseline)
    warnings = [finding for finding in findings if finding["severity"] == "warning" and "accepted" not in finding]
    accepted = [finding for finding in findings if "accepted" in finding]
    for title, group in (("Warnings", warnings), ("Accepted by the baseline", accepted)):
        if group:
            lines += [
                f"<details><summary>{title} ({len(group)})</summary>",
                "",
                *_findings_table(group[:TOP_OTHERS]),
                "",
                *([f"… and {len(group) - TOP_OTHERS} more in report.html", ""] if len(group) > TOP_OTHERS else []),
                "</details>",
                "",
            ]
    lines.append(
        f"<sub>apiconform {text(report['tool']['version'])} · started {text(run['started_at'])} · "
        "details, requests and responses in report.html</sub>"
    )
    return "\n".join(lines) + "\n"


def _findings_table(findings: Iterable[dict[str, Any]]) -> list[str]:
    rows = [
        "| Check | Operation | Pointer | Expected | Actual | Evidence | Seen |",
        "|---|---|---|---|---|---|---:|",
    ]
    rows += [
        f"| {text(finding['check'])} | {text(finding['api'])} {code(finding['operation'])} | "
        f"{code(finding['pointer'] or '/')} | {code(finding['expected'])} | {code(finding['actual'])} | "
        f"{text(finding['evidence'])} | ×{finding['occurrences']} |"
        for finding in findings
    ]
    return rows


def _baseline(baseline: dict[str, Any]) -> list[str]:
    entries = baseline["entries"]
    expired = [entry for entry in entries if entry["status"] == "expired"]
    unused = [entry for entry in entries if entry["status"] == "unused"]
    used = sum(1 for entry in entries if entry["status"] == "used")
    lines = [
        "### Baseline",
        "",
        (
            f"{code(baseline['path'])}: {used} in force and used, {len(expired)} expired, {len(unused)} unused "
            f"(judged on {baseline['checked_on']})."
        ),
        "",
    ]
    if expired or unused:
        lines += ["| Status | Operation | Check | Pointer | Expires | Reason |", "|---|---|---|---|---|---|"]
        lines += [
            f"| {'⏰ expired: fails again' if entry['status'] == 'expired' else '🧹 unused: remove it'} | "
            f"{code(entry['operation'])} | {text(entry['check'])} | {code(entry['pointer'] or '/')} | "
            f"{entry['expires']} | {text(entry['reason'])} |"
            for entry in expired + unused
        ]
        lines.append("")
    return lines


def comparison_markdown(comparison: dict[str, Any], *, heading: str = "## apiconform diff") -> str:
    """The regression between two runs; `apiconform diff --format markdown` prints it on its own."""
    new, fixed, persisting, drift = (
        comparison["new_failures"],
        comparison["fixed"],
        comparison["persisting"],
        comparison["drift"],
    )
    lines = [
        heading,
        "",
        (
            f"Against {code(comparison['previous'])} ({text(comparison['previous_started_at'])}, "
            f"{text(comparison['previous_verdict'])}): **{len(new)} new** · {len(fixed)} fixed · "
            f"{len(persisting)} persisting · {len(drift)} drift"
        ),
        "",
    ]
    for title, items in (("New failures", new), ("Fixed", fixed), ("Persisting", persisting)):
        if not items:
            continue
        lines += [
            f"**{title}**",
            "",
            "| Check | Operation | Pointer | Expected | Actual | Note |",
            "|---|---|---|---|---|---|",
            *(
                f"| {text(item['check'])} | {text(item['api'])} {code(item['operation'])} | "
                f"{code(item['pointer'] or '/')} | {code(item['expected'])} | {code(item['actual'])} | "
                f"{text(item['note'])} |"
                for item in items[:TOP_OTHERS]
            ),
            "",
        ]
    if drift:
        lines += [
            "<details><summary>Drift</summary>",
            "",
            "| Change | API | Operation | Check | Pointer | Before | After |",
            "|---|---|---|---|---|---|---|",
            *(
                f"| {DRIFT_LABEL.get(item['kind'], text(item['kind']))} | {text(item['api'])} | "
                f"{code(item['operation'])} | {text(item['check'])} | {code(item['pointer'])} | "
                f"{code(item['before'])} | {code(item['after'])} |"
                for item in drift[:TOP_OTHERS]
            ),
            "",
            "</details>",
        ]
    return "\n".join(lines).rstrip() + "\n"


def _not_covered(report: dict[str, Any]) -> list[str]:
    """Operations that got requests yet tested nothing ("credentials rejected"), each named."""
    refused = [op for op in report["operations"] if op.get("uncovered_reason")]
    if not refused:
        return []
    return [
        "### Not covered",
        "",
        *(f"- {text(op['api'])} {code(op['operation'])}: {text(op['uncovered_reason'])}" for op in refused),
        "",
    ]


def _document_warnings(report: dict[str, Any]) -> list[str]:
    """Slips in the documents that testing lived with, each with its location."""
    slips = [(spec["name"], warning) for spec in report["specs"] for warning in spec.get("warnings", [])]
    if not slips:
        return []
    listed = [f"- {text(name)} {code(w['location'])}: {text(w['message'])}" for name, w in slips]
    return ["### Document warnings", "", *listed, ""]
