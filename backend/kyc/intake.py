"""Validation and normalization of a KYC submission (pure: no database, no network).

Every rule that fails is reported, not just the first, so a client can fix the form in one round trip.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from backend.kyc.jurisdictions import Jurisdiction, lookup
from backend.kyc.schemas import KycSubmission
from backend.kyc.validation import FieldError, validate_age, validate_bank_card, validate_phone, validator_for
from backend.kyc.validation.common import age_on, normalize_card, normalize_phone


@dataclass(frozen=True)
class NormalizedIdentity:
    full_name: str
    national_id_number: str
    date_of_birth: date
    phone: str
    bank_card_number: str
    jurisdiction: Jurisdiction
    id_scheme: str
    age: int

    def canonical_record(self, wallet: str) -> dict[str, object]:
        """What the on-chain commitment binds (with a secret salt): the verified identity, to this wallet."""
        return {
            "v": 1,
            "wallet": wallet,
            "jurisdiction": self.jurisdiction.alpha2,
            "scheme": self.id_scheme,
            "national_id": self.national_id_number,
            "name": self.full_name,
            "dob": self.date_of_birth.isoformat(),
            "phone": self.phone,
            "card": self.bank_card_number,
        }


class SubmissionInvalid(ValueError):
    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__(f"{len(errors)} validation error(s)")
        self.errors = errors


_NAME_FORBIDDEN = re.compile(r"[0-9@#$%^&*_=+<>{}\[\]|\\/:;\"!?~`]")


def normalize_name(name: str) -> str:
    return " ".join(unicodedata.normalize("NFC", name).split())


def validate_submission(body: KycSubmission, today: date) -> NormalizedIdentity:
    errors: list[FieldError] = []

    name = normalize_name(body.full_name)
    if len(name) < 2 or _NAME_FORBIDDEN.search(name):
        errors.append(
            FieldError(
                "full_name",
                "invalid_format",
                "name must be at least 2 characters, letters, spaces, apostrophes, dots, dashes",
            )
        )

    jurisdiction = lookup(body.jurisdiction) if re.fullmatch(r"[A-Za-z]{2}", body.jurisdiction) else None
    if jurisdiction is None:
        errors.append(
            FieldError(
                "jurisdiction",
                "unsupported_jurisdiction",
                "jurisdiction must be an ISO 3166-1 alpha-2 code of a supported country",
            )
        )
    elif jurisdiction.risk == "prohibited":
        errors.append(
            FieldError(
                "jurisdiction",
                "prohibited_jurisdiction",
                "the platform does not onboard residents of this jurisdiction",
            )
        )

    dob: date | None
    try:
        dob = (
            date.fromisoformat(body.date_of_birth)
            if re.fullmatch(r"\d{4}-\d{2}-\d{2}", body.date_of_birth)
            else None
        )
    except ValueError:
        dob = None
    if dob is None:
        errors.append(
            FieldError("date_of_birth", "invalid_format", "date_of_birth must be a YYYY-MM-DD date")
        )
    else:
        errors.extend(validate_age(dob, today))

    id_validator = validator_for(jurisdiction.alpha2 if jurisdiction else "")
    errors.extend(id_validator.validate(body.national_id_number, dob))
    errors.extend(validate_phone(body.phone, jurisdiction.alpha2 if jurisdiction else None))
    errors.extend(validate_bank_card(body.bank_card_number))

    if errors:
        raise SubmissionInvalid(errors)
    assert dob is not None and jurisdiction is not None
    return NormalizedIdentity(
        full_name=name,
        national_id_number=id_validator.normalize(body.national_id_number),
        date_of_birth=dob,
        phone=normalize_phone(body.phone),
        bank_card_number=normalize_card(body.bank_card_number),
        jurisdiction=jurisdiction,
        id_scheme=id_validator.scheme,
        age=age_on(dob, today),
    )
