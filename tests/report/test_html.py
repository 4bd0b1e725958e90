"""report.html: rendered from report.json, self-contained, escaped; and driven in a real headless Chromium."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import pytest

from apiconform.core.findings import Acceptance, Finding
from apiconform.core.regression import HistoryTrend, TrendPoint
from apiconform.core.vocabulary import CheckClass, Evidence
from apiconform.report.html import NOT_RECORDED, cell_id, render_html
from tests.fixtures.browser import Browser, chromium_path
from tests.fixtures.cli import REPO_ROOT
from tests.fixtures.reports import ReportRun
from tests.fixtures.results import AP_GET, AP_LIST, HOSTILE, finding, operation, result

SCRIPT_BLOCK: Final = re.compile(r"<script>(.*?)</script>", re.DOTALL)
STYLE_BLOCK: Final = re.compile(r"<style>(.*?)</style>", re.DOTALL)
ARTEFACT: Final = REPO_ROOT / "reports" / "browser-test.png"
VIEWPORT: Final = (1400, 1000)


def _render(**overrides: Any) -> str:
    return render_html(result(**overrides).to_dict())


def _csp_hash(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")


class TestSelfContained:
    """One file, no network: everything inline, pinned by a Content-Security-Policy."""

    def test_nothing_is_fetched(self) -> None:
        """No external script, stylesheet, image, font or import; the only link is a data: favicon."""
        page = _render(findings=[finding()])
        assert not re.search(r"""\s(src|href)=["']?(https?:)?//""", page)
        assert "@import" not in page
        assert "url(" not in page
        assert re.findall(r"<link [^>]*>", page) == ['<link rel="icon" href="data:,">']

    def test_csp_pins_the_inline_style_and_script_by_hash(self) -> None:
        """The policy allows exactly our one <style> and one <script>, by hash, and nothing from anywhere."""
        page = _render(findings=[finding()])
        scripts, styles = SCRIPT_BLOCK.findall(page), STYLE_BLOCK.findall(page)
        assert len(scripts) == len(styles) == 1
        policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page)
        assert policy is not None
        assert "default-src 'none'" in policy.group(1)
        assert f"script-src '{_csp_hash(scripts[0])}'" in policy.group(1)
        assert f"style-src '{_csp_hash(styles[0])}'" in policy.group(1)
        assert "unsafe-inline" not in policy.group(1)


class TestEscaping:
    """A hostile server's bytes are shown as text, never as markup."""

    @pytest.mark.parametrize(
        "hostile",
        [
            pytest.param(finding(body=HOSTILE), id="response-body"),
            pytest.param(finding(actual=HOSTILE), id="actual"),
            pytest.param(finding(expected=HOSTILE), id="expected"),
            pytest.param(finding(pointer="/" + HOSTILE), id="pointer"),
        ],
    )
    def test_no_injected_markup(self, hostile: Finding) -> None:
        """The only <script> is ours and no injected element or attribute survives."""
        page = _render(findings=[hostile])
        assert page.count("<script") == 1
        assert "<img" not in page
        assert "onerror=" not in page.replace("onerror=alert", "")  # the text stays, escaped
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page

    def test_hostile_header_values_are_escaped(self) -> None:
        """Response header values are escaped like the body."""
        hostile = finding()
        assert hostile.response is not None
        hostile.response.headers["x-evil"] = '"><script>alert(3)</script>'
        page = _render(findings=[hostile])
        assert page.count("<script") == 1
        assert "&quot;&gt;&lt;script&gt;alert(3)" in page


class TestContent:
    """What the page shows, section by section."""

    def test_headline_verdict(self) -> None:
        """A failing run says so in the h1, with a symbol as well as colour."""
        page = _render(findings=[finding()])
        assert re.search(
            r'<header class="verdict v-fail".*?<h1>Violations: 1 failure on documented contract</h1>', page
        )
        assert "Conformant" in _render()

    @pytest.mark.parametrize(
        ("fact", "text"),
        [
            pytest.param("target", "sandbox (embedded sandbox)", id="target"),
            pytest.param("spec", "AP invoice API", id="spec-title"),
            pytest.param("version", "v1.0", id="spec-version"),
            pytest.param("seed", "<code>0</code>", id="seed"),
            pytest.param("duration", "1.5 s", id="duration"),
            pytest.param("requests", "<dt>Requests</dt><dd>20</dd>", id="request-count"),
        ],
    )
    def test_run_facts(self, fact: str, text: str) -> None:
        """The run's facts are on the page."""
        assert text in _render(), fact

    def test_matrix_has_one_row_per_operation_grouped_by_api(self) -> None:
        """Every operation is one row, under its API's group header, with its evidence level."""
        operations = [
            operation(),
            operation(AP_LIST),
            operation("GET /v1/cases", api="amili/collection", covered=False),
        ]
        page = _render(operations=operations)
        assert page.count('<tr class="op-row"') == 3
        assert page.count('<tbody class="api-group"') == 2
        assert page.count('<span class="ev ev-doc"') >= 3
        assert "not served by the embedded sandbox" in page

    @pytest.mark.parametrize(
        ("findings", "status", "symbol"),
        [
            pytest.param([finding()], "fail", "✗", id="fail"),
            pytest.param([finding(evidence=Evidence.INFERRED)], "warning", "!", id="warning"),
            pytest.param(
                [dataclasses.replace(finding(), accepted=Acceptance(reason="VENDOR-1", expires="2030-01-01"))],
                "accepted",
                "≈",
                id="accepted",
            ),
        ],
    )
    def test_cell_status_has_symbol_and_opens_its_findings(self, findings: list[Any], status: str, symbol: str) -> None:
        """A cell with findings shows a symbol (not colour alone), its evidence, and links to its panel."""
        page = _render(findings=findings)
        identifier = cell_id("ap-invoice", AP_GET, "enum")
        cell = re.search(rf'<td class="cell c-{status}"><a class="cell-link" id="{identifier}-link".*?</td>', page)
        assert cell is not None
        assert f'<span aria-hidden="true">{symbol}</span>' in cell.group(0)
        assert f'data-open="{identifier}"' in cell.group(0)
        assert f'<section class="panel" id="{identifier}"' in page

    def test_panel_shows_everything_about_a_failure(self) -> None:
        """Check, pointer, expected, actual, curl, status, headers and body are in the failure's panel."""
        page = _render(findings=[finding(body='{"currency":"XBT"}')])
        panel = page[page.index('<section class="panel"') :]
        for text in (
            "/currency",
            "one of [&quot;EUR&quot;, &quot;USD&quot;]",
            "&quot;XBT&quot;",
            "curl -X GET -H &quot;Authorization: Bearer $APICONFORM_TOKEN&quot;",
            "HTTP 200",
            "content-type",
            "&quot;currency&quot;: &quot;XBT&quot;",  # the body, pretty-printed
        ):
            assert text in panel, text

    def test_truncated_body_says_so(self) -> None:
        """A body cut at the snapshot limit is marked as truncated."""
        page = _render(findings=[finding(body="x" * 5000)])
        assert "Body truncated" in page

    @pytest.mark.parametrize("section", ["enum-coverage", "doc-coverage", "trend"])
    def test_unrecorded_sections_say_so(self, section: str) -> None:
        """Without the data, a section says it was not recorded rather than inventing any."""
        page = _render()
        start = page.index(f'<section id="{section}"')
        assert NOT_RECORDED in page[start : page.index("</section>", start)]

    @pytest.mark.parametrize(
        ("kind", "outside"),
        [
            pytest.param("enum", '<li class="chip undocumented"><span aria-hidden="true">✗</span>', id="closed-enum"),
            pytest.param("known-values", '<li class="chip drift"><span aria-hidden="true">+</span>', id="known-values"),
        ],
    )
    def test_enum_coverage_marks_seen_unseen_and_outside(self, kind: str, outside: str) -> None:
        """Listed values are marked observed or not; outside an enum is a violation, outside known values drift."""
        data = result().to_dict()
        data["enum_coverage"] = [
            {
                "api": "ap-invoice",
                "operation": AP_GET,
                "pointer": "/status",
                "kind": kind,
                "documented": ["NEW", "PAID"],
                "observed": ["NEW", "new"],
                "evidence": "DOC",
            }
        ]
        page = render_html(data)
        assert '<li class="chip seen"><span aria-hidden="true">✓</span> <code>&quot;NEW&quot;</code>' in page
        assert '<li class="chip unseen">' in page
        assert f"{outside} <code>&quot;new&quot;</code>" in page
        assert '<td class="num">1 of 2</td>' in page

    def test_doc_coverage_counts_operations_by_evidence(self) -> None:
        """The doc-coverage table shows each spec's operations per evidence level and a total."""
        data = result().to_dict()
        data["doc_coverage"] = [{"api": "amili/arm", "operations_by_evidence": {"DOC": 3, "INFERRED": 5}}]
        page = render_html(data)
        assert re.search(
            r"<td>amili/arm</td><td class=\"num\">3</td><td class=\"num\">0</td><td class=\"num\">5</td>", page
        )
        assert "<td class='num'>8</td>" in page

    def test_trend_chart_is_inline_svg_with_one_mark_per_run(self) -> None:
        """The trend is an inline SVG: a line through the runs, a circle per conformant run, a cross per failing one."""
        points = [
            TrendPoint(
                run_id=i,
                started_at=f"2026-06-0{i}T09:00:00+00:00",
                verdict=verdict,
                pass_rate=rate,
                failures=0 if verdict == "conformant" else 1,
                warnings=0,
                accepted=0,
            )
            for i, (verdict, rate) in enumerate(
                [("conformant", 1.0), ("violations", 0.9), ("incomplete", 1.0)], start=1
            )
        ]
        trend = HistoryTrend(
            database="reports/history.sqlite", series="sandbox:ap-invoice", run_id=3, runs=tuple(points)
        )
        page = _render(history=trend)
        svg = page[page.index('<figure class="trend">') :]
        # An incomplete run is never drawn as a pass, whatever its pass rate.
        assert svg.count('class="pt-pass"') == 1
        assert svg.count('class="pt-fail"') == 2
        assert '<polyline points="' in svg
        assert "Pass rate over 3 runs: from 100 % to 100 %" in svg

    def test_cells_whose_slugs_collide_get_distinct_ids(self) -> None:
        """Two operations that slug alike still open their own findings."""
        operations = [operation("GET /a-b"), operation("GET /a/b")]
        findings = [finding(operation="GET /a-b"), finding(operation="GET /a/b")]
        page = _render(operations=operations, findings=findings)
        ids = re.findall(r'<section class="panel" id="([^"]+)"', page)
        assert len(ids) == len(set(ids)) == 2
        for identifier in ids:
            assert f'data-open="{identifier}"' in page

    def test_print_styles(self) -> None:
        """A print stylesheet shows every panel and hides the controls."""
        page = _render(findings=[finding()])
        print_css = page[page.index("@media print") :]
        assert ".panel{display:block!important" in print_css
        assert "nav,.toolbar,button" in print_css


# -- the real browser -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BrowserVisit:
    """What a headless Chromium saw of the faulted run's report.html."""

    operations: int
    rows: int
    problems: list[str]
    opened: dict[str, Any]
    printed: dict[str, Any]
    from_fragment: dict[str, Any]
    screenshot: Path
    pdf: Path


CLICK_TARGET: Final = """(() => {
  const link = document.querySelector("td.c-fail a.cell-link");
  link.scrollIntoView({block: "center"});
  const box = link.getBoundingClientRect();
  return {x: box.x + box.width / 2, y: box.y + box.height / 2, id: link.dataset.open};
})()"""
PANEL_STATE: Final = """((id) => {
  const panel = document.getElementById(id);
  const box = panel.getBoundingClientRect();
  return {open: panel.classList.contains("open"), height: box.height, inView: box.top < innerHeight && box.bottom > 0,
          expanded: document.getElementById(id + "-link").getAttribute("aria-expanded"), hash: location.hash,
          text: panel.innerText};
})"""
PRINT_STATE: Final = """(() => ({
  panels: document.querySelectorAll(".panel").length,
  shown: [...document.querySelectorAll(".panel")].filter((panel) => panel.offsetHeight > 0).length,
  navHidden: getComputedStyle(document.querySelector("nav")).display === "none",
}))()"""


@pytest.fixture(scope="module")
def visit(faulted_run: ReportRun, tmp_path_factory: pytest.TempPathFactory) -> BrowserVisit:
    """Open report.html, click the failing cell, screenshot, print; and open a cell from the URL fragment."""
    if chromium_path() is None:
        pytest.skip("chromium is not installed (.ci/run installs Debian's chromium package)")
    html_path = faulted_run.directory / "report.html"
    workdir = tmp_path_factory.mktemp("browser")
    with Browser.launch(workdir) as browser:
        page = browser.open_page(*VIEWPORT)
        page.navigate(html_path.as_uri())
        rows = page.evaluate("document.querySelectorAll('tr.op-row').length")
        target = page.evaluate(CLICK_TARGET)
        page.click(target["x"], target["y"])
        opened = page.evaluate(f"{PANEL_STATE}({target['id']!r})") | {"id": target["id"]}
        page.evaluate("window.scrollTo(0, 0)")
        screenshot = page.screenshot(workdir / "report.png")
        page.send("Emulation.setEmulatedMedia", {"media": "print"})
        printed = page.evaluate(PRINT_STATE)
        page.send("Emulation.setEmulatedMedia", {"media": ""})
        pdf = page.pdf(workdir / "report.pdf")
        problems = page.console_problems()
        second = browser.open_page(*VIEWPORT)
        second.navigate(f"{html_path.as_uri()}#open={target['id']}")
        from_fragment = second.evaluate(f"{PANEL_STATE}({target['id']!r})")
        problems += second.console_problems()
        third = browser.open_page(*VIEWPORT)
        third.navigate(f"{html_path.as_uri()}#%E0%A4%A")  # a malformed fragment must not throw
        problems += third.console_problems()
    ARTEFACT.parent.mkdir(exist_ok=True)
    shutil.copyfile(screenshot, ARTEFACT)
    return BrowserVisit(
        operations=len(faulted_run.report["operations"]),
        rows=rows,
        problems=problems,
        opened=opened,
        printed=printed,
        from_fragment=from_fragment,
        screenshot=screenshot,
        pdf=pdf,
    )


@pytest.mark.browser
class TestInChromium:
    """The faulted run's report.html in a real headless Chromium."""

    def test_loads_without_console_errors(self, visit: BrowserVisit) -> None:
        """No uncaught exception, console error, CSP violation or failed load."""
        assert visit.problems == []

    def test_matrix_has_one_row_per_operation(self, visit: BrowserVisit) -> None:
        """The rendered matrix has exactly one row per operation of the report."""
        assert visit.rows == visit.operations > 0

    def test_click_opens_the_failure(self, visit: BrowserVisit) -> None:
        """A mouse click on the failing cell opens its panel in view, showing the finding and its reproduction."""
        opened = visit.opened
        assert opened["open"] is True
        assert opened["height"] > 0
        assert opened["inView"] is True
        assert opened["expanded"] == "true"
        assert opened["hash"] == f"#open={opened['id']}"
        assert "/currency" in opened["text"]
        assert '"XBT"' in opened["text"]
        assert "curl -X GET" in opened["text"]

    def test_fragment_opens_a_cell(self, visit: BrowserVisit) -> None:
        """Opening the page at #open=<cell id> shows that cell's findings."""
        assert visit.from_fragment["open"] is True
        assert visit.from_fragment["height"] > 0

    def test_print_shows_every_panel_without_controls(self, visit: BrowserVisit) -> None:
        """With print media, every findings panel is shown and the navigation is hidden; a PDF prints."""
        assert visit.printed["panels"] > 0
        assert visit.printed["shown"] == visit.printed["panels"]
        assert visit.printed["navHidden"] is True
        assert visit.pdf.read_bytes().startswith(b"%PDF")

    def test_screenshot_is_saved(self, visit: BrowserVisit) -> None:
        """A full-page PNG is kept as a test artefact, and copied to reports/browser-test.png."""
        png = visit.screenshot.read_bytes()
        assert png.startswith(b"\x89PNG\r\n\x1a\n")
        assert ARTEFACT.read_bytes() == png


def test_cell_ids_are_safe_fragments() -> None:
    """Cell ids are lower-case letters, digits and dashes, so they are safe in a URL and a CSS selector."""
    for check in CheckClass:
        assert re.fullmatch(r"cell-[a-z0-9-]+", cell_id("amili/collection", "POST /v1/{id}/Batch", check.value))
