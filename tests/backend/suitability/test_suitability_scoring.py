"""The documented suitability scoring table, its caps and the one-year validity."""

from datetime import UTC, datetime, timedelta
from itertools import product

import pytest

from backend.suitability.scoring import CAPS, CLASS_BANDS, POINTS, VALIDITY, expires_at, is_current, score

MOST_CAUTIOUS = {
    "experience": "none",
    "income_band": "under_25k",
    "loss_tolerance": "none",
    "horizon": "under_1y",
    "share_of_net_worth": "over_50",
}
MOST_TOLERANT = {
    "experience": "extensive",
    "income_band": "over_250k",
    "loss_tolerance": "over_50",
    "horizon": "over_5y",
    "share_of_net_worth": "under_10",
}


def test_extremes():
    assert score(MOST_CAUTIOUS).risk_class == 1 and score(MOST_CAUTIOUS).points == 0
    assert score(MOST_TOLERANT).risk_class == 5 and score(MOST_TOLERANT).points == 17


@pytest.mark.parametrize(
    ("answers", "points", "uncapped", "risk_class"),
    [
        # one row per band edge of the documented table
        (
            {
                "experience": "basic",
                "income_band": "25k_50k",
                "loss_tolerance": "up_to_10",
                "horizon": "under_1y",
                "share_of_net_worth": "over_50",
            },
            3,
            1,
            1,
        ),
        (
            {
                "experience": "basic",
                "income_band": "25k_50k",
                "loss_tolerance": "up_to_10",
                "horizon": "1_3y",
                "share_of_net_worth": "25_50",
            },
            5,
            2,
            2,
        ),
        (
            {
                "experience": "moderate",
                "income_band": "50k_100k",
                "loss_tolerance": "up_to_25",
                "horizon": "3_5y",
                "share_of_net_worth": "25_50",
            },
            9,
            3,
            3,
        ),
        (
            {
                "experience": "moderate",
                "income_band": "100k_250k",
                "loss_tolerance": "up_to_50",
                "horizon": "3_5y",
                "share_of_net_worth": "10_25",
            },
            12,
            4,
            4,
        ),
        (
            {
                "experience": "extensive",
                "income_band": "100k_250k",
                "loss_tolerance": "up_to_50",
                "horizon": "over_5y",
                "share_of_net_worth": "10_25",
            },
            14,
            5,
            5,
        ),
    ],
)
def test_scoring_table_rows(answers, points, uncapped, risk_class):
    result = score(answers)
    assert (result.points, result.uncapped_class, result.risk_class) == (points, uncapped, risk_class)


@pytest.mark.parametrize(("question", "answer", "cap"), [(q, a, c) for (q, a), c in CAPS.items()])
def test_caps(question, answer, cap):
    answers = {**MOST_TOLERANT, question: answer}
    result = score(answers)
    assert result.uncapped_class >= 4
    assert result.risk_class == cap
    assert result.caps_applied == [f"{question}={answer}"]


def test_every_combination_is_in_range_and_monotone_in_points():
    previous = {}
    for combo in product(*(POINTS[q] for q in POINTS)):
        result = score(dict(zip(POINTS, combo, strict=True)))
        assert 1 <= result.risk_class <= result.uncapped_class <= 5
        previous.setdefault(result.points, result.uncapped_class)
        assert previous[result.points] == result.uncapped_class
    classes = [previous[p] for p in sorted(previous)]
    assert classes == sorted(classes)
    assert {lowest for lowest, _ in CLASS_BANDS} == {0, 4, 8, 11, 14}


def test_missing_and_unknown_answers_are_refused():
    with pytest.raises(ValueError, match="missing"):
        score({"experience": "none"})
    with pytest.raises(ValueError, match="horizon"):
        score({**MOST_CAUTIOUS, "horizon": "forever"})


def test_assessment_is_valid_for_a_year():
    assessed = datetime(2025, 11, 28, 12, tzinfo=UTC)
    assert expires_at(assessed) == assessed + timedelta(days=365) == assessed + VALIDITY
    assert is_current(assessed, assessed + timedelta(days=364, hours=23))
    assert not is_current(assessed, assessed + timedelta(days=365))
