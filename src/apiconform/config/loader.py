"""Loading config in the chain schemathesis uses: discover → from_path → from_str → from_dict.

Every problem becomes a ConfigError naming the file and the key, translated from the schema
validator's error so a person hand-editing TOML sees what to change.
"""

from __future__ import annotations

import json
import os
import re
import string
import tomllib
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from apiconform.config.models import DEFAULT_TOKEN_ENV, ApiConfig, AuthConfig, ConfigFile, TargetConfig
from apiconform.core.errors import ConfigError
from apiconform.core.vocabulary import Evidence

if TYPE_CHECKING:
    import jsonschema

__all__ = ["CONFIG_FILENAME", "discover", "from_dict", "from_path", "from_str"]

CONFIG_FILENAME = "apiconform.toml"


def discover(start: Path | None = None) -> ConfigFile:
    """The nearest `apiconform.toml` from `start` upwards, stopping at the repository root."""
    directory = (start or Path.cwd()).resolve()
    for candidate in (directory, *directory.parents):
        path = candidate / CONFIG_FILENAME
        if path.is_file():
            return from_path(path)
        if (candidate / ".git").exists():
            break
    return ConfigFile()


def from_path(path: Path | str) -> ConfigFile:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(path, "no such file") from None
    except IsADirectoryError:
        raise ConfigError(path, f"is a directory, not a config file (e.g. {path / CONFIG_FILENAME})") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(path, f"cannot read: {exc}") from None
    return from_str(text, path=path)


def from_str(text: str, *, path: Path | str = CONFIG_FILENAME) -> ConfigFile:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(path, f"not valid TOML: {exc}") from None
    return from_dict(data, path=Path(path))


def from_dict(data: dict[str, Any], *, path: Path | None = None) -> ConfigFile:
    where = path or Path(CONFIG_FILENAME)
    written = data
    data = _substitute_env(data, where, ())
    errors = sorted(_validator().iter_errors(data), key=lambda error: list(error.path))
    if errors:
        raise ConfigError(where, _describe(errors[0]))
    targets = {
        name: _target(name, raw, where, written["targets"][name].get("headers", {}))
        for name, raw in data.get("targets", {}).items()
    }
    config = ConfigFile(
        path=path,
        spec_dir=data.get("spec-dir"),
        report_dir=data.get("report-dir"),
        seed=data.get("seed"),
        max_examples=data.get("max-examples"),
        default_target=data.get("default-target"),
        history=data.get("history"),
        targets=targets,
    )
    if config.default_target is not None:
        config.target(config.default_target)
    return config


def _target(name: str, raw: dict[str, Any], path: Path, header_templates: dict[str, str]) -> TargetConfig:
    return TargetConfig(
        name=name,
        base_url=raw.get("base-url"),
        token_env=raw.get("token-env", DEFAULT_TOKEN_ENV),
        allow_writes=raw.get("allow-writes", False),
        writable_operations=frozenset(
            label for label, entry in raw.get("operations", {}).items() if entry.get("allow-writes", False)
        ),
        tls_verify=raw.get("tls-verify", True),
        ca_bundle=raw.get("ca-bundle"),
        rate_limit=raw.get("rate-limit"),
        max_requests=raw.get("max-requests"),
        max_time=raw.get("max-time"),
        request_timeout=raw.get("request-timeout"),
        expired_token_env=raw.get("expired-token-env"),
        other_token_env=raw.get("other-token-env"),
        specs=tuple(raw.get("specs", ())),
        headers=dict(raw.get("headers", {})),
        secret_headers=tuple(raw.get("secret-headers", ())),
        header_templates=dict(header_templates),
        params=dict(raw.get("params", {})),
        operation_params={label: dict(entry.get("params", {})) for label, entry in raw.get("operations", {}).items()},
        apis={
            api: ApiConfig(
                spec=_named_spec(api, entry, path, ("targets", name, "apis", api, "spec")),
                base_url=entry.get("base-url"),
                token_env=entry.get("token-env"),
                auth=_auth(entry.get("auth"), path, ("targets", name, "apis", api, "auth")),
                evidence_default=Evidence(entry["evidence-default"]) if "evidence-default" in entry else None,
                overlays=tuple(path.parent / overlay for overlay in entry.get("overlays", ())),
                scheme_auth=_scheme_auth(entry.get("auth"), path, ("targets", name, "apis", api, "auth")),
            )
            for api, entry in raw.get("apis", {}).items()
        },
        auth=_auth(raw.get("auth"), path, ("targets", name, "auth")),
        scheme_auth=_scheme_auth(raw.get("auth"), path, ("targets", name, "auth")),
    )


def _named_spec(api: str, entry: dict[str, Any], path: Path, where: tuple[str, ...]) -> Path | None:
    """A section naming a document names the API too, so its key must be a name a URL path can carry."""
    if "spec" not in entry:
        return None
    if not _API_NAME.fullmatch(api):
        raise ConfigError(
            path, f"{_key(where[:-1])}: {api!r} cannot name an API (letters, digits and . _ ~ / - only, as in a URL)"
        )
    return path.parent / str(entry["spec"])


_API_NAME: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9._~-]*(/[A-Za-z0-9._~-]+)*")


def _scheme_auth(raw: dict[str, Any] | None, path: Path, where: tuple[str, ...]) -> dict[str, AuthConfig]:
    """`[...auth.<scheme name>]` tables: one credential per security scheme of the document."""
    if raw is None or "type" in raw:
        return {}
    return {scheme: auth for scheme, entry in raw.items() if (auth := _auth(entry, path, (*where, scheme)))}


def _auth(raw: dict[str, Any] | None, path: Path, where: tuple[str, ...]) -> AuthConfig | None:
    if raw is None or "type" not in raw:
        return None
    kind = raw["type"]
    if kind == "client-credentials" and "token-url" not in raw:
        raise ConfigError(path, f"{_key(where)}: client-credentials needs token-url")
    defaults = AuthConfig()
    return AuthConfig(
        kind=kind,
        token_env=raw.get("token-env", defaults.token_env),
        token_url=raw.get("token-url"),
        client_id_env=raw.get("client-id-env", defaults.client_id_env),
        client_secret_env=raw.get("client-secret-env", defaults.client_secret_env),
        scope=raw.get("scope"),
        username_env=raw.get("username-env", defaults.username_env),
        password_env=raw.get("password-env", defaults.password_env),
        prefix=raw.get("prefix"),
    )


def _substitute_env(value: Any, path: Path, where: tuple[str, ...]) -> Any:
    """`${VAR}` in any string is read from the environment, so one file serves every machine."""
    if isinstance(value, dict):
        return {key: _substitute_env(item, path, (*where, key)) for key, item in value.items()}
    if isinstance(value, list):
        return [_substitute_env(item, path, (*where, str(index))) for index, item in enumerate(value)]
    if isinstance(value, str) and "$" in value:
        try:
            return string.Template(value).substitute(os.environ)
        except KeyError as exc:
            raise ConfigError(path, f"{_key(where)}: missing environment variable {exc.args[0]}") from None
        except ValueError:
            raise ConfigError(path, f"{_key(where)}: invalid ${{...}} placeholder in {value!r}") from None
    return value


def _describe(error: jsonschema.ValidationError) -> str:
    if error.validator == "oneOf" and error.context:
        # `auth` is one credential (it has a `type`) or a table of them, one per scheme name.
        branch = 0 if isinstance(error.instance, dict) and "type" in error.instance else 1
        chosen = [item for item in error.context if item.relative_schema_path[0] == branch] or error.context
        from jsonschema.exceptions import best_match  # noqa: PLC0415 - loaded with the validator, only on a config

        return _describe(best_match(chosen))
    key = _key(tuple(str(part) for part in error.absolute_path))
    if error.validator == "additionalProperties":
        schema = error.schema if isinstance(error.schema, dict) else {}
        given = error.instance if isinstance(error.instance, dict) else {}
        extra = sorted(set(given) - set(schema.get("properties", {})))
        allowed = ", ".join(sorted(schema.get("properties", {})))
        return f"{key}: unknown key {', '.join(map(repr, extra))} (allowed: {allowed})"
    if error.validator == "type":
        return f"{key}: expected {error.validator_value}, got {type(error.instance).__name__} {error.instance!r}"
    if error.validator == "pattern" and str(error.validator_value).startswith("^http"):
        return f"{key}: expected an http:// or https:// URL, got {error.instance!r}"
    if error.validator == "pattern":
        return f"{key}: {error.instance!r} does not match {error.validator_value}"
    return f"{key}: {error.message}"


def _key(parts: tuple[str, ...]) -> str:
    return ".".join(parts) if parts else "(top level)"


@cache
def _validator() -> jsonschema.Draft202012Validator:
    import jsonschema  # noqa: PLC0415 - only a run with a config file pays for the validator

    schema = json.loads(resources.files("apiconform.config").joinpath("schema.json").read_text(encoding="utf-8"))
    # TOML distinguishes 7 from 7.0; JSON Schema would accept 7.0 as an integer, and a seed of 7.0 is a typo.
    checker = jsonschema.Draft202012Validator.TYPE_CHECKER.redefine(
        "integer", lambda _, value: isinstance(value, int) and not isinstance(value, bool)
    )
    strict = jsonschema.validators.extend(  # type: ignore[no-untyped-call] # jsonschema's own stubs leave it untyped
        jsonschema.Draft202012Validator, type_checker=checker
    )
    validator: jsonschema.Draft202012Validator = strict(schema)
    return validator
