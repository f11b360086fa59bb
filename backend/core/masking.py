"""Masking of personal data before it reaches logs or the audit trail.

Two layers: values under known personal-data keys are masked whatever they look like, and free text is
scanned for patterns (national IDs, bank card numbers passing Luhn, phone numbers, e-mail addresses).
Wallet addresses and hashes are left alone: hex runs are not digit runs.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

SENSITIVE_KEYS = frozenset(
    {
        "name",
        "full_name",
        "fullname",
        "first_name",
        "last_name",
        "given_name",
        "family_name",
        "legal_name",
        "national_id",
        "id_number",
        "id_no",
        "identity_number",
        "ssn",
        "passport",
        "passport_number",
        "phone",
        "phone_number",
        "mobile",
        "telephone",
        "email",
        "email_address",
        "card",
        "card_number",
        "bank_card",
        "bank_card_number",
        "pan",
        "account_number",
        "iban",
        "date_of_birth",
        "dob",
        "birth_date",
        "home_address",
        "street",
        "postal_address",
        "residential_address",
        "selfie",
        "liveness_image",
        "photo",
    }
)
MASK = "***"

_NATIONAL_ID = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
_CARD = re.compile(r"(?<![0-9A-Za-z])(?:\d[ -]?){12,18}\d(?![0-9A-Za-z])")
_PHONE = re.compile(r"(?<![0-9A-Za-z+])(?:\+\d{1,3}[ -]?)?1[3-9]\d{9}(?![0-9A-Za-z])|\+\d{8,15}(?!\d)")
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")


def _luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _mask_card(match: re.Match[str]) -> str:
    digits = re.sub(r"\D", "", match.group(0))
    if 13 <= len(digits) <= 19 and _luhn_ok(digits):
        return f"{MASK}{digits[-4:]}"
    return match.group(0)


def mask_text(text: str) -> str:
    """Mask personal-data patterns inside free text."""
    text = _EMAIL.sub(lambda m: MASK + "@" + m.group(0).rsplit("@", 1)[1], text)
    text = _NATIONAL_ID.sub(MASK, text)
    text = _CARD.sub(_mask_card, text)
    text = _PHONE.sub(MASK, text)
    return text


def is_sensitive_key(key: str) -> bool:
    return key.lower() in SENSITIVE_KEYS


def mask_value(value: Any, key: str | None = None) -> Any:
    """Mask one value: wholly when its key names personal data, else by pattern, recursing into containers."""
    if key is not None and is_sensitive_key(key) and value is not None:
        return MASK
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, Mapping):
        return mask_mapping(value)
    if isinstance(value, (list, tuple, set, frozenset)):
        return [mask_value(v) for v in value]
    return value


def mask_mapping(data: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if data is None:
        return None
    return {str(k): mask_value(v, str(k)) for k, v in data.items()}
