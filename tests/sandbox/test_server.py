"""The Sandbox surface the CLI and runner use: what it serves, the ids it publishes, the tokens it hands out."""

from __future__ import annotations

import httpx
import pytest

from apiconform.sandbox import Sandbox
from apiconform.specs import SpecDocument
from apiconform.specs.document import Operation

READS = frozenset({"get"})


def _path_operations(specs: dict[str, SpecDocument]) -> list[tuple[str, Operation]]:
    return [
        (name, operation) for name, spec in specs.items() for operation in spec.operations if operation.path_parameters
    ]


class TestServes:
    """Every operation of every spec is served."""

    def test_every_operation(self, sandbox: Sandbox, all_specs: dict[str, SpecDocument]) -> None:
        """serves() is true for each operation id of each spec."""
        missing = [
            f"{name} {operation.label}"
            for name, spec in all_specs.items()
            for operation in spec.operations
            if not sandbox.serves(name, operation.operation_id)
        ]
        assert missing == []

    def test_unknown_spec_or_operation(self, sandbox: Sandbox) -> None:
        """A name no spec has is not served."""
        assert not sandbox.serves("amili/collection", "noSuchOperation")
        assert not sandbox.serves("elsewhere", "getInvoice")


class TestKnownParams:
    """Seeded ids for every path parameter, so a run reaches real resources."""

    def test_every_path_parameter_has_ids(self, sandbox: Sandbox, all_specs: dict[str, SpecDocument]) -> None:
        """Each operation with path parameters has at least one known value for each of them."""
        missing = [
            f"{name} {operation.label} {parameter}"
            for name, operation in _path_operations(all_specs)
            for parameter in operation.path_parameters
            if not sandbox.known_params(name).get(operation.label, {}).get(parameter)
        ]
        assert missing == []

    @pytest.mark.parametrize("spec_name", ["amili/collection", "amili/arm", "amili/distribution-invoice", "ap-invoice"])
    def test_known_ids_exist(
        self, sandbox: Sandbox, client: httpx.Client, all_specs: dict[str, SpecDocument], spec_name: str
    ) -> None:
        """Every read built from the first known value of each parameter answers 200 (or 202/206 for a batch)."""
        answers = {}
        for operation in all_specs[spec_name].operations:
            known = sandbox.known_params(spec_name).get(operation.label)
            if operation.method not in READS or not operation.path_parameters or not known:
                continue
            path = operation.path.format_map({name: values[0] for name, values in known.items()})
            answers[operation.label] = client.get(
                sandbox.base_url(spec_name).removeprefix(sandbox.url) + path
            ).status_code
        assert answers
        assert {label: status for label, status in answers.items() if status not in {200, 202, 206}} == {}

    def test_seed_is_deterministic(self, all_specs: dict[str, SpecDocument]) -> None:
        """Two sandboxes publish the same ids, so a printed id stays valid across restarts."""
        specs = [all_specs["amili/collection"], all_specs["amili/arm"]]
        first, second = Sandbox(specs), Sandbox(specs)
        try:
            for name in ("amili/collection", "amili/arm"):
                assert first.known_params(name) == second.known_params(name)
        finally:
            first.stop()
            second.stop()


class TestBaseUrls:
    """Each spec is mounted under its name."""

    def test_base_url(self, sandbox: Sandbox) -> None:
        """base_url() is the sandbox URL plus the spec name."""
        assert sandbox.base_url("amili/collection") == f"{sandbox.url}/amili/collection"
