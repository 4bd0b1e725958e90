"""Invalid input accepted: judged by the evidence of the constraint schemathesis broke."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from schemathesis.core.parameters import ParameterLocation
from schemathesis.generation import GenerationMode
from schemathesis.generation.meta import CaseMetadata, ComponentInfo, CoverageScenario, GenerationInfo, PhaseInfo

from apiconform.checks.classify import classify_failure
from apiconform.checks.negation import negated_evidence, refused_path
from apiconform.core.vocabulary import Evidence
from apiconform.specs import SpecDocument, load_spec

ROOT = Path(__file__).resolve().parents[2]


def _spec(name: str) -> SpecDocument:
    return load_spec(ROOT / "specs" / f"{name}.yaml", root=ROOT / "specs")


def _meta(location: ParameterLocation, parameter: str | None) -> CaseMetadata:
    return CaseMetadata(
        generation=GenerationInfo(time=0.0, mode=GenerationMode.NEGATIVE),
        components={location: ComponentInfo(mode=GenerationMode.NEGATIVE)},
        phase=PhaseInfo.coverage(
            CoverageScenario.INCORRECT_TYPE, "broken", parameter=parameter, parameter_location=location
        ),
    )


# (spec, operation, where, parameter, expected evidence of the broken constraint)
CASES = [
    ("amili/autocollect", ("get", "/webapi/api/Batch"), ParameterLocation.QUERY, "includeclosed", Evidence.INFERRED),
    ("amili/arm", ("get", "/clients/{clientno}/aritems"), ParameterLocation.QUERY, "pagesize", Evidence.DOC),
    ("amili/arm", ("get", "/clients/{clientno}/aritems"), ParameterLocation.QUERY, None, Evidence.DOC),
    ("amili/collection", ("get", "/orgs/{orgId}/invoices"), ParameterLocation.QUERY, None, Evidence.INFERRED),
    ("amili/collection", ("post", "/orgs/{orgId}/payments"), ParameterLocation.BODY, None, Evidence.DOC),
]


class TestNegatedEvidence:
    @pytest.mark.parametrize(
        ("spec_name", "label", "location", "parameter", "expected"),
        CASES,
        ids=["inferred-type", "documented-cap", "all-documented", "any-inferred", "documented-body"],
    )
    def test_constraint_evidence(
        self,
        spec_name: str,
        label: tuple[str, str],
        location: ParameterLocation,
        parameter: str | None,
        expected: Evidence,
    ) -> None:
        """The named parameter's evidence; without a name, the weakest in the broken location."""
        spec = _spec(spec_name)
        operation = spec.operation(*label)
        assert operation is not None
        assert negated_evidence(spec, operation, _meta(location, parameter)) is expected

    def test_without_metadata(self) -> None:
        """A case that does not say what it broke leaves the judgement to the status list."""
        spec = _spec("amili/autocollect")
        operation = spec.operation("get", "/webapi/api/Batch")
        assert operation is not None
        assert negated_evidence(spec, operation, None) is None

    def test_accepted_invalid_input_on_a_documented_list(self) -> None:
        """A documented status list does not make a guessed parameter type gate (review FP-8)."""
        from schemathesis.core.failures import Failure  # noqa: PLC0415 - only this test builds one

        spec = _spec("amili/autocollect")
        operation = spec.operation("get", "/webapi/api/Batch")
        assert operation is not None
        assert operation.status_codes_evidence is Evidence.DOC
        failure = Failure(operation=operation.label, title="Accepted invalid data", message="200 for invalid data")
        judged = classify_failure(
            failure,
            check_name="negative_data_rejection",
            document=spec,
            operation=operation,
            status=200,
            negative=True,
            meta=_meta(ParameterLocation.QUERY, "includeclosed"),
        )
        assert judged.evidence is Evidence.INFERRED


USERS = {
    "openapi": "3.0.3",
    "info": {"title": "Users", "version": "1"},
    "paths": {
        "/users/{userId}/keys/{key}": {
            "parameters": [
                {"name": "userId", "in": "path", "required": True, "schema": {"type": "number"}},
                {"name": "key", "in": "path", "required": True, "schema": {"type": "string", "pattern": "^k[0-9]+$"}},
            ],
            "get": {"responses": {"200": {"description": "ok"}}},
        }
    },
}


@pytest.mark.parametrize(
    ("values", "refused"),
    [
        ({"userId": 5, "key": "k1"}, False),
        ({"userId": "5", "key": "k1"}, False),
        ({"userId": "2.5", "key": "k1"}, False),
        ({"userId": "string", "key": "k1"}, True),
        ({"userId": 5, "key": "x1"}, True),
        ({}, False),
    ],
    ids=["typed", "numeric-text", "decimal-text", "text-for-a-number", "pattern-refuses", "no-values"],
)
def test_refused_path(tmp_path: Path, values: dict[str, Any], refused: bool) -> None:
    """A value a stateful link fed into a path that its parameter refuses makes the request invalid."""
    path = tmp_path / "users.json"
    path.write_text(json.dumps(USERS), encoding="utf-8")
    spec = load_spec(path)
    operation = spec.operation("get", "/users/{userId}/keys/{key}")
    assert operation is not None
    assert refused_path(spec, operation, values) is refused
