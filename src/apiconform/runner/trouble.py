"""Wire trouble as report entries: one run-error line each, and a `server_error` finding when the target is at fault.

A target that resets connections, never finishes a response, redirects in a loop or answers something
that is not HTTP has broken every documented response of the operation at once: that is a finding on
the operation, judged by the operation's evidence, with the curl line that reproduces it. A body over
apiconform's own byte cap is not the target's fault: it is a run error only, and the body checks that
cannot judge a cut body are left out.
"""

from __future__ import annotations

from apiconform.core.findings import Finding
from apiconform.core.vocabulary import CheckClass
from apiconform.runner.problems import TransportProblem, byte_size
from apiconform.specs.document import SpecDocument

__all__ = ["BODY_CHECKS", "TRANSPORT_SOURCE", "note", "too_large_line", "transport_finding"]

TRANSPORT_SOURCE = "transport"
# Checks that judge the body itself; on a body cut at the byte cap they would report the cut, not the target.
BODY_CHECKS = frozenset({"response_body_conformance", "response_resource_identity", "response_schema_conformance"})


def transport_finding(
    spec: SpecDocument, label: str, problem: TransportProblem, *, phase: str, curl: str
) -> Finding | None:
    """The finding for `problem` on the operation `label`, or None when the target is not at fault."""
    method, _, path = label.partition(" ")
    operation = spec.operation(method, path)
    if operation is None or not problem.is_contract_failure:
        return None
    return Finding(
        api=spec.name,
        operation=operation.label,
        check=CheckClass.SERVER_ERROR,
        evidence=operation.evidence,
        title=f"No usable response: {problem.reason}",
        message=(
            f"The request got no usable HTTP response ({problem.kind.value}): {problem.reason}. "
            "Every documented response of the operation was missed."
        ),
        expected=problem.expected,
        actual=problem.reason,
        doc=operation.doc,
        source=TRANSPORT_SOURCE,
        phase=phase,
        curl=curl,
    )


def too_large_line(spec_name: str, label: str, *, size: int, kept: int) -> str:
    return (
        f"{spec_name}: {label}: response body of {byte_size(size)} is over the {byte_size(kept)} cap; "
        "the rest was not read and the body was not validated"
    )


def note(errors: list[str], line: str) -> None:
    """One line per distinct problem: a loop of identical errors says no more than the first."""
    if line not in errors:
        errors.append(line)
