"""Fixtures for the sandbox tests: the specs, and one real Sandbox on loopback per module."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from apiconform.sandbox import Sandbox
from apiconform.specs import SpecDocument, load_spec
from apiconform.specs.document import discover_specs

SPEC_ROOT = Path(__file__).resolve().parents[2] / "specs"


@pytest.fixture(scope="session")
def all_specs() -> dict[str, SpecDocument]:
    """Every spec of the repository, by name (`ap-invoice`, `amili/collection`, ...)."""
    documents = [load_spec(path, root=SPEC_ROOT) for path in discover_specs(SPEC_ROOT)]
    return {document.name: document for document in documents}


@pytest.fixture(scope="module")
def sandbox(all_specs: dict[str, SpecDocument]) -> Iterator[Sandbox]:
    """A clean sandbox serving every spec; tests that change state use resources of their own."""
    with Sandbox(list(all_specs.values())) as running:
        yield running


@pytest.fixture(scope="module")
def client(sandbox: Sandbox) -> Iterator[httpx.Client]:
    """An HTTP client at the sandbox's root with the static token."""
    with httpx.Client(base_url=sandbox.url, headers={"Authorization": f"Bearer {sandbox.token}"}) as http:
        yield http


@pytest.fixture(scope="module")
def anonymous(sandbox: Sandbox) -> Iterator[httpx.Client]:
    """An HTTP client at the sandbox's root without credentials."""
    with httpx.Client(base_url=sandbox.url) as http:
        yield http
