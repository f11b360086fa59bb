"""A listing binds the hash of the agreement its borrower signed, and every funding of the loan, by a
lender itself (`fund`) or through its mandate (AutoInvest's `fundFor`), accepts that same hash on the
chain."""

from helpers.offers import AGREEMENT_HASH, offer_tuple, sign_offer
from market_support import OFFER_KEY, USD, list_loan, listing, offer_for

OTHER_HASH = bytes.fromhex("5c" * 32)


def _hex(value):
    return "0x" + bytes(value).hex()


def test_a_zero_agreement_hash_is_refused(market, borrower, err):
    params = listing()
    o = offer_for(params, borrower)
    with err("AgreementHashMissing"):
        market.list(params, offer_tuple(o), sign_offer(OFFER_KEY, market, o), b"\0" * 32, {"from": borrower})
    assert not market.offerUsed(borrower, o["nonce"])


def test_listing_stores_and_emits_the_hash(market, borrower):
    tx = list_loan(market, listing(), borrower, agreement=OTHER_HASH)
    loan_id = tx.return_value
    assert _hex(market.agreementHashOf(loan_id)) == _hex(OTHER_HASH)
    bound = tx.events["AgreementBound"]
    assert (bound["loanId"], _hex(bound["agreementHash"])) == (loan_id, _hex(OTHER_HASH))


def test_each_loan_keeps_its_own_hash(market, borrowers):
    first = list_loan(market, listing(), borrowers[0]).return_value
    second = list_loan(market, listing(), borrowers[1], agreement=OTHER_HASH).return_value
    assert _hex(market.agreementHashOf(first)) == _hex(AGREEMENT_HASH)
    assert _hex(market.agreementHashOf(second)) == _hex(OTHER_HASH)
    assert _hex(market.agreementHashOf(second + 1)) == "0x" + "00" * 32


def test_every_funding_accepts_the_listed_hash(market, borrower, lenders):
    loan_id = list_loan(market, listing(), borrower, agreement=OTHER_HASH).return_value
    for lender in lenders[:3]:
        tx = market.fund(loan_id, 1_000 * USD, {"from": lender})
        accepted = tx.events["AgreementAccepted"]
        assert (accepted["loanId"], accepted["noteId"], accepted["lender"]) == (
            loan_id,
            tx.return_value,
            lender,
        )
        assert _hex(accepted["agreementHash"]) == _hex(OTHER_HASH)


def test_every_mandate_funding_accepts_the_listed_hash(auto, market, borrower, lenders, outsider):
    for lender in lenders[:2]:
        auto.setMandate((0b1111111, 0, 360, 1_000 * USD, 5_000 * USD, 0, True), {"from": lender})
        auto.deposit(10_000 * USD, {"from": lender})
    loan_id = list_loan(market, listing(), borrower, agreement=OTHER_HASH).return_value

    tx = auto.allocate(loan_id, [lenders[0], lenders[1]], {"from": outsider})

    funded = [(e["noteId"], e["lender"]) for e in tx.events["LoanFunded"]]
    accepted = tx.events["AgreementAccepted"]
    assert [(e["noteId"], e["lender"]) for e in accepted] == funded and len(funded) == 2
    assert {(e["loanId"], _hex(e["agreementHash"])) for e in accepted} == {(loan_id, _hex(OTHER_HASH))}
