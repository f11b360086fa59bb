"""Governance sweeps the rounding dust of settled loans to the treasury without touching any note's
claim: what the accumulator promised the notes in total, less what every note can claim in total."""

import pytest
from market_support import DAY, RAY, STATUS, USD, list_loan, listing, note_id, sleep

SHARES = [1_000 * USD + 3 * i + 1 for i in range(9)]  # nine notes with odd shares: rounding to sweep


@pytest.fixture
def repaid(market, borrower, lenders, admin):
    market.setMinTicket(1, {"from": admin})
    loan_id = list_loan(market, listing(principal=sum(SHARES), periods=3), borrower).return_value
    for amount, lender in zip(SHARES, lenders, strict=False):
        market.fund(loan_id, amount, {"from": lender})
    market.drawdown(loan_id, {"from": borrower})
    for _ in range(3):
        sleep(30 * DAY)
        market.repay(loan_id, 333 * USD + 17, {"from": borrower})
    market.repay(loan_id, 10**12, {"from": borrower})
    assert market.getLoan(loan_id)["status"] == STATUS["Repaid"]
    return loan_id


def test_dust_is_what_no_note_can_claim(market, token, repaid, lenders, treasury, admin):
    acc = market.getLoan(repaid)["accPerShare"]
    expected = sum(SHARES) * acc // RAY - sum(s * acc // RAY for s in SHARES)
    assert expected > 0 and market.dustOf(repaid) == expected
    before = token.balanceOf(treasury)
    tx = market.sweepDust([repaid], {"from": admin})
    assert tx.return_value == expected and tx.events["DustSwept"]["amount"] == expected
    assert token.balanceOf(treasury) - before == expected
    for i, (share, lender) in enumerate(zip(SHARES, lenders, strict=False)):
        assert market.claim(note_id(repaid, i), {"from": lender}).return_value == share * acc // RAY
    assert token.balanceOf(market) >= sum(market.pendingFees())


def test_a_loan_is_swept_once(market, repaid, admin, err):
    market.sweepDust([repaid], {"from": admin})
    assert market.dustOf(repaid) == 0
    with err("DustAlreadySwept", repaid):
        market.sweepDust([repaid], {"from": admin})


def test_an_unsettled_loan_cannot_be_swept(market, drawn, listed, admin, err):
    with err("LoanNotSettled", drawn):
        market.sweepDust([drawn], {"from": admin})
    assert market.dustOf(drawn) == 0


def test_a_defaulted_loan_is_swept_once_fully_recovered(market, drawn, borrower, outsider, admin, err):
    sleep(121 * DAY)
    market.markDefault(drawn, {"from": outsider})
    with err("LoanNotSettled", drawn):
        market.sweepDust([drawn], {"from": admin})
    market.repay(drawn, market.payoffAmount(drawn), {"from": borrower})
    market.sweepDust([drawn], {"from": admin})
