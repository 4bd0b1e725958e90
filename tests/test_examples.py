"""The example configs of examples/auth/: each loads with the real loader and authenticates as its comment says.

Every file's first comment line is the `securitySchemes` of the document it is written for (a second one
may give `security`). The test builds that document, sets each variable the file names to a canary, and
checks where the run would send which value, exactly as `apiconform run --target vendor` resolves it.
"""

from __future__ import annotations

import base64
import re
from pathlib import Path
from typing import Any, Final

import pytest
import yaml

from apiconform.cli import resolve
from apiconform.config.loader import from_path
from apiconform.runner.placement import apply
from apiconform.specs.document import SpecDocument
from tests.fixtures.cli import REPO_ROOT

EXAMPLES: Final = REPO_ROOT / "examples" / "auth"
ENV_NAME: Final = re.compile(r'-env = "([A-Z_]+)"')
BASIC: Final = base64.b64encode(b"canary-VENDOR_USER:canary-VENDOR_PASSWORD").decode()
EXPECTED: Final[dict[str, dict[str, dict[str, str]]]] = {
    "http-bearer.toml": {"headers": {"Authorization": "Bearer canary-VENDOR_TOKEN"}},
    "http-basic.toml": {"headers": {"Authorization": f"Basic {BASIC}"}},
    "http-other-scheme.toml": {"headers": {"Authorization": "Token canary-VENDOR_TOKEN"}},
    "api-key-header.toml": {"headers": {"Authorization": "Token canary-VENDOR_TOKEN"}},
    "api-key-query.toml": {"query": {"api_key": "canary-VENDOR_KEY"}},
    "api-key-cookie.toml": {"cookies": {"session": "canary-VENDOR_SESSION"}},
    "openid-connect.toml": {"headers": {"Authorization": "Bearer canary-VENDOR_ID_TOKEN"}},
    "several-schemes.toml": {
        "headers": {"X-Api-Key": "canary-VENDOR_KEY", "Authorization": "Bearer canary-VENDOR_PARTNER_TOKEN"}
    },
    # The client-credentials token is fetched at run time; here only that a token source serves the scheme.
    "oauth2-client-credentials.toml": {},
}


def _document(path: Path) -> dict[str, Any]:
    comments = [line[2:] for line in path.read_text(encoding="utf-8").splitlines() if line.startswith("# ")]
    schemes = yaml.safe_load(comments[0].removeprefix("securitySchemes: "))
    security = yaml.safe_load(comments[1].removeprefix("security: ")) if comments[1].startswith("security:") else None
    return {
        "openapi": "3.1.0",
        "info": {"title": path.stem, "version": "1"},
        "components": {"securitySchemes": schemes},
        "security": security or [{name: []} for name in schemes][:1],
        "paths": {"/things": {"get": {"responses": {"200": {"description": "ok"}}}}},
    }


def test_every_example_is_checked() -> None:
    assert sorted(path.name for path in EXAMPLES.glob("*.toml")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED), ids=sorted(EXPECTED))
def test_example_authenticates(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    path = EXAMPLES / name
    for variable in ENV_NAME.findall(path.read_text(encoding="utf-8")):
        monkeypatch.setenv(variable, f"canary-{variable}")
    config = from_path(path)
    spec = SpecDocument(name="vendor", path=path, raw=_document(path))
    request = resolve.RunRequest(target="vendor")
    settings = resolve.settings_for_target(request, config, config.target("vendor"), [spec])
    api = settings.apis[0]
    chosen = api.placements(spec.operations[0].raw)
    assert chosen, "no credential serves the document's scheme"
    if name.startswith("oauth2"):
        assert all(placement.credential.source is not None for placement in chosen)
        return
    sent: dict[str, dict[str, str]] = {"headers": {}, "query": {}, "cookies": {}}
    apply(chosen, headers=sent["headers"], query=sent["query"], cookies=sent["cookies"])
    assert {key: value for key, value in sent.items() if value} == EXPECTED[name]
    assert settings.secret_references, "a curl line must be able to name the variable"
