"""Each API's credentials from config, flags and the environment, named as the document's schemes name them.

Sources, strongest first: a `--header` or target header that sits where a scheme puts its credential
(`--header 'Authorization: Token ${T}'`), a `[targets.X.auth.<scheme>]` table, then the default
(`[targets.X.auth]`, `--token`, the target's `token-env`). Every secret is remembered with the variable it
came from, so a curl line reads `$VENDOR_TOKEN` where the run sent the token.
"""

from __future__ import annotations

import os
import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from apiconform.config.models import AuthConfig
from apiconform.core.errors import UsageError
from apiconform.runner.credentials import BasicCredentials, ClientCredentials, Credential, TokenSource
from apiconform.runner.settings import CREDENTIAL_HEADERS
from apiconform.specs.document import SpecDocument
from apiconform.specs.security import SecurityScheme, security_schemes

__all__ = ["ApiCredentials", "Header", "api_credentials", "parse_headers"]

TOKEN_KINDS = frozenset({"token", "bearer", "api-key"})


@dataclass(frozen=True, slots=True, kw_only=True)
class Header:
    """A header as given, `${VAR}` expanded: its value, and each variable's value with its name."""

    name: str
    value: str
    variables: tuple[tuple[str, str], ...] = ()


@dataclass(slots=True, kw_only=True)
class ApiCredentials:
    """What one API sends: credentials per scheme, the default ones, plain headers, and what to redact."""

    credentials: list[Credential] = field(default_factory=list)
    token: str | None = None
    basic: BasicCredentials | None = None
    token_source: TokenSource | None = None
    headers: dict[str, str] = field(default_factory=dict)
    secrets: list[str] = field(default_factory=list)
    references: list[tuple[str, str]] = field(default_factory=list)

    def remember(self, secret: str, variable: str = "") -> None:
        self.secrets.append(secret)
        if variable:
            self.references.append((secret, variable))


def parse_headers(values: Iterable[str], *, where: str = "--header") -> list[Header]:
    """`NAME: VALUE` (repeatable, like `st -H`), `${VAR}` read from the environment."""
    headers = []
    for given in values:
        name, separator, template = given.partition(":")
        if not separator or not name.strip() or any(char.isspace() for char in name.strip()):
            raise UsageError(f"{where} expects 'NAME: VALUE', got {given!r}")
        headers.append(expand(name.strip(), template.strip(), where=where))
    return headers


def expand(name: str, template: str, *, where: str) -> Header:
    parsed = string.Template(template)
    variables = []
    for variable in parsed.get_identifiers():
        value = os.environ.get(variable)
        if not value:
            raise UsageError(f"{where} {name!r} needs the environment variable {variable}, which is not set")
        variables.append((variable, value))
    try:
        value = parsed.substitute(os.environ)
    except ValueError:
        raise UsageError(f"{where} {name!r}: invalid ${{...}} placeholder in {template!r}") from None
    return Header(name=name, value=value, variables=tuple(variables))


def api_credentials(
    spec: SpecDocument,
    *,
    target: str,
    default: AuthConfig | None,
    schemes: Mapping[str, AuthConfig],
    token_flag: str | None,
    token_env: str,
    headers: Iterable[Header],
    secret_headers: Iterable[str],
    sources: dict[ClientCredentials, TokenSource],
    verify: bool | str,
) -> ApiCredentials:
    found = ApiCredentials()
    declared = security_schemes(spec.raw)
    _from_headers(found, headers, declared.values(), {name.lower() for name in secret_headers} | CREDENTIAL_HEADERS)
    for name, auth in schemes.items():
        if name in declared:
            found.credentials.append(_credential(auth, name, target, found, sources, verify))
    if default is not None and default.kind == "client-credentials":
        found.token_source = _credential(default, None, target, found, sources, verify).source
    elif default is not None and default.kind == "basic":
        found.basic = _credential(default, None, target, found, sources, verify).basic
    elif default is not None and default.prefix is not None:
        found.credentials.append(_credential(default, None, target, found, sources, verify))
    else:
        variable = default.token_env if default is not None else token_env
        found.token = token_flag or os.environ.get(variable) or None
        if found.token:
            found.remember(found.token, f"${variable}" if not token_flag else "$APICONFORM_TOKEN")
    return found


def _from_headers(
    found: ApiCredentials, headers: Iterable[Header], declared: Iterable[SecurityScheme], secret: set[str]
) -> None:
    """A header where a scheme puts its credential serves that scheme; `Token ${T}` keeps `Token ` as its prefix."""
    schemes = list(declared)
    for header in headers:
        places = [
            scheme
            for scheme in schemes
            if scheme.location == "header" and scheme.parameter.lower() == header.name.lower()
        ]
        if places:
            word, space, rest = header.value.partition(" ")
            prefix, token = (f"{word} ", rest) if space and rest else ("", header.value)
            found.credentials += [
                Credential(scheme=scheme.name, header=header.name, prefix=prefix, token=token) for scheme in places
            ]
        else:
            found.headers[header.name] = header.value
        if places or header.name.lower() in secret:
            for variable, value in header.variables:
                found.remember(value, f"${variable}")
            if not header.variables:
                found.remember(header.value)


def _credential(
    auth: AuthConfig,
    scheme: str | None,
    target: str,
    found: ApiCredentials,
    sources: dict[ClientCredentials, TokenSource],
    verify: bool | str,
) -> Credential:
    if auth.kind == "client-credentials":
        assert auth.token_url is not None  # noqa: S101 - the config loader requires token-url for this kind
        credentials = ClientCredentials(
            token_url=auth.token_url,
            client_id=_env(auth.client_id_env, target),
            client_secret=_env(auth.client_secret_env, target),
            scope=auth.scope,
        )
        found.remember(credentials.client_secret, f"${auth.client_secret_env}")
        source = sources.setdefault(credentials, TokenSource(credentials, verify=verify))
        return Credential(scheme=scheme, source=source, prefix=auth.prefix)
    if auth.kind == "basic":
        basic = BasicCredentials(username=_env(auth.username_env, target), password=_env(auth.password_env, target))
        # Basic travels as base64("user:password"); curl sends the pair itself with -u.
        found.remember(basic.password, f"${auth.password_env}")
        found.remember(f"{basic.username}:{basic.password}", f"${auth.username_env}:${auth.password_env}")
        return Credential(scheme=scheme, basic=basic)
    token = _env(auth.token_env, target)
    found.remember(token, f"${auth.token_env}")
    return Credential(scheme=scheme, token=token, prefix=auth.prefix)


def _env(name: str, target: str) -> str:
    value = os.environ.get(name)
    if not value:
        raise UsageError(f"target {target!r} needs the environment variable {name}, which is not set")
    return value
