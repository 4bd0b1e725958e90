"""`junit.xml`: one test case per operation × check class, in the shape GitHub, GitLab and Jenkins render."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from apiconform.core.findings import Finding
from apiconform.core.results import CellStatus, RunResult, SpecInfo
from apiconform.core.vocabulary import CheckClass

__all__ = ["JunitXmlWriter"]


class JunitXmlWriter:
    """Failures fail their case; warnings and accepted failures pass, noted in system-out; never-run checks skip.

    An incomplete run adds one error case, `apiconform.run` / `complete`, saying INCOMPLETE and why.
    """

    filename = "junit.xml"

    def write(self, result: RunResult, directory: Path) -> Path:
        root = ET.Element("testsuites", name="apiconform", time=f"{result.duration_seconds:.3f}")
        for spec in result.specs:
            operations = [operation for operation in result.operations if operation.api == spec.name]
            suite = ET.SubElement(root, "testsuite", name=f"apiconform.{spec.name}")
            _overlay_properties(suite, spec)
            counts = {"tests": 0, "failures": 0, "skipped": 0}
            for operation in operations:
                for check in CheckClass:
                    case = ET.SubElement(
                        suite, "testcase", classname=f"{spec.name}.{operation.operation}", name=check.value
                    )
                    counts["tests"] += 1
                    cell = result.cell(operation, check)
                    findings = [
                        finding
                        for finding in result.findings
                        if finding.api == spec.name
                        and finding.operation == operation.operation
                        and finding.check is check
                    ]
                    if cell == CellStatus.FAIL:
                        counts["failures"] += 1
                        failing = [finding for finding in findings if finding.gating]
                        element = ET.SubElement(
                            case, "failure", message=failing[0].title, type=f"apiconform.{check.value}"
                        )
                        element.text = "\n\n".join(_describe(finding) for finding in failing)
                    elif cell == CellStatus.NOT_COVERED:
                        counts["skipped"] += 1
                        reason = (
                            operation.skip_reason
                            or operation.uncovered_reason
                            or "check class not exercised on this operation"
                        )
                        ET.SubElement(case, "skipped", message=reason)
                    notes = [
                        ("ACCEPTED " if finding.accepted is not None else "WARNING ") + _describe(finding)
                        for finding in findings
                        if not finding.gating
                    ]
                    if notes:
                        ET.SubElement(case, "system-out").text = "\n\n".join(notes)
            for key, value in counts.items():
                suite.set(key, str(value))
            suite.set("errors", "0")
        reasons = result.incomplete_reasons
        if reasons:
            # Not one operation's fault: the run as a whole is an error case, so no CI view shows it all green.
            suite = ET.SubElement(root, "testsuite", name="apiconform.run", tests="1", failures="0", skipped="0")
            suite.set("errors", "1")
            case = ET.SubElement(suite, "testcase", classname="apiconform.run", name="complete")
            message = f"INCOMPLETE: {'; '.join(reasons)}"
            error = ET.SubElement(case, "error", message=message, type="apiconform.incomplete")
            error.text = "\n".join(reasons)
        ET.indent(root)
        path = directory / self.filename
        ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)
        return path


def _describe(finding: Finding) -> str:
    lines = [
        f"{finding.title} [{finding.evidence.value}]",
        finding.message,
        f"pointer: {finding.pointer or '/'}",
        f"expected: {finding.expected}",
        f"actual: {finding.actual}",
    ]
    if finding.doc:
        lines.append(f"doc: {finding.doc}")
    if finding.accepted is not None:
        lines.append(f"accepted: {finding.accepted.reason} (until {finding.accepted.expires})")
    if finding.curl:
        lines.append(f"reproduce: {finding.curl}")
    return "\n".join(line for line in lines if line.split(":", 1)[-1].strip())


def _overlay_properties(suite: ET.Element, spec: SpecInfo) -> None:
    """The contract judged is the file as its overlays corrected it; CI views show a suite's properties."""
    if not spec.overlays:
        return
    properties = ET.SubElement(suite, "properties")
    for overlay in spec.overlays:
        unmatched = f", {len(overlay.unmatched)} selected nothing" if overlay.unmatched else ""
        shown = f"{overlay.path} ({overlay.title}; {overlay.actions} actions{unmatched})"
        ET.SubElement(properties, "property", name="overlay", value=shown)
