"""Root conftest: fixture modules, and the options that point `tests/conformance` at any target.

`pytest tests/conformance` runs every spec against the embedded sandbox, as `apiconform run` does;
`pytest tests/conformance --base-url URL --spec FILE` (token from APICONFORM_TOKEN or --token, known ids from
--param id=...) runs against a real target.
"""

from __future__ import annotations

import pytest

pytest_plugins = ["tests.fixtures.cli", "tests.fixtures.conformance"]


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("apiconform", "apiconform conformance target")
    group.addoption("--base-url", help="Run tests/conformance against this URL instead of the embedded sandbox.")
    group.addoption("--token", help="Bearer token for --base-url; default: the APICONFORM_TOKEN environment variable.")
    group.addoption(
        "--spec",
        action="append",
        default=[],
        help="Spec for tests/conformance (repeatable); default: every spec under specs/, as `apiconform run`.",
    )
    group.addoption("--param", action="append", default=[], metavar="NAME=VALUE", help="Known parameter value.")
    group.addoption(
        "--max-examples", default="3", help="Generated examples per operation for tests/conformance (default 3)."
    )
