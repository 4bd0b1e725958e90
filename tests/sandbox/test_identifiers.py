"""Identifier check digits: published good values pass, corrupted ones fail, generated ones always validate."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest

from apiconform.sandbox._identifiers import (
    german_iban,
    german_vat_id,
    iban,
    is_valid_german_vat_id,
    is_valid_iban,
    is_valid_kid_mod10,
    is_valid_kid_mod11,
    is_valid_org_number,
    kid_mod10,
    kid_mod11,
    norwegian_iban,
    norwegian_vat_id,
    org_number,
)

if TYPE_CHECKING:
    from collections.abc import Callable

GENERATED = range(500)


def _mod11_remainder(digits: str, weights: tuple[int, ...]) -> int:
    """Independent oracle for the Norwegian MOD11 schemes, so tests do not reuse the code under test."""
    return sum(int(digit) * weight for digit, weight in zip(digits, weights, strict=True)) % 11


class TestIban:
    """ISO 13616 check digits and the IBAN validator."""

    @pytest.mark.parametrize(
        "value",
        [
            "NO9386011117947",
            "DE89370400440532013000",
            "GB82WEST12345698765432",
            "SE4550000000058398257466",
            "DE89 3704 0044 0532 0130 00",
        ],
        ids=["norway", "germany", "uk-letters-in-bban", "sweden", "print-format-with-spaces"],
    )
    def test_accepts_published_examples(self, value: str) -> None:
        assert is_valid_iban(value)

    @pytest.mark.parametrize(
        "value",
        [
            "NO9386011117948",
            "DE89370400440532031000",
            "GB83WEST12345698765432",
            "NO938601111794",
            "DE8937040044053201300",
            "DE89-3704-0044-0532-0130-00",
            "DEXX370400440532013000",
            "",
        ],
        ids=[
            "changed-digit",
            "transposed-digits",
            "wrong-check-digits",
            "too-short-for-country",
            "too-short-for-germany",
            "dashes",
            "letters-as-check-digits",
            "empty",
        ],
    )
    def test_rejects_corrupted_values(self, value: str) -> None:
        assert not is_valid_iban(value)

    @pytest.mark.parametrize(
        ("country", "bban", "expected"),
        [
            ("NO", "86011117947", "NO9386011117947"),
            ("DE", "370400440532013000", "DE89370400440532013000"),
            ("gb", "WEST12345698765432", "GB82WEST12345698765432"),
        ],
        ids=["norway", "germany", "lowercase-country"],
    )
    def test_computes_check_digits(self, country: str, bban: str, expected: str) -> None:
        assert iban(country, bban) == expected

    @pytest.mark.parametrize(
        ("country", "bban"),
        [("N0", "86011117947"), ("NOR", "86011117947"), ("NO", ""), ("NO", "8601-1117947")],
        ids=["digit-in-country", "three-letter-country", "empty-bban", "punctuation-in-bban"],
    )
    def test_refuses_malformed_input(self, country: str, bban: str) -> None:
        with pytest.raises(ValueError, match="must be"):
            iban(country, bban)


class TestGeneratedIbans:
    """norwegian_iban and german_iban give every index its own valid IBAN."""

    @pytest.mark.parametrize(
        ("generate", "pattern"),
        [(norwegian_iban, r"NO\d{13}"), (german_iban, r"DE\d{20}")],
        ids=["norway", "germany"],
    )
    def test_valid_well_formed_and_unique(self, generate: Callable[[int], str], pattern: str) -> None:
        values = [generate(index) for index in GENERATED]
        assert all(re.fullmatch(pattern, value) and is_valid_iban(value) for value in values)
        assert len(set(values)) == len(values)

    @pytest.mark.parametrize("generate", [norwegian_iban, german_iban], ids=["norway", "germany"])
    def test_deterministic(self, generate: Callable[[int], str]) -> None:
        assert [generate(index) for index in GENERATED] == [generate(index) for index in GENERATED]

    def test_norwegian_account_number_passes_domestic_mod11(self) -> None:
        weights = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)
        for index in GENERATED:
            account = norwegian_iban(index)[4:]
            remainder = _mod11_remainder(account[:-1], weights)
            assert remainder != 1
            assert int(account[-1]) == (11 - remainder) % 11

    @pytest.mark.parametrize(
        ("generate", "index"),
        [(norwegian_iban, -1), (german_iban, -1), (org_number, 10**9), (german_vat_id, -5)],
        ids=["norway-negative", "germany-negative", "org-number-too-large", "vat-negative"],
    )
    def test_refuses_out_of_range_index(self, generate: Callable[[int], str], index: int) -> None:
        with pytest.raises(ValueError, match="index must be"):
            generate(index)


class TestOrgNumber:
    """Norwegian organisation numbers: MOD11 with weights 3,2,7,6,5,4,3,2."""

    @pytest.mark.parametrize("value", ["984842252", "923609016"], ids=["example", "large-company"])
    def test_accepts_known_good(self, value: str) -> None:
        assert is_valid_org_number(value)

    @pytest.mark.parametrize(
        "value",
        ["984842253", "984842225", "98484225", "9848422520", "98484225a", ""],
        ids=["changed-check-digit", "transposed-digits", "eight-digits", "ten-digits", "letter", "empty"],
    )
    def test_rejects_corrupted(self, value: str) -> None:
        assert not is_valid_org_number(value)

    def test_generated_are_valid_and_unique(self) -> None:
        values = [org_number(index) for index in GENERATED]
        assert all(re.fullmatch(r"\d{9}", value) and is_valid_org_number(value) for value in values)
        assert len(set(values)) == len(values)

    def test_base_with_check_digit_ten_has_no_valid_number(self) -> None:
        weights = (3, 2, 7, 6, 5, 4, 3, 2)
        base = next(str(n) for n in range(91_000_000, 91_000_100) if _mod11_remainder(str(n), weights) == 1)
        assert not any(is_valid_org_number(f"{base}{digit}") for digit in range(10))


class TestVatIds:
    """German USt-IdNr. (ISO 7064 MOD 11,10) and Norwegian NO…MVA ids."""

    @pytest.mark.parametrize(
        ("value", "valid"),
        [
            ("DE136695976", True),
            ("136695976", True),
            ("DE136695978", False),
            ("DE136695967", False),
            ("DE13669597", False),
            ("DE036695976", False),
        ],
        ids=["known-good", "without-prefix", "changed-check-digit", "transposed", "eight-digits", "leading-zero"],
    )
    def test_german_vat_check_digit(self, value: str, *, valid: bool) -> None:
        assert is_valid_german_vat_id(value) is valid

    def test_generated_german_vat_ids_are_valid_and_unique(self) -> None:
        values = [german_vat_id(index) for index in GENERATED]
        assert all(re.fullmatch(r"DE[1-9]\d{8}", value) and is_valid_german_vat_id(value) for value in values)
        assert len(set(values)) == len(values)

    def test_norwegian_vat_id_wraps_a_valid_org_number(self) -> None:
        for index in GENERATED:
            value = norwegian_vat_id(index)
            assert value == f"NO{org_number(index)}MVA"
            assert is_valid_org_number(value[2:-3])


class TestKid:
    """Norwegian KID payment references with MOD10 (Luhn) and MOD11 check characters."""

    @pytest.mark.parametrize(
        ("base", "expected"),
        [("1234567", "12345674"), ("7992739871", "79927398713"), ("0", "00")],
        ids=["bank-example", "luhn-textbook", "zero"],
    )
    def test_mod10_check_digit(self, base: str, expected: str) -> None:
        assert kid_mod10(base) == expected
        assert is_valid_kid_mod10(expected)

    @pytest.mark.parametrize(
        ("base", "expected"),
        [("1234567", "12345674"), ("14", "140"), ("104", "104-")],
        ids=["eleven-minus-remainder", "remainder-zero-gives-0", "remainder-one-gives-dash"],
    )
    def test_mod11_check_character(self, base: str, expected: str) -> None:
        assert kid_mod11(base) == expected
        assert is_valid_kid_mod11(expected)

    @pytest.mark.parametrize(
        ("validate", "value"),
        [
            (is_valid_kid_mod10, "12345675"),
            (is_valid_kid_mod10, "12345647"),
            (is_valid_kid_mod10, "1234567-"),
            (is_valid_kid_mod10, "4"),
            (is_valid_kid_mod11, "12345675"),
            (is_valid_kid_mod11, "1040"),
            (is_valid_kid_mod11, "14-"),
            (is_valid_kid_mod11, "-"),
        ],
        ids=[
            "mod10-changed-check",
            "mod10-transposed",
            "mod10-dash",
            "mod10-too-short",
            "mod11-changed-check",
            "mod11-digit-instead-of-dash",
            "mod11-dash-instead-of-digit",
            "mod11-too-short",
        ],
    )
    def test_rejects_corrupted(self, validate: Callable[[str], bool], value: str) -> None:
        assert not validate(value)

    @pytest.mark.parametrize("generate", [kid_mod10, kid_mod11], ids=["mod10", "mod11"])
    @pytest.mark.parametrize("base", ["", "12a4", "\uff11\uff12\uff13"], ids=["empty", "letter", "fullwidth-digits"])
    def test_refuses_non_digit_base(self, generate: Callable[[str], str], base: str) -> None:
        with pytest.raises(ValueError, match="ASCII digits"):
            generate(base)

    @pytest.mark.parametrize(
        ("generate", "validate"),
        [(kid_mod10, is_valid_kid_mod10), (kid_mod11, is_valid_kid_mod11)],
        ids=["mod10", "mod11"],
    )
    def test_generated_references_validate(
        self, generate: Callable[[str], str], validate: Callable[[str], bool]
    ) -> None:
        assert all(validate(generate(f"{2026_0000 + index:08d}")) for index in GENERATED)
