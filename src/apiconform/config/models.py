"""Named config objects; keyword-only with defaults, so a missing key always means the documented default."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from apiconform.core.errors import ConfigError, UsageError
from apiconform.core.vocabulary import Evidence

__all__ = ["ApiConfig", "AuthConfig", "ConfigFile", "TargetConfig"]

DEFAULT_TOKEN_ENV = "APICONFORM_TOKEN"
DEFAULT_CLIENT_ID_ENV = "APICONFORM_CLIENT_ID"
DEFAULT_CLIENT_SECRET_ENV = "APICONFORM_CLIENT_SECRET"
DEFAULT_USERNAME_ENV = "APICONFORM_USERNAME"
DEFAULT_PASSWORD_ENV = "APICONFORM_PASSWORD"
ParamValue = str | int | float | bool
# "token", "bearer" and "api-key" are one kind: a token from `token-env`, placed as the scheme says.
AuthKind = Literal["token", "bearer", "api-key", "client-credentials", "basic"]


@dataclass(frozen=True, slots=True, kw_only=True)
class AuthConfig:
    """How to authenticate; secrets are always named by environment variable, never written in the file.

    Usage::

        [targets.amili-staging.auth]            # for every security scheme it fits
        type = "client-credentials"
        token-url = "https://auth.staging.amili.no/token"
        client-id-env = "AMILI_CLIENT_ID"
        client-secret-env = "AMILI_CLIENT_SECRET"

        [targets.conduit.auth.ApiKeyAuth]       # for the document's scheme named ApiKeyAuth
        type = "api-key"
        token-env = "CONDUIT_TOKEN"
        prefix = "Token "
    """

    kind: AuthKind = "bearer"
    token_env: str = DEFAULT_TOKEN_ENV
    token_url: str | None = None
    client_id_env: str = DEFAULT_CLIENT_ID_ENV
    client_secret_env: str = DEFAULT_CLIENT_SECRET_ENV
    scope: str | None = None
    username_env: str = DEFAULT_USERNAME_ENV
    password_env: str = DEFAULT_PASSWORD_ENV
    # What goes before the token; None: the scheme's own.
    prefix: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ApiConfig:
    """One API of a target: where it lives when that differs from the target's, how it is judged, its overlays.

    Usage::

        [targets.vendor-staging.apis."community/users"]
        overlays = ["overlays/bio-nullable.yaml"]   # Overlay 1.0 files, relative to this config file

        [targets.vendor-staging.apis.billing]
        spec = "vendor/openapi.json"    # this document is the API `billing` (not its title's slug)
    """

    # The document this section names, resolved against the config file's directory; the section's key is
    # then the API's name in URLs, reports, baselines and history, and a run against the target tests it.
    spec: Path | None = None
    base_url: str | None = None
    token_env: str | None = None
    auth: AuthConfig | None = None
    # INFERRED: the document is report-only (nothing it states gates); None: as its marks (or their absence) say.
    evidence_default: Evidence | None = None
    # Applied in order to the spec before the run (resolved against the config file's directory).
    overlays: tuple[Path, ...] = ()
    # Per security scheme name of the document, where `[...auth.<scheme>]` tables are given.
    scheme_auth: dict[str, AuthConfig] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class TargetConfig:
    """A named system under test, e.g. a vendor's staging.

    Usage::

        [targets.vendor-staging]
        base-url = "https://api.staging.vendor.example"
        token-env = "VENDOR_TOKEN"          # the token itself never sits in the file
        params = { id = "inv-0001" }        # known ids, so the run reaches real resources
        headers = { "X-Api-Key" = "${VENDOR_API_KEY}" }
        secret-headers = ["X-Api-Key"]      # redacted like Authorization
    """

    name: str
    base_url: str | None = None
    token_env: str = DEFAULT_TOKEN_ENV
    allow_writes: bool = False
    writable_operations: frozenset[str] = frozenset()
    tls_verify: bool = True
    ca_bundle: str | None = None
    rate_limit: float | None = None
    max_requests: int | None = None
    max_time: float | None = None
    request_timeout: float | None = None
    # Tokens the target must refuse (an expired one) or answer with 403 (another organisation's).
    expired_token_env: str | None = None
    other_token_env: str | None = None
    specs: tuple[str, ...] = ()
    # Sent with every request; a value may come from the environment (`${VAR}`) and be named a secret below.
    headers: dict[str, str] = field(default_factory=dict)
    # Header names whose values are secrets, redacted like Authorization in every report and curl line.
    secret_headers: tuple[str, ...] = ()
    # The headers as written, `${VAR}` unexpanded: a curl line names the variable a credential came from.
    header_templates: dict[str, str] = field(default_factory=dict)
    params: dict[str, ParamValue] = field(default_factory=dict)
    operation_params: dict[str, dict[str, ParamValue]] = field(default_factory=dict)
    apis: dict[str, ApiConfig] = field(default_factory=dict)
    auth: AuthConfig | None = None
    scheme_auth: dict[str, AuthConfig] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class ConfigFile:
    """A parsed `apiconform.toml`; `path` is None for the built-in defaults."""

    path: Path | None = None
    spec_dir: str | None = None
    report_dir: str | None = None
    seed: int | None = None
    max_examples: int | None = None
    default_target: str | None = None
    history: str | None = None
    targets: dict[str, TargetConfig] = field(default_factory=dict)

    def target(self, name: str) -> TargetConfig:
        if name not in self.targets and self.path is None:
            raise UsageError(f"unknown target {name!r}: no apiconform.toml found here or above (give --config)")
        if name not in self.targets:
            known = ", ".join(sorted(self.targets)) or "none"
            where = self.path if self.path is not None else Path("apiconform.toml")
            raise ConfigError(where, f"unknown target {name!r} (known targets: {known})")
        return self.targets[name]
