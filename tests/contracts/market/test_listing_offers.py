"""A listing needs the risk service's signed offer and stays within it (principal, periods, period
length, grade, APR, collateral); each offer lists once, and only an OFFER_SIGNER_ROLE holder's
signature under this market's EIP-712 domain counts."""

import brownie
from helpers.chain_time import pin_next_block_time
from helpers.keys import dev_key
from helpers.offers import AGREEMENT_HASH, offer_tuple, sign_offer
from market_support import DAY, GRADES, OFFER_KEY, USD, list_loan, listing, offer_for

from backend.risk.offers import offer_digest


def test_listing_within_the_offer_uses_it_up(market, borrower, err):
    params = listing()
    o = offer_for(params, borrower)
    signature = sign_offer(OFFER_KEY, market, o)
    tx = market.list(params, offer_tuple(o), signature, AGREEMENT_HASH, {"from": borrower})
    assert (
        tx.events["OfferUsed"]["nonce"] == o["nonce"] and tx.events["OfferUsed"]["loanId"] == tx.return_value
    )
    assert market.offerUsed(borrower, o["nonce"])
    market.cancel(tx.return_value, {"from": borrower})
    with err("OfferAlreadyUsed", borrower, o["nonce"]):
        market.list(params, offer_tuple(o), signature, AGREEMENT_HASH, {"from": borrower})


def test_listing_below_the_offer_is_allowed(market, borrower):
    params = listing(principal=6_000 * USD, periods=6)
    loan_id = list_loan(market, params, borrower, maxPrincipal=10_000 * USD, maxPeriods=12).return_value
    assert market.getLoan(loan_id)["principal"] == 6_000 * USD


def test_principal_above_the_offer_is_refused(market, borrower, err):
    with err("ListingOutsideOffer", b"principal".ljust(32, b"\0"), 10_000 * USD, 9_999 * USD):
        list_loan(market, listing(), borrower, maxPrincipal=9_999 * USD)


def test_more_periods_than_offered_are_refused(market, borrower, err):
    with err("ListingOutsideOffer", b"numPeriods".ljust(32, b"\0"), 12, 11):
        list_loan(market, listing(periods=12), borrower, maxPeriods=11)


def test_another_period_length_is_refused(market, borrower, err):
    with err("ListingOutsideOffer", b"periodLength".ljust(32, b"\0"), 30 * DAY, 31 * DAY):
        list_loan(market, listing(), borrower, periodLength=31 * DAY)


def test_an_expired_offer_is_refused(market, borrower, err):
    params = listing()
    mined_at = pin_next_block_time(10)
    with err("SignatureExpired", mined_at - 1, mined_at):
        list_loan(market, params, borrower, expiry=mined_at - 1)


def test_someone_elses_offer_is_refused(market, borrower, borrowers, err):
    params = listing()
    o = offer_for(params, borrowers[1])
    with err("OfferBorrowerMismatch", borrower, borrowers[1]):
        market.list(
            params, offer_tuple(o), sign_offer(OFFER_KEY, market, o), AGREEMENT_HASH, {"from": borrower}
        )


def test_a_signature_without_the_role_is_refused(market, borrower, err):
    stranger_key = dev_key(19)
    with err("OfferSignerNotAuthorized", stranger_key.address):
        list_loan(market, listing(), borrower, key=stranger_key)


def test_a_revoked_signer_no_longer_counts(market, admin, borrower, err):
    market.revokeRole(market.OFFER_SIGNER_ROLE(), OFFER_KEY.address, {"from": admin})
    with err("OfferSignerNotAuthorized", OFFER_KEY.address):
        list_loan(market, listing(), borrower)


def test_a_tampered_offer_does_not_recover_the_signer(market, borrower, err):
    params = listing(principal=20_000 * USD)
    o = offer_for(params, borrower, maxPrincipal=10_000 * USD)
    signature = sign_offer(OFFER_KEY, market, o)
    o["maxPrincipal"] = 20_000 * USD
    with err("OfferSignerNotAuthorized"):
        market.list(params, offer_tuple(o), signature, AGREEMENT_HASH, {"from": borrower})


def test_an_offer_signed_for_another_chain_or_market_is_refused(market, note, borrower, err):
    params = listing()
    for kwargs in ({"chain_id": 1}, {"verifying_contract": note.address}):
        o = offer_for(params, borrower)
        signature = sign_offer(OFFER_KEY, market, o, **kwargs)
        with err("OfferSignerNotAuthorized"):
            market.list(params, offer_tuple(o), signature, AGREEMENT_HASH, {"from": borrower})


def test_the_offer_grade_is_the_loans(market, oracle, borrower, admin):
    oracle.setRecord(borrower, 780, 1, 200, brownie.chain.time(), {"from": admin})  # better than offered
    loan_id = list_loan(market, listing(), borrower, grade=2).return_value
    assert (market.getLoan(loan_id)["grade"], market.getLoan(loan_id)["aprBps"]) == (2, GRADES[2][0])


def test_an_offer_priced_before_a_rate_change_is_refused(market, admin, borrower, err):
    apr, max_p, allowed, _, secured = GRADES[2]
    market.setGradeTerms(2, apr + 50, max_p, allowed, secured, {"from": admin})
    with err("OfferTermsOutdated", 2, apr, apr + 50):
        list_loan(market, listing(), borrower)


def test_a_grade_that_requires_collateral_cannot_list_unsecured(market, oracle, borrower, admin, err):
    oracle.setRecord(borrower, 560, 5, 1500, brownie.chain.time(), {"from": admin})
    with err("CollateralRequired", 5):
        list_loan(market, listing(principal=5_000 * USD), borrower, grade=5)


def test_an_offer_naming_collateral_binds_token_and_amount(market, vault, collateral, token, borrower, err):
    params = listing(collateral_token=collateral, collateral_amount=4_000 * USD)
    with err("CollateralBelowOffer", collateral, 4_000 * USD, collateral, 5_000 * USD):
        list_loan(market, params, borrower, minCollateral=5_000 * USD)
    with err("CollateralBelowOffer", collateral, 4_000 * USD, token, 4_000 * USD):
        list_loan(market, params, borrower, collateralToken=token)
    with err("CollateralRequired", 2):
        list_loan(market, listing(), borrower, collateralToken=collateral, minCollateral=1)
    loan_id = list_loan(market, params, borrower).return_value
    assert vault.positionOf(loan_id)[1] == 4_000 * USD


def test_the_service_and_the_market_hash_offers_alike(market, borrower):
    o = offer_for(listing(), borrower, collateralToken=borrower, minCollateral=12345)
    digest = market.offerDigest(offer_tuple(o))
    assert bytes(digest) == offer_digest(o, brownie.chain.id, market.address)
