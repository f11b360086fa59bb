"""Suitability scoring table. Each answer scores points; the total maps to a risk class; knock-out caps
then lower the class where one answer alone rules out riskier loans.

| question           | answer → points                                                   | unit        |
|--------------------|-------------------------------------------------------------------|-------------|
| experience         | none 0, basic 1, moderate 2, extensive 3                          |             |
| income_band        | under_25k 0, 25k_50k 1, 50k_100k 2, 100k_250k 3, over_250k 4      | USD/yr eqv. |
| loss_tolerance     | none 0, up_to_10 1, up_to_25 2, up_to_50 3, over_50 4             | % invested  |
| horizon            | under_1y 0, 1_3y 1, 3_5y 2, over_5y 3                             |             |
| share_of_net_worth | over_50 0, 25_50 1, 10_25 2, under_10 3                           | % net worth |

| total points | 0–3 | 4–7 | 8–10 | 11–13 | 14–17 |
|--------------|-----|-----|------|-------|-------|
| risk class   | 1   | 2   | 3    | 4     | 5     |

Caps: loss_tolerance ``none`` → at most class 1; share_of_net_worth ``over_50`` → at most class 2;
experience ``none`` → at most class 3.

An assessment is valid for 365 days; after that the investor must answer again before any KYC approval
or attestation renewal (the attestation carries the class of the latest valid assessment).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

VALIDITY = timedelta(days=365)

POINTS: dict[str, dict[str, int]] = {
    "experience": {"none": 0, "basic": 1, "moderate": 2, "extensive": 3},
    "income_band": {"under_25k": 0, "25k_50k": 1, "50k_100k": 2, "100k_250k": 3, "over_250k": 4},
    "loss_tolerance": {"none": 0, "up_to_10": 1, "up_to_25": 2, "up_to_50": 3, "over_50": 4},
    "horizon": {"under_1y": 0, "1_3y": 1, "3_5y": 2, "over_5y": 3},
    "share_of_net_worth": {"over_50": 0, "25_50": 1, "10_25": 2, "under_10": 3},
}

# (lowest total, class), highest first
CLASS_BANDS: tuple[tuple[int, int], ...] = ((14, 5), (11, 4), (8, 3), (4, 2), (0, 1))

CAPS: dict[tuple[str, str], int] = {
    ("loss_tolerance", "none"): 1,
    ("share_of_net_worth", "over_50"): 2,
    ("experience", "none"): 3,
}


@dataclass(frozen=True)
class SuitabilityScore:
    points: int
    uncapped_class: int
    risk_class: int
    caps_applied: list[str]


def score(answers: dict[str, str]) -> SuitabilityScore:
    missing = set(POINTS) - set(answers)
    if missing:
        raise ValueError(f"missing answers: {sorted(missing)}")
    points = 0
    for question, options in POINTS.items():
        if answers[question] not in options:
            raise ValueError(f"{question}: {answers[question]!r} is not one of {sorted(options)}")
        points += options[answers[question]]
    uncapped = next(cls for lowest, cls in CLASS_BANDS if points >= lowest)
    risk_class = uncapped
    caps_applied = []
    for (question, answer), cap in CAPS.items():
        if answers[question] == answer and risk_class > cap:
            risk_class = cap
            caps_applied.append(f"{question}={answer}")
    return SuitabilityScore(points, uncapped, risk_class, caps_applied)


def expires_at(assessed_at: datetime) -> datetime:
    return assessed_at + VALIDITY


def is_current(assessed_at: datetime, now: datetime) -> bool:
    return now < expires_at(assessed_at)
