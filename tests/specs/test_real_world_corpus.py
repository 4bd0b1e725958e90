"""The corpus gate: every real-world document loads, is served by the generic sandbox, and runs clean.

The documents live beside the repository in `../shared/real-specs/` (sources and licences in its
README); this is the one test that reads them, and it skips, saying why, where they are absent (a clone
elsewhere). `APICONFORM_REAL_SPECS` points it at another copy. The generic sandbox conforms by
construction, so a failure, an ERROR line or a traceback here is a bug in apiconform, never in a
document: fix apiconform, never the document.

Each run is `apiconform run --spec DOC --max-examples 1 --phases examples,fuzzing,stateful`: the coverage
phase alone sends tens of thousands of requests to a document like Adyen's Checkout (58-way `oneOf`).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any, Final

import httpx
import pytest

from apiconform.core.errors import SpecError
from apiconform.core.vocabulary import ExitCode
from apiconform.sandbox import Sandbox
from apiconform.specs import load_spec
from tests.fixtures.cli import REPO_ROOT

CORPUS: Final = Path(os.environ.get("APICONFORM_REAL_SPECS") or REPO_ROOT.parent / "shared" / "real-specs")
SUFFIXES: Final = (".json", ".yaml", ".yml")
WEBHOOKS_ONLY: Final = "adyen-accounting-webhooks.json"
WEBHOOKS_LINE: Final = (
    "has webhooks (balancePlatform.transfer.created, balancePlatform.transfer.updated) and no paths: "
    "apiconform tests paths, so there is nothing to test"
)
# Runs of minutes each (Stripe's ~400 operations, Twilio's and Xero's ~200): outside CI's budget.
LARGE: Final = frozenset(
    {"stripe.json", "twilio-api.json", "xero-accounting.yaml", "lago.yaml", "apideck-accounting.yaml"}
)
RUN_TIMEOUT_SECONDS: Final = 900
TOKEN: Final = "corpus-token"


def _documents() -> list[Any]:
    if not CORPUS.is_dir():
        reason = f"no real-world corpus at {CORPUS}: ../shared is absent (a clone elsewhere)"
        return [pytest.param(None, id="no-corpus", marks=pytest.mark.skip(reason=reason))]
    return [
        pytest.param(path, id=path.name, marks=_marks(path.name))
        for path in sorted(CORPUS.iterdir())
        if path.suffix in SUFFIXES
    ]


def _marks(name: str) -> list[pytest.MarkDecorator]:
    return [pytest.mark.slow] if name in LARGE else []


def _run(document: Path, directory: Path) -> subprocess.CompletedProcess[str]:
    command = [
        sys.executable, "-m", "apiconform", "run", "--spec", str(document), "--max-examples", "1",
        "--phases", "examples,fuzzing,stateful", "--no-history", "--report-dir", str(directory / "reports"),
    ]  # fmt: skip
    return subprocess.run(
        command, capture_output=True, text=True, timeout=RUN_TIMEOUT_SECONDS, check=False, cwd=directory
    )


@pytest.mark.parametrize("document", _documents())
def test_document_passes_the_corpus_gate(document: Path, tmp_path: Path) -> None:
    if document.name == WEBHOOKS_ONLY:
        with pytest.raises(SpecError, match=re.escape(WEBHOOKS_LINE)):
            load_spec(document)
    else:
        _served(document)
    done = _run(document, tmp_path)
    output = done.stdout + done.stderr
    assert "Traceback" not in output, output[-3000:]
    if document.name == WEBHOOKS_ONLY:
        assert done.returncode == ExitCode.USAGE_ERROR, output
        assert done.stderr.strip() == f"apiconform: error: {document}: {WEBHOOKS_LINE}"
        return
    errors = [line for line in output.splitlines() if line.startswith("ERROR")]
    assert not errors, "\n".join(errors[:20])
    report = json.loads((tmp_path / "reports" / "report.json").read_text(encoding="utf-8"))
    failures = [
        f"{finding['operation']} {finding['check']} {finding['pointer']}: {finding['title']}"
        for finding in report["findings"]
        if finding["severity"] == "failure"
    ]
    assert not failures, "\n".join(failures[:20])
    unexplained = [
        operation["operation"]
        for operation in report["operations"]
        if not operation["covered"] and not operation["skip_reason"]
    ]
    assert not unexplained, unexplained
    assert done.returncode == ExitCode.CONFORMANT, output[-3000:]


def _served(document: Path) -> None:
    """The generic sandbox answers each GET that needs no parameter with a documented status."""
    spec = load_spec(document)
    with Sandbox([spec], token=TOKEN) as sandbox, httpx.Client(timeout=30) as client:
        for operation in spec.operations:
            if operation.method != "get" or any(parameter.required for parameter in operation.parameters):
                continue  # a request without its required parameters rightly gets 400
            url = sandbox.base_url(spec.name) + operation.path
            status = client.get(url, headers={"Authorization": f"Bearer {TOKEN}"}).status_code
            assert {str(status), "default"} & set(operation.documented_statuses), (operation.label, status)
