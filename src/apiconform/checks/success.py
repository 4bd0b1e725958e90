"""Which documented response judges a success status the document does not list.

When a read documented as 200 answers 201, the status is one failure; its body is still the contract's
business, judged by the documented success's schema, so a changed status cannot hide a broken body.
"""

from __future__ import annotations

from apiconform.specs.model import Operation, Response

__all__ = ["success_response"]


def success_response(operation: Operation, status: int) -> Response | None:
    """The response documented for `status`; for an undocumented 2xx, the first documented success with a JSON body."""
    code = str(status)
    if not 200 <= status < 300 or any(key in operation.responses for key in (code, "2XX", "2xx")):  # noqa: PLR2004 - the 2xx class
        return operation.response(status)
    for key in sorted(operation.responses):
        if key.startswith("2") and operation.responses[key].json is not None:
            return operation.responses[key]
    return operation.response(status)
