"""What a run settles before it loads the engine: that the selection is testable, and that each host answers.

Schemathesis and hypothesis take most of a second to import. A run against an unreachable target, or with
an `--include` that names nothing, ends at once with its one line; one that can run gets its first request
(the probe) out before that cost, and the engine then starts on hosts known to answer.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from urllib.parse import urlsplit

from apiconform.core.errors import UsageError
from apiconform.runner.probe import probe
from apiconform.runner.settings import RunSettings

__all__ = ["check_selection", "one_per_host", "reach"]


def reach(settings: RunSettings) -> RunSettings:
    """The settings with every host probed once (raises TargetUnreachable or UsageError)."""
    check_selection(settings)
    hosts = one_per_host(api.base_url for api in settings.apis)
    for base_url in hosts:
        if base_url not in settings.reached:
            probe(base_url, verify=settings.tls_verify)
    return dataclasses.replace(settings, reached=settings.reached | frozenset(hosts))


def check_selection(settings: RunSettings) -> None:
    known = {operation.label for api in settings.apis for operation in api.spec.operations}
    unknown = sorted(settings.include - known)
    if unknown:
        raise UsageError(f"--include names no operation of the selected specs: {', '.join(map(repr, unknown))}")
    # A shard left empty (more shards than operations) is a run that tests nothing, not an error.
    if not any(not reason for reason in dataclasses.replace(settings, shard=None).skip_reasons().values()):
        raise UsageError("nothing to test: no selected operation is served by the target")


def one_per_host(base_urls: Iterable[str]) -> list[str]:
    """A host that answers serves every API under it: one probe per scheme, host and port, not one per API.

    A base URL that does not parse is probed as it is, so it fails with its own one-line error.
    """
    chosen: dict[object, str] = {}
    for base_url in base_urls:
        try:
            parts = urlsplit(base_url)
            origin: object = (parts.scheme.lower(), parts.hostname, parts.port) if parts.hostname else base_url
        except ValueError:
            origin = base_url
        chosen.setdefault(origin, base_url)
    return list(chosen.values())
