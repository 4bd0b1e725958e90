"""A hint for the commonest wrong base URL: the server's root instead of the API's prefix, so every answer is 404.

A 404 for an unknown id is the contract; a 404 for every operation, even where the run knew ids (or needed
none), says the requests never reached the API. The hint names the base path the document's `servers`
give, and where `apiconform serve` mounts the API, so the fix is one copy and paste.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from apiconform.core.results import OperationResult, RunResult
from apiconform.runner.settings import ApiTarget

__all__ = ["ONLY_404", "base_path_hint", "mark_unreached"]

NOT_FOUND = 404
ONLY_404 = "every answer was a 404: the requests did not reach the API (base path?)"
PATH_PARAMETER = re.compile(r"\{([^}]+)\}")


def mark_unreached(apis: list[ApiTarget], result: RunResult) -> None:
    """Answers from outside an API test nothing of it: its operations count as not covered, and a hint says why."""
    for api in apis:
        hint = base_path_hint(api, result.operations)
        if hint is None:
            continue
        result.errors.append(hint)
        for operation in result.operations:
            if operation.api == api.spec.name and operation.statuses:
                operation.uncovered_reason = ONLY_404


def base_path_hint(api: ApiTarget, operations: list[OperationResult]) -> str | None:
    """One line when every operation of `api` that was sent requests answered only 404, or None."""
    answered = [operation for operation in operations if operation.api == api.spec.name and operation.statuses]
    if not answered or any(operation.statuses != {NOT_FOUND} for operation in answered):
        return None
    labels = {operation.operation for operation in answered}
    # Operations whose path names a resource nobody told the run about may 404 by contract.
    reachable = [
        operation
        for operation in api.spec.operations
        if operation.label in labels
        and all(api.known_values(operation.label, name) for name in PATH_PARAMETER.findall(operation.path))
    ]
    if not reachable:
        return None
    base = api.base_url.rstrip("/")
    suggestions = []
    declared = _server_path(api)
    if declared and not base.endswith(declared):
        suggestions.append(f"the document's servers give the base path {declared} ({base}{declared})")
    mount = f"/{api.spec.name}"
    if not base.endswith(mount):
        suggestions.append(f"`apiconform serve` mounts it at {mount} ({base}{mount})")
    if not suggestions:
        return None
    return (
        f"{api.spec.name}: every operation answered 404, even {reachable[0].label} that should succeed: "
        f"is the base URL {api.base_url} missing the API's prefix? " + "; ".join(suggestions)
    )


def _server_path(api: ApiTarget) -> str:
    servers = api.spec.raw.get("servers") or []
    url = str(servers[0].get("url", "")) if servers and isinstance(servers[0], dict) else ""
    path = urlsplit(url).path.rstrip("/")
    return "" if "{" in path else path
