"""The classifier: every schemathesis check maps to one check class, judged by the right part of the spec."""

from __future__ import annotations

from pathlib import Path

import pytest
from schemathesis.core.failures import Failure, ServerError
from schemathesis.openapi.checks import IgnoredAuth, UndefinedStatusCode

from apiconform.checks.classify import CHECK_CLASS_BY_NAME, classes_exercised, classify_failure
from apiconform.core.vocabulary import CheckClass, Evidence
from apiconform.specs import SpecDocument, load_spec

ROOT = Path(__file__).resolve().parents[2]
LABEL = "GET /v1/invoice/{id}"


@pytest.fixture(scope="module")
def spec() -> SpecDocument:
    return load_spec(ROOT / "specs/ap-invoice/openapi.yaml", root=ROOT / "specs")


def _judge(spec: SpecDocument, failure: Failure, name: str, **kwargs: object) -> tuple[CheckClass, Evidence]:
    operation = spec.operations[0]
    judged = classify_failure(failure, check_name=name, document=spec, operation=operation, **kwargs)  # type: ignore[arg-type]
    return judged.check, judged.evidence


class TestClassify:
    def test_server_error_rests_on_the_operation(self, spec: SpecDocument) -> None:
        """A 5xx on a documented operation fails the gate."""
        failure = ServerError(operation=LABEL, status_code=500)
        assert _judge(spec, failure, "not_a_server_error") == (CheckClass.SERVER_ERROR, Evidence.DOC)

    def test_undocumented_status_rests_on_the_status_list(self, spec: SpecDocument) -> None:
        """The AP page documents only 200, so an undocumented status is a warning (INFERRED)."""
        failure = UndefinedStatusCode(
            operation=LABEL, status_code=418, defined_status_codes=["200"], allowed_status_codes=[200], message="x"
        )
        assert _judge(spec, failure, "status_code_conformance") == (CheckClass.STATUS_CODE, Evidence.INFERRED)

    @pytest.mark.parametrize(
        ("status", "negative", "evidence"),
        [(201, False, Evidence.DOC), (203, False, Evidence.DOC), (201, True, Evidence.INFERRED)],
        ids=["201-for-valid-request", "203-for-valid-request", "201-for-invalid-request"],
    )
    def test_undocumented_success_rests_on_the_documented_success(
        self, spec: SpecDocument, status: int, negative: bool, evidence: Evidence
    ) -> None:
        """The status list is INFERRED, the 200 is DOC: another 2xx to a valid request breaks the documented success."""
        failure = UndefinedStatusCode(
            operation=LABEL, status_code=status, defined_status_codes=["200"], allowed_status_codes=[200], message="x"
        )
        judged = _judge(spec, failure, "status_code_conformance", status=status, negative=negative)
        assert judged == (CheckClass.STATUS_CODE, evidence)

    def test_ignored_auth_rests_on_the_security_scheme(self, spec: SpecDocument) -> None:
        """Bearer auth is on the page (DOC), so accepting no credentials fails the gate."""
        failure = IgnoredAuth(operation=LABEL, message="got 200", scenario="no_auth")  # type: ignore[arg-type]
        assert _judge(spec, failure, "ignored_auth") == (CheckClass.AUTH, Evidence.DOC)

    def test_negative_case_refused_with_undocumented_4xx_is_inferred(self, spec: SpecDocument) -> None:
        """How invalid input is refused is rarely documented: an undocumented 4xx to a negative case only warns."""
        failure = UndefinedStatusCode(
            operation=LABEL, status_code=400, defined_status_codes=["200"], allowed_status_codes=[200], message="x"
        )
        assert _judge(spec, failure, "status_code_conformance", status=400, negative=True)[1] is Evidence.INFERRED

    @pytest.mark.parametrize("name", sorted(CHECK_CLASS_BY_NAME), ids=sorted(CHECK_CLASS_BY_NAME))
    def test_every_check_exercises_a_column(self, name: str) -> None:
        """Every check that can run marks at least one matrix column as exercised."""
        assert classes_exercised(name)
