"""National ID number validators, pluggable by jurisdiction.

``validator_for(alpha2)`` returns the registered validator for a jurisdiction or the generic one.
A validator normalizes the number (the normalized form is what gets hashed and committed) and returns
FieldErrors; it receives the declared date of birth so schemes that embed it (CN) can cross-check.
Add a scheme with ``@register("XX")`` on a subclass.
"""

from __future__ import annotations

import re
from datetime import date
from typing import ClassVar

from backend.kyc.validation.common import FieldError

FIELD = "national_id_number"

_REGISTRY: dict[str, NationalIdValidator] = {}


def register(*alpha2: str):
    def decorate(cls: type[NationalIdValidator]) -> type[NationalIdValidator]:
        instance = cls()
        for code in alpha2:
            _REGISTRY[code] = instance
        return cls

    return decorate


def validator_for(alpha2: str) -> NationalIdValidator:
    return _REGISTRY.get(alpha2.upper(), GENERIC)


def registered_jurisdictions() -> list[str]:
    return sorted(_REGISTRY)


class NationalIdValidator:
    scheme: ClassVar[str] = "generic"
    _SHAPE: ClassVar[re.Pattern[str]] = re.compile(r"^[A-Z0-9]{5,20}$")

    def normalize(self, number: str) -> str:
        return re.sub(r"[\s\-./]", "", number).upper()

    def validate(self, number: str, dob: date | None) -> list[FieldError]:
        if not self._SHAPE.match(self.normalize(number)):
            return [FieldError(FIELD, "invalid_format", "ID number must be 5 to 20 letters or digits")]
        return []


GENERIC = NationalIdValidator()


# ----------------------------------------------------------------------------------------- China (CN)

_CN_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CN_CHECK = "10X98765432"
# Province-level prefixes of GB/T 2260 (mainland provinces, municipalities, autonomous regions, and the
# 71/81/82 prefixes issued for Taiwan, Hong Kong and Macau residence permits).
_CN_PROVINCES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 "
    "50 51 52 53 54 61 62 63 64 65 71 81 82".split()
)


def cn_check_digit(first17: str) -> str:
    """ISO 7064 MOD 11-2 check character for the first 17 digits of a resident identity number."""
    total = sum(int(d) * w for d, w in zip(first17, _CN_WEIGHTS, strict=True))
    return _CN_CHECK[total % 11]


@register("CN")
class ChinaResidentId(NationalIdValidator):
    """18-character resident identity card number (GB 11643-1999): 6-digit region, 8-digit birth date,
    3-digit sequence, MOD 11-2 check character (0-9 or X)."""

    scheme = "cn-resident-id"
    _SHAPE = re.compile(r"^[0-9]{17}[0-9X]$")

    def validate(self, number: str, dob: date | None) -> list[FieldError]:
        value = self.normalize(number)
        if not self._SHAPE.match(value):
            return [
                FieldError(FIELD, "invalid_format", "CN ID number must be 17 digits and a check digit or X")
            ]
        errors: list[FieldError] = []
        region = value[:6]
        if region[:2] not in _CN_PROVINCES or region[2:] == "0000":
            errors.append(
                FieldError(FIELD, "invalid_region", "the first six digits are not a county-level region code")
            )
        try:
            embedded = date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
        except ValueError:
            errors.append(
                FieldError(FIELD, "invalid_birth_date", "the embedded birth date is not a calendar date")
            )
            embedded = None
        if embedded is not None and dob is not None and embedded != dob:
            errors.append(
                FieldError(
                    FIELD, "birth_date_mismatch", "the birth date in the ID number differs from date_of_birth"
                )
            )
        if cn_check_digit(value[:17]) != value[17]:
            errors.append(
                FieldError(FIELD, "checksum_mismatch", "the check digit does not match (ISO 7064 MOD 11-2)")
            )
        return errors


# ----------------------------------------------------------------------------------- Netherlands (NL)


def bsn_eleven_proof(digits: str) -> bool:
    """The BSN "elfproef": 9*d1 + 8*d2 + ... + 2*d8 - 1*d9 must be a multiple of 11."""
    weights = (9, 8, 7, 6, 5, 4, 3, 2, -1)
    return sum(int(d) * w for d, w in zip(digits, weights, strict=True)) % 11 == 0


@register("NL")
class NetherlandsBsn(NationalIdValidator):
    scheme = "nl-bsn"
    _SHAPE = re.compile(r"^[0-9]{8,9}$")  # checked before zero-padding

    def normalize(self, number: str) -> str:
        value = super().normalize(number)
        return value.zfill(9) if value.isdigit() else value  # 8-digit BSNs are written without the leading 0

    def validate(self, number: str, dob: date | None) -> list[FieldError]:
        if not self._SHAPE.match(super().normalize(number)):
            return [FieldError(FIELD, "invalid_format", "BSN must be 9 digits")]
        value = self.normalize(number)
        if value == "000000000" or not bsn_eleven_proof(value):
            return [FieldError(FIELD, "checksum_mismatch", "BSN fails the eleven-proof")]
        return []


# ------------------------------------------------------------------------------------ United States (US)


@register("US")
class UnitedStatesSsn(NationalIdValidator):
    """Social Security number: no check digit, but the SSA never issues area 000, 666 or 900-999,
    group 00 or serial 0000."""

    scheme = "us-ssn"
    _SHAPE = re.compile(r"^[0-9]{9}$")

    def validate(self, number: str, dob: date | None) -> list[FieldError]:
        value = self.normalize(number)
        if not self._SHAPE.match(value):
            return [FieldError(FIELD, "invalid_format", "SSN must be 9 digits (AAA-GG-SSSS)")]
        area, group, serial = value[:3], value[3:5], value[5:]
        if area in ("000", "666") or area >= "900" or group == "00" or serial == "0000":
            return [
                FieldError(FIELD, "invalid_number", "SSN uses an area, group or serial that is never issued")
            ]
        return []
