"""A loan's public disclosure: purpose and repayment source from the application it listed with, the
borrower in bands that never carry an exact value, the borrower's other loans here (every wallet of the
same person), the expected yield, and the versioned risk notice and legal statement."""

from __future__ import annotations

import json

import pytest

from backend.core.problems import Problem
from backend.disclosure import profile
from backend.disclosure.loan_page import loan_disclosure
from backend.disclosure.texts import DIRECTORY, text
from tests.backend.disclosure.book_story import ANN, ANN_2, FEB_1, OFFER_NONCES, SUBJECTS, USD, store
from tests.backend.factories.risk import GOOD_ATTRIBUTES, loan_application

INCOME = 4_321 * USD + 17


@pytest.fixture
def book(session, scorecard, tmp_path):
    store(session, FEB_1)
    loan_application(
        session,
        scorecard,
        ANN,
        offer_nonce=str(OFFER_NONCES[1]),
        repayment_source="salary",
        purpose="furniture",
        monthly_income=INCOME,
    )
    manifest = tmp_path / "31337.json"
    manifest.write_text(
        json.dumps({"parameters": {"LoanMarket": {"servicingFeeBps": 400, "reserveShareBps": 600}}})
    )
    return manifest


def test_purpose_and_repayment_source_are_the_applications(session, book):
    page = loan_disclosure(session, 1, book)
    assert (page.purpose, page.repayment_source, page.status, page.grade) == (
        "furniture",
        "salary",
        "active",
        "B",
    )
    assert (page.principal, page.term) == (1_000 * USD, 12)


def test_the_borrower_is_shown_in_bands_only(session, book):
    borrower = loan_disclosure(session, 1, book).borrower
    assert (borrower.age_band, borrower.income_band, borrower.region) == ("45-54", "2,000-4,999", "DE")
    assert (borrower.employment, borrower.existing_debts, borrower.credit_grade) == (
        "employed 4 years or more",
        "1 credit",
        "B",
    )
    dumped = loan_disclosure(session, 1, book).model_dump_json()
    # neither the exact income nor the exact age, nor the attested jurisdiction's code, is published
    assert str(INCOME) not in dumped and "4321" not in dumped and "4,321" not in dumped
    assert '"45"' not in dumped and ":45" not in dumped and "276" not in dumped
    assert GOOD_ATTRIBUTES["present_employment_since"] not in dumped
    # nor any wallet of the borrower's, nor the person's subject on the identity registry
    assert all(w.lower()[2:] not in dumped.lower() for w in (ANN, ANN_2))
    assert SUBJECTS[ANN][2:] not in dumped


def test_other_loans_are_those_of_every_wallet_of_the_same_person(session, book):
    others = loan_disclosure(session, 1, book).borrower.other_loans
    # loan 2 is Ann's second wallet's (one subject on the identity registry); Bob's loan 3 is not hers
    assert [(o.loan_id, o.status, o.grade, o.principal) for o in others] == [(2, "active", "B", 500 * USD)]
    assert others[0].delinquency_tier == 0
    assert [o.loan_id for o in loan_disclosure(session, 2, book).borrower.other_loans] == [1]


def test_the_expected_yield_is_net_of_the_loans_own_fees(session, book):
    y = loan_disclosure(session, 1, book).expected_yield
    # drawn with a 5% servicing fee and a 10% reserve share of interest
    assert (y.apr_bps, y.servicing_fee_bps, y.reserve_share_bps, y.net_apr_bps) == (1_200, 500, 1_000, 1_020)
    assert y.pd_bps is not None and y.pd_bps > 0


def test_a_listing_not_drawn_shows_the_fees_it_would_be_drawn_with(session, book):
    y = loan_disclosure(session, 5, book).expected_yield  # expired undrawn: the market's fees as deployed
    assert (y.servicing_fee_bps, y.reserve_share_bps, y.net_apr_bps) == (400, 600, 1_500 * 9_000 // 10_000)


def test_a_loan_listed_without_an_application_says_not_stated(session, book):
    page = loan_disclosure(session, 4, book)  # the unlinked wallet: no application, no identity
    assert (page.purpose, page.repayment_source, page.expected_yield.pd_bps) == (None, None, None)
    b = page.borrower
    assert {b.age_band, b.income_band, b.region, b.employment, b.existing_debts} == {"not stated"}
    assert b.other_loans == []


def test_an_unknown_loan_is_not_found(session, book):
    with pytest.raises(Problem) as missing:
        loan_disclosure(session, 77, book)
    assert (missing.value.status, missing.value.type) == (404, "not-found")


def test_the_texts_are_versioned_files_of_the_repository(session, book):
    page = loan_disclosure(session, 2, book)
    assert page.risk_notice.version == "risk-notice/1" and page.legal_statement.version == "legal-statement/1"
    on_disk = (DIRECTORY / "risk-notice-v1.md").read_text()
    assert page.risk_notice.text == " ".join(on_disk.split())
    assert (
        "not guaranteed" in page.risk_notice.text and "information intermediary" in page.legal_statement.text
    )
    assert text("risk-notice", 1) == page.risk_notice


@pytest.mark.parametrize(
    ("age", "band"),
    [
        (17, "not stated"),
        (18, "18-24"),
        (24, "18-24"),
        (25, "25-34"),
        (64, "55-64"),
        (65, "65+"),
        (True, "not stated"),
    ],
)
def test_age_bands(age, band):
    assert profile.age_band({"age_in_years": age}) == band


@pytest.mark.parametrize(
    ("units", "band"),
    [
        (0, "under 2,000"),
        (2_000 * USD - 1, "under 2,000"),
        (2_000 * USD, "2,000-4,999"),
        (9_999 * USD + 999_999, "5,000-9,999"),
        (10_000 * USD, "10,000-19,999"),
        (20_000 * USD, "20,000 or more"),
        (None, "not stated"),
    ],
)
def test_income_bands_are_of_whole_stablecoin_units_a_month(units, band):
    assert profile.income_band(units) == band


@pytest.mark.parametrize(
    ("credits", "band"),
    [
        (0, "no other credits"),
        (1, "1 credit"),
        (2, "2-3 credits"),
        (3, "2-3 credits"),
        (4, "4 or more credits"),
        (-1, "not stated"),
    ],
)
def test_existing_debts_bands(credits, band):
    assert profile.existing_debts({"number_of_existing_credits_at_this_bank": credits}) == band


def test_employment_and_region_bands():
    assert profile.employment({"present_employment_since": "... >= 7 years"}) == "employed 4 years or more"
    assert profile.employment({"present_employment_since": "unemployed"}) == "not employed"
    assert profile.employment({"present_employment_since": "since 2019"}) == "not stated"
    assert (profile.region(276), profile.region(0), profile.region(999)) == ("DE", "not stated", "other")
