"""Turning flags, config and environment into RunSettings: the one place precedence is decided.

Precedence, as pytest and schemathesis users expect: command line, then environment, then config file,
then defaults.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from apiconform.cli.credentials import ApiCredentials, Header, api_credentials, expand, parse_headers
from apiconform.config.loader import CONFIG_FILENAME, discover, from_path
from apiconform.config.models import DEFAULT_TOKEN_ENV, ConfigFile, TargetConfig
from apiconform.core.errors import ConfigError, OverlayError, SpecError, UsageError
from apiconform.runner.credentials import BasicCredentials, ClientCredentials, TokenSource
from apiconform.runner.limits import RunLimits
from apiconform.runner.settings import (
    CREDENTIAL_HEADERS,
    DEFAULT_MAX_EXAMPLES,
    DEFAULT_REQUEST_TIMEOUT,
    DEFAULT_SEED,
    PHASES,
    ApiTarget,
    RunSettings,
)
from apiconform.specs.document import SpecDocument, discover_specs, load_spec
from apiconform.specs.overlay import Overlay, read_overlay
from apiconform.specs.security import security_schemes

if TYPE_CHECKING:
    from apiconform.sandbox import Sandbox

__all__ = [
    "DEFAULT_REPORT_DIR",
    "DEFAULT_SPEC_DIR",
    "RunRequest",
    "check_params",
    "load_config",
    "load_specs",
    "parse_params",
]

DEFAULT_REPORT_DIR = Path("reports")
DEFAULT_SPEC_DIR = Path("specs")
# How curl lines of a sandbox run name its stand-in expired and other-organisation tokens.
SANDBOX_EXPIRED_ENV = "APICONFORM_EXPIRED_TOKEN"
SANDBOX_OTHER_ENV = "APICONFORM_OTHER_TOKEN"
SANDBOX_USER = "sandbox"


@dataclass(frozen=True, slots=True, kw_only=True)
class RunRequest:
    """The `run` command's flags, as typed."""

    specs: tuple[Path, ...] = ()
    overlays: tuple[Path, ...] = ()
    base_url: str | None = None
    target: str | None = None
    token: str | None = None
    params: tuple[str, ...] = ()
    include: tuple[str, ...] = ()
    seed: int | None = None
    max_examples: int | None = None
    phases: str | None = None
    report_dir: Path | None = None
    allow_writes: bool = False
    rate_limit: float | None = None
    max_requests: int | None = None
    max_time: float | None = None
    request_timeout: float | None = None
    ca_bundle: Path | None = None
    workers: int = 1
    shard: str | None = None
    headers: tuple[str, ...] = ()
    no_credentials: bool = False


def load_config(path: Path | None) -> ConfigFile:
    return from_path(path) if path is not None else discover()


def spec_root(config: ConfigFile) -> Path:
    base = config.path.parent if config.path is not None else Path.cwd()
    return base / (config.spec_dir or DEFAULT_SPEC_DIR)


def load_specs(
    config: ConfigFile,
    paths: Iterable[Path],
    names: Iterable[str] = (),
    *,
    overlays: Sequence[Path] = (),
    target: TargetConfig | None = None,
) -> list[SpecDocument]:
    """The run's specs, each with its overlays applied: the target's per-API `overlays` first, then `--overlay`.

    Without `--spec`, a run tests the spec directory's documents (those the target's `specs` lists, when it
    lists any) and the documents the target's API sections name with `spec`, each named by its section.
    """
    root = spec_root(config)
    named = _named_specs(config, target)
    # The same document named twice (another spelling of its path, too) is tested once.
    unique: dict[Path, Path] = {}
    for path in paths:
        unique.setdefault(path.resolve(), path)
    chosen = list(unique.values())
    given = [read_overlay(path) for path in overlays]
    files = chosen or _run_files(root, named)
    for overlay in given:
        if not any(overlay.applies_to(path) for path in files):
            raise UsageError(f"--overlay {overlay.path}: it extends {overlay.extends}, which is not a spec of this run")
    specs = [
        load_spec(
            path,
            root=root,
            name=named.get(path.resolve()),
            overlays=partial(_overlays_for, path, given, target),
        )
        for path in files
    ]
    listed = set(names)
    wanted = listed | set(named.values())
    if listed and not chosen:
        unknown = wanted - {spec.name for spec in specs}
        if unknown:
            known = ", ".join(sorted(spec.name for spec in specs)) or "none"
            raise ConfigError(
                config.path or Path(CONFIG_FILENAME),
                f"a target's `specs` names unknown specs: {', '.join(map(repr, sorted(unknown)))} (known: {known})",
            )
        specs = [spec for spec in specs if spec.name in wanted]
    if not specs:
        raise UsageError(f"no OpenAPI specs found under {root}")
    _check_unique_names(specs)
    for spec in specs:
        if not spec.operations:
            raise SpecError(spec.path, "no operations: `paths` is empty, so there is nothing to test")
    return specs


def _run_files(root: Path, named: dict[Path, str]) -> list[Path]:
    """The spec directory's documents and the ones the config names; a run of named ones needs no directory."""
    if not named:
        return discover_specs(root)
    found = {path.resolve(): path for path in (discover_specs(root) if root.is_dir() else [])}
    return list((found | {path: path for path in named}).values())


def _named_specs(config: ConfigFile, target: TargetConfig | None) -> dict[Path, str]:
    """The documents the target's API sections name (`spec = ...`), by resolved path: their API names."""
    named: dict[Path, str] = {}
    for name, api in (target.apis if target is not None else {}).items():
        if api.spec is None:
            continue
        where = f"targets.{target.name if target is not None else ''}.apis.{name}.spec"
        config_path = config.path or Path(CONFIG_FILENAME)
        if not api.spec.is_file():
            raise ConfigError(config_path, f"{where}: no such file {api.spec}")
        resolved = api.spec.resolve()
        if resolved in named:
            raise ConfigError(config_path, f"{where}: {api.spec} is already the API {named[resolved]!r}")
        named[resolved] = name
    return named


def _check_unique_names(specs: Sequence[SpecDocument]) -> None:
    """Two documents under one name would share a sandbox mount, a baseline and a history series."""
    seen: dict[str, SpecDocument] = {}
    for spec in specs:
        other = seen.setdefault(spec.name, spec)
        if other is not spec:
            raise UsageError(
                f"{other.path} and {spec.path} are both named {spec.name!r}: name one in the config "
                "(`spec = ...` in a `[targets.<target>.apis.<name>]` section)"
            )


def _overlays_for(path: Path, given: Sequence[Overlay], target: TargetConfig | None, name: str) -> list[Overlay]:
    api = target.apis.get(name) if target is not None else None
    configured = [read_overlay(overlay) for overlay in (api.overlays if api is not None else ())]
    for overlay in configured:
        if not overlay.applies_to(path):
            raise OverlayError(overlay.path, f"extends {overlay.extends}, but the config applies it to {path}")
    return [*configured, *(overlay for overlay in given if overlay.applies_to(path))]


def parse_params(values: Iterable[str]) -> dict[str, list[str]]:
    params: dict[str, list[str]] = {}
    for value in values:
        name, separator, given = value.partition("=")
        if not separator or not name.strip():
            raise UsageError(f"--param expects NAME=VALUE, got {value!r}")
        params.setdefault(name.strip(), []).append(given)
    return params


def check_params(settings: RunSettings, given: Iterable[str]) -> None:
    """Every `--param NAME` must name a parameter of an operation the run selects, or it would be silently unused."""
    names = set(parse_params(given))
    if not names:
        return
    reasons = dataclasses.replace(settings, shard=None).skip_reasons()
    known: set[str] = set()
    for api in settings.apis:
        for operation in api.spec.operations:
            if not reasons[api.spec.name, operation.label]:
                known.update(parameter.name for parameter in operation.parameters)
    unknown = sorted(names - known)
    if unknown:
        existing = ", ".join(sorted(name for name in known if name)) or "none"
        raise UsageError(
            f"--param names no parameter of the selected operations: {', '.join(unknown)} (parameters: {existing})"
        )


def parse_phases(value: str | None) -> frozenset[str]:
    """`examples,fuzzing` runs those two of schemathesis's phases; None runs all of them."""
    if value is None:
        return PHASES
    chosen = frozenset(part.strip() for part in value.split(",") if part.strip())
    unknown = sorted(chosen - PHASES)
    if unknown or not chosen:
        raise UsageError(f"--phases takes a comma-separated list of {', '.join(sorted(PHASES))}; got {value!r}")
    return chosen


def parse_shard(value: str | None) -> tuple[int, int] | None:
    """`2/4` is the second of four shards; every operation lands in exactly one."""
    if value is None:
        return None
    index, _, total = value.partition("/")
    if not (index.isdigit() and total.isdigit()) or not 1 <= int(index) <= int(total):
        raise UsageError(f"--shard expects K/N with 1 <= K <= N, got {value!r}")
    return int(index), int(total)


def chosen_target(request: RunRequest, config: ConfigFile) -> TargetConfig | None:
    """None means the embedded sandbox."""
    if request.target is not None and request.base_url is not None:
        raise UsageError("--target and --base-url are alternatives; give one")
    if request.target is not None:
        return config.target(request.target)
    if request.base_url is not None:
        return TargetConfig(name="command-line", base_url=request.base_url)
    if config.default_target is not None:
        return config.target(config.default_target)
    return None


def settings_for_target(
    request: RunRequest, config: ConfigFile, target: TargetConfig, specs: list[SpecDocument]
) -> RunSettings:
    cli_params = parse_params(request.params)
    apis = []
    secrets: list[str] = []
    references: list[tuple[str, str]] = []
    sources: dict[ClientCredentials, TokenSource] = {}
    ca_bundle = str(request.ca_bundle) if request.ca_bundle is not None else target.ca_bundle
    verify: bool | str = ca_bundle if ca_bundle is not None else target.tls_verify
    headers = _headers(request, target)
    for spec in specs:
        api_config = target.apis.get(spec.name)
        if api_config is not None and api_config.evidence_default is not None:
            spec = dataclasses.replace(spec, evidence_default=api_config.evidence_default)  # noqa: PLW2901 - the API's view of it
        base_url = (api_config.base_url if api_config else None) or request.base_url or target.base_url
        if base_url is None:
            raise UsageError(f"target {target.name!r} gives no base URL for spec {spec.name!r}")
        params = {name: [str(value)] for name, value in target.params.items()} | cli_params
        operation_params = {
            label: {name: [str(value)] for name, value in values.items()}
            for label, values in target.operation_params.items()
        }
        found = (
            ApiCredentials(headers=_without_credentials(headers, target))
            if request.no_credentials
            else api_credentials(
                spec,
                target=target.name,
                default=(api_config.auth if api_config else None) or target.auth,
                schemes={**target.scheme_auth, **(api_config.scheme_auth if api_config else {})},
                token_flag=request.token,
                token_env=(api_config.token_env if api_config else None) or target.token_env,
                headers=headers,
                secret_headers=target.secret_headers,
                sources=sources,
                verify=verify,
            )
        )
        api = ApiTarget(
            spec=spec,
            base_url=base_url,
            params=params,
            operation_params=operation_params,
            allow_writes=request.allow_writes or target.allow_writes,
            writable=target.writable_operations,
            expired_token=_optional_env(target.expired_token_env),
            other_token=_optional_env(target.other_token_env),
            headers=found.headers,
            token=found.token,
            basic=found.basic,
            token_source=found.token_source,
            credentials=tuple(found.credentials),
        )
        for token, variable in (
            (api.expired_token, target.expired_token_env),
            (api.other_token, target.other_token_env),
        ):
            if token:
                references.append((token, f"${variable}"))
        secrets += found.secrets
        references += found.references
        apis.append(api)
    _check_scheme_names(target, specs)
    return _settings(
        request,
        config,
        apis,
        target_name=target.name,
        embedded=False,
        secrets=secrets,
        references=references,
        tls_verify=verify,
        token_env=target.token_env,
        target=target,
    )


def _headers(request: RunRequest, target: TargetConfig) -> list[Header]:
    """The target's headers, then `--header`s, which replace a target header of the same name."""
    given = parse_headers(request.headers)
    names = {header.name.lower() for header in given}
    configured = [
        expand(name, target.header_templates.get(name, value), where=f"target {target.name!r} header")
        for name, value in target.headers.items()
        if name.lower() not in names
    ]
    return [*configured, *given]


def _without_credentials(headers: list[Header], target: TargetConfig) -> dict[str, str]:
    """`--no-credentials` sends none: not even a header that carries one."""
    secret = {name.lower() for name in target.secret_headers} | CREDENTIAL_HEADERS
    return {header.name: header.value for header in headers if header.name.lower() not in secret}


def _check_scheme_names(target: TargetConfig, specs: list[SpecDocument]) -> None:
    """A `[targets.X.auth.<name>]` table must name a scheme some document declares; a typo would send nothing."""
    declared = {name for spec in specs for name in security_schemes(spec.raw)}
    named = set(target.scheme_auth) | {name for api in target.apis.values() for name in api.scheme_auth}
    unknown = sorted(named - declared)
    if unknown:
        raise UsageError(
            f"target {target.name!r} has credentials for {', '.join(map(repr, unknown))}, which no document "
            f"declares as a security scheme (declared: {', '.join(sorted(declared)) or 'none'})"
        )


def _optional_env(name: str | None) -> str | None:
    return os.environ.get(name) or None if name else None


def settings_for_sandbox(request: RunRequest, config: ConfigFile, sandbox: Sandbox) -> RunSettings:
    """The sandbox's own credentials: its demo token counts as configured (`--no-credentials` drops it)."""
    cli_params = parse_params(request.params)
    headers = parse_headers(request.headers)
    keep = not request.no_credentials
    apis = [
        ApiTarget(
            spec=spec,
            base_url=sandbox.base_url(spec.name),
            token=sandbox.token if keep else None,
            params=cli_params,
            operation_params=sandbox.known_params(spec.name),
            served=frozenset(op.operation_id for op in spec.operations if sandbox.serves(spec.name, op.operation_id)),
            allow_writes=True,
            expired_token=sandbox.expired_token(),
            # A document the generic sandbox serves has no organisations, so no other organisation's token.
            other_token=None if sandbox.generic(spec.name) else sandbox.other_org_token(),
            token_source=_issuer_login(spec, sandbox) if keep else None,
            # The sandbox takes its token as a Basic password too, for documents whose scheme is Basic.
            basic=BasicCredentials(username=SANDBOX_USER, password=sandbox.token) if keep else None,
            headers={header.name: header.value for header in headers},
        )
        for spec in sandbox.specs
    ]
    references = [
        (f"{SANDBOX_USER}:{sandbox.token}", f"{SANDBOX_USER}:${DEFAULT_TOKEN_ENV}"),
        (sandbox.token, f"${DEFAULT_TOKEN_ENV}"),
        (sandbox.expired_token(), f"${SANDBOX_EXPIRED_ENV}"),
        (sandbox.other_org_token(), f"${SANDBOX_OTHER_ENV}"),
    ]
    return _settings(
        request,
        config,
        apis,
        target_name="sandbox",
        embedded=True,
        secrets=[sandbox.token, sandbox.expired_token(), sandbox.other_org_token(), sandbox.client_credentials()[1]],
        references=references,
        tls_verify=True,
        token_env=DEFAULT_TOKEN_ENV,
        target=None,
    )


def _issuer_login(spec: SpecDocument, sandbox: Sandbox) -> TokenSource | None:
    """The API that issues tokens is tested with one of its own: the demo client logs in through it."""
    # The lifecycles load the engine; a run against a target gets its probe out before they load.
    from apiconform.runner.lifecycle.tokens import token_roles

    roles = token_roles(spec)
    if roles is None:
        return None
    client_id, client_secret = sandbox.client_credentials()
    token_url = sandbox.base_url(spec.name).rstrip("/") + roles.issue.path
    return TokenSource(ClientCredentials(token_url=token_url, client_id=client_id, client_secret=client_secret))


def _settings(
    request: RunRequest,
    config: ConfigFile,
    apis: list[ApiTarget],
    *,
    target_name: str,
    embedded: bool,
    secrets: list[str],
    references: list[tuple[str, str]],
    tls_verify: bool | str,
    token_env: str,
    target: TargetConfig | None,
) -> RunSettings:
    limits = RunLimits(
        rate=request.rate_limit or (target.rate_limit if target else None),
        max_requests=request.max_requests or (target.max_requests if target else None),
        max_seconds=request.max_time or (target.max_time if target else None),
    )
    timeout = request.request_timeout or (target.request_timeout if target else None) or DEFAULT_REQUEST_TIMEOUT
    return RunSettings(
        apis=apis,
        target_name=target_name,
        embedded=embedded,
        include=frozenset(request.include),
        seed=_first(request.seed, config.seed, DEFAULT_SEED),
        max_examples=_first(request.max_examples, config.max_examples, DEFAULT_MAX_EXAMPLES),
        phases=parse_phases(request.phases),
        tls_verify=tls_verify,
        limits=limits,
        shard=parse_shard(request.shard),
        request_timeout=timeout,
        secrets=tuple(secrets),
        secret_references=tuple(references),
        secret_headers=target.secret_headers if target else (),
        token_env=token_env,
        no_credentials=request.no_credentials,
    )


def history_path(config: ConfigFile) -> Path | None:
    """A shared history database named in the config, relative to the config file."""
    if config.history is None or config.path is None:
        return None
    return config.path.parent / config.history


def report_dir(request: RunRequest, config: ConfigFile) -> Path:
    if request.report_dir is not None:
        return request.report_dir
    if config.report_dir is not None and config.path is not None:
        return config.path.parent / config.report_dir
    return DEFAULT_REPORT_DIR


def _first(*values: int | None) -> int:
    return next(value for value in values if value is not None)
