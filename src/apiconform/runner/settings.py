"""What one run does, as named config objects the CLI and the pytest integration both build."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from apiconform.core.results import shard_skip_reason
from apiconform.runner.credentials import BasicCredentials, Credential, TokenSource
from apiconform.runner.limits import RunLimits
from apiconform.runner.placement import Placement, placements, required_schemes
from apiconform.runner.shards import input_size, split
from apiconform.specs.document import SpecDocument
from apiconform.specs.prepare import prepared_document

__all__ = ["DEFAULT_MAX_EXAMPLES", "DEFAULT_SEED", "PHASES", "ApiTarget", "RunSettings"]

DEFAULT_SEED = 0
DEFAULT_MAX_EXAMPLES = 25
DEFAULT_REQUEST_TIMEOUT = 10.0
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
PHASES = frozenset({"examples", "coverage", "fuzzing", "stateful"})
# Header names that carry a credential whatever the document declares.
CREDENTIAL_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie", "x-api-key"})


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
    # Per security scheme (or a default for every scheme it fits), besides `token`, `basic` and `token_source`.
    credentials: tuple[Credential, ...] = ()

    def may_send(self, label: str) -> bool:
        method = label.split(" ", 1)[0].upper()
        return method not in WRITE_METHODS or self.allow_writes or label in self.writable

    def all_credentials(self) -> tuple[Credential, ...]:
        """The named credentials, then the defaults `token`, `basic` and `token_source` stand for."""
        defaults = (
            Credential(source=self.token_source) if self.token_source is not None else None,
            Credential(token=self.token) if self.token else None,
            Credential(basic=self.basic) if self.basic is not None else None,
        )
        return (*self.credentials, *(credential for credential in defaults if credential is not None))

    def carries_credentials(self) -> bool:
        """A header of the target's that holds a credential no scheme of the document names (undocumented auth)."""
        return any(name.lower() in CREDENTIAL_HEADERS for name in self.headers)

    def placements(self, operation: dict[str, Any]) -> list[Placement]:
        """Where this operation's request carries which credential; [] when it needs none or the run has none."""
        return placements(self.spec.raw, operation, self.all_credentials())

    def known_ids(self, label: str) -> dict[str, frozenset[str]]:
        """Every known value per parameter name of this operation: what writes must never act on."""
        names = set(self.params) | set(self.operation_params.get(label, {}))
        return {name: frozenset(self.known_values(label, name)) for name in names}

    def known_values(self, label: str, name: str) -> list[str]:
        return self.operation_params.get(label, {}).get(name) or self.params.get(name, [])

    def prepared_document(self) -> dict[str, Any]:
        """The spec as schemathesis should see it: every operation, known ids as examples of reads.

        A write's own resource is never a known one (`acts_on`): known ids serve reads only.
        """
        return prepared_document(
            self.spec,
            lambda label, name: [] if acts_on(self.spec, label, name) else self.known_values(label, name),
        )


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
    # (secret, how a curl line names it), e.g. (the token, "$VENDOR_TOKEN"): a rerun reads the same variable.
    secret_references: tuple[tuple[str, str], ...] = ()
    # Header names whose values are redacted wherever they appear, like Authorization.
    secret_headers: tuple[str, ...] = ()
    token_env: str = "APICONFORM_TOKEN"
    # The run goes without credentials on purpose (`--no-credentials`), though the document requires some.
    no_credentials: bool = False
    # Base URLs already probed before the engine loaded (`runner/preflight.py`): not probed again.
    reached: frozenset[str] = frozenset()

    def missing_credentials(self) -> str | None:
        """Why the run cannot authenticate where the document requires it, or None.

        An operation the run tests whose every alternative needs a scheme it has no credential for would
        be refused on every request; a run of such refusals is no test, so it stops before sending.
        """
        if self.no_credentials:
            return None
        reasons = self.skip_reasons()
        for api in self.apis:
            for operation in api.spec.operations:
                if reasons[api.spec.name, operation.label]:
                    continue
                needed = required_schemes(api.spec.raw, operation.raw)
                if not needed or api.placements(operation.raw) or api.carries_credentials():
                    continue
                schemes = ", ".join(dict.fromkeys(scheme.describe() for scheme in needed[0]))
                return (
                    f"{api.spec.name}: {operation.label} requires credentials ({schemes}) and none are configured: "
                    f"set {self.token_env}, give --header 'NAME: VALUE' (e.g. 'Authorization: Token ${{T}}'), "
                    "or --no-credentials to run without on purpose"
                )
        return None

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
            "checks": {name: {"enabled": False} for name in _replaced_checks()},
        }
        # Credentials are not configured here: one auth provider (engine.py) places them per operation.
        if api.headers:
            config["headers"] = dict(api.headers)
        if not api.allow_writes:
            # Coverage probes undocumented methods (POST, DELETE, ...) on every path; never on a read-only target.
            config["phases"]["coverage"]["unexpected-methods"] = []
        return config


def acts_on(spec: SpecDocument, label: str, name: str) -> bool:
    """Whether a write acts on the resource the path parameter `name` names, rather than below it.

    A write acts on its last path parameter when the path ends with it (`DELETE /articles/{slug}`), or
    when it is followed by an action on a resource the document reads (`POST /invoices/{id}/pause` with
    `GET /invoices/{id}`); `POST /orgs/{orgId}/payments` adds to what the organisation holds instead.
    """
    method, _, path = label.partition(" ")
    if method not in WRITE_METHODS:
        return False
    segments = path.rstrip("/").split("/")
    last = max((index for index, part in enumerate(segments) if part.startswith("{")), default=None)
    if last is None or segments[last] != f"{{{name}}}":
        return False
    if last == len(segments) - 1:
        return True
    resource = "/".join(segments[: last + 1])
    return spec.operation("get", resource) is not None and spec.operation("get", path) is None


def _replaced_checks() -> tuple[str, ...]:
    # Imported here: the checks register with schemathesis, which a run loads only after its probe.
    from apiconform.checks import REPLACED_CHECKS  # noqa: PLC0415 - see above

    return REPLACED_CHECKS
