"""Config layer: `apiconform.toml`, discovered like `schemathesis.toml` and validated against a bundled schema."""

from apiconform.config.loader import CONFIG_FILENAME, discover, from_dict, from_path, from_str
from apiconform.config.models import ApiConfig, AuthConfig, ConfigFile, TargetConfig

__all__ = [
    "CONFIG_FILENAME",
    "ApiConfig",
    "AuthConfig",
    "ConfigFile",
    "TargetConfig",
    "discover",
    "from_dict",
    "from_path",
    "from_str",
]
