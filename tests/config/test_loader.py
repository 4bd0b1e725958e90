"""The config loader: TOML text and dicts become ConfigFile values, `${VAR}` reads the environment, and every
invalid file is one ConfigError naming the file and the key path to fix.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Final

import pytest

from apiconform.config import ApiConfig, ConfigFile, TargetConfig, from_dict, from_path, from_str
from apiconform.config.models import AuthConfig
from apiconform.core.errors import ConfigError
from apiconform.core.vocabulary import Evidence

FULL_CONFIG: Final = """
spec-dir = "contracts"
report-dir = "out/reports"
seed = 42
max-examples = 25
default-target = "vendor-staging"

[targets.vendor-staging]
base-url = "https://api.staging.vendor.example"
token-env = "VENDOR_TOKEN"
allow-writes = true
tls-verify = false
specs = ["ap-invoice", "amili/arm"]
params = { id = "inv-0001", page = 2, ratio = 0.5, archived = false }

[targets.vendor-staging.operations."GET /v1/invoice/{id}"]
params = { id = "inv-0042" }

[targets.vendor-staging.apis."amili/arm"]
base-url = "https://arm.staging.vendor.example"
token-env = "ARM_TOKEN"
evidence-default = "INFERRED"
overlays = ["overlays/arm-nullable.yaml", "/abs/more.yaml"]

[targets.minimal]
"""

INVALID_CONFIGS: Final[list[tuple[str, str, str]]] = [
    ("colour = true\n", "(top level)", "'colour'"),
    ('[targets.a]\nbase_url = "https://x.example"\n', "targets.a", "'base_url'"),
    ('seed = "seven"\n', "seed", "integer"),
    ("seed = -1\n", "seed", "minimum"),
    ("seed = true\n", "seed", "integer"),
    ("seed = 1.0\n", "seed", "integer"),
    ("max-examples = 0\n", "max-examples", "minimum"),
    ("max-examples = 10001\n", "max-examples", "maximum"),
    ("max-examples = 5.0\n", "max-examples", "integer"),
    ('spec-dir = ""\n', "spec-dir", "''"),
    ("targets = 5\n", "targets", "object"),
    ('[targets.a]\nbase-url = "api.example"\n', "targets.a.base-url", "http"),
    ('[targets.a]\nbase-url = "ftp://api.example"\n', "targets.a.base-url", "http"),
    ('[targets.a]\ntoken-env = "VENDOR-TOKEN"\n', "targets.a.token-env", "VENDOR-TOKEN"),
    ('[targets.a]\nallow-writes = "yes"\n', "targets.a.allow-writes", "boolean"),
    ('[targets.a]\nspecs = ["ap-invoice", "ap-invoice"]\n', "targets.a.specs", "non-unique"),
    ("[targets.a]\nparams = { id = [1, 2] }\n", "targets.a.params.id", "list"),
    ('[targets.a.operations."get /v1/invoice/{id}"]\n', "targets.a.operations", "get /v1/invoice/{id}"),
    ('[targets.a.operations.getInvoice]\nparams = { id = "x" }\n', "targets.a.operations", "getInvoice"),
    ('[targets.a.operations."GET /v1/invoice/{id}"]\nid = "x"\n', "targets.a.operations.GET /v1/invoice/{id}", "'id'"),
    ('[targets.a.apis.ap-invoice]\nbase-url = "api.example"\n', "targets.a.apis.ap-invoice.base-url", "http"),
    ('[targets.a.apis.ap-invoice]\ntoken = "secret"\n', "targets.a.apis.ap-invoice", "'token'"),
    (
        '[targets.a.apis.ap-invoice]\nevidence-default = "guess"\n',
        "targets.a.apis.ap-invoice.evidence-default",
        "guess",
    ),
    ('[targets.a.apis.ap-invoice]\noverlays = "fix.yaml"\n', "targets.a.apis.ap-invoice.overlays", "array"),
    ('[targets.a.apis.ap-invoice]\noverlays = [""]\n', "targets.a.apis.ap-invoice.overlays.0", "''"),
    ('[targets.a.auth]\ntype = "bearr"\n', "targets.a.auth.type", "bearr"),
    ('[targets.a.auth.ApiKeyAuth]\ntype = "api-key"\ntoken = "x"\n', "targets.a.auth.ApiKeyAuth", "'token'"),
]
INVALID_IDS: Final = [
    "unknown-top-level-key",
    "unknown-target-key",
    "seed-string",
    "seed-negative",
    "seed-bool",
    "seed-integral-float",
    "max-examples-zero",
    "max-examples-too-many",
    "max-examples-integral-float",
    "spec-dir-empty",
    "targets-not-a-table",
    "base-url-without-scheme",
    "base-url-not-http",
    "token-env-with-dash",
    "allow-writes-string",
    "specs-duplicated",
    "param-value-list",
    "operation-key-lower-case-method",
    "operation-key-operation-id",
    "operation-entry-unknown-key",
    "api-base-url-without-scheme",
    "api-unknown-key",
    "api-evidence-default-unknown",
    "api-overlays-not-a-list",
    "api-overlay-empty-path",
    "auth-type-typo",
    "scheme-auth-unknown-key",
]


class TestSchemeAuth:
    def test_default_and_per_scheme_credentials(self) -> None:
        """`[targets.X.auth]` with a type is the default; `[targets.X.auth.<scheme>]` tables name a scheme each."""
        config = from_str(
            '[targets.a.auth.ApiKeyAuth]\ntype = "api-key"\ntoken-env = "K"\nprefix = "Token "\n'
            '[targets.a.auth.Basic]\ntype = "basic"\nusername-env = "U"\npassword-env = "P"\n'
            '[targets.b.auth]\ntype = "bearer"\ntoken-env = "B"\n'
        )
        first, second = config.targets["a"], config.targets["b"]
        assert first.auth is None
        assert first.scheme_auth == {
            "ApiKeyAuth": AuthConfig(kind="api-key", token_env="K", prefix="Token "),
            "Basic": AuthConfig(kind="basic", username_env="U", password_env="P"),
        }
        assert second.auth == AuthConfig(kind="bearer", token_env="B")
        assert second.scheme_auth == {}


class TestFromStr:
    """TOML text into a ConfigFile."""

    def test_full_config_parses_into_values(self) -> None:
        """Every documented key lands in its ConfigFile or TargetConfig field, with TOML types kept."""
        config = from_str(FULL_CONFIG, path="conf/apiconform.toml")
        assert config.path == Path("conf/apiconform.toml")
        assert (config.spec_dir, config.report_dir, config.seed, config.max_examples) == (
            "contracts",
            "out/reports",
            42,
            25,
        )
        assert config.default_target == "vendor-staging"
        assert config.targets["vendor-staging"] == TargetConfig(
            name="vendor-staging",
            base_url="https://api.staging.vendor.example",
            token_env="VENDOR_TOKEN",
            allow_writes=True,
            tls_verify=False,
            specs=("ap-invoice", "amili/arm"),
            params={"id": "inv-0001", "page": 2, "ratio": 0.5, "archived": False},
            operation_params={"GET /v1/invoice/{id}": {"id": "inv-0042"}},
            apis={
                "amili/arm": ApiConfig(
                    base_url="https://arm.staging.vendor.example",
                    token_env="ARM_TOKEN",
                    evidence_default=Evidence.INFERRED,
                    # Relative to the config file, not to where apiconform runs; an absolute path stays.
                    overlays=(Path("conf/overlays/arm-nullable.yaml"), Path("/abs/more.yaml")),
                )
            },
        )

    def test_empty_target_gets_documented_defaults(self) -> None:
        """A target table with no keys gets the documented defaults (APICONFORM_TOKEN, no writes, TLS verified)."""
        assert from_str(FULL_CONFIG).targets["minimal"] == TargetConfig(name="minimal")
        assert TargetConfig(name="minimal").token_env == "APICONFORM_TOKEN"

    def test_default_target_is_looked_up(self) -> None:
        """`default-target` names a target that ConfigFile.target returns."""
        config = from_str(FULL_CONFIG)
        assert config.target(config.default_target or "") is config.targets["vendor-staging"]

    def test_empty_text_is_all_defaults(self) -> None:
        """An empty file is valid and means every default."""
        assert from_str("", path="apiconform.toml") == ConfigFile(path=Path("apiconform.toml"))

    def test_malformed_toml_names_the_file(self) -> None:
        """TOML that does not parse is a ConfigError naming the file and saying 'not valid TOML'."""
        with pytest.raises(ConfigError) as caught:
            from_str("seed = = 1\n", path="conf/apiconform.toml")
        assert caught.value.path == Path("conf/apiconform.toml")
        assert str(caught.value).startswith("conf/apiconform.toml: not valid TOML")

    def test_unknown_default_target(self) -> None:
        """A default-target that no [targets] table defines is a ConfigError listing the known targets."""
        with pytest.raises(ConfigError, match=r"unknown target 'nope' \(known targets: a\)"):
            from_str('default-target = "nope"\n[targets.a]\n')

    def test_unknown_target_lookup(self) -> None:
        """Asking for an undefined target names the file and the targets that do exist."""
        config = from_str(FULL_CONFIG, path="conf/apiconform.toml")
        with pytest.raises(ConfigError) as caught:
            config.target("prod")
        assert str(caught.value) == (
            "conf/apiconform.toml: unknown target 'prod' (known targets: minimal, vendor-staging)"
        )


class TestFromPath:
    """Reading a config file from disk."""

    def test_reads_the_file(self, tmp_path: Path) -> None:
        """from_path parses the file's text and records where it came from."""
        path = tmp_path / "apiconform.toml"
        path.write_text("seed = 9\n", encoding="utf-8")
        assert from_path(path) == ConfigFile(path=path, seed=9)

    def test_missing_file(self, tmp_path: Path) -> None:
        """A config path that does not exist is a ConfigError naming it."""
        path = tmp_path / "nope.toml"
        with pytest.raises(ConfigError) as caught:
            from_path(path)
        assert str(caught.value) == f"{path}: no such file"


class TestFromDict:
    """An already-parsed mapping into a ConfigFile."""

    def test_without_path(self) -> None:
        """from_dict without a path gives a ConfigFile with path None."""
        config = from_dict({"seed": 3, "targets": {"a": {"params": {"id": "x"}}}})
        assert config.path is None
        assert config.seed == 3
        assert config.targets["a"].params == {"id": "x"}

    def test_error_without_path_names_the_default_file(self) -> None:
        """A schema error from from_dict without a path still names a file: apiconform.toml."""
        with pytest.raises(ConfigError) as caught:
            from_dict({"seed": "x"})
        assert str(caught.value).startswith("apiconform.toml: seed: ")

    def test_input_is_not_modified(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Substitution builds new values; the caller's dict keeps its `${VAR}` text."""
        monkeypatch.setenv("APICONFORM_TEST_HOST", "api.example")
        data: dict[str, Any] = {"targets": {"a": {"base-url": "https://${APICONFORM_TEST_HOST}"}}}
        from_dict(data)
        assert data == {"targets": {"a": {"base-url": "https://${APICONFORM_TEST_HOST}"}}}


class TestEnvironmentSubstitution:
    """`${VAR}` in any string value is read from the environment."""

    def test_substitutes_in_strings(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """A placeholder inside a string is replaced, keeping the text around it."""
        monkeypatch.setenv("APICONFORM_TEST_HOST", "api.staging.vendor.example")
        config = from_str('[targets.a]\nbase-url = "https://${APICONFORM_TEST_HOST}/v2"\n')
        assert config.targets["a"].base_url == "https://api.staging.vendor.example/v2"

    def test_substitutes_in_nested_tables_and_lists(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Placeholders in params, operation params, apis and list items are all replaced."""
        monkeypatch.setenv("APICONFORM_TEST_ID", "inv-0007")
        monkeypatch.setenv("APICONFORM_TEST_SPEC", "ap-invoice")
        monkeypatch.setenv("APICONFORM_TEST_ARM", "https://arm.example")
        config = from_str(
            "[targets.a]\n"
            'specs = ["${APICONFORM_TEST_SPEC}"]\n'
            'params = { id = "${APICONFORM_TEST_ID}" }\n'
            '[targets.a.operations."GET /v1/invoice/{id}"]\n'
            'params = { id = "${APICONFORM_TEST_ID}-op" }\n'
            '[targets.a.apis."amili/arm"]\n'
            'base-url = "${APICONFORM_TEST_ARM}"\n'
        )
        target = config.targets["a"]
        assert target.specs == ("ap-invoice",)
        assert target.params == {"id": "inv-0007"}
        assert target.operation_params == {"GET /v1/invoice/{id}": {"id": "inv-0007-op"}}
        assert target.apis["amili/arm"].base_url == "https://arm.example"

    def test_missing_variable_names_key_and_variable(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """An unset variable is a ConfigError naming the key path and the variable."""
        monkeypatch.delenv("APICONFORM_TEST_MISSING", raising=False)
        with pytest.raises(ConfigError) as caught:
            from_str('[targets.a]\nbase-url = "${APICONFORM_TEST_MISSING}"\n', path="apiconform.toml")
        assert caught.value.problem == "targets.a.base-url: missing environment variable APICONFORM_TEST_MISSING"

    def test_missing_variable_in_a_list_names_the_index(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """An unset variable inside a list names the list item by index."""
        monkeypatch.delenv("APICONFORM_TEST_MISSING", raising=False)
        with pytest.raises(ConfigError) as caught:
            from_str('[targets.a]\nspecs = ["ap-invoice", "${APICONFORM_TEST_MISSING}"]\n')
        assert caught.value.problem.startswith("targets.a.specs.1: ")

    def test_substituted_value_is_still_validated(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """A value from the environment must still satisfy the schema, and the error names the key."""
        monkeypatch.setenv("APICONFORM_TEST_URL", "ftp://files.example")
        with pytest.raises(ConfigError) as caught:
            from_str('[targets.a]\nbase-url = "${APICONFORM_TEST_URL}"\n')
        assert caught.value.problem.startswith("targets.a.base-url: ")
        assert "ftp://files.example" in caught.value.problem

    def test_non_strings_pass_through(self) -> None:
        """Numbers and booleans are never touched by substitution."""
        config = from_str("seed = 5\n[targets.a]\ntls-verify = false\nparams = { page = 2 }\n")
        assert (config.seed, config.targets["a"].tls_verify, config.targets["a"].params) == (5, False, {"page": 2})


class TestSchemaErrors:
    """A config that fails its schema is one ConfigError whose message starts with the key path."""

    @pytest.mark.parametrize(("text", "key", "detail"), INVALID_CONFIGS, ids=INVALID_IDS)
    def test_names_the_key_path(self, text: str, key: str, detail: str) -> None:
        """The problem starts with the dotted key path and says what is wrong."""
        with pytest.raises(ConfigError) as caught:
            from_str(text, path="conf/apiconform.toml")
        assert caught.value.path == Path("conf/apiconform.toml")
        assert caught.value.problem.startswith(f"{key}: "), caught.value.problem
        assert detail in caught.value.problem
        assert str(caught.value) == f"conf/apiconform.toml: {caught.value.problem}"
