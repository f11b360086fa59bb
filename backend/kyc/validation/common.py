"""Validators that do not depend on the jurisdiction's ID scheme: bank card, phone, age."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from backend.kyc.jurisdictions import calling_codes_for

MIN_AGE = 18


@dataclass(frozen=True)
class FieldError:
    field: str
    code: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"field": self.field, "code": self.code, "message": self.message}


def luhn_valid(digits: str) -> bool:
    if not digits.isdigit():
        return False
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def luhn_check_digit(payload: str) -> str:
    """The digit that makes ``payload + digit`` Luhn-valid (used by tests and the sandbox)."""
    for candidate in "0123456789":
        if luhn_valid(payload + candidate):
            return candidate
    raise AssertionError("unreachable: one of ten digits always completes a Luhn sum")


_CARD_SEPARATORS = re.compile(r"[ -]")


def normalize_card(number: str) -> str:
    return _CARD_SEPARATORS.sub("", number)


def validate_bank_card(number: str, field: str = "bank_card_number") -> list[FieldError]:
    digits = normalize_card(number)
    if not digits.isdigit():
        return [
            FieldError(field, "not_numeric", "card number must contain digits only (spaces/dashes allowed)")
        ]
    if not 13 <= len(digits) <= 19:
        return [FieldError(field, "invalid_length", "card number must have 13 to 19 digits")]
    if not luhn_valid(digits):
        return [FieldError(field, "checksum_mismatch", "card number fails the Luhn check")]
    return []


_E164 = re.compile(r"^\+[1-9][0-9]{7,14}$")


def normalize_phone(phone: str) -> str:
    return re.sub(r"[ ()-]", "", phone)


def validate_phone(phone: str, jurisdiction: str | None, field: str = "phone") -> list[FieldError]:
    number = normalize_phone(phone)
    if not _E164.match(number):
        return [FieldError(field, "invalid_format", "phone must be E.164: '+' then 8 to 15 digits")]
    codes = calling_codes_for(jurisdiction) if jurisdiction else ()
    if codes and not any(number[1:].startswith(code) for code in codes):
        expected = ", ".join("+" + code for code in codes)
        return [
            FieldError(field, "country_mismatch", f"phone country code must be {expected} for {jurisdiction}")
        ]
    return []


def age_on(dob: date, today: date) -> int:
    return today.year - dob.year - ((today.month, today.day) < (dob.month, dob.day))


def validate_age(dob: date, today: date, field: str = "date_of_birth") -> list[FieldError]:
    if dob > today:
        return [FieldError(field, "in_future", "date of birth is in the future")]
    if age_on(dob, today) < MIN_AGE:
        return [FieldError(field, "underage", f"applicants must be at least {MIN_AGE} years old")]
    if dob.year < 1900:
        return [FieldError(field, "implausible", "date of birth is before 1900")]
    return []
