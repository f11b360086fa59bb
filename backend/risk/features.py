"""From a loan application to the scorecard's attributes, with errors a client can act on.

The loan terms (amount, term, purpose) feed the model attributes that describe the loan; everything
else about the applicant comes as `attributes`, checked against the scorecard in use (unknown names,
unknown categories and text for numbers are refused with the list of what is accepted)."""

from __future__ import annotations

import math
from enum import StrEnum
from typing import Any

from backend.risk.config import USDC
from backend.risk.scorecard import Scorecard


class Purpose(StrEnum):
    car_new = "car_new"
    car_used = "car_used"
    furniture = "furniture"
    electronics = "electronics"
    appliances = "appliances"
    repairs = "repairs"
    education = "education"
    retraining = "retraining"
    business = "business"
    other = "other"


class RepaymentSource(StrEnum):
    """Where the borrower says the installments will come from (disclosed with the loan)."""

    salary = "salary"
    business_income = "business_income"
    pension = "pension"
    rental_income = "rental_income"
    savings = "savings"
    asset_sale = "asset_sale"
    other = "other"


# Purpose -> the category the reference data set uses for it.
PURPOSE_CATEGORY = {
    Purpose.car_new: "car (new)",
    Purpose.car_used: "car (used)",
    Purpose.furniture: "furniture/equipment",
    Purpose.electronics: "radio/television",
    Purpose.appliances: "domestic appliances",
    Purpose.repairs: "repairs",
    Purpose.education: "education",
    Purpose.retraining: "retraining",
    Purpose.business: "business",
    Purpose.other: "others",
}

# Model attributes derived from the loan terms (used when the scorecard has them).
TERM_ATTRIBUTES = {"credit_amount": "amount", "duration_in_month": "termMonths", "purpose": "purpose"}


def term_attributes(amount: int, term_months: int, purpose: str) -> dict[str, Any]:
    return {
        "credit_amount": amount / USDC,
        "duration_in_month": term_months,
        "purpose": PURPOSE_CATEGORY.get(Purpose(purpose), purpose),
    }


def check_attributes(
    card: Scorecard,
    attributes: dict[str, Any],
    derived: set[str] | None = None,
    loc: tuple = ("body", "attributes"),
) -> list[dict]:
    """Problem-detail `errors` entries for every attribute the scorecard cannot use."""
    derived = derived if derived is not None else set(TERM_ATTRIBUTES)
    errors = []
    for name, value in attributes.items():
        feature = card.by_name.get(name)
        where = [*loc, name]
        if name in derived and name in card.by_name:
            errors.append(
                {
                    "loc": where,
                    "type": "derived_attribute",
                    "msg": f"'{name}' is set from the loan terms ({TERM_ATTRIBUTES[name]}); do not send it",
                }
            )
        elif feature is None:
            errors.append(
                {
                    "loc": where,
                    "type": "unknown_attribute",
                    "msg": f"unknown attribute; accepted: {', '.join(sorted(card.by_name))}",
                }
            )
        elif value is None:
            continue
        elif feature.type == "numerical":
            if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
                errors.append({"loc": where, "type": "number_expected", "msg": "must be a finite number"})
        elif not isinstance(value, str) or value.strip() not in feature.category_bin:
            errors.append(
                {
                    "loc": where,
                    "type": "unknown_category",
                    "msg": f"must be one of: {', '.join(repr(c) for c in feature.categories)}",
                }
            )
    return errors


def model_input(amount: int, term_months: int, purpose: str, attributes: dict[str, Any]) -> dict[str, Any]:
    return {**attributes, **term_attributes(amount, term_months, purpose)}
