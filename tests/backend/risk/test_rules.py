"""Anti-fraud rules, decision, pricing and reason codes as plain functions."""

from __future__ import annotations

import json
import random

import pytest

from backend.risk import fraud
from backend.risk.config import DEFAULT_MODEL_DIR, PRICING_TABLE_PATH, USDC, RiskSettings
from backend.risk.decision import decide
from backend.risk.fraud import DECLINE, REVIEW, FraudContext
from backend.risk.pricing import (
    affordable_principal,
    grade_terms,
    make_offer,
    monthly_installment,
    pricing_table,
)
from backend.risk.reports import reasons_hash
from backend.risk.scorecard import Scorecard

SKILLED = "skilled employee / official"


@pytest.fixture(scope="module")
def card() -> Scorecard:
    return Scorecard.load(DEFAULT_MODEL_DIR)


@pytest.fixture
def settings() -> RiskSettings:
    return RiskSettings()


def ctx(**overrides) -> FraudContext:
    values = dict(
        wallet="0x" + "11" * 20,
        monthly_income=3_000 * USDC,
        attributes={"job": SKILLED},
        kyc_status="approved",
        recent_wallet_applications=0,
        recent_identity_applications=0,
    )
    values.update(overrides)
    return FraudContext(**values)


# ------------------------------------------------------------------------------------------ fraud rules


def test_clean_context_fires_no_rule(settings):
    assert fraud.evaluate(ctx(), settings) == []


@pytest.mark.parametrize("status", [None, "in_review", "rejected", "revoked"])
def test_kyc_not_approved_declines(settings, status):
    hit = fraud.kyc_not_approved(ctx(kyc_status=status), settings)
    assert hit is not None and (hit.rule_id, hit.action) == ("kyc_not_approved", DECLINE)
    assert (status or "missing").replace("_", " ") in hit.reason


def test_kyc_rule_can_be_switched_off(settings):
    assert (
        fraud.kyc_not_approved(ctx(kyc_status=None), settings.model_copy(update={"require_kyc": False}))
        is None
    )


@pytest.mark.parametrize("count,action", [(2, None), (3, REVIEW), (5, REVIEW), (6, DECLINE), (40, DECLINE)])
def test_wallet_velocity(settings, count, action):
    hit = fraud.wallet_velocity(ctx(recent_wallet_applications=count), settings)
    assert (hit.action if hit else None) == action
    if hit:
        assert hit.rule_id == "velocity_wallet" and f"{count} earlier applications" in hit.reason


def test_a_default_or_late_loan_on_the_platform_declines(settings):
    assert fraud.platform_repayment(ctx(), settings) is None
    hit = fraud.platform_repayment(ctx(repayment_problem="loan #4 defaulted on this platform"), settings)
    assert hit is not None and (hit.rule_id, hit.action) == ("platform_repayment", DECLINE)
    assert hit.reason == "loan #4 defaulted on this platform"
    assert [h.rule_id for h in fraud.evaluate(ctx(repayment_problem="x"), settings)] == ["platform_repayment"]


def test_identity_velocity_counts_the_person_across_wallets(settings):
    hit = fraud.identity_velocity(ctx(recent_identity_applications=3), settings)
    assert hit is not None and (hit.rule_id, hit.action) == ("velocity_identity", REVIEW)


def test_shared_national_id_and_shared_contact_force_review(settings):
    hit = fraud.shared_identity(ctx(wallets_sharing_national_id=["0xabc"]), settings)
    assert hit is not None and (hit.rule_id, hit.action) == ("shared_identity", REVIEW)
    hit = fraud.shared_identity(ctx(wallets_sharing_contact=["0xabc", "0xdef"]), settings)
    assert hit is not None and hit.rule_id == "shared_contact" and "2 other wallet" in hit.reason


@pytest.mark.parametrize(
    "job,income,fires",
    [
        (SKILLED, 100, True),  # below what any skilled job pays
        (SKILLED, 4_000, False),
        ("unemployed/ unskilled - non-resident", 40_000, True),
        ("unskilled - resident", 4_500, False),
        ("management/ self-employed/ highly qualified employee/ officer", 0, False),
    ],
)
def test_income_inconsistent_with_job(settings, job, income, fires):
    hit = fraud.income_inconsistent_with_job(
        ctx(attributes={"job": job}, monthly_income=income * USDC), settings
    )
    assert (hit is not None) == fires
    if hit:
        assert (hit.rule_id, hit.action) == ("income_job_mismatch", REVIEW)


def test_unemployed_with_a_large_income_is_inconsistent(settings):
    hit = fraud.income_inconsistent_with_job(
        ctx(attributes={"present_employment_since": "unemployed"}, monthly_income=9_000 * USDC), settings
    )
    assert hit is not None and "unemployed" in hit.reason


# ------------------------------------------------------------------------------------------ decision


def _result_with_pd(card, pd):
    result = card.score({})
    result.pd = pd
    result.grade = card.grade_for(pd)
    return result


def test_decision_bands_around_the_cost_optimal_cutoff(card, settings):
    low, high = card.decision["review_low_pd"], card.decision["review_high_pd"]
    assert card.decision["cutoff_pd"] == pytest.approx(1 / 6)
    assert low < card.decision["cutoff_pd"] < high
    args = dict(amount=1_000 * USDC, term_months=12, monthly_income=5_000 * USDC)
    assert decide(card, settings, _result_with_pd(card, low * 0.9), [], **args).outcome == "approve"
    assert decide(card, settings, _result_with_pd(card, (low + high) / 2), [], **args).outcome == "review"
    assert decide(card, settings, _result_with_pd(card, high * 1.01), [], **args).outcome == "decline"


def test_fraud_rules_only_make_a_decision_stricter(card, settings):
    args = dict(amount=1_000 * USDC, term_months=12, monthly_income=5_000 * USDC)
    good = _result_with_pd(card, 0.02)
    review = fraud.RuleHit("x", REVIEW, "r")
    decline = fraud.RuleHit("y", DECLINE, "d")
    assert decide(card, settings, good, [review], **args).outcome == "review"
    assert decide(card, settings, good, [review, decline], **args).outcome == "decline"
    bad = _result_with_pd(card, 0.9)
    assert decide(card, settings, bad, [review], **args).outcome == "decline"


def test_offer_is_capped_by_affordability(card, settings):
    result = _result_with_pd(card, 0.02)
    d = decide(card, settings, result, [], amount=30_000 * USDC, term_months=12, monthly_income=2_000 * USDC)
    assert d.outcome == "approve" and d.offer is not None
    assert d.offer.principal < 30_000 * USDC and d.offer.installment <= 2_000 * USDC * 3_000 // 10_000 + 1
    assert any("principal reduced" in r for r in d.reasons)


def test_no_income_means_no_offer_and_a_decline(card, settings):
    d = decide(
        card, settings, _result_with_pd(card, 0.02), [], amount=1_000 * USDC, term_months=12, monthly_income=0
    )
    assert d.outcome == "decline" and d.offer is None


# ------------------------------------------------------------------------------------------ pricing


def test_apr_rises_with_the_grade_and_worst_grade_is_not_lendable(card, settings):
    terms = grade_terms(card, settings)
    aprs = [t.apr_bps for t in terms]
    assert aprs == sorted(aprs) and len(set(aprs)) == 7
    assert terms[0].apr_bps == settings.cost_of_funds_bps + settings.margin_bps + round(
        card.grade_bands[0] * settings.lgd_bps
    )
    assert not terms[-1].allowed and terms[-1].max_principal == 0
    assert all(isinstance(t.apr_bps, int) and isinstance(t.max_principal, int) for t in terms)


def test_committed_pricing_table_is_the_one_the_model_and_settings_produce(card, settings):
    committed = json.loads(PRICING_TABLE_PATH.read_text())
    assert committed == json.loads(json.dumps(pricing_table(card, settings)))
    row = committed["grades"][0]
    assert set(row) >= {"grade", "aprBps", "maxPrincipal", "allowed", "minRiskClass", "collateralRequired"}
    assert set(committed["fields"]) >= {
        "aprBps",
        "maxPrincipal",
        "allowed",
        "minRiskClass",
        "collateralRequired",
    }


def test_installment_and_affordable_principal_are_inverse():
    principal = affordable_principal(4_000 * USDC, 1200, 24, 3000)
    installment = monthly_installment(principal, 1200, 24)
    assert abs(installment - 1_200 * USDC) <= 2
    assert monthly_installment(12_000 * USDC, 0, 12) == 1_000 * USDC


def test_make_offer_refuses_a_grade_that_is_not_allowed(card, settings):
    assert make_offer(card, settings, 7, 1_000 * USDC, 12, 10_000 * USDC) is None


# ------------------------------------------------------------------------------------------ scoring


def _random_applicant(card, rng):
    row = {}
    for f in card.features:
        if rng.random() < 0.1:
            continue  # missing
        if f.type == "numerical":
            row[f.name] = rng.choice(f.splits) + rng.choice([-1, 0, 0.5]) if f.splits else 1.0
        else:
            row[f.name] = rng.choice(f.categories)
    return row


def test_reason_codes_are_the_largest_deductions_from_the_best_bin(card):
    artifact = card.artifact
    rng = random.Random(11)  # noqa: S311 - reproducible test data
    for _ in range(200):
        row = _random_applicant(card, rng)
        result = card.score(row)
        expected = []
        for spec in artifact["features"]:
            best = max([b["points"] for b in spec["bins"]] + [spec["missing"]["points"]])
            lost = best - result.points[spec["name"]]
            if lost > 1e-9:
                expected.append((-lost, spec["name"]))
        expected.sort()
        assert [r.feature for r in result.reasons] == [name for _, name in expected[:4]]
        assert all(r.points_lost > 0 for r in result.reasons)
        assert result.score == round(card.base_points + sum(result.points.values()))


def test_reason_text_is_plain_words(card):
    result = card.score({"status_of_existing_checking_account": "... < 0 DM"})
    texts = {
        r.feature: r.text
        for r in card.score(
            {f.name: None for f in card.features} | {"status_of_existing_checking_account": "... < 0 DM"},
            max_reasons=50,
        ).reasons
    }
    assert texts["status_of_existing_checking_account"] == "Checking account balance below 0 DM"
    assert result.grade in range(1, 8)


def test_missing_answer_never_scores_better_than_the_worst_bin_when_training_had_none(card):
    for f in card.features:
        if f.missing_count == 0:
            assert f.missing["points"] == pytest.approx(min(b["points"] for b in f.bins))


def test_pd_follows_the_points_scaling(card):
    result = card.score({})
    factor, offset = card.factor, card.offset
    import math

    assert result.pd == pytest.approx(1 / (1 + math.exp((result.score_raw - offset) / factor)), rel=1e-12)
    assert card.pd_from_score(offset + factor * math.log(50)) == pytest.approx(1 / 51)


def test_grade_bands_can_be_overridden(card):
    custom = Scorecard(card.artifact, grade_bands=[0.01, 0.02, 0.03, 0.04, 0.05, 0.06, 1.0])
    assert custom.grade_for(0.035) == 4 and card.grade_for(0.035) == 2
    with pytest.raises(ValueError):
        Scorecard(card.artifact, grade_bands=[0.1, 0.05, 0.2, 0.3, 0.4, 0.5, 1.0])


def test_reasons_hash_is_keccak_of_the_canonical_code_list():
    from eth_utils import keccak

    codes = ["status_of_existing_checking_account:3", "duration_in_month:5"]
    assert (
        reasons_hash(codes)
        == "0x" + keccak(b'["status_of_existing_checking_account:3","duration_in_month:5"]').hex()
    )
    assert reasons_hash(codes) != reasons_hash(list(reversed(codes)))


def test_grade_bands_and_limits_come_from_the_environment(monkeypatch):
    from backend.risk.model_store import get_scorecard

    monkeypatch.setenv("PEERLEND_RISK_GRADE_BANDS", "[0.01, 0.02, 0.03, 0.04, 0.05, 0.06, 1.0]")
    monkeypatch.setenv("PEERLEND_RISK_VELOCITY_REVIEW", "1")
    settings = RiskSettings()
    assert settings.grade_bands == [0.01, 0.02, 0.03, 0.04, 0.05, 0.06, 1.0] and settings.velocity_review == 1
    assert get_scorecard(settings).grade_for(0.035) == 4
    monkeypatch.setenv("PEERLEND_RISK_GRADE_BANDS", "[0.2, 0.1, 0.3, 0.4, 0.5, 0.6, 1.0]")
    with pytest.raises(ValueError):
        RiskSettings()


def test_the_service_scores_without_the_training_stack():
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from backend.app import create_app\n"
        "import backend.risk.router, backend.risk.service\n"
        "from backend.risk.config import DEFAULT_MODEL_DIR\n"
        "from backend.risk.scorecard import Scorecard\n"
        "Scorecard.load(DEFAULT_MODEL_DIR).score({'age_in_years': 30})\n"
        "print(sorted(m for m in ('sklearn', 'optbinning', 'pandas', 'matplotlib') if m in sys.modules))\n"
    )
    argv = [sys.executable, "-c", code]
    out = subprocess.run(argv, capture_output=True, text=True, check=True, timeout=120)  # noqa: S603
    assert out.stdout.strip().splitlines()[-1] == "[]"
