"""Check-digit arithmetic for Nordic and German identifiers, so sandbox data survives real validators."""

from __future__ import annotations

__all__ = [
    "german_iban",
    "german_vat_id",
    "iban",
    "is_valid_german_vat_id",
    "is_valid_iban",
    "is_valid_kid_mod10",
    "is_valid_kid_mod11",
    "is_valid_org_number",
    "kid_mod10",
    "kid_mod11",
    "norwegian_iban",
    "norwegian_vat_id",
    "org_number",
]

# ISO 13616 registry lengths; a known country must match exactly.
_IBAN_LENGTHS: dict[str, int] = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22, "BR": 29,
    "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DK": 18, "DO": 28, "EE": 20, "EG": 29, "ES": 24,
    "FI": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27, "GT": 28, "HR": 21,
    "HU": 28, "IE": 22, "IL": 23, "IQ": 23, "IS": 26, "IT": 27, "JO": 30, "KW": 30, "KZ": 20, "LB": 28,
    "LC": 32, "LI": 21, "LT": 20, "LU": 20, "LV": 21, "MC": 27, "MD": 24, "ME": 22, "MK": 19, "MR": 27,
    "MT": 31, "MU": 30, "NL": 18, "NO": 15, "PK": 24, "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24,
    "RS": 22, "SA": 24, "SC": 31, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "ST": 25, "SV": 28, "TL": 23,
    "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20,
}  # fmt: skip
_IBAN_MIN_LENGTH = 15
_IBAN_MAX_LENGTH = 34

# Codes in the ranges of large Norwegian and German banks, so the seed can pair each IBAN with a fitting BIC.
_NO_BANK_CODES = ("1503", "1506", "6039")
_DE_BANK_CODES = ("37040044", "10070000", "50010517", "20050550")

_COUNTRY_CODE_LENGTH = 2
_ORG_NUMBER_LENGTH = 9
_DE_VAT_DIGITS = 9
_KID_MIN_LENGTH = 2
_ORG_NUMBER_WEIGHTS = (3, 2, 7, 6, 5, 4, 3, 2)
_NO_ACCOUNT_WEIGHTS = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)

# Stride coprime with every slot count below: index -> slot is a bijection, so generated values never repeat.
_STRIDE = 7_368_787
_ORG_SLOTS = 4_500_000
_NO_ACCOUNT_SLOTS = 500_000
_DE_ACCOUNT_SLOTS = 10**9
_DE_VAT_SLOTS = 9 * 10**7


def _slot(index: int, slots: int, what: str) -> int:
    if not 0 <= index < slots:
        msg = f"{what} index must be in [0, {slots}), got {index}"
        raise ValueError(msg)
    return (index * _STRIDE + 271_828_182) % slots


def _digits(value: str, what: str) -> list[int]:
    if not value.isascii() or not value.isdigit():
        msg = f"{what} must be ASCII digits, got {value!r}"
        raise ValueError(msg)
    return [int(char) for char in value]


def _weighted_mod11(digits: list[int], weights: tuple[int, ...]) -> int | None:
    """MOD11 check digit as Norwegian registers define it; None where the check would be 10 (unissuable)."""
    remainder = sum(d * w for d, w in zip(digits, weights, strict=True)) % 11
    if remainder == 0:
        return 0
    return None if remainder == 1 else 11 - remainder


def _iban_remainder(value: str) -> int:
    rearranged = value[4:] + value[:4]
    return int("".join(str(int(char, 36)) for char in rearranged)) % 97


def iban(country: str, bban: str) -> str:
    """Wrap a domestic account number into an IBAN, because payment APIs reject IBANs with wrong check digits."""
    country = country.upper()
    bban = bban.upper().replace(" ", "")
    if len(country) != _COUNTRY_CODE_LENGTH or not country.isascii() or not country.isalpha():
        msg = f"country must be two letters, got {country!r}"
        raise ValueError(msg)
    if not bban or not bban.isascii() or not bban.isalnum():
        msg = f"BBAN must be non-empty ASCII letters and digits, got {bban!r}"
        raise ValueError(msg)
    check = 98 - _iban_remainder(f"{country}00{bban}")
    return f"{country}{check:02d}{bban}"


def is_valid_iban(value: str) -> bool:
    """Tell a usable IBAN from a typo, so seeds and tests can assert every account would clear."""
    compact = value.replace(" ", "").upper()
    if not compact.isascii() or not compact.isalnum() or len(compact) < _IBAN_MIN_LENGTH:
        return False
    country, check = compact[:2], compact[2:4]
    if not country.isalpha() or not check.isdigit():
        return False
    expected_length = _IBAN_LENGTHS.get(country)
    if expected_length is not None and len(compact) != expected_length:
        return False
    if len(compact) > _IBAN_MAX_LENGTH:
        return False
    return _iban_remainder(compact) == 1


def norwegian_iban(index: int) -> str:
    """Give each index its own Norwegian IBAN whose account number also passes the domestic MOD11 check."""
    bank = _NO_BANK_CODES[index % len(_NO_BANK_CODES)]
    slot = _slot(index, _NO_ACCOUNT_SLOTS, "Norwegian IBAN")
    base = f"{bank}{2 * slot:06d}"
    check = _weighted_mod11(_digits(base, "account"), _NO_ACCOUNT_WEIGHTS)
    if check is None:
        # The last weight is 2, so base + 1 moves the remainder off 1; even slots leave room for it.
        base = f"{bank}{2 * slot + 1:06d}"
        check = _weighted_mod11(_digits(base, "account"), _NO_ACCOUNT_WEIGHTS)
    return iban("NO", f"{base}{check}")


def german_iban(index: int) -> str:
    """Give each index its own German IBAN at a real bank code, for DE counterparties and debitors."""
    bank = _DE_BANK_CODES[index % len(_DE_BANK_CODES)]
    account = _slot(index, _DE_ACCOUNT_SLOTS, "German IBAN")
    return iban("DE", f"{bank}{account:010d}")


def org_number(index: int) -> str:
    """Give each index its own Norwegian organisation number that Brønnøysund-style validators accept."""
    base = 91_000_000 + 2 * _slot(index, _ORG_SLOTS, "organisation number")
    check = _weighted_mod11(_digits(str(base), "organisation number"), _ORG_NUMBER_WEIGHTS)
    if check is None:
        base += 1
        check = _weighted_mod11(_digits(str(base), "organisation number"), _ORG_NUMBER_WEIGHTS)
    return f"{base}{check}"


def is_valid_org_number(value: str) -> bool:
    """Reject mistyped organisation numbers the way the Norwegian registers do."""
    if len(value) != _ORG_NUMBER_LENGTH or not value.isascii() or not value.isdigit():
        return False
    digits = [int(char) for char in value]
    return _weighted_mod11(digits[:-1], _ORG_NUMBER_WEIGHTS) == digits[-1]


def norwegian_vat_id(index: int) -> str:
    """Norwegian VAT ids are the organisation number wrapped as NO…MVA, which invoices print."""
    return f"NO{org_number(index)}MVA"


def _german_vat_check(digits: list[int]) -> int:
    # ISO 7064 MOD 11,10, as the Bundeszentralamt für Steuern applies it to USt-IdNr.
    product = 10
    for digit in digits:
        total = (digit + product) % 10 or 10
        product = (2 * total) % 11
    return (11 - product) % 10


def german_vat_id(index: int) -> str:
    """Give each index its own German USt-IdNr. with a correct check digit, for DE counterparties."""
    base = 10_000_000 + _slot(index, _DE_VAT_SLOTS, "German VAT id")
    digits = _digits(str(base), "German VAT id")
    return f"DE{base}{_german_vat_check(digits)}"


def is_valid_german_vat_id(value: str) -> bool:
    """Reject German VAT ids with a wrong check digit, as VIES would."""
    number = value.replace(" ", "").upper().removeprefix("DE")
    if len(number) != _DE_VAT_DIGITS or not number.isascii() or not number.isdigit() or number[0] == "0":
        return False
    digits = [int(char) for char in number]
    return _german_vat_check(digits[:-1]) == digits[-1]


def _luhn_check(digits: list[int]) -> int:
    total = 0
    for position, digit in enumerate(reversed(digits)):
        doubled = digit * 2 if position % 2 == 0 else digit
        total += sum(divmod(doubled, 10))
    return (10 - total % 10) % 10


def _kid_mod11_check(digits: list[int]) -> str:
    weights = [2 + position % 6 for position in range(len(digits))]
    remainder = sum(d * w for d, w in zip(reversed(digits), weights, strict=True)) % 11
    if remainder == 0:
        return "0"
    if remainder == 1:
        return "-"
    return str(11 - remainder)


def kid_mod10(base: str) -> str:
    """Append a Luhn check digit, as Norwegian banks require of KID payment references."""
    return f"{base}{_luhn_check(_digits(base, 'KID base'))}"


def kid_mod11(base: str) -> str:
    """Append a MOD11 check character, the other KID scheme Norwegian creditors may agree with their bank."""
    return f"{base}{_kid_mod11_check(_digits(base, 'KID base'))}"


def is_valid_kid_mod10(value: str) -> bool:
    """Reject KID references whose Luhn digit does not match, as the bank would at payment time."""
    if len(value) < _KID_MIN_LENGTH or not value.isascii() or not value.isdigit():
        return False
    return kid_mod10(value[:-1]) == value


def is_valid_kid_mod11(value: str) -> bool:
    """Reject KID references whose MOD11 character does not match, as the bank would at payment time."""
    base = value[:-1]
    if len(value) < _KID_MIN_LENGTH or not base.isascii() or not base.isdigit():
        return False
    return kid_mod11(base) == value
