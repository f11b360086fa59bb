"""Validation of submitted identity data; every failure is a FieldError(field, code, message)."""

from backend.kyc.validation.common import (
    FieldError,
    age_on,
    luhn_valid,
    validate_age,
    validate_bank_card,
    validate_phone,
)
from backend.kyc.validation.national_id import NationalIdValidator, validator_for

__all__ = [
    "FieldError",
    "NationalIdValidator",
    "age_on",
    "luhn_valid",
    "validate_age",
    "validate_bank_card",
    "validate_phone",
    "validator_for",
]
