"""Synthetic but valid applicant data for the local sandbox KYC provider: a Chinese resident ID with its
ISO 7064 MOD 11-2 check digit, a Luhn-valid bank card, an E.164 mobile number, a liveness token.
Every value is random, so each run's people are new to the service (no duplicate-identity review)."""

from __future__ import annotations

import random
import secrets
from datetime import date

_rng = random.SystemRandom()
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def national_id(dob: date, region: str = "310115") -> str:
    first17 = f"{region}{dob:%Y%m%d}{_rng.randrange(1000):03d}"
    return first17 + _ID_CHECK[sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True)) % 11]


def luhn_complete(payload: str) -> str:
    total = 0
    for i, digit in enumerate(reversed(payload)):
        d = int(digit)
        if i % 2 == 0:  # doubled positions, counted from the check digit's left neighbour
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return payload + str((10 - total % 10) % 10)


def bank_card() -> str:
    return luhn_complete("621234" + "".join(str(_rng.randrange(10)) for _ in range(9)))


def kyc_submission(full_name: str) -> dict:
    dob = date(_rng.randrange(1965, 1995), _rng.randrange(1, 13), _rng.randrange(1, 29))
    return {
        "fullName": full_name,
        "nationalIdNumber": national_id(dob),
        "dateOfBirth": dob.isoformat(),
        "phone": "+86138" + f"{_rng.randrange(10**7, 10**8):08d}",
        "bankCardNumber": bank_card(),
        "jurisdiction": "CN",
        "livenessToken": "liveness-" + secrets.token_hex(4),
    }


# Suitability questionnaires (backend/suitability/scoring.py): class 3 (balanced) and class 5 (aggressive).
BALANCED_INVESTOR = {
    "experience": "moderate",
    "incomeBand": "50k_100k",
    "lossTolerance": "up_to_25",
    "horizon": "3_5y",
    "shareOfNetWorth": "25_50",
}
AGGRESSIVE_INVESTOR = {
    "experience": "extensive",
    "incomeBand": "over_250k",
    "lossTolerance": "over_50",
    "horizon": "over_5y",
    "shareOfNetWorth": "under_10",
}
CAUTIOUS_BORROWER = {
    "experience": "none",
    "incomeBand": "50k_100k",
    "lossTolerance": "none",
    "horizon": "1_3y",
    "shareOfNetWorth": "under_10",
}

# Applicant attributes in the scorecard's vocabulary (GET /v2/risk/model); loan terms are added by the
# service. A long, clean credit history scores grade A; a thinner one scores around grade D.
STRONG_APPLICANT = {
    "status_of_existing_checking_account": "no checking account",
    "credit_history": "critical account/ other credits existing (not at this bank)",
    "savings_account_and_bonds": "... >= 1000 DM",
    "present_employment_since": "4 <= ... < 7 years",
    "age_in_years": 45,
    "installment_rate_in_percentage_of_disposable_income": 2,
    "other_installment_plans": "none",
    "housing": "own",
    "property": "real estate",
    "job": "skilled employee / official",
    "telephone": "yes, registered under the customers name",
    "other_debtors_or_guarantors": "none",
    "present_residence_since": 4,
    "number_of_existing_credits_at_this_bank": 1,
    "number_of_people_being_liable_to_provide_maintenance_for": 1,
}
FAIR_APPLICANT = {
    **STRONG_APPLICANT,
    "status_of_existing_checking_account": "0 <= ... < 200 DM",
    "credit_history": "existing credits paid back duly till now",
    "savings_account_and_bonds": "... < 100 DM",
    "housing": "rent",
    "age_in_years": 31,
    "present_employment_since": "1 <= ... < 4 years",
}
