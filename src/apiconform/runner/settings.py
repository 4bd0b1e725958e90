"""What one run does, as named config objects the CLI and the pytest integration both build."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from apiconform.checks import REPLACED_CHECKS
from apiconform.core.results import shard_skip_reason
from apiconform.runner.credentials import BasicCredentials, TokenSource
from apiconform.runner.limits import RunLimits
from apiconform.runner.shards import input_size, split
from apiconform.specs.document import SpecDocument
from apiconform.specs.prepare import prepared_document

__all__ = ["DEFAULT_MAX_EXAMPLES", "DEFAULT_SEED", "PHASES", "ApiTarget", "RunSettings"]

DEFAULT_SEED = 0
DEFAULT_MAX_EXAMPLES = 25
DEFAULT_REQUEST_TIMEOUT = 10.0
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
PHASES = frozenset({"examples", "coverage", "fuzzing", "stateful"})


@dataclass(frozen=True, slots=True, kw_only=True)
class ApiTarget:
    """One spec and where it is served.

    Usage::

        ApiTarget(spec=load_spec("specs/ap-invoice/openapi.yaml"), base_url="https://ap.example",
                  token=os.environ["APICONFORM_TOKEN"], params={"id": ["inv-0001"]})
    """

    spec: SpecDocument
    base_url: str
    token: str | None = None
    params: dict[str, list[str]] = field(default_factory=dict)
    operation_params: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    # Operation ids the target implements; None means all of them (any real target).
    served: frozenset[str] | None = None
    basic: BasicCredentials | None = None
    token_source: TokenSource | None = None
    # Read-only unless the target's config allows writes, for all operations or for the ones named.
    allow_writes: bool = False
    writable: frozenset[str] = frozenset()
    # Credentials that must be refused: an expired token, and a valid one of another organisation.
    expired_token: str | None = None
    other_token: str | None = None
    # Sent with every request, schemathesis's and the scenarios'.
    headers: dict[str, str] = field(default_factory=dict)

    def may_send(self, label: str) -> bool:
        method = label.split(" ", 1)[0].upper()
        return method not in WRITE_METHODS or self.allow_writes or label in self.writable

    def bearer_token(self) -> str | None:
        """The token to send now: the static one, or the client-credentials token (fetched once, cached)."""
        if self.token_source is not None:
            return self.token_source.token()
        return self.token

    def known_values(self, label: str, name: str) -> list[str]:
        return self.operation_params.get(label, {}).get(name) or self.params.get(name, [])

    def prepared_document(self) -> dict[str, Any]:
        """The spec as schemathesis should see it: every operation, known ids as examples."""
        return prepared_document(self.spec, self.known_values)


@dataclass(frozen=True, slots=True, kw_only=True)
class RunSettings:
    """Everything a run needs, resolved: no file or environment is read after this is built."""

    apis: list[ApiTarget]
    target_name: str
    embedded: bool = False
    include: frozenset[str] = frozenset()
    seed: int = DEFAULT_SEED
    max_examples: int = DEFAULT_MAX_EXAMPLES
    # Schemathesis's phases to run (`--phases`); a large vendor document's coverage phase alone can send
    # tens of thousands of requests, so a quick pass over one may leave it out.
    phases: frozenset[str] = PHASES
    request_timeout: float = DEFAULT_REQUEST_TIMEOUT
    tls_verify: bool | str = True
    limits: RunLimits = field(default_factory=RunLimits)
    # Schemathesis's worker threads in this process. They share one GIL with the CPU-bound generation, so
    # the CLI's `--workers N` runs N processes (each a shard) instead and leaves this at 1.
    workers: int = 1
    # (index, total), 1-based: this run tests one of `total` shards of equal work (`runner/shards.py`).
    shard: tuple[int, int] | None = None
    secrets: tuple[str, ...] = ()
    # Header names whose values are redacted wherever they appear, like Authorization.
    secret_headers: tuple[str, ...] = ()
    token_env: str = "APICONFORM_TOKEN"

    def skip_reasons(self) -> dict[tuple[str, str], str]:
        """Why each (api, operation) is not tested, "" for the ones that are; one answer for engine and CLI.

        Shards split only the operations the run would test (by estimated work, `runner/shards.py`), so a
        shard is never empty while the run has as many operations as shards, and every shard gives an
        operation the same reason when it is skipped for something other than its shard.
        """
        reasons = {
            (api.spec.name, operation.label): self._skip_reason(api, operation.label, operation.operation_id)
            for api in self.apis
            for operation in api.spec.operations
        }
        if self.shard is None:
            return reasons
        testable = [
            (api, operation)
            for api in self.apis
            for operation in api.spec.operations
            if not reasons[api.spec.name, operation.label]
        ]
        index, total = self.shard
        shards = split([input_size(api.spec, operation) for api, operation in testable], total)
        for (api, operation), shard in zip(testable, shards, strict=True):
            reasons[api.spec.name, operation.label] = "" if shard == index - 1 else shard_skip_reason(self.shard)
        return reasons

    def _skip_reason(self, api: ApiTarget, label: str, operation_id: str) -> str:
        if self.include and label not in self.include:
            return "not selected by --include"
        if api.served is not None and operation_id not in api.served:
            return "not served by the embedded sandbox"
        if not api.may_send(label):
            return "writes are not allowed for this target (allow-writes)"
        return ""

    def schemathesis_config(self, api: ApiTarget) -> dict[str, Any]:
        """The same keys a `schemathesis.toml` would hold, so st users can read what a run does."""
        config: dict[str, Any] = {
            "base-url": api.base_url,
            "seed": self.seed,
            "continue-on-failure": True,
            # A cache that replays past failures would make a seeded run depend on earlier runs.
            "cache": {"enabled": False},
            "workers": self.workers,
            "request-timeout": self.request_timeout,
            "tls-verify": self.tls_verify,
            # A gate wants a bounded run that a seed repeats, not minimal examples: shrinking a failing case
            # spends many requests to make its curl line shorter, and hypothesis's example database (its Pareto
            # front of targeted scores, and the failures it replays) costs a sixth of the client's CPU and makes
            # a seeded run depend on what earlier runs left in `.hypothesis/`. Every phase and example still runs.
            "generation": {"max-examples": self.max_examples, "mode": "all", "no-shrink": True, "database": "none"},
            "phases": {phase: {"enabled": phase in self.phases} for phase in PHASES},
            "checks": {name: {"enabled": False} for name in REPLACED_CHECKS},
        }
        openapi: dict[str, dict[str, str]] = {}
        for name, declared in api.spec.contract.schemes.items():
            scheme = declared.raw
            kind = (scheme.get("type"), str(scheme.get("scheme", "")).lower())
            if kind == ("http", "bearer") and api.token and api.token_source is None:
                openapi[name] = {"bearer": api.token}
            elif kind == ("http", "basic") and api.basic is not None:
                openapi[name] = {"username": api.basic.username, "password": api.basic.password}
            elif kind[0] == "apiKey" and api.token and api.token_source is None:
                openapi[name] = {"api_key": api.token}
            elif kind[0] in {"oauth2", "openIdConnect"} and api.token and api.token_source is None:
                openapi[name] = {"bearer": api.token}
        if openapi:
            config["auth"] = {"openapi": openapi}
        if api.headers:
            config["headers"] = dict(api.headers)
        if not api.allow_writes:
            # Coverage probes undocumented methods (POST, DELETE, ...) on every path; never on a read-only target.
            config["phases"]["coverage"]["unexpected-methods"] = []
        return config
