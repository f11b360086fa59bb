"""Unit tests of the identity validators: CN MOD 11-2, NL eleven-proof, US SSN, Luhn, phone, age."""

from datetime import date

import pytest

from backend.kyc.validation import luhn_valid, validate_age, validate_bank_card, validate_phone, validator_for
from backend.kyc.validation.common import luhn_check_digit
from backend.kyc.validation.national_id import GENERIC, bsn_eleven_proof, cn_check_digit

WEIGHTS = [2 ** (17 - i) % 11 for i in range(17)]  # ISO 7064 MOD 11-2 weights, derived rather than copied


def reference_cn_check(first17: str) -> str:
    remainder = (12 - sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True)) % 11) % 11
    return "X" if remainder == 10 else str(remainder)


def cn_id(region: str, dob: date, seq: str = "123") -> str:
    first17 = f"{region}{dob:%Y%m%d}{seq}"
    return first17 + reference_cn_check(first17)


# ------------------------------------------------------------------------------------------ CN


@pytest.mark.parametrize("known_good", ["11010519491231002X", "440524188001010014"])
def test_cn_published_examples_are_valid(known_good):
    assert reference_cn_check(known_good[:17]) == known_good[17]
    assert cn_check_digit(known_good[:17]) == known_good[17]


def test_cn_check_digit_matches_independent_implementation_over_many_numbers():
    for n in range(0, 10_000, 7):
        first17 = f"3101151990010{n:04d}"
        assert cn_check_digit(first17) == reference_cn_check(first17)


def test_cn_valid_id_with_matching_dob_passes():
    dob = date(1990, 5, 17)
    assert validator_for("CN").validate(cn_id("310115", dob), dob) == []


def test_cn_lowercase_x_and_spaces_are_normalized():
    number = "110105 19491231 002x"
    assert validator_for("CN").validate(number, date(1949, 12, 31)) == []
    assert validator_for("CN").normalize(number) == "11010519491231002X"


def codes(errors):
    return {e.code for e in errors}


@pytest.mark.parametrize(
    ("number", "dob", "expected"),
    [
        ("11010519491231002", date(1949, 12, 31), {"invalid_format"}),  # 17 chars
        ("1101051949123100211", date(1949, 12, 31), {"invalid_format"}),  # 19 chars
        ("11010519491231002Y", date(1949, 12, 31), {"invalid_format"}),
        ("110105194912310021", date(1949, 12, 31), {"checksum_mismatch"}),  # wrong check digit
        ("11010519491231002X", date(1949, 12, 30), {"birth_date_mismatch"}),
        (cn_id("990101", date(1990, 1, 1)), date(1990, 1, 1), {"invalid_region"}),  # no province 99
        (cn_id("310000", date(1990, 1, 1)), date(1990, 1, 1), {"invalid_region"}),  # province, not county
        (
            cn_id("310115", date(1990, 1, 1))[:10] + "1332" + "123" + "0",
            date(1990, 1, 1),
            {"invalid_birth_date", "checksum_mismatch"},
        ),
    ],
)
def test_cn_invalid_numbers(number, dob, expected):
    assert codes(validator_for("CN").validate(number, dob)) >= expected


def test_cn_every_wrong_check_digit_is_caught():
    first17 = "31011519900517123"
    good = reference_cn_check(first17)
    for wrong in "0123456789X":
        if wrong != good:
            assert "checksum_mismatch" in codes(
                validator_for("CN").validate(first17 + wrong, date(1990, 5, 17))
            )


# ------------------------------------------------------------------------------------------ NL / US / generic


def test_nl_bsn_eleven_proof():
    assert bsn_eleven_proof("111222333")
    assert validator_for("NL").validate("111222333", None) == []
    assert validator_for("NL").validate("1112.22.333", None) == []
    assert codes(validator_for("NL").validate("111222334", None)) == {"checksum_mismatch"}
    assert codes(validator_for("NL").validate("000000000", None)) == {"checksum_mismatch"}
    assert codes(validator_for("NL").validate("12345", None)) == {"invalid_format"}


@pytest.mark.parametrize("ssn", ["123-45-6789", "078051120", "123 45 6789"])
def test_us_ssn_valid(ssn):
    assert validator_for("US").validate(ssn, None) == []


@pytest.mark.parametrize(
    ("ssn", "code"),
    [
        ("000-12-3456", "invalid_number"),
        ("666-12-3456", "invalid_number"),
        ("912-12-3456", "invalid_number"),
        ("123-00-4567", "invalid_number"),
        ("123-45-0000", "invalid_number"),
        ("12-345-678", "invalid_format"),
    ],
)
def test_us_ssn_invalid(ssn, code):
    assert codes(validator_for("US").validate(ssn, None)) == {code}


def test_unregistered_jurisdiction_uses_generic_validator():
    assert validator_for("DE") is GENERIC
    assert validator_for("DE").validate("L01X00T47", None) == []
    assert codes(validator_for("DE").validate("ab", None)) == {"invalid_format"}
    assert codes(validator_for("DE").validate("ab$%^&*", None)) == {"invalid_format"}


# ------------------------------------------------------------------------------------------ Luhn / card


@pytest.mark.parametrize(
    "card",
    [
        "4111111111111111",
        "5500005555555559",
        "378282246310005",
        "6011111111111117",
        "6212345678901265",
        "4222222222222",
    ],
)
def test_luhn_known_good_test_cards(card):
    assert luhn_valid(card)
    assert validate_bank_card(card) == []


def test_luhn_detects_every_single_digit_error():
    card = "4111111111111111"
    for i in range(len(card)):
        for d in "0123456789":
            if d != card[i]:
                assert not luhn_valid(card[:i] + d + card[i + 1 :])


def test_luhn_check_digit_completes_any_payload():
    for payload in ["621234567890126", "411111111111111", "30569309025904"]:
        assert luhn_valid(payload + luhn_check_digit(payload))


@pytest.mark.parametrize(
    ("card", "code"),
    [
        ("4111111111111112", "checksum_mismatch"),
        ("411111111111", "invalid_length"),
        ("41111111111111111111", "invalid_length"),
        ("4111-1111-1111-111a", "not_numeric"),
    ],
)
def test_bank_card_invalid(card, code):
    assert codes(validate_bank_card(card)) == {code}


def test_bank_card_with_separators_is_accepted():
    assert validate_bank_card("4111 1111-1111 1111") == []


# ------------------------------------------------------------------------------------------ phone / age


@pytest.mark.parametrize(
    ("phone", "jurisdiction"),
    [
        ("+8613800138000", "CN"),
        ("+31 6 12345678", "NL"),
        ("+1 (415) 555-2671", "US"),
        ("+4915112345678", None),
    ],
)
def test_phone_valid(phone, jurisdiction):
    assert validate_phone(phone, jurisdiction) == []


@pytest.mark.parametrize(
    ("phone", "jurisdiction", "code"),
    [
        ("13800138000", "CN", "invalid_format"),
        ("+0861380013800", "CN", "invalid_format"),
        ("+1234567", None, "invalid_format"),
        ("+1234567890123456", None, "invalid_format"),
        ("+4915112345678", "CN", "country_mismatch"),
    ],
)
def test_phone_invalid(phone, jurisdiction, code):
    assert codes(validate_phone(phone, jurisdiction)) == {code}


def test_age_boundary_is_the_18th_birthday():
    today = date(2026, 11, 28)
    assert validate_age(date(2008, 11, 28), today) == []
    assert codes(validate_age(date(2008, 11, 29), today)) == {"underage"}
    assert codes(validate_age(date(2027, 1, 1), today)) == {"in_future"}
    assert codes(validate_age(date(1850, 1, 1), today)) == {"implausible"}


def test_leap_day_birthday():
    assert validate_age(date(2008, 2, 29), date(2026, 2, 28)) != []  # 18th birthday not reached yet
    assert validate_age(date(2008, 2, 29), date(2026, 3, 1)) == []
