"""KYC data: identity documents that pass validation, and applications stored as the KYC service stores
them (personal data encrypted with the service's own keyring and record format, keyed hashes, the
commitment and subject), never in plaintext.

Every document is new (its ID number, phone and card come from a counter) unless it is built from
another one: `same_identity(first)` is the same person again.
"""

from __future__ import annotations

import itertools
import uuid
from datetime import date, datetime
from typing import Any

from eth_utils import keccak
from sqlalchemy.orm import Session

from backend.core.settings import Settings
from backend.kyc import service as kyc_service
from backend.kyc.intake import validate_submission
from backend.kyc.models import KycApplication, KycReviewItem
from backend.kyc.schemas import KycSubmission
from backend.kyc.validation.common import luhn_check_digit
from backend.kyc.validation.national_id import cn_check_digit
from backend.privacy import commitment_for, person_subject
from backend.privacy.keys import hasher_from_settings
from tests.backend.factories.clock import NOW

# Names the sample screening list (backend/kyc/data/sanctions.json) does not come near.
CLEAR_NAMES = [
    "Chen Xiaoming",
    "Alice Smith",
    "Liu Yang",
    "Emily Carter",
    "Anna Jansen",
    "Zhao Lei",
    "John Doe",
]
# On the sample list with this birth date: a strong hit; with another date: a namesake (near match).
SANCTIONED_NAME, SANCTIONED_DOB = "Viktor Drozdov", date(1968, 3, 14)

_next = itertools.count(1)


def cn_id(dob: date, region: str = "310115", serial: int | None = None) -> str:
    """A valid 18-character resident ID number for `dob` (a new serial each time unless given)."""
    first17 = f"{region}{dob:%Y%m%d}{(next(_next) if serial is None else serial) % 1000:03d}"
    return first17 + cn_check_digit(first17)


def card_number(n: int | None = None) -> str:
    payload = "621234" + f"{next(_next) if n is None else n:09d}"[-9:]
    return payload + luhn_check_digit(payload)


def phone_number(n: int | None = None) -> str:
    # Never ends in 0000: the sandbox provider fails the four-element match on those.
    return "+86138" + f"{next(_next) if n is None else n:07d}"[-7:] + "7"


def birth_date(n: int | None = None) -> date:
    n = next(_next) if n is None else n
    return date(1960 + n % 40, 1 + n % 12, 1 + n % 28)


def submission(**overrides: Any) -> dict[str, Any]:
    """A KYC submission body (snake_case, which the API accepts as well) of a new, clean applicant.
    `dob` sets the birth date the ID number is built for."""
    n = next(_next)
    dob = overrides.pop("dob", None) or birth_date(n)
    body: dict[str, Any] = {
        "full_name": CLEAR_NAMES[n % len(CLEAR_NAMES)],
        "national_id_number": cn_id(dob, serial=n),
        "date_of_birth": dob.isoformat(),
        "phone": phone_number(n),
        "bank_card_number": card_number(n),
        "jurisdiction": "CN",
        "liveness_token": f"liveness-{n:06d}",
    }
    body.update(overrides)
    return body


def same_identity(body: dict[str, Any], **overrides: Any) -> dict[str, Any]:
    """A submission of the person of `body` (the same ID number and birth date) from elsewhere: another
    name on the form, another phone and card, unless `overrides` say otherwise."""
    same = {k: body[k] for k in ("national_id_number", "date_of_birth")}
    return {**submission(), **same, **overrides}


def sanctioned(**overrides: Any) -> dict[str, Any]:
    """A submission that is a strong hit on the sample sanctions list (review, enhanced due diligence)."""
    return submission(
        full_name=SANCTIONED_NAME,
        dob=SANCTIONED_DOB,
        national_id_number=cn_id(SANCTIONED_DOB),
        **overrides,
    )


def kyc_application(
    session: Session,
    settings: Settings,
    wallet: str,
    status: str = "approved",
    body: dict[str, Any] | None = None,
    at: datetime = NOW,
    **columns: Any,
) -> KycApplication:
    """A KYC application of `wallet` as the service leaves it after its decision (`status`), for `body`
    (a new clean applicant by default). `columns` override anything else (risk level, reasons...)."""
    body = body or submission()
    identity = validate_submission(KycSubmission.model_validate(body), at.date())
    n = next(_next)
    application_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"peerlend-test:kyc:{n}"))
    salt = keccak(text=f"peerlend-test:kyc-salt:{n}")
    hasher = hasher_from_settings(settings)
    alpha2 = identity.jurisdiction.alpha2
    decided = status != "in_review"
    values: dict[str, Any] = {
        "id": application_id,
        "wallet": wallet,
        "status": status,
        "jurisdiction": alpha2,
        "jurisdiction_numeric": identity.jurisdiction.numeric,
        "id_scheme": identity.id_scheme,
        # the service's own record format and keyring
        "pii_ciphertext": kyc_service._encrypt_identity(settings, application_id, identity, salt),
        "national_id_hash": hasher.digest("national_id", f"{alpha2}:{identity.national_id_number}"),
        "bank_card_hash": hasher.digest("bank_card", identity.bank_card_number),
        "phone_hash": hasher.digest("phone", identity.phone),
        "commitment": "0x" + commitment_for(salt, identity.canonical_record(wallet)).hex(),
        "subject": person_subject(hasher, alpha2, identity.national_id_number),
        "provider": "sandbox",
        "provider_result": None,
        "screening_outcome": "clear",
        "screening_result": {"outcome": "clear", "list_version": "test", "matches": []},
        "risk_level": "low",
        "risk_points": 0,
        "risk_factors": {},
        "edd_required": False,
        "review_reasons": [],
        "reject_reasons": [],
        "kyc_level": 2,
        "attestation_mode": "direct",
        "attestation_status": "attested" if status == "approved" else "none",
        "created_at": at,
        "updated_at": at,
        "decided_at": at if decided else None,
        "decided_by": "system:kyc" if decided else None,
    }
    values.update(columns)
    application = KycApplication(**values)
    session.add(application)
    if status == "in_review":
        session.add(
            KycReviewItem(
                application_id=application_id,
                reasons=list(values["review_reasons"]),
                risk_level=values["risk_level"],
                edd_required=values["edd_required"],
                created_at=at,
            )
        )
    session.flush()
    return application
