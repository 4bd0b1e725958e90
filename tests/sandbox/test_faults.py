"""The fault catalogue: enough faults, every check class on both vendors, each naming a real operation."""

from __future__ import annotations

import re

import pytest

from apiconform.core.vocabulary import CheckClass, Severity
from apiconform.sandbox import FAULTS, Fault, FaultInfo
from apiconform.specs import SpecDocument

MINIMUM_FAULTS = 25
KEBAB = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
FAULT_CASES = list(FAULTS.items())
FAULT_IDS = [fault.value for fault in FAULTS]


def _vendor(info: FaultInfo) -> str:
    return info.api.split("/")[0]


class TestCatalogue:
    """The catalogue as a whole."""

    def test_at_least_25_faults(self) -> None:
        """The issue asks for at least 25 named faults."""
        assert len(FAULTS) >= MINIMUM_FAULTS

    def test_every_fault_is_catalogued_once(self) -> None:
        """Each Fault member has exactly one entry, and names are unique kebab-case."""
        assert set(FAULTS) == set(Fault)
        assert all(KEBAB.fullmatch(fault.value) for fault in Fault)

    def test_both_vendors(self) -> None:
        """Faults exist for the AP invoice vendor and for Amili."""
        assert {_vendor(info) for info in FAULTS.values()} == {"ap-invoice", "amili"}

    def test_every_check_class_covered(self) -> None:
        """Together the faults exercise every check class."""
        assert {info.detected_by for info in FAULTS.values()} == set(CheckClass)

    def test_every_check_class_covered_on_amili(self) -> None:
        """Amili's faults alone cover every check class but enum: no Amili page gives a complete value set."""
        amili = {info.detected_by for info in FAULTS.values() if _vendor(info) == "amili"}
        assert amili == set(CheckClass) - {CheckClass.ENUM}

    def test_issue_list_is_covered(self) -> None:
        """Each kind of violation the issue names has a fault."""
        names = " ".join(fault.value for fault in Fault)
        for kind in (
            "enum-out-of-set",
            "enum-case-drift",
            "required-dropped",
            "wrong-type",
            "bad-date-time",
            "array-turned-object",
            "default-not-applied",
            "200-unknown-id",
            "500-unknown-id",
            "no-auth",
            "garbage-token",
            "other-organization",
            "invalid-body",
            "wrong-content-type",
            "undocumented-status",
            "envelope-dropped",
            "paging-cap",
            "illegal-transition",
            "stuck-queued",
            "expired-token",
        ):
            assert kind in names, kind


class TestEntries:
    """Each entry."""

    @pytest.mark.parametrize(("fault", "info"), FAULT_CASES, ids=FAULT_IDS)
    def test_names_a_real_operation(self, all_specs: dict[str, SpecDocument], fault: Fault, info: FaultInfo) -> None:
        """The fault's api is a spec and each operation it names is in that spec."""
        spec = all_specs[info.api]
        labels = {operation.label for operation in spec.operations}
        assert set(info.operations) <= labels, fault

    @pytest.mark.parametrize(("fault", "info"), FAULT_CASES, ids=FAULT_IDS)
    def test_describes_itself(self, fault: Fault, info: FaultInfo) -> None:
        """A description a person understands."""
        assert len(info.description) > 20, fault
        assert isinstance(info.severity, Severity)
