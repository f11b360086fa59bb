"""A note transfer applies to the recipient what funding applies to a lender — KYC'd, not frozen,
suitable for the loan's grade, not its borrower — and a frozen wallet can neither send, receive nor
claim. What a frozen holder's note earns keeps accruing and is paid once the wallet is unfrozen."""

from brownie import chain
from market_support import DAY, USD, note_id, pay_amount_due, sleep


def test_a_cautious_investor_cannot_receive_a_risky_grade(market, identity, note, drawn, lenders, admin, err):
    far = 2**40 - 1
    identity.set(lenders[7], 2, 1, far, False, {"from": admin})  # risk class 1
    market.setMinRiskClass(2, 3, {"from": admin})
    with err("NotSuitable", lenders[7], 1, 3):
        note.transferFrom(lenders[0], lenders[7], note_id(drawn, 0), {"from": lenders[0]})


def test_the_borrower_cannot_receive_its_own_note(market, note, drawn, borrower, lenders, err):
    with err("BorrowerCannotHoldNote", drawn):
        note.transferFrom(lenders[0], borrower, note_id(drawn, 0), {"from": lenders[0]})


def test_a_recipient_whose_kyc_expired_is_refused(market, identity, note, drawn, lenders, admin, err):
    identity.set(lenders[7], 2, 5, chain.time() + DAY, False, {"from": admin})
    sleep(2 * DAY)
    with err("NotEligible", lenders[7]):
        note.transferFrom(lenders[0], lenders[7], note_id(drawn, 0), {"from": lenders[0]})


def test_a_frozen_holder_cannot_send(market, identity, note, drawn, lenders, admin, err):
    identity.freeze(lenders[0], 1, {"from": admin})
    with err("WalletFrozen", lenders[0]):
        note.transferFrom(lenders[0], lenders[7], note_id(drawn, 0), {"from": lenders[0]})
    note.setApprovalForAll(lenders[8], True, {"from": lenders[0]})  # nor through an operator
    with err("WalletFrozen", lenders[0]):
        note.transferFrom(lenders[0], lenders[7], note_id(drawn, 0), {"from": lenders[8]})


def test_a_frozen_holder_cannot_claim_but_keeps_earning(
    market, lens, identity, token, drawn, borrower, lenders, admin, err
):
    identity.freeze(lenders[0], 1, {"from": admin})
    nid = note_id(drawn, 0)
    sleep(30 * DAY)
    pay_amount_due(market, lens, drawn, borrower)
    with err("WalletFrozen", lenders[0]):
        market.claim(nid, {"from": lenders[0]})
    with err("WalletFrozen", lenders[0]):
        market.claimMany([nid], {"from": lenders[0]})
    sleep(30 * DAY)
    pay_amount_due(market, lens, drawn, borrower)
    owed = market.claimable(nid)
    identity.unfreeze(lenders[0], 1, {"from": admin})
    before = token.balanceOf(lenders[0])
    market.claim(nid, {"from": lenders[0]})
    assert token.balanceOf(lenders[0]) - before == owed > 0


def test_a_frozen_lender_cannot_withdraw_funding(market, identity, listed, borrower, lenders, admin, err):
    nid = market.fund(listed, 1_000 * USD, {"from": lenders[0]}).return_value
    market.cancel(listed, {"from": borrower})
    identity.freeze(lenders[0], 1, {"from": admin})
    with err("WalletFrozen", lenders[0]):
        market.withdrawFunding(nid, {"from": lenders[0]})
    identity.unfreeze(lenders[0], 1, {"from": admin})
    assert market.withdrawFunding(nid, {"from": lenders[0]}).return_value == 1_000 * USD


def test_a_suitable_recipient_takes_the_note_and_its_claims(
    market, lens, note, token, drawn, borrower, lenders
):
    nid = note_id(drawn, 0)
    sleep(30 * DAY)
    pay_amount_due(market, lens, drawn, borrower)
    owed = market.claimable(nid)
    note.transferFrom(lenders[0], lenders[7], nid, {"from": lenders[0]})
    assert tuple(market.noteInfo(nid)) == (lenders[7], 2_500 * USD)
    before = token.balanceOf(lenders[7])
    market.claim(nid, {"from": lenders[7]})
    assert token.balanceOf(lenders[7]) - before == owed
