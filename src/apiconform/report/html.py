"""`report.html`: one self-contained page a person reads, rendered from the report.json document.

No network, no framework: inline CSS and a few lines of inline JavaScript, both pinned by hash in a
Content-Security-Policy, so even a value that slipped past escaping could neither run nor fetch
anything. Every value is escaped: a finding's body comes from a server that may be hostile.

The page works without JavaScript (a matrix cell is a link to its findings, shown by `:target`); with
it, a click toggles the findings in place and `#open=<cell id>` opens one from the address bar.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import Any, Final

from apiconform.core.regression import DRIFT_LABEL
from apiconform.core.results import CellStatus, RunResult, percent
from apiconform.core.vocabulary import CheckClass, Evidence, EvidenceRule, Verdict

__all__ = ["HtmlReportWriter", "cell_id", "render_html"]

# Text and a symbol for every status, so nothing is told by colour alone.
STATUS_SYMBOL: Final = {
    CellStatus.PASS: "✓",
    CellStatus.FAIL: "✗",
    CellStatus.WARNING: "!",
    CellStatus.ACCEPTED: "≈",
    CellStatus.NOT_COVERED: "–",
}
# An incomplete run is never drawn as a pass, in the headline or in the trend.
VERDICT_STATUS: Final = {
    Verdict.CONFORMANT.value: CellStatus.PASS,
    Verdict.VIOLATIONS.value: CellStatus.FAIL,
    Verdict.INCOMPLETE.value: CellStatus.WARNING,
}
STATUS_LABEL: Final = {
    CellStatus.PASS: "pass",
    CellStatus.FAIL: "fail",
    CellStatus.WARNING: "warning",
    CellStatus.ACCEPTED: "accepted",
    CellStatus.NOT_COVERED: "not covered",
}
STATUS_MEANING: Final = {
    CellStatus.PASS: "checked, no finding",
    CellStatus.FAIL: "documented contract broken: fails the run",
    CellStatus.WARNING: "example or inferred contract broken: reported, does not fail the run",
    CellStatus.ACCEPTED: "failure accepted by a baseline entry until its expiry date",
    CellStatus.NOT_COVERED: "never exercised in this run, so neither pass nor fail",
}
EVIDENCE_SHORT: Final = {Evidence.DOC.value: "DOC", Evidence.EXAMPLE.value: "EX", Evidence.INFERRED.value: "INF"}
NOT_RECORDED: Final = "Not recorded in this run."
_SLUG: Final = re.compile(r"[^a-z0-9]+")


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _slug(text: str) -> str:
    return _SLUG.sub("-", text.lower()).strip("-") or "x"


def cell_id(api: str, operation: str, check: str) -> str:
    """The element id of one matrix cell's findings; stable across runs, safe in a URL fragment and a selector."""
    return f"cell-{_slug(api)}--{_slug(operation)}--{_slug(check)}"


def _percent(rate: float | None) -> str:
    return percent(rate, space=" ")


def _when(timestamp: str) -> str:
    try:
        moment = datetime.fromisoformat(timestamp)
    except ValueError:
        return timestamp
    return moment.strftime("%Y-%m-%d %H:%M %Z").strip()


class HtmlReportWriter:
    """Renders report.html from the RunResult's report.json document."""

    filename = "report.html"

    def write(self, result: RunResult, directory: Path) -> Path:
        path = directory / self.filename
        path.write_text(render_html(result.to_dict()), encoding="utf-8")
        return path


def render_html(report: dict[str, Any]) -> str:
    return _Page(report).render()


class _Page:
    def __init__(self, report: dict[str, Any]) -> None:
        self.report = report
        self.findings_by_cell: dict[tuple[str, str, str], list[dict[str, Any]]] = defaultdict(list)
        for finding in report["findings"]:
            self.findings_by_cell[finding["api"], finding["operation"], finding["check"]].append(finding)
        self.checks = [check.value for check in CheckClass]
        # Element ids of the cells with findings; a slug shared by two cells gets a numbered suffix.
        self.ids: dict[tuple[str, str, str], str] = {}
        taken: set[str] = set()
        for key in self.findings_by_cell:
            identifier, number = cell_id(*key), 1
            while identifier in taken:
                number += 1
                identifier = f"{cell_id(*key)}-{number}"
            taken.add(identifier)
            self.ids[key] = identifier

    def _id(self, finding: dict[str, Any]) -> str:
        return self.ids[finding["api"], finding["operation"], finding["check"]]

    def render(self) -> str:
        report = self.report
        title = f"apiconform: {report['verdict']} – {report['target']['name']}"
        sections = [
            self._header(),
            self._nav(),
            '<main id="main">',
            self._facts(),
            self._errors(),
            self._comparison(),
            self._baseline(),
            self._findings_table(),
            self._matrix(),
            self._panels(),
            self._enum_coverage(),
            self._doc_coverage(),
            self._trend(),
            "</main>",
            self._footer(),
        ]
        body = "\n".join(sections)
        csp = (
            "default-src 'none'; "
            f"style-src '{_sha256(CSS)}'; script-src '{_sha256(SCRIPT)}'; "
            "img-src data:; base-uri 'none'; form-action 'none'"
        )
        return (
            "<!DOCTYPE html>\n"
            '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f'<meta http-equiv="Content-Security-Policy" content="{csp}">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            '<meta name="generator" content="apiconform">\n'
            '<link rel="icon" href="data:,">\n'
            f"<title>{_e(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
            f"{body}\n<script>{SCRIPT}</script>\n</body>\n</html>\n"
        )

    # -- the headline ------------------------------------------------------------------------------

    def _header(self) -> str:
        report, summary = self.report, self.report["summary"]
        failures, warnings, accepted = summary["failures"], summary["warnings"], summary.get("accepted", 0)
        incomplete = list(report.get("incomplete", []))
        if report["verdict"] == Verdict.VIOLATIONS:
            status = CellStatus.FAIL
            headline = f"Violations: {_plural(failures, 'failure')} on documented contract"
        elif report["verdict"] == Verdict.INCOMPLETE:
            status = CellStatus.WARNING
            headline = "Incomplete: too little was tested to call the target conformant"
        else:
            status = CellStatus.PASS
            headline = "Conformant: no failure on documented contract"
        details = [*incomplete, _plural(warnings, "warning")]
        if accepted:
            details.append(f"{accepted} accepted by the baseline")
        comparison = report.get("comparison")
        if comparison is not None:
            details.append(f"{len(comparison['new_failures'])} new since the previous run")
        return (
            f'<header class="verdict v-{status}" role="banner">'
            f'<p class="verdict-symbol" aria-hidden="true">{STATUS_SYMBOL[status]}</p>'
            f"<div><h1>{_e(headline)}</h1>"
            f'<p class="verdict-sub">{_e(" · ".join(details))} · exit code {report["exit_code"]} · '
            f"target <strong>{_e(report['target']['name'])}</strong></p></div></header>"
        )

    def _nav(self) -> str:
        links = [("facts", "Run"), ("findings", "Findings"), ("matrix", "Matrix")]
        if "comparison" in self.report:
            links.insert(1, ("comparison", "Since previous run"))
        if "baseline" in self.report:
            links.insert(-2, ("baseline", "Baseline"))
        links += [("enum-coverage", "Enum coverage"), ("doc-coverage", "Doc coverage"), ("trend", "Trend")]
        items = "".join(f'<li><a href="#{anchor}">{_e(label)}</a></li>' for anchor, label in links)
        return f'<nav aria-label="Sections"><ul>{items}</ul></nav>'

    def _facts(self) -> str:
        report, run, summary = self.report, self.report["run"], self.report["summary"]
        target = report["target"]
        specs = "".join(
            f"<li><strong>{_e(spec['name'])}</strong> {_e(spec['title'])} "
            f"<span class=muted>{_e(_version(spec['version']))} · {_e(spec['path'])}</span>"
            f"{_evidence_rule(spec.get('evidence_rule'))}"
            f"{_overlays(spec.get('overlays', []))}{_document_warnings(spec.get('warnings', []))}</li>"
            for spec in report["specs"]
        )
        rows = [
            ("Target", f"{_e(target['name'])}{' (embedded sandbox)' if target['embedded'] else ''}"),
            ("Base URL", "<br>".join(f"<code>{_e(url.strip())}</code>" for url in target["base_url"].split(","))),
            ("Specs", f'<ul class="plain">{specs}</ul>'),
            ("Seed", f"<code>{_e(run['seed'])}</code> · {_e(run['max_examples'])} examples per operation and phase"),
            ("Started", _e(_when(run["started_at"]))),
            ("Duration", f"{run['duration_seconds']:.1f} s"),
            ("Requests", _e(run["request_count"])),
            ("Operations covered", f"{summary['operations_covered']} of {summary['operations']}"),
            ("Pass rate", f"{_percent(summary.get('pass_rate'))} <span class=muted>of exercised checks</span>"),
            ("Tool", f"apiconform {_e(report['tool']['version'])}"),
        ]
        if run["stop_reason"] != "completed":
            rows.append(("Stopped", _e(run["stop_reason"])))
        wide = {"Base URL", "Specs"} if len(report["specs"]) > 1 else set()
        facts = "".join(
            f"<div{' class=wide' if label in wide else ''}><dt>{label}</dt><dd>{value}</dd></div>"
            for label, value in rows
        )
        tiles = [
            (CellStatus.FAIL, summary["failures"], "failures", "on documented contract"),
            (CellStatus.WARNING, summary["warnings"], "warnings", "example or inferred contract"),
            (
                CellStatus.ACCEPTED,
                summary.get("accepted", 0),
                "accepted",
                "by the baseline" if "baseline" in report else "no baseline given",
            ),
            (
                CellStatus.NOT_COVERED,
                summary["operations"] - summary["operations_covered"],
                "not covered",
                "operations without a request",
            ),
        ]
        tile_html = "".join(
            f'<div class="tile t-{status}"><span class="tile-n">{count}</span>'
            f'<span class="tile-l"><span aria-hidden="true">{STATUS_SYMBOL[status]}</span> {_e(label)}</span>'
            f'<span class="tile-d">{_e(meaning)}</span></div>'
            for status, count, label, meaning in tiles
        )
        return (
            f'<section id="facts" aria-labelledby="facts-h"><h2 id="facts-h">Run</h2>'
            f'<div class="tiles">{tile_html}</div><dl class="facts">{facts}</dl></section>'
        )

    def _errors(self) -> str:
        errors = self.report["errors"]
        if not errors:
            return ""
        items = "".join(f"<li>{_e(error)}</li>" for error in errors)
        return f'<section id="errors" class="errors"><h2>Errors during the run</h2><ul>{items}</ul></section>'

    # -- regression --------------------------------------------------------------------------------

    def _comparison(self) -> str:
        comparison = self.report.get("comparison")
        if comparison is None:
            return ""
        parts = [
            '<section id="comparison" aria-labelledby="comparison-h"><h2 id="comparison-h">Since the previous run</h2>',
            (
                f'<p class="muted">Compared with <code>{_e(comparison["previous"])}</code> '
                f"({_e(_when(comparison['previous_started_at']))}, {_e(comparison['previous_verdict'])}).</p>"
            ),
        ]
        for key, label, status in (
            ("new_failures", "New failures", CellStatus.FAIL),
            ("fixed", "Fixed", CellStatus.PASS),
            ("persisting", "Persisting failures", CellStatus.NOT_COVERED),
        ):
            items = comparison[key]
            parts.append(f"<h3>{_badge(status, label)} {len(items)}</h3>")
            if items:
                parts.append(_diff_table(items))
        drift = comparison["drift"]
        parts.append(f"<h3>Drift {len(drift)}</h3>")
        if drift:
            rows = "".join(
                f"<tr><td>{_e(DRIFT_LABEL.get(item['kind'], item['kind']))}</td><td>{_e(item['api'])}</td>"
                f"<td>{_e(item['operation'])}</td><td>{_e(item['check'])}</td><td><code>{_e(item['pointer'])}</code></td>"
                f"<td><code>{_e(item['before'])}</code></td><td><code>{_e(item['after'])}</code></td></tr>"
                for item in drift
            )
            parts.append(
                '<div class="scroll"><table class="data"><thead><tr><th>Change</th><th>API</th><th>Operation</th>'
                f"<th>Check</th><th>Pointer</th><th>Before</th><th>After</th></tr></thead><tbody>{rows}</tbody>"
                "</table></div>"
            )
        parts.append("</section>")
        return "".join(parts)

    def _baseline(self) -> str:
        baseline = self.report.get("baseline")
        if baseline is None:
            return ""
        status_text = {
            "used": (CellStatus.ACCEPTED, "in force, accepting"),
            "expired": (CellStatus.FAIL, "expired: its findings fail again"),
            "unused": (CellStatus.WARNING, "unused: nothing matched it; remove it"),
        }
        rows = "".join(
            f"<tr><td>{_badge(status_text[entry['status']][0], status_text[entry['status']][1])}</td>"
            f"<td>{_e(entry['api'] or 'any')}</td><td>{_e(entry['operation'])}</td><td>{_e(entry['check'])}</td>"
            f"<td><code>{_e(entry['pointer'])}</code></td><td>{_e(entry['expires'])}</td>"
            f'<td class="num">{entry["matched"]}</td><td>{_e(entry["reason"])}</td></tr>'
            for entry in baseline["entries"]
        )
        counts = Counter(entry["status"] for entry in baseline["entries"])
        summary = f"{counts['used']} in force and used, {counts['expired']} expired, {counts['unused']} unused"
        table = (
            '<div class="scroll"><table class="data"><thead><tr><th>Status</th><th>API</th><th>Operation</th>'
            "<th>Check</th><th>Pointer</th><th>Expires</th><th>Matched</th><th>Reason</th></tr></thead>"
            f"<tbody>{rows}</tbody></table></div>"
            if rows
            else "<p>The baseline has no entries.</p>"
        )
        return (
            '<section id="baseline" aria-labelledby="baseline-h"><h2 id="baseline-h">Baseline</h2>'
            f'<p class="muted"><code>{_e(baseline["path"])}</code>, judged on {_e(baseline["checked_on"])}: '
            f"{_e(summary)}.</p>{table}</section>"
        )

    # -- findings ----------------------------------------------------------------------------------

    def _findings_table(self) -> str:
        findings = self.report["findings"]
        head = '<section id="findings" aria-labelledby="findings-h"><h2 id="findings-h">Findings</h2>'
        if not findings:
            return head + "<p>No findings: every exercised check passed.</p></section>"
        order = {"fail": 0, "accepted": 1, "warning": 2}
        ranked = sorted(findings, key=lambda finding: (order[_finding_status(finding)], -finding["occurrences"]))
        rows = "".join(
            f'<tr class="r-{_finding_status(finding)}"><td>{_badge(_finding_status(finding))}</td>'
            f"<td>{_e(finding['check'])}</td><td>{_e(finding['api'])} {_e(finding['operation'])}</td>"
            f"<td><code>{_e(finding['pointer'] or '/')}</code></td>"
            f'<td class="clip"><code>{_e(finding["expected"])}</code></td>'
            f'<td class="clip"><code>{_e(finding["actual"])}</code></td>'
            f"<td>{_evidence(finding['evidence'])}</td>"
            f'<td class="num">×{finding["occurrences"]}</td>'
            f'<td><a href="#{self._id(finding)}" data-open="{self._id(finding)}">details</a></td></tr>'
            for finding in ranked
        )
        return (
            head + '<div class="scroll"><table class="data findings"><thead><tr><th>Status</th><th>Check</th>'
            "<th>Operation</th><th>Pointer</th><th>Expected</th><th>Actual</th><th>Evidence</th><th>Seen</th>"
            f"<th><span class=sr>Details</span></th></tr></thead><tbody>{rows}</tbody></table></div></section>"
        )

    def _matrix(self) -> str:
        report = self.report
        legend = "".join(
            f'<li><span class="cell-sample c-{status}" aria-hidden="true">{STATUS_SYMBOL[status]}</span> '
            f"<strong>{_e(STATUS_LABEL[status])}</strong>: {_e(STATUS_MEANING[status])}</li>"
            for status in CellStatus.ALL
        )
        head = "".join(f'<th scope="col" class="check">{_e(check.replace("_", " "))}</th>' for check in self.checks)
        operations = {(op["api"], op["operation"]): op for op in report["operations"]}
        groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for row in report["matrix"]:
            groups[row["api"]].append(row)
        specs = {spec["name"]: spec for spec in report["specs"]}
        bodies = [
            self._matrix_group(api, rows, operations, specs.get(api), len(self.checks) + 3)
            for api, rows in groups.items()
        ]
        return (
            '<section id="matrix" aria-labelledby="matrix-h"><h2 id="matrix-h">Operations × check classes</h2>'
            f'<ul class="legend">{legend}</ul>'
            '<div class="toolbar" role="group" aria-label="Filter the matrix">'
            '<label><input type="checkbox" data-filter="quiet"> only operations with findings</label>'
            '<label><input type="checkbox" data-filter="uncovered"> hide operations not covered</label>'
            '<button type="button" data-expand-all>open all findings</button></div>'
            '<div class="scroll"><table class="matrix"><thead><tr><th scope="col">Operation</th>'
            f'<th scope="col" class="narrow">Evidence</th><th scope="col" class="num narrow">Requests</th>{head}</tr>'
            "</thead>"
            f"{''.join(bodies)}</table></div></section>"
        )

    def _matrix_group(
        self,
        api: str,
        rows: list[dict[str, Any]],
        operations: dict[tuple[str, str], dict[str, Any]],
        spec: dict[str, Any] | None,
        width: int,
    ) -> str:
        ops = [operations.get((api, row["operation"]), {}) for row in rows]
        covered = sum(1 for op in ops if op.get("covered"))
        evidence = Counter(op.get("evidence", "") for op in ops)
        evidence_text = " · ".join(f"{evidence[level]} {level}" for level in ("DOC", "EXAMPLE", "INFERRED"))
        title = f"{spec['title']} {_version(spec['version'])}" if spec is not None else ""
        header = (
            f'<tr class="api-row"><th colspan="{width}" scope="colgroup" id="api-{_slug(api)}">'
            f"<strong>{_e(api)}</strong> <span class=muted>{_e(title)} · {covered} of {len(rows)} operations covered"
            f" · operations on {_e(evidence_text)}</span></th></tr>"
        )
        body = [self._matrix_row(row, operations.get((api, row["operation"]), {})) for row in rows]
        return f'<tbody class="api-group" data-api="{_e(api)}">{header}{"".join(body)}</tbody>'

    def _matrix_row(self, row: dict[str, Any], operation: dict[str, Any]) -> str:
        api, label = row["api"], row["operation"]
        method, _, path = label.partition(" ")
        statuses = [row["cells"].get(check, CellStatus.NOT_COVERED) for check in self.checks]
        quiet = all(status in {CellStatus.PASS, CellStatus.NOT_COVERED} for status in statuses)
        covered = bool(operation.get("covered"))
        note = ""
        if not covered:
            reason = operation.get("skip_reason") or operation.get("uncovered_reason") or "no request reached it"
            note = f'<span class="op-note">{_e(reason)}</span>'
        op_id = operation.get("operation_id", "")
        cells = "".join(
            self._cell(api, label, check, status, operation)
            for check, status in zip(self.checks, statuses, strict=True)
        )
        return (
            f'<tr class="op-row" data-operation="{_e(label)}" data-quiet="{str(quiet).lower()}" '
            f'data-covered="{str(covered).lower()}"><th scope="row" class="op">'
            f'<span class="method m-{_slug(method)}">{_e(method)}</span> <code>{_e(path)}</code>'
            f"{f'<span class=op-id>{_e(op_id)}</span>' if op_id else ''}{note}</th>"
            f"<td>{_evidence(operation.get('evidence', ''))}</td>"
            f'<td class="num">{_e(operation.get("requests", 0))}</td>{cells}</tr>'
        )

    def _cell(self, api: str, operation: str, check: str, status: str, op: dict[str, Any]) -> str:
        findings = self.findings_by_cell.get((api, operation, check), [])
        symbol = f'<span aria-hidden="true">{STATUS_SYMBOL.get(status, "?")}</span>'
        label = STATUS_LABEL.get(status, status)
        if not findings:
            reason = STATUS_MEANING.get(status, "")
            if status == CellStatus.NOT_COVERED and op.get("skip_reason"):
                reason = op["skip_reason"]
            return (
                f'<td class="cell c-{_e(status)}" title="{_e(check)}: {_e(label)} ({_e(reason)})">'
                f"{symbol}<span class=sr>{_e(label)}</span></td>"
            )
        identifier = self.ids[api, operation, check]
        evidence = min((finding["evidence"] for finding in findings), key=_evidence_strength)
        count = sum(finding["occurrences"] for finding in findings)
        title = f"{check}: {label}, {_plural(len(findings), 'finding')} on {evidence} contract; open the details"
        return (
            f'<td class="cell c-{_e(status)}"><a class="cell-link" id="{identifier}-link" href="#{identifier}" '
            f'data-open="{identifier}" aria-controls="{identifier}" aria-expanded="false" title="{_e(title)}">'
            f'{symbol}<span class="cell-ev">{_e(EVIDENCE_SHORT.get(evidence, evidence))}</span>'
            f"<span class=sr>{_e(label)}, {_plural(len(findings), 'finding')}, seen {count} times</span></a></td>"
        )

    def _panels(self) -> str:
        if not self.findings_by_cell:
            return ""
        panels = []
        for (api, operation, check), findings in self.findings_by_cell.items():
            identifier = self.ids[api, operation, check]
            articles = "".join(_finding_article(finding) for finding in findings)
            panels.append(
                f'<section class="panel" id="{identifier}" tabindex="-1" aria-labelledby="{identifier}-h">'
                f'<div class="panel-head"><h3 id="{identifier}-h">{_e(api)} · {_e(operation)} · {_e(check)}</h3>'
                f'<button type="button" class="close" data-close="{identifier}" aria-label="Close these findings">'
                f"Close</button></div>{articles}</section>"
            )
        return (
            '<section id="details" aria-labelledby="details-h"><h2 id="details-h">Findings in detail</h2>'
            '<p class="muted no-print">Click a coloured cell of the matrix, or a finding above, to open it here.</p>'
            f"{''.join(panels)}</section>"
        )

    # -- coverage and trend ------------------------------------------------------------------------

    def _enum_coverage(self) -> str:
        head = '<section id="enum-coverage" aria-labelledby="enum-h"><h2 id="enum-h">Enum coverage</h2>'
        entries = self.report.get("enum_coverage")
        if entries is None:
            return head + f'<p class="not-recorded">{NOT_RECORDED}</p></section>'
        if not entries:
            return head + "<p>No documented enum was reached in this run.</p></section>"
        rows = "".join(_enum_row(entry) for entry in entries)
        return (
            head + '<p class="muted"><span aria-hidden="true">✓</span> observed in a response · '
            '<span aria-hidden="true">·</span> listed, never observed · <span aria-hidden="true">✗</span> observed '
            'outside a closed enum (a violation) · <span aria-hidden="true">+</span> observed outside values known '
            'only from examples (drift)</p><div class="scroll"><table class="data enum"><thead><tr><th>Operation</th>'
            '<th>Pointer</th><th>Kind</th><th>Evidence</th><th class="num">Observed</th><th>Values</th></tr></thead>'
            f"<tbody>{rows}</tbody></table></div></section>"
        )

    def _doc_coverage(self) -> str:
        head = '<section id="doc-coverage" aria-labelledby="doc-h"><h2 id="doc-h">Documentation coverage</h2>'
        entries = self.report.get("doc_coverage")
        if entries is None:
            return head + f'<p class="not-recorded">{NOT_RECORDED}</p></section>'
        levels = [level.value for level in Evidence]
        constraints = any("constraints_by_evidence" in entry for entry in entries)
        tree = any(entry.get("tree_entries") for entry in entries)
        rows = []
        for entry in entries:
            counts = entry["operations_by_evidence"]
            total = sum(counts.get(level, 0) for level in levels)
            cells = "".join(f'<td class="num">{counts.get(level, 0)}</td>' for level in levels)
            extra = ""
            if constraints:
                by_level = entry.get("constraints_by_evidence", {})
                constrained = sum(by_level.get(level, 0) for level in levels)
                extra += f"<td>{_evidence_bar(by_level, constrained, labelled=True)}</td>"
            if tree:
                extra += f'<td class="num">{entry.get("tree_mapped", 0)} of {entry.get("tree_entries", 0)}</td>'
            title = f' <span class="muted">{_e(entry["title"])}</span>' if entry.get("title") else ""
            rows.append(
                f"<tr><td>{_e(entry['api'])}{title}</td>{cells}<td class='num'>{total}</td>"
                f"<td>{_evidence_bar(counts, total)}</td>{extra}</tr>"
            )
        header = "".join(f'<th class="num">{_evidence(level)}</th>' for level in levels)
        header += '<th class="num">Total</th><th>Operations</th>'
        if constraints:
            header += "<th>Constraints (type, enum, format, required…)</th>"
        if tree:
            header += '<th class="num">Doc-tree entries implemented</th>'
        return (
            head + '<p class="muted">Operations of each spec by the evidence their contract rests on: only DOC '
            'contract fails the gate.</p><div class="scroll"><table class="data"><thead><tr><th>API</th>'
            f"{header}</tr></thead><tbody>{''.join(rows)}</tbody></table></div></section>"
        )

    def _trend(self) -> str:
        head = '<section id="trend" aria-labelledby="trend-h"><h2 id="trend-h">Pass rate over past runs</h2>'
        history = self.report.get("history")
        if history is None:
            return head + f'<p class="not-recorded">{NOT_RECORDED} (history was off)</p></section>'
        runs = history["runs"]
        note = (
            f'<p class="muted">Series <code>{_e(history["series"])}</code> in <code>{_e(history["database"])}</code>; '
            f"this run is #{history['run_id']}. Pass rate: exercised checks that did not fail.</p>"
        )
        rows = "".join(
            f"<tr><td>#{point['run_id']}</td><td>{_e(_when(point['started_at']))}</td>"
            f"<td>{_badge(VERDICT_STATUS.get(point['verdict'], CellStatus.FAIL), point['verdict'])}"
            f'</td><td class="num">{_percent(point["pass_rate"])}</td><td class="num">{point["failures"]}</td>'
            f'<td class="num">{point["warnings"]}</td><td class="num">{point["accepted"]}</td></tr>'
            for point in reversed(runs)
        )
        table = (
            '<details class="trend-data"><summary>The runs as a table</summary><div class="scroll">'
            '<table class="data"><thead><tr><th>Run</th><th>Started</th><th>Verdict</th><th class="num">Pass rate'
            '</th><th class="num">Failures</th><th class="num">Warnings</th><th class="num">Accepted</th></tr>'
            f"</thead><tbody>{rows}</tbody></table></div></details>"
        )
        return head + note + _trend_svg(runs) + table + "</section>"

    def _footer(self) -> str:
        report = self.report
        return (
            f"<footer><p>apiconform {_e(report['tool']['version'])} · report format {_e(report['format_version'])} "
            "· rendered from report.json, which holds everything on this page · secrets are redacted at the source"
            "</p></footer>"
        )


# -- pieces -----------------------------------------------------------------------------------------


def _overlays(overlays: list[dict[str, Any]]) -> str:
    """The Overlay documents that corrected a spec before the run, and any action that selected nothing."""
    if not overlays:
        return ""
    items = "".join(
        f"<li>overlay <code>{_e(overlay['path'])}</code> {_e(overlay['title'])} "
        f"<span class=muted>{_e(overlay['actions'])} action{'s' if overlay['actions'] != 1 else ''}</span>"
        + "".join(
            f"<br><span class=b-warning>! action {_e(item['action'])} target <code>{_e(item['target'])}</code> "
            "selected nothing</span>"
            for item in overlay["unmatched"]
        )
        + "</li>"
        for overlay in overlays
    )
    return f'<ul class="plain">{items}</ul>'


def _version(version: str) -> str:
    return f"v{version}" if version[:1].isdigit() else version


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _evidence_strength(level: str) -> int:
    return Evidence(level).strength if level in Evidence.__members__.values() else -1


def _finding_status(finding: dict[str, Any]) -> str:
    if "accepted" in finding:
        return CellStatus.ACCEPTED
    return CellStatus.FAIL if finding["severity"] == "failure" else CellStatus.WARNING


def _badge(status: str, text: str | None = None) -> str:
    label = STATUS_LABEL.get(status, status) if text is None else text
    symbol = STATUS_SYMBOL.get(status, "")
    return f'<span class="badge b-{_e(status)}"><span aria-hidden="true">{symbol}</span> {_e(label)}</span>'


def _evidence(level: str) -> str:
    if not level:
        return ""
    return f'<span class="ev ev-{_slug(level)}" title="evidence: {_e(level)}">{_e(level)}</span>'


def _diff_table(items: Iterable[dict[str, Any]]) -> str:
    rows = "".join(
        f"<tr><td>{_e(item['check'])}</td><td>{_e(item['api'])} {_e(item['operation'])}</td>"
        f"<td><code>{_e(item['pointer'] or '/')}</code></td><td class='clip'><code>{_e(item['expected'])}</code></td>"
        f"<td class='clip'><code>{_e(item['actual'])}</code></td><td>{_evidence(item['evidence'])}</td>"
        f"<td>{_e(item['note'])}</td></tr>"
        for item in items
    )
    return (
        '<div class="scroll"><table class="data"><thead><tr><th>Check</th><th>Operation</th><th>Pointer</th>'
        f"<th>Expected</th><th>Actual</th><th>Evidence</th><th>Note</th></tr></thead><tbody>{rows}</tbody></table></div>"
    )


def _finding_article(finding: dict[str, Any]) -> str:
    status = _finding_status(finding)
    rows = [
        ("Check", _e(finding["check"])),
        ("JSON pointer", f"<code>{_e(finding['pointer'] or '/')}</code>"),
        ("Expected", f"<code>{_e(finding['expected'] or '–')}</code>"),
        ("Actual", f"<code>{_e(finding['actual'] or '–')}</code>"),
        ("Evidence", f"{_evidence(finding['evidence'])} <span class=muted>(severity {_e(finding['severity'])})</span>"),
        (
            "Seen",
            f"{_plural(finding['occurrences'], 'time')}"
            + (f", first in the {_e(finding['phase'])} phase" if finding["phase"] else "")
            + (f", by {_e(finding['source'])}" if finding["source"] else ""),
        ),
    ]
    if finding["doc"]:
        rows.append(("Documented at", f"<code>{_e(finding['doc'])}</code>"))
    accepted = finding.get("accepted")
    if accepted is not None:
        rows.append(
            ("Accepted", f"{_e(accepted['reason'])} <span class=muted>(until {_e(accepted['expires'])})</span>")
        )
    facts = "".join(f"<div><dt>{label}</dt><dd>{value}</dd></div>" for label, value in rows)
    parts = [
        f'<article class="finding f-{status}"><h4>{_badge(status)} {_e(finding["title"])}</h4>',
        f'<dl class="kv">{facts}</dl>',
    ]
    if finding["message"]:
        parts.append(f'<pre class="message">{_e(finding["message"])}</pre>')
    if finding["curl"]:
        parts.append(
            '<div class="block-head"><h5>Reproduce</h5><button type="button" class="copy" data-copy>Copy</button></div>'
            f'<pre class="curl"><code>{_e(finding["curl"])}</code></pre>'
        )
    response = finding["response"]
    if response is not None:
        headers = "".join(
            f"<tr><th scope='row'>{_e(name)}</th><td><code>{_e(value)}</code></td></tr>"
            for name, value in response["headers"].items()
        )
        body = _pretty(response["body"], truncated=response["body_truncated"])
        truncated = (
            '<p class="muted">Body truncated: the report keeps the first 2000 characters.</p>'
            if response["body_truncated"]
            else ""
        )
        parts.append(
            f"<h5>Response <span class=status>HTTP {_e(response['status'])}</span></h5>"
            f'<table class="headers"><tbody>{headers}</tbody></table>'
            f'<pre class="body"><code>{_e(body)}</code></pre>'
            f"{truncated}"
        )
    parts.append("</article>")
    return "".join(parts)


def _pretty(body: str, *, truncated: bool) -> str:
    if truncated or not body.strip():
        return body
    try:
        return json.dumps(json.loads(body), indent=2, ensure_ascii=False)
    except ValueError:
        return body


def _enum_row(entry: dict[str, Any]) -> str:
    closed = entry.get("kind", "enum") == "enum"
    documented = [json.dumps(value, ensure_ascii=False) for value in entry["documented"]]
    observed = {json.dumps(value, ensure_ascii=False) for value in entry["observed"]}
    chips = "".join(
        f'<li class="chip {"seen" if value in observed else "unseen"}">'
        f'<span aria-hidden="true">{"✓" if value in observed else "·"}</span> <code>{_e(value)}</code>'
        f"<span class=sr>{'observed' if value in observed else 'not observed'}</span></li>"
        for value in documented
    )
    outside, symbol, meaning = (
        ("undocumented", "✗", "observed outside the documented enum")
        if closed
        else ("drift", "+", "observed outside the known values: drift")
    )
    chips += "".join(
        f'<li class="chip {outside}"><span aria-hidden="true">{symbol}</span> <code>{_e(value)}</code>'
        f"<span class=sr>{meaning}</span></li>"
        for value in sorted(observed - set(documented))
    )
    seen = len(observed & set(documented))
    kind = "enum" if closed else "known values"
    return (
        f"<tr><td><span class=muted>{_e(entry['api'])}</span><br>{_e(entry['operation'])}</td>"
        f"<td><code>{_e(entry['pointer'])}</code></td><td>{_e(kind)}</td><td>{_evidence(entry['evidence'])}</td>"
        f'<td class="num">{seen} of {len(documented)}</td><td><ul class="chips">{chips}</ul></td></tr>'
    )


def _evidence_bar(counts: dict[str, int], total: int, *, labelled: bool = False) -> str:
    if not total:
        return ""
    width, x, parts = 160.0, 0.0, []
    for level in Evidence:
        share = counts.get(level.value, 0) / total * width
        if share:
            parts.append(
                f'<rect x="{x:.1f}" y="0" width="{share:.1f}" height="12" class="bar-{_slug(level.value)}">'
                f"<title>{_e(level.value)}: {counts.get(level.value, 0)}</title></rect>"
            )
        x += share
    label = ", ".join(f"{counts.get(level.value, 0)} {level.value}" for level in Evidence)
    bar = (
        f'<svg class="bar" width="160" height="12" viewBox="0 0 160 12" role="img" aria-label="{_e(label)}">'
        f"{''.join(parts)}</svg>"
    )
    return f'{bar} <span class="bar-label">{_e(label)}</span>' if labelled else bar


def _trend_svg(runs: list[dict[str, Any]]) -> str:
    width, height, left, right, top, bottom = 720, 220, 48, 16, 14, 34
    plot_w, plot_h = width - left - right, height - top - bottom
    count = len(runs)

    def x_of(index: int) -> float:
        return left + (plot_w / 2 if count == 1 else plot_w * index / (count - 1))

    def y_of(rate: float) -> float:
        return top + plot_h * (1 - rate)

    grid = "".join(
        f'<line x1="{left}" x2="{width - right}" y1="{y_of(level):.1f}" y2="{y_of(level):.1f}" class="grid"/>'
        f'<text x="{left - 6}" y="{y_of(level) + 4:.1f}" class="axis" text-anchor="end">{int(level * 100)} %</text>'
        for level in (0.0, 0.25, 0.5, 0.75, 1.0)
    )
    points = [(index, run) for index, run in enumerate(runs) if run["pass_rate"] is not None]
    segments: list[list[str]] = [[]]
    previous = -1
    for index, run in points:
        if previous >= 0 and index != previous + 1:
            segments.append([])
        segments[-1].append(f"{x_of(index):.1f},{y_of(run['pass_rate']):.1f}")
        previous = index
    lines = "".join(
        f'<polyline points="{" ".join(segment)}" class="line"/>' for segment in segments if len(segment) > 1
    )
    marks = []
    for index, run in points:
        cx, cy = x_of(index), y_of(run["pass_rate"])
        tip = f"run #{run['run_id']}, {_when(run['started_at'])}: {_percent(run['pass_rate'])}, {run['verdict']}"
        if run["verdict"] == "conformant":
            shape = f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="5" class="pt-pass"/>'
        else:
            shape = (
                f'<path d="M{cx - 5:.1f},{cy - 5:.1f}L{cx + 5:.1f},{cy + 5:.1f}M{cx + 5:.1f},{cy - 5:.1f}'
                f'L{cx - 5:.1f},{cy + 5:.1f}" class="pt-fail"/>'
            )
        marks.append(f"<g><title>{_e(tip)}</title>{shape}</g>")
    labels = ""
    if runs:
        first, last = runs[0], runs[-1]
        anchor = "middle" if count == 1 else "start"
        labels = (
            f'<text x="{x_of(0):.1f}" y="{height - 10}" class="axis" text-anchor="{anchor}">'
            f"#{first['run_id']} {_e(first['started_at'][:10])}</text>"
        )
        if count > 1:
            labels += (
                f'<text x="{x_of(count - 1):.1f}" y="{height - 10}" class="axis" text-anchor="end">'
                f"#{last['run_id']} {_e(last['started_at'][:10])}</text>"
            )
    rates = [run["pass_rate"] for run in runs if run["pass_rate"] is not None]
    summary = (
        f"Pass rate over {_plural(count, 'run')}: from {_percent(rates[0])} to {_percent(rates[-1])}"
        if rates
        else "No run exercised any check"
    )
    legend = (
        '<p class="trend-legend"><span aria-hidden="true" class="lg-pass">●</span> conformant run '
        '<span aria-hidden="true" class="lg-fail">✗</span> run with violations</p>'
    )
    return (
        f'<figure class="trend"><svg viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
        f'aria-label="{_e(summary)}"><title>{_e(summary)}</title>{grid}{lines}{"".join(marks)}{labels}</svg>'
        f"<figcaption>{_e(summary)}.</figcaption>{legend}</figure>"
    )


def _sha256(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")


CSS: Final = """
:root{color-scheme:light;--fg:#1f2328;--muted:#57606a;--line:#d0d7de;--bg:#fff;--soft:#f6f8fa;
--pass:#1a7f37;--pass-bg:#dafbe1;--fail:#b3141f;--fail-bg:#ffe1e1;--warn:#7d4e00;--warn-bg:#fff1c2;
--acc:#4a3aa8;--acc-bg:#ebe7ff;--nc:#5b636d;--nc-bg:#eef1f4;--link:#0550ae}
*{box-sizing:border-box}
body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;
color:var(--fg);
background:var(--bg)}
code,pre{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono",monospace;font-size:.86em}
a{color:var(--link)}
h1{font-size:1.6rem;margin:0}h2{font-size:1.3rem;margin:2rem 0 .6rem;padding-bottom:.3rem;
border-bottom:1px solid var(--line)}
h3{font-size:1.05rem;margin:1.2rem 0 .4rem}h4{font-size:1rem;margin:0 0 .5rem}h5{font-size:.9rem;
margin:.8rem 0 .3rem}
main,nav ul,footer{max-width:1400px;margin:0 auto;padding:0 24px}
.verdict{display:flex;gap:20px;align-items:center;padding:22px max(24px,calc((100% - 1352px)/2));
border-bottom:4px solid}
.verdict-symbol{font-size:3rem;line-height:1;margin:0;font-weight:700}
.verdict-sub{margin:.3rem 0 0;color:var(--fg)}
.v-fail{background:var(--fail-bg);border-color:var(--fail)}.v-fail .verdict-symbol,.v-fail h1{color:var(--fail)}
.v-pass{background:var(--pass-bg);border-color:var(--pass)}.v-pass .verdict-symbol,.v-pass h1{color:var(--pass)}
.v-warning{background:var(--warn-bg);border-color:var(--warn)}
.v-warning .verdict-symbol,.v-warning h1{color:var(--warn)}
nav{background:var(--soft);border-bottom:1px solid var(--line);position:sticky;top:0;z-index:5}
nav ul{display:flex;flex-wrap:wrap;gap:4px 18px;list-style:none;padding-top:8px;padding-bottom:8px;margin:0 auto}
.tiles{display:grid;grid-template-columns:repeat(auto-fit,minmax(170px,1fr));gap:12px;margin:1rem 0}
.tile{border:1px solid var(--line);border-left:6px solid;border-radius:6px;padding:10px 14px;display:flex;
flex-direction:column}
.tile-n{font-size:1.8rem;font-weight:700;line-height:1.1}.tile-l{font-weight:600}.tile-d{color:var(--muted);
font-size:.85em}
.t-fail{border-left-color:var(--fail)}.t-warning{border-left-color:var(--warn)}
.t-accepted{border-left-color:var(--acc)}
.t-not_covered{border-left-color:var(--nc)}
.facts{display:grid;grid-template-columns:repeat(auto-fit,minmax(440px,1fr));gap:4px 32px;margin:0}
.facts div{display:flex;gap:12px;padding:3px 0;border-bottom:1px dotted var(--line)}
.facts div.wide{grid-column:1/-1}
.facts dt{flex:0 0 150px;color:var(--muted)}.facts dd{margin:0;min-width:0;overflow-wrap:anywhere}
ul.plain{list-style:none;margin:0;padding:0}
.muted,.op-note,.op-id{color:var(--muted)}
.scroll{overflow-x:auto;max-width:100%}
table{border-collapse:collapse}
table.data{width:100%;font-size:.9em}
table.data th,table.data td{border-bottom:1px solid var(--line);padding:5px 8px;text-align:left;vertical-align:top}
table.data thead th{background:var(--soft)}
.num{text-align:right;font-variant-numeric:tabular-nums}
td.clip code{display:inline-block;max-width:28ch;overflow:hidden;text-overflow:ellipsis;white-space:nowrap;
vertical-align:bottom}
.badge{display:inline-block;white-space:nowrap;border-radius:10px;padding:0 8px;font-size:.85em;font-weight:600;
border:1px solid}
.b-pass{color:var(--pass);background:var(--pass-bg)}.b-fail{color:var(--fail);background:var(--fail-bg)}
.b-warning{color:var(--warn);background:var(--warn-bg)}.b-accepted{color:var(--acc);background:var(--acc-bg)}
.b-not_covered{color:var(--nc);background:var(--nc-bg)}
.ev{display:inline-block;font-size:.75em;font-weight:700;letter-spacing:.03em;border-radius:3px;padding:0 5px;
border:1px solid}
.ev-doc{color:#0b4f9c;background:#ddeeff}.ev-example{color:#6a3d00;background:#fdebd3}.ev-inferred{color:#555;
background:#eee;border-style:dashed}
.legend{display:flex;flex-wrap:wrap;gap:4px 20px;list-style:none;padding:0;margin:.4rem 0 .8rem;font-size:.9em}
.cell-sample{display:inline-block;width:1.6em;text-align:center;border:1px solid var(--line);font-weight:700}
.toolbar{display:flex;flex-wrap:wrap;gap:8px 20px;align-items:center;margin:.4rem 0 .6rem;font-size:.9em}
html:not(.js) .toolbar{display:none}
button{font:inherit;font-size:.85em;padding:2px 10px;border:1px solid var(--line);border-radius:5px;
background:var(--soft);
cursor:pointer;color:var(--fg)}
button:hover{background:#eaeef2}
table.matrix{font-size:.86em;min-width:100%}
table.matrix th,table.matrix td{border:1px solid var(--line);padding:3px 6px}
table.matrix thead th{background:var(--soft);vertical-align:bottom}
table.matrix .narrow{width:1%;white-space:nowrap}
table.matrix th.check{width:4.6em;font-weight:600;font-size:.85em;text-align:center;line-height:1.15}
.api-row th{text-align:left;background:#e9edf2;padding:7px 8px;font-weight:normal}
th.op{text-align:left;font-weight:normal;min-width:300px;position:sticky;left:0;background:var(--bg);z-index:1}
.op code{font-size:.92em;word-break:break-all}.op-id,.op-note{display:block;font-size:.8em}
.method{display:inline-block;min-width:4.2em;font-size:.72em;font-weight:700;text-align:center;border-radius:3px;
background:#e7ecf1;color:#24292f;padding:0 4px}
.m-get{background:#ddf4ff;color:#0a3069}.m-post{background:#dafbe1;color:#116329}.m-put,.m-patch{background:#fff8c5;
color:#4d2d00}
.m-delete{background:#ffebe9;color:#82071e}
td.cell{text-align:center;font-weight:700;padding:0;height:2.2em;min-width:3.4em}
.c-pass{color:var(--pass);background:var(--pass-bg)}.c-fail{color:var(--fail);background:var(--fail-bg)}
.c-warning{color:var(--warn);background:var(--warn-bg)}.c-accepted{color:var(--acc);background:var(--acc-bg)}
.c-not_covered{color:var(--nc);background:var(--nc-bg)}
td.c-fail{background:#ffc9c9;outline:2px solid var(--fail);outline-offset:-2px}
a.cell-link{display:flex;flex-direction:column;align-items:center;justify-content:center;height:100%;
min-height:2.2em;
color:inherit;text-decoration:none;line-height:1.1}
a.cell-link:hover,a.cell-link:focus-visible{outline:3px solid var(--link);outline-offset:-3px}
a.cell-link[aria-expanded=true]{box-shadow:inset 0 0 0 3px var(--fg)}
.cell-ev{font-size:.62em;font-weight:600;letter-spacing:.04em}
tr.op-row:hover th.op,tr.op-row:hover td{filter:brightness(.97)}
.hide-quiet tr.op-row[data-quiet=true],.hide-uncovered tr.op-row[data-covered=false]{display:none}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.panel{display:none;border:1px solid var(--line);border-radius:8px;margin:1rem 0;padding:0 16px 12px;
scroll-margin-top:56px}
.panel.open,html:not(.js) .panel:target{display:block}
.panel:focus{outline:3px solid var(--link)}
.panel-head{display:flex;justify-content:space-between;align-items:center;gap:12px;
border-bottom:1px solid var(--line);
margin:0 -16px 10px;padding:8px 16px;background:var(--soft);border-radius:8px 8px 0 0}
.panel-head h3{margin:0}
.finding{border-left:5px solid var(--line);padding:6px 0 6px 14px;margin:12px 0}
.f-fail{border-left-color:var(--fail)}.f-warning{border-left-color:var(--warn)}
.f-accepted{border-left-color:var(--acc)}
.kv{display:grid;grid-template-columns:repeat(auto-fit,minmax(340px,1fr));gap:2px 24px;margin:0}
.kv div{display:flex;gap:10px}.kv dt{min-width:120px;color:var(--muted)}.kv dd{margin:0;overflow-wrap:anywhere}
pre{background:var(--soft);border:1px solid var(--line);border-radius:5px;padding:8px 10px;white-space:pre-wrap;
overflow-wrap:anywhere;max-height:24em;overflow:auto;margin:.3rem 0}
pre.message{background:#fff;font-size:.8em;max-height:8em}
.block-head{display:flex;gap:12px;align-items:center}.block-head h5{margin:.8rem 0 .3rem}
.status{font-family:ui-monospace,monospace;background:var(--soft);border:1px solid var(--line);border-radius:4px;
padding:0 6px}
table.headers{font-size:.82em;margin:.2rem 0}table.headers th{text-align:left;color:var(--muted);padding:0 12px 0 0;
font-weight:normal}
.chips{display:flex;flex-wrap:wrap;gap:4px;list-style:none;margin:0;padding:0}
.chip{border:1px solid var(--line);border-radius:10px;padding:0 7px;font-size:.85em}
.chip.seen{background:var(--pass-bg);color:var(--pass)}.chip.unseen{color:var(--muted);border-style:dashed}
.chip.undocumented{background:var(--fail-bg);color:var(--fail)}
.chip.drift{background:var(--warn-bg);color:var(--warn)}
table.enum td:first-child{white-space:nowrap}
.bar-label{font-size:.8em;color:var(--muted)}
.not-recorded{color:var(--muted);font-style:italic}
.bar rect.bar-doc{fill:#0b4f9c}.bar rect.bar-example{fill:#c77700}.bar rect.bar-inferred{fill:#b8bec6}
figure.trend{margin:0}figure.trend svg{max-width:100%;height:auto;border:1px solid var(--line);border-radius:6px;
background:#fff}
figure.trend figcaption{color:var(--muted);font-size:.9em}
.grid{stroke:#e3e7eb;stroke-width:1}.axis{font-size:11px;fill:#57606a;font-family:system-ui,sans-serif}
.line{fill:none;stroke:#0550ae;stroke-width:2}
.pt-pass{fill:var(--pass);stroke:#fff;stroke-width:1.5}.pt-fail{stroke:var(--fail);stroke-width:3;fill:none}
.trend-legend{font-size:.85em;color:var(--muted)}.lg-pass{color:var(--pass)}.lg-fail{color:var(--fail);
font-weight:700}
.errors{border:2px solid var(--fail);border-radius:8px;padding:0 16px;margin-top:1rem}
footer{color:var(--muted);font-size:.85em;margin:3rem auto 2rem}
@media print{
@page{size:A4 landscape;margin:12mm}
body{font-size:10pt}
nav,.toolbar,button,.no-print{display:none!important}
.verdict,.tile,td.cell,.badge,.ev,.chip,.api-row th,.bar rect,.method{-webkit-print-color-adjust:exact;
print-color-adjust:exact}
.panel{display:block!important;break-inside:auto;border-color:#999}
.finding{break-inside:avoid}
pre{max-height:none;overflow:visible}
th.op{position:static}
thead{display:table-header-group}
tr{break-inside:avoid}
a{color:inherit;text-decoration:none}
.scroll{overflow:visible}
details{display:block}details>summary{display:none}
}
"""

SCRIPT: Final = """
(() => {
  "use strict";
  const root = document.documentElement;
  root.classList.add("js");
  const isPanel = (element) => element !== null && element.classList.contains("panel");
  const openers = (id) => document.querySelectorAll('[aria-controls="' + id + '"]');
  function setOpen(id, open, scroll) {
    const panel = document.getElementById(id);
    if (!isPanel(panel)) return false;
    panel.classList.toggle("open", open);
    openers(id).forEach((element) => element.setAttribute("aria-expanded", String(open)));
    if (open && scroll) {
      panel.scrollIntoView({block: "start"});
      panel.focus({preventScroll: true});
    }
    return true;
  }
  function remember(id) {
    try { history.replaceState(null, "", id ? "#open=" + id : location.pathname); } catch (error) { /* file: */ }
  }
  function fromHash() {
    let hash = "";
    try { hash = decodeURIComponent(location.hash.slice(1)); } catch (error) { return; }
    const id = hash.startsWith("open=") ? hash.slice(5) : hash;
    if (id) setOpen(id, true, true);
  }
  document.addEventListener("click", (event) => {
    const target = event.target instanceof Element ? event.target : null;
    if (target === null) return;
    const opener = target.closest("[data-open]");
    if (opener !== null) {
      const id = opener.getAttribute("data-open");
      const panel = document.getElementById(id);
      if (!isPanel(panel)) return;
      event.preventDefault();
      const open = !(opener.classList.contains("cell-link") && panel.classList.contains("open"));
      setOpen(id, open, open);
      remember(open ? id : "");
      return;
    }
    const closer = target.closest("[data-close]");
    if (closer !== null) {
      const id = closer.getAttribute("data-close");
      setOpen(id, false, false);
      remember("");
      const link = document.getElementById(id + "-link");
      if (link !== null) link.focus();
      return;
    }
    const copier = target.closest("[data-copy]");
    if (copier !== null) {
      const code = copier.parentElement.nextElementSibling;
      const text = code === null ? "" : code.textContent;
      const done = () => { copier.textContent = "Copied"; };
      const fallback = () => {
        const range = document.createRange();
        range.selectNodeContents(code);
        const selection = window.getSelection();
        selection.removeAllRanges();
        selection.addRange(range);
        copier.textContent = "Selected: press Ctrl+C";
      };
      if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(text).then(done, fallback);
      else fallback();
      return;
    }
    if (target.closest("[data-expand-all]") !== null) {
      document.querySelectorAll(".panel").forEach((panel) => setOpen(panel.id, true, false));
    }
  });
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    const panel = document.activeElement === null ? null : document.activeElement.closest(".panel");
    if (isPanel(panel)) {
      setOpen(panel.id, false, false);
      const link = document.getElementById(panel.id + "-link");
      if (link !== null) link.focus();
    }
  });
  document.querySelectorAll("[data-filter]").forEach((box) => {
    box.addEventListener("change", () => {
      root.classList.toggle("hide-" + box.getAttribute("data-filter"), box.checked);
    });
  });
  window.addEventListener("hashchange", fromHash);
  fromHash();
})();
"""


def _evidence_rule(rule: str | None) -> str:
    """Which rule judged the document, so a reader knows why its findings gate or only warn."""
    if rule is None:
        return ""
    return f'<div class="muted">evidence rule: {_e(EvidenceRule(rule).description)}</div>'


def _document_warnings(warnings: list[dict[str, str]]) -> str:
    """Slips in the document that testing lived with, under the document they belong to."""
    if not warnings:
        return ""
    items = "".join(f"<li><code>{_e(w['location'])}</code> {_e(w['message'])}</li>" for w in warnings)
    return f'<details><summary>{len(warnings)} document warnings</summary><ul class="plain">{items}</ul></details>'
