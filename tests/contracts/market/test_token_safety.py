"""Hostile tokens as the market's stablecoin (contracts/test/hostile, fixtures in market_support.py): a
token that re-enters the market during transfers, and a fee-on-transfer token."""

from market_support import DAY, USD, list_loan, listing, note_id, sleep


def _drawn_loan(market, borrower, lenders):
    loan_id = list_loan(market, listing(), borrower).return_value
    for lender in lenders[:4]:
        market.fund(loan_id, 2_500 * USD, {"from": lender})
    market.drawdown(loan_id, {"from": borrower})
    return loan_id


def test_reentry_during_claim_is_refused(reentrant, borrower, lenders, err):
    token, market, _, _ = reentrant
    loan_id = _drawn_loan(market, borrower, lenders)
    sleep(30 * DAY)
    market.repay(loan_id, 1_000 * USD, {"from": borrower})  # an installment and some principal
    nid = note_id(loan_id, 0)
    # during the payout, the token calls back into claim (a double-claim attempt)
    token.arm(market, market.claim.encode_input(nid), {"from": lenders[0]})
    with err("ReentrancyGuardReentrantCall"):
        market.claim(nid, {"from": lenders[0]})
    token.disarm({"from": lenders[0]})
    assert market.claim(nid, {"from": lenders[0]}).return_value > 0


def test_reentry_during_fund_is_refused(reentrant, borrower, lenders, err):
    token, market, _, _ = reentrant
    loan_id = list_loan(market, listing(), borrower).return_value
    token.arm(market, market.fund.encode_input(loan_id, 100 * USD), {"from": lenders[0]})
    with err("ReentrancyGuardReentrantCall"):
        market.fund(loan_id, 100 * USD, {"from": lenders[0]})


def test_reentry_during_repay_is_refused(reentrant, borrower, lenders, err):
    token, market, _, _ = reentrant
    loan_id = _drawn_loan(market, borrower, lenders)
    sleep(30 * DAY)
    token.arm(market, market.repay.encode_input(loan_id, 1), {"from": borrower})
    with err("ReentrancyGuardReentrantCall"):
        market.repay(loan_id, 100 * USD, {"from": borrower})


def test_fee_on_transfer_token_refused_on_fund(fee_token, borrower, lenders, err):
    token, market, _, _ = fee_token
    loan_id = list_loan(market, listing(), borrower).return_value
    with err("FeeOnTransferNotSupported", token, 1_000 * USD, 990 * USD):
        market.fund(loan_id, 1_000 * USD, {"from": lenders[0]})


def test_fee_on_transfer_token_refused_on_reserve_deposit(fee_token, admin, err):
    token, market, reserve, _ = fee_token
    token.approve(reserve, 2**256 - 1, {"from": admin})
    with err("FeeOnTransferNotSupported", token, 1_000 * USD, 990 * USD):
        reserve.deposit(1_000 * USD, {"from": admin})


def test_reentry_during_a_note_sale_is_refused(reentrant, borrower, lenders, err):
    """During the sale's transfers the token calls back into claim: the seller's earnings are settled by
    the sale itself, so a claim in the middle would pay them twice."""
    token, market, _, _ = reentrant
    loan_id = _drawn_loan(market, borrower, lenders)
    sleep(30 * DAY)
    market.repay(loan_id, 1_000 * USD, {"from": borrower})
    nid = note_id(loan_id, 0)
    expiry = market.getLoan(loan_id)["lastAccrual"] + 7 * DAY
    market.offerNote(nid, 2_000 * USD, expiry, {"from": lenders[0]})
    token.arm(market, market.claim.encode_input(nid), {"from": lenders[5]})
    with err("ReentrancyGuardReentrantCall"):
        market.buyNote(nid, 2_000 * USD, False, {"from": lenders[5]})
    token.disarm({"from": lenders[5]})
    market.buyNote(nid, 2_000 * USD, False, {"from": lenders[5]})
    assert market.claimable(nid) == 0
