"""How `--shard K/N` splits a run: every operation tested in exactly one shard, shards of about equal work."""

from __future__ import annotations

import dataclasses
from typing import Any, Final

import pytest

from apiconform.core.results import shard_skip_reason
from apiconform.runner import ApiTarget, RunSettings
from apiconform.runner.shards import input_size, split
from apiconform.specs import SpecDocument, load_spec
from tests.fixtures.cli import REPO_ROOT

SPEC_FILES: Final = ("specs/ap-invoice/openapi.yaml", "specs/amili/identity.yaml", "specs/amili/arm.yaml")


@pytest.fixture(scope="module")
def specs() -> list[SpecDocument]:
    return [load_spec(REPO_ROOT / path, root=REPO_ROOT / "specs") for path in SPEC_FILES]


def _settings(specs: list[SpecDocument], **overrides: Any) -> RunSettings:
    apis = [ApiTarget(spec=spec, base_url=f"http://127.0.0.1:9/{spec.name}", allow_writes=True) for spec in specs]
    return dataclasses.replace(RunSettings(apis=apis, target_name="t"), **overrides)


class TestSplit:
    @pytest.mark.parametrize(
        ("weights", "total", "expected"),
        [
            pytest.param([5, 5], 2, [0, 1], id="equal-weights-alternate"),
            pytest.param([1, 1, 10], 2, [1, 1, 0], id="the-heavy-one-alone"),
            pytest.param([3, 3, 2, 2, 2], 2, [0, 1, 0, 1, 0], id="largest-first-to-the-lightest"),
            pytest.param([1], 3, [0], id="more-shards-than-items"),
            pytest.param([], 2, [], id="nothing"),
            pytest.param([4, 1, 1, 1, 1], 1, [0, 0, 0, 0, 0], id="one-shard-has-all"),
        ],
    )
    def test_deals_largest_first(self, weights: list[int], total: int, expected: list[int]) -> None:
        assert split(weights, total) == expected

    def test_loads_stay_within_the_largest_item(self) -> None:
        weights = [17, 3, 9, 12, 1, 1, 8, 30, 2, 5, 5, 14]
        loads = [0, 0, 0]
        for weight, shard in zip(weights, split(weights, 3), strict=True):
            loads[shard] += weight
        assert max(loads) - min(loads) <= max(weights)


class TestInputSize:
    def test_a_request_body_weighs_more_than_a_bare_get(self, specs: list[SpecDocument]) -> None:
        identity = next(spec for spec in specs if spec.name == "amili/identity")
        sizes = {operation.label: input_size(identity, operation) for operation in identity.operations}
        assert sizes["POST /token"] > sizes["GET /health"] >= 1


class TestShardedSettings:
    @pytest.mark.parametrize("total", [2, 3, 5])
    def test_every_testable_operation_is_in_exactly_one_shard(self, specs: list[SpecDocument], total: int) -> None:
        whole = _settings(specs).skip_reasons()
        testable = {key for key, reason in whole.items() if not reason}
        tested_by = [
            {key for key, reason in _settings(specs, shard=(index, total)).skip_reasons().items() if not reason}
            for index in range(1, total + 1)
        ]
        assert set().union(*tested_by) == testable
        assert sum(len(keys) for keys in tested_by) == len(testable)
        assert all(tested_by), "no shard is empty while there are more operations than shards"

    def test_other_reasons_are_the_same_in_every_shard(self, specs: list[SpecDocument]) -> None:
        include = frozenset({"GET /v1/invoice/{id}", "GET /health", "POST /token"})
        for index in (1, 2):
            reasons = _settings(specs, include=include, shard=(index, 2)).skip_reasons()
            assert reasons["amili/identity", "GET /verify"] == "not selected by --include"
            assert {reason for reason in reasons.values() if reason.startswith("in another")} == {
                shard_skip_reason((index, 2))
            }

    def test_shards_are_near_even_in_work(self, specs: list[SpecDocument]) -> None:
        weights = {
            (spec.name, operation.label): input_size(spec, operation) for spec in specs for operation in spec.operations
        }
        loads = [
            sum(weights[key] for key, reason in _settings(specs, shard=(i, 2)).skip_reasons().items() if not reason)
            for i in (1, 2)
        ]
        assert abs(loads[0] - loads[1]) <= max(weights.values())
