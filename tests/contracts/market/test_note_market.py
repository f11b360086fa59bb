"""The note market (债权转让): a holder offers a note at a price; a suitable buyer buys it atomically. The
seller receives the price less the resale fee plus what the note earned before the sale; what it earns
after belongs to the buyer. Offers stay within par + 5% and a non-negative yield, expire, are cancelled
by their seller, and end when the note moves or its loan has nothing left to pay."""

import brownie
import pytest
from helpers.chain_time import pin_next_block_time
from market_support import (
    BPS,
    DAY,
    RESERVE_BPS,
    SERVICING_BPS,
    USD,
    list_loan,
    listing,
    note_id,
    pay_amount_due,
    sleep,
)

FEE_BPS = 50
FAR = 2**40 - 1
NET_APR_BPS = 900 * (BPS - SERVICING_BPS - RESERVE_BPS) // BPS  # grade 2 at 9%, less 20% of interest


@pytest.fixture(autouse=True)
def resale_terms(market, admin):
    market.setResaleTerms(FEE_BPS, 500, 0, {"from": admin})


@pytest.fixture
def nid(drawn):
    """lenders[0]'s 2,500 USD note of the drawn 10,000 USD loan."""
    return note_id(drawn, 0)


def expiry(days=7):
    return brownie.chain.time() + days * DAY


def ceil_div(a, b):
    return -(-a // b)


def quote_now(lens, nid, price):
    """The quote at a freshly mined block's time."""
    brownie.chain.mine()
    return lens.quote(nid, price)


# ---------------------------------------------------------------- a sale


def test_a_sale_pays_the_seller_its_earnings_and_the_buyer_what_comes_after(
    market, lens, token, note, drawn, nid, borrower, lenders
):
    seller, buyer = lenders[0], lenders[5]
    sleep(30 * DAY)
    pay_amount_due(market, lens, drawn, borrower)
    earned = market.claimable(nid)
    assert earned > 0
    price = 2_200 * USD  # below par: the first installment repaid about 200 of the note's principal
    market.offerNote(nid, price, expiry(), {"from": seller})
    treasury_before = market.pendingFees()[1]
    seller_before, buyer_before = token.balanceOf(seller), token.balanceOf(buyer)

    tx = market.buyNote(nid, price, False, {"from": buyer})

    fee = ceil_div(price * FEE_BPS, BPS)
    assert token.balanceOf(seller) - seller_before == price - fee + earned
    assert buyer_before - token.balanceOf(buyer) == price
    assert market.pendingFees()[1] - treasury_before == fee
    assert list(tx.events["NoteSold"].values()) == [nid, seller, buyer, price, fee, earned]
    moved = [e for e in tx.events["Transfer"] if e.address == note.address]
    assert [list(e.values()) for e in moved] == [[seller, buyer, nid]]
    assert note.ownerOf(nid) == buyer
    assert market.claimable(nid) == 0
    assert list(market.noteOffer(nid)) == [0, 0]

    # the next installment is the buyer's
    sleep(30 * DAY)
    pay_amount_due(market, lens, drawn, borrower)
    owed = market.claimable(nid)
    assert owed > 0
    with brownie.reverts():
        market.claim(nid, {"from": seller})
    before = token.balanceOf(buyer)
    market.claim(nid, {"from": buyer})
    assert token.balanceOf(buyer) - before == owed


def test_note_balances_and_approvals_follow_a_sale(market, note, nid, lenders):
    seller, buyer, operator = lenders[0], lenders[5], lenders[8]
    note.approve(operator, nid, {"from": seller})
    seller_notes, buyer_notes = note.balanceOf(seller), note.balanceOf(buyer)
    market.offerNote(nid, 2_500 * USD, expiry(), {"from": seller})
    market.buyNote(nid, 2_500 * USD, False, {"from": buyer})
    assert (note.balanceOf(seller), note.balanceOf(buyer)) == (seller_notes - 1, buyer_notes + 1)
    assert note.getApproved(nid) == "0x" + "00" * 20  # the seller's approval does not pass to the buyer
    with brownie.reverts():
        note.transferFrom(buyer, operator, nid, {"from": operator})


def test_a_claim_before_the_sale_keeps_the_offer(market, lens, drawn, nid, borrower, lenders):
    market.offerNote(nid, 2_200 * USD, expiry(60), {"from": lenders[0]})
    sleep(30 * DAY)
    pay_amount_due(market, lens, drawn, borrower)
    market.claim(nid, {"from": lenders[0]})
    assert market.noteOffer(nid)[0] == 2_200 * USD
    tx = market.buyNote(nid, 2_200 * USD, False, {"from": lenders[5]})
    assert tx.events["NoteSold"]["sellerEarned"] == 0


# ---------------------------------------------------------------- bounds


def test_an_offer_above_par_plus_the_premium_bound_is_refused(market, nid, lenders, err):
    cap = 2_500 * USD * 105 // 100  # just drawn: par is the principal share
    with err("ResalePriceOutOfBounds", nid, cap + 1, cap):
        market.offerNote(nid, cap + 1, expiry(), {"from": lenders[0]})
    with err("ResalePriceOutOfBounds", nid, 0, cap):
        market.offerNote(nid, 0, expiry(), {"from": lenders[0]})
    market.offerNote(nid, cap, expiry(), {"from": lenders[0]})


def test_governance_moves_the_premium_bound(market, nid, lenders, admin, err):
    market.setResaleTerms(FEE_BPS, 100, 0, {"from": admin})
    cap = 2_500 * USD * 101 // 100
    with err("ResalePriceOutOfBounds", nid, cap + 1, cap):
        market.offerNote(nid, cap + 1, expiry(), {"from": lenders[0]})


def test_a_premium_that_would_yield_less_than_nothing_is_refused_at_purchase(
    market, lens, drawn, nid, borrower, lenders, err
):
    # near maturity the remaining interest is far below 5% of par: a 4% premium is a sure loss
    for _ in range(11):
        sleep(30 * DAY)
        pay_amount_due(market, lens, drawn, borrower)
    principal = market.outstandingPrincipal(drawn) * 2_500 // 10_000
    price = principal * 104 // 100
    market.offerNote(nid, price, expiry(), {"from": lenders[0]})  # within par + 5%
    q = quote_now(lens, nid, price)
    assert q["yieldBps"] < 0 and q["maxPrice"] < price
    with err("ResalePriceOutOfBounds"):
        market.buyNote(nid, price, False, {"from": lenders[5]})


def test_a_minimum_yield_above_the_loan_rate_refuses_a_sale_at_par(market, lens, nid, lenders, admin, err):
    market.offerNote(nid, 2_500 * USD, expiry(), {"from": lenders[0]})
    market.setResaleTerms(FEE_BPS, 500, NET_APR_BPS + 100, {"from": admin})
    with err("ResalePriceOutOfBounds"):
        market.buyNote(nid, 2_500 * USD, False, {"from": lenders[5]})
    market.setResaleTerms(FEE_BPS, 500, NET_APR_BPS - 100, {"from": admin})
    market.buyNote(nid, 2_500 * USD, False, {"from": lenders[5]})


def test_resale_terms_are_bounded(market, admin, err):
    with err("ParameterOutOfBounds"):
        market.setResaleTerms(101, 500, 0, {"from": admin})
    with err("ParameterOutOfBounds"):
        market.setResaleTerms(100, 2_001, 0, {"from": admin})
    tx = market.setResaleTerms(100, 2_000, 300, {"from": admin})
    assert list(tx.events["ResaleTermsSet"].values()) == [100, 2_000, 300]
    c = market.config()
    assert (c["resaleFeeBps"], c["maxPremiumBps"], c["minYieldBps"]) == (100, 2_000, 300)


# ---------------------------------------------------------------- quote


def test_the_quote_gives_par_price_yield_and_distress(market, lens, drawn, nid):
    sleep(10 * DAY)
    q = quote_now(lens, nid, 2_500 * USD)
    loan = market.getLoan(drawn)
    assert q["principal"] == 2_500 * USD
    keep = BPS - SERVICING_BPS - RESERVE_BPS
    assert q["accruedInterest"] == 2_500 * USD * loan["interestUnpaid"] * keep // (10_000 * USD * BPS)
    assert q["par"] == q["principal"] + q["accruedInterest"]
    assert q["priceBpsOfPar"] == 2_500 * USD * BPS // q["par"]
    assert q["daysPastDue"] == 0 and not q["distressed"]
    assert q["remainingPeriods"] == 12
    at_par = lens.quote(nid, q["par"])
    assert abs(at_par["yieldBps"] - NET_APR_BPS) <= 3  # at par a note yields its loan's net rate
    assert lens.quote(nid, q["par"] * 95 // 100)["yieldBps"] > NET_APR_BPS + 100
    assert lens.quote(nid, q["par"] * 105 // 100)["yieldBps"] < NET_APR_BPS - 100
    # the most the market accepts: par + 5%, or less where that would yield less than nothing
    cap = at_par["maxPrice"]
    assert q["par"] < cap <= q["par"] * 105 // 100
    assert lens.quote(nid, cap)["yieldBps"] >= 0 > lens.quote(nid, cap + USD)["yieldBps"]


def test_a_late_loan_sells_only_as_distressed(market, lens, drawn, nid, lenders, err):
    market.offerNote(nid, 1_500 * USD, expiry(90), {"from": lenders[0]})
    sleep(65 * DAY)  # the first installment is 35 days late
    ts = pin_next_block_time()
    dpd = -(-(ts - (market.getLoan(drawn)["drawnAt"] + 30 * DAY)) // DAY)
    with err("NoteDistressed", nid, dpd):
        market.buyNote(nid, 1_500 * USD, False, {"from": lenders[5]})
    q = lens.quote(nid, 1_500 * USD)
    assert q["distressed"] and q["daysPastDue"] > 30 and q["yieldBps"] == 0
    tx = market.buyNote(nid, 1_500 * USD, True, {"from": lenders[5]})
    assert tx.events["NoteSold"]["buyer"] == lenders[5]


def test_a_defaulted_loan_sells_as_distressed(market, drawn, nid, lenders, outsider):
    market.offerNote(nid, 500 * USD, expiry(90), {"from": lenders[0]})
    sleep(89 * DAY)
    market.offerNote(nid, 500 * USD, expiry(90), {"from": lenders[0]})  # renewed
    sleep(35 * DAY)
    market.markDefault(drawn, {"from": outsider})
    with brownie.reverts():
        market.buyNote(nid, 500 * USD, False, {"from": lenders[5]})
    market.buyNote(nid, 500 * USD, True, {"from": lenders[5]})


def test_the_quote_refuses_a_note_with_nothing_to_sell(market, lens, listed, lenders, err):
    nid = market.fund(listed, 1_000 * USD, {"from": lenders[0]}).return_value
    with err("NoteNotForSale", nid):
        lens.quote(nid, 1_000 * USD)


# ---------------------------------------------------------------- who may buy and sell


def test_the_buyer_must_pass_what_funding_requires(
    market, identity, drawn, nid, borrower, lenders, admin, err
):
    market.offerNote(nid, 2_500 * USD, expiry(), {"from": lenders[0]})
    identity.set(lenders[7], 2, 1, FAR, False, {"from": admin})
    market.setMinRiskClass(2, 3, {"from": admin})
    with err("NotSuitable", lenders[7], 1, 3):
        market.buyNote(nid, 2_500 * USD, False, {"from": lenders[7]})
    with err("BorrowerCannotHoldNote", drawn):
        market.buyNote(nid, 2_500 * USD, False, {"from": borrower})
    identity.freeze(lenders[6], 1, {"from": admin})
    with err("NotEligible", lenders[6]):
        market.buyNote(nid, 2_500 * USD, False, {"from": lenders[6]})
    with err("CannotBuyOwnNote", nid):
        market.buyNote(nid, 2_500 * USD, False, {"from": lenders[0]})


def test_a_frozen_seller_cannot_sell(market, identity, nid, lenders, admin, err):
    market.offerNote(nid, 2_500 * USD, expiry(), {"from": lenders[0]})
    identity.freeze(lenders[0], 1, {"from": admin})
    with err("WalletFrozen", lenders[0]):
        market.buyNote(nid, 2_500 * USD, False, {"from": lenders[5]})


def test_only_the_holder_offers_and_cancels(market, nid, lenders, err):
    with err("NotNoteHolder", lenders[1], nid):
        market.offerNote(nid, 2_500 * USD, expiry(), {"from": lenders[1]})
    market.offerNote(nid, 2_500 * USD, expiry(), {"from": lenders[0]})
    with err("NotNoteHolder", lenders[1], nid):
        market.cancelOffers([nid], {"from": lenders[1]})
    tx = market.cancelOffers([nid], {"from": lenders[0]})
    assert list(tx.events["NoteOfferCancelled"].values()) == [nid, lenders[0]]
    with err("NoOffer", nid):
        market.buyNote(nid, 2_500 * USD, False, {"from": lenders[5]})
    with err("NoOffer", nid):
        market.cancelOffers([nid], {"from": lenders[0]})


def test_the_buyer_never_pays_more_than_its_limit(market, nid, lenders, err):
    market.offerNote(nid, 2_500 * USD, expiry(), {"from": lenders[0]})
    market.offerNote(nid, 2_600 * USD, expiry(), {"from": lenders[0]})  # repriced before the purchase lands
    with err("PriceAboveLimit", nid, 2_600 * USD, 2_500 * USD):
        market.buyNote(nid, 2_500 * USD, False, {"from": lenders[5]})


def test_nothing_sells_while_paused_and_resale_continues_after_wind_down(
    market, nid, lenders, admin, pauser, err
):
    market.offerNote(nid, 2_500 * USD, expiry(), {"from": lenders[0]})
    market.pause({"from": pauser})
    with err("MarketPaused"):
        market.buyNote(nid, 2_500 * USD, False, {"from": lenders[5]})
    with err("MarketPaused"):
        market.offerNote(nid, 2_500 * USD, expiry(), {"from": lenders[0]})
    market.unpause({"from": pauser})
    market.windDown({"from": admin})
    market.buyNote(nid, 2_500 * USD, False, {"from": lenders[5]})


# ---------------------------------------------------------------- offer lifecycle


def test_an_offer_expires(market, nid, lenders, err):
    end = expiry(3)
    market.offerNote(nid, 2_500 * USD, end, {"from": lenders[0]})
    sleep(3 * DAY + 1)
    with err("OfferExpired", nid, end):
        market.buyNote(nid, 2_500 * USD, False, {"from": lenders[5]})


def test_an_offer_needs_a_future_expiry_within_90_days(market, nid, lenders, err):
    with err("InvalidOfferExpiry"):
        market.offerNote(nid, 2_500 * USD, brownie.chain.time() - 1, {"from": lenders[0]})
    with err("InvalidOfferExpiry"):
        market.offerNote(nid, 2_500 * USD, expiry(91), {"from": lenders[0]})


def test_a_transfer_voids_the_offer(market, note, nid, lenders, err):
    market.offerNote(nid, 2_500 * USD, expiry(), {"from": lenders[0]})
    tx = note.transferFrom(lenders[0], lenders[1], nid, {"from": lenders[0]})
    assert list(tx.events["NoteOfferCancelled"].values()) == [nid, lenders[0]]
    # back with the seller: the old offer does not come back with it
    note.transferFrom(lenders[1], lenders[0], nid, {"from": lenders[1]})
    with err("NoOffer", nid):
        market.buyNote(nid, 2_500 * USD, False, {"from": lenders[5]})


def test_a_note_of_a_repaid_loan_is_not_for_sale(market, drawn, nid, borrower, lenders, err):
    market.offerNote(nid, 2_500 * USD, expiry(), {"from": lenders[0]})
    market.repay(drawn, market.payoffAmount(drawn) + 10 * USD, {"from": borrower})
    with err("NoteNotForSale", nid):
        market.buyNote(nid, 2_500 * USD, False, {"from": lenders[5]})
    with err("NoteNotForSale", nid):
        market.offerNote(nid, 100, expiry(), {"from": lenders[0]})


def test_a_note_of_a_listing_not_drawn_is_not_for_sale(market, listed, lenders, err):
    nid = market.fund(listed, 1_000 * USD, {"from": lenders[0]}).return_value
    with err("NoteNotForSale", nid):
        market.offerNote(nid, 1_000 * USD, expiry(), {"from": lenders[0]})


# ---------------------------------------------------------------- early exit


def test_a_lender_offers_its_whole_book_at_one_discount(market, lens, borrowers, lenders, nid):
    second = list_loan(market, listing(principal=2_000 * USD), borrowers[1]).return_value
    market.fund(second, 2_000 * USD, {"from": lenders[0]})
    market.drawdown(second, {"from": borrowers[1]})
    ids = [nid, note_id(second, 0)]
    sleep(5 * DAY)
    ts = pin_next_block_time()
    tx = market.offerNotes(ids, 200, ts + 7 * DAY, {"from": lenders[0]})
    prices = [e["price"] for e in tx.events["NoteOffered"]]
    assert tx.return_value == sum(prices)
    for i, price in zip(ids, prices, strict=True):
        par = lens.quote(i, price)["par"]  # same block time: the chain has not moved since
        assert price == par * 9_800 // BPS
    market.buyNote(ids[1], prices[1], False, {"from": lenders[5]})
