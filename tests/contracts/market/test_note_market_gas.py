"""Gas of the note market against its aims (buy <= 120,000, offer <= 60,000); writes
reports/gas-note-market.json.

Cases: an offer on a note that has claimed before (its checkpoint word is already written) and on one
that never has (the offer pays for a fresh storage slot); a purchase at or below par by a buyer who
already holds notes from a seller who holds stablecoin (a lender's usual state), a purchase at a premium
(the yield bound walks the remaining schedule), and purchases where the buyer's note balance or the
seller's stablecoin balance is a fresh slot.

Every purchase is measured a minute after the loan's last accrual, so it pays for accruing the loan to
now, as almost every real purchase does (one in the same second as a repayment skips that work and
costs ~2,800 less). Without the pause the figures would depend on whether two blocks fell in the same
second.
"""

import json
import os

from market_support import DAY, USD, list_loan, listing, note_id, pay_amount_due, sleep

AIMS = {
    "NoteMarket.offerNote/claimedBefore": 60_000,
    "NoteMarket.offerNote/neverClaimed": 60_000,
    "NoteMarket.buyNote/atOrBelowPar": 120_000,
}


def test_note_market_gas(market, lens, token, note, borrowers, lenders, admin, accounts):
    gas = {}
    market.setResaleTerms(50, 500, 0, {"from": admin})
    market.setMaxOpenLoansPerBorrower(5, {"from": admin})
    loan = list_loan(market, listing(principal=10_000 * USD), borrowers[0]).return_value
    for i in range(5):
        market.fund(loan, 2_000 * USD, {"from": lenders[i]})
    market.drawdown(loan, {"from": borrowers[0]})
    # the buyers already hold a note, as lenders on the platform do
    other = list_loan(market, listing(principal=1_000 * USD), borrowers[1]).return_value
    for i in (5, 6, 7):
        market.fund(other, 100 * USD, {"from": lenders[i]})

    sleep(30 * DAY)
    pay_amount_due(market, lens, loan, borrowers[0])
    market.claim(note_id(loan, 0), {"from": lenders[0]})
    expiry = lambda: market.getLoan(loan)["lastAccrual"] + 30 * DAY  # noqa: E731

    tx = market.offerNote(note_id(loan, 0), 1_800 * USD, expiry(), {"from": lenders[0]})
    gas["NoteMarket.offerNote/claimedBefore"] = tx.gas_used
    tx = market.offerNote(note_id(loan, 1), 1_800 * USD, expiry(), {"from": lenders[1]})
    gas["NoteMarket.offerNote/neverClaimed"] = tx.gas_used

    sleep(60)
    tx = market.buyNote(note_id(loan, 0), 1_800 * USD, False, {"from": lenders[5]})
    gas["NoteMarket.buyNote/atOrBelowPar"] = tx.gas_used
    sleep(60)
    tx = market.buyNote(note_id(loan, 1), 1_800 * USD, False, {"from": lenders[6]})
    gas["NoteMarket.buyNote/atOrBelowPar/sellerUnclaimed"] = tx.gas_used

    par = lens.quote(note_id(loan, 2), 1)["par"]
    premium = par * 101 // 100
    market.offerNote(note_id(loan, 2), premium, expiry(), {"from": lenders[2]})
    sleep(60)
    tx = market.buyNote(note_id(loan, 2), premium, False, {"from": lenders[7]})
    gas["NoteMarket.buyNote/premium"] = tx.gas_used

    fresh_buyer = accounts[16]  # holds no note yet
    token.approve(market, 2**256 - 1, {"from": fresh_buyer})
    market.offerNote(note_id(loan, 3), 1_800 * USD, expiry(), {"from": lenders[3]})
    sleep(60)
    tx = market.buyNote(note_id(loan, 3), 1_800 * USD, False, {"from": fresh_buyer})
    gas["NoteMarket.buyNote/firstNoteOfBuyer"] = tx.gas_used

    ids = [note_id(loan, 4)]
    tx = market.offerNotes(ids, 200, expiry(), {"from": lenders[4]})
    gas["NoteMarket.offerNotes/1note"] = tx.gas_used
    tx = market.cancelOffers(ids, {"from": lenders[4]})
    gas["NoteMarket.cancelOffers/1note"] = tx.gas_used

    os.makedirs("reports", exist_ok=True)
    with open("reports/gas-note-market.json", "w") as f:
        json.dump({"gas": gas, "aims": AIMS}, f, indent=2, sort_keys=True)
    print()
    for k, v in sorted(gas.items()):
        aim = AIMS.get(k)
        print(f"{k:48s} {v:>9,d}" + (f"   aim <= {aim:,d} {'OK' if v <= aim else 'OVER'}" if aim else ""))
    for k, aim in AIMS.items():
        assert gas[k] <= aim, f"{k}: {gas[k]} > {aim}"
