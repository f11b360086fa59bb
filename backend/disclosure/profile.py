"""A borrower in bands that do not identify them, from what the loan application and the chain hold.

No exact age, income or place: age in ten-year bands (the first from 18), net monthly income in five
bands of stablecoin units, region the country of the borrower's KYC jurisdiction as attested on-chain
(never a city: the platform stores no address in the clear), employment in four bands of time employed,
existing credits as declared in four bands. Where the application did not say, the band is
"not stated". The bands are the API's contract (README "Disclosure and regulator reporting"); changing
one is a new `loan-disclosure` schema version.
"""

from __future__ import annotations

from typing import Any

from backend.kyc.jurisdictions import JURISDICTIONS

NOT_STATED = "not stated"
USD = 10**6  # base units per stablecoin unit (6 decimals)

AGE_BANDS = ((18, 24), (25, 34), (35, 44), (45, 54), (55, 64))
# monthly net income, stablecoin units: [low, high)
INCOME_BANDS = ((0, 2_000), (2_000, 5_000), (5_000, 10_000), (10_000, 20_000))
EMPLOYMENT = {
    "unemployed": "not employed",
    "... < 1 year": "employed under 1 year",
    "1 <= ... < 4 years": "employed 1-4 years",
    "4 <= ... < 7 years": "employed 4 years or more",
    "... >= 7 years": "employed 4 years or more",
}
_REGIONS = {j.numeric: j.alpha2 for j in JURISDICTIONS.values()}


def age_band(attributes: dict[str, Any]) -> str:
    age = attributes.get("age_in_years")
    if isinstance(age, bool) or not isinstance(age, int | float) or age < 18:
        return NOT_STATED
    for low, high in AGE_BANDS:
        if low <= age <= high:
            return f"{low}-{high}"
    return "65+"


def income_band(monthly_income: int | None) -> str:
    if monthly_income is None:
        return NOT_STATED
    units = monthly_income // USD
    for low, high in INCOME_BANDS:
        if low <= units < high:
            return f"{low:,}-{high - 1:,}" if low else f"under {high:,}"
    return f"{INCOME_BANDS[-1][1]:,} or more"


def employment(attributes: dict[str, Any]) -> str:
    value = attributes.get("present_employment_since")
    return EMPLOYMENT.get(value, NOT_STATED) if isinstance(value, str) else NOT_STATED


def existing_debts(attributes: dict[str, Any]) -> str:
    count = attributes.get("number_of_existing_credits_at_this_bank")
    if isinstance(count, bool) or not isinstance(count, int | float) or count < 0:
        return NOT_STATED
    if count == 0:
        return "no other credits"
    if count == 1:
        return "1 credit"
    return "2-3 credits" if count <= 3 else "4 or more credits"


def region(jurisdiction: int | None) -> str:
    if not jurisdiction:
        return NOT_STATED
    return _REGIONS.get(jurisdiction, "other")
