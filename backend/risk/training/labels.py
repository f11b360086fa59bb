"""Plain-words labels for reason codes: feature names and bin descriptions an applicant can read."""

from __future__ import annotations

import math
import re

# Known attributes of the reference data set; any other column gets its name humanised.
FEATURE_LABELS = {
    "status_of_existing_checking_account": "Checking account balance",
    "duration_in_month": "Loan duration (months)",
    "credit_history": "Credit history:",
    "purpose": "Loan purpose:",
    "credit_amount": "Loan amount",
    "savings_account_and_bonds": "Savings balance",
    "present_employment_since": "Employed for",
    "installment_rate_in_percentage_of_disposable_income": "Installment as % of disposable income",
    "personal_status_and_sex": "Personal status:",
    "other_debtors_or_guarantors": "Other debtors or guarantors:",
    "present_residence_since": "Years at present residence",
    "property": "Property:",
    "age_in_years": "Age",
    "other_installment_plans": "Other installment plans:",
    "housing": "Housing:",
    "number_of_existing_credits_at_this_bank": "Number of existing credits",
    "job": "Job:",
    "number_of_people_being_liable_to_provide_maintenance_for": "Number of dependants",
    "telephone": "Telephone:",
    "foreign_worker": "Foreign worker:",
}


def feature_label(name: str) -> str:
    return FEATURE_LABELS.get(name) or name.replace("_", " ").strip().capitalize()


def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def numeric_bin_text(lower: float, upper: float, integer: bool = False) -> str:
    if integer:
        # integer-valued attribute: [8.5, 11.5) reads "from 9 to 11"
        lo = lower if math.isinf(lower) else float(math.ceil(lower))
        hi = upper if math.isinf(upper) else float(math.ceil(upper) - 1)
        if math.isinf(lo) and not math.isinf(hi):
            return f"{_fmt(hi)} or less"
        if not math.isinf(lo) and not math.isinf(hi):
            return _fmt(lo) if lo == hi else f"from {_fmt(lo)} to {_fmt(hi)}"
        lower, upper = lo, hi
    if math.isinf(lower) and math.isinf(upper):
        return "any value"
    if math.isinf(lower):
        return f"below {_fmt(upper)}"
    if math.isinf(upper):
        return f"{_fmt(lower)} or more"
    return f"from {_fmt(lower)} to below {_fmt(upper)}"


_BETWEEN = re.compile(r"^(\S+)\s*<=\s*\.\.\.\s*<\s*(\S+)\s*(.*)$")
_BELOW = re.compile(r"^\.\.\.\s*<\s*(\S+)\s*(.*)$")
_ATLEAST = re.compile(r"^\.\.\.\s*>=\s*(\S+)\s*(.*)$")


def category_text(value: str) -> str:
    """'... < 0 DM' -> 'below 0 DM'; '0 <= ... < 200 DM' -> 'between 0 and 200 DM'."""
    v = value.strip()
    if m := _BETWEEN.match(v):
        return f"between {m.group(1)} and {m.group(2)} {m.group(3)}".strip()
    if m := _BELOW.match(v):
        return f"below {m.group(1)} {m.group(2)}".strip()
    if m := _ATLEAST.match(v):
        return f"{m.group(1)} {m.group(2)} or more".strip()
    return v
