from market_support import DAY, RAY, USD, note_id, pay_amount_due, sleep


def note_ids(loan_id, n):
    return [note_id(loan_id, i) for i in range(n)]


def test_claim_pays_share_of_lender_funds(market, lens, token, drawn, borrower, lenders):
    sleep(30 * DAY)
    tx = pay_amount_due(market, lens, drawn, borrower)
    ev = tx.events["LoanRepaid"]
    to_lenders = tx.return_value - ev["reserveShare"] - ev["servicingFee"]
    acc = market.getLoan(drawn)["accPerShare"]
    assert acc == to_lenders * RAY // (10_000 * USD)
    nid = note_ids(drawn, 1)[0]
    expected = 2_500 * USD * acc // RAY
    assert market.claimable(nid) == expected
    before = token.balanceOf(lenders[0])
    tx = market.claim(nid, {"from": lenders[0]})
    assert tx.return_value == expected
    assert token.balanceOf(lenders[0]) - before == expected
    assert tx.events["Claimed"]["noteId"] == nid and tx.events["Claimed"]["amount"] == expected
    # lenders together never receive more than was distributed to them
    assert 4 * expected <= to_lenders


def test_claim_twice_pays_nothing_the_second_time(market, lens, token, drawn, borrower, lenders):
    sleep(30 * DAY)
    pay_amount_due(market, lens, drawn, borrower)
    nid = note_ids(drawn, 1)[0]
    market.claim(nid, {"from": lenders[0]})
    before = token.balanceOf(lenders[0])
    tx = market.claim(nid, {"from": lenders[0]})
    assert tx.return_value == 0
    assert token.balanceOf(lenders[0]) == before
    assert market.claimable(nid) == 0


def test_claim_many_sums_notes_of_one_holder(market, lens, token, note, drawn, borrower, lenders):
    ids = note_ids(drawn, 4)
    for nid, lender in zip(ids[1:], lenders[1:4], strict=False):
        note.transferFrom(lender, lenders[0], nid, {"from": lender})
    sleep(30 * DAY)
    pay_amount_due(market, lens, drawn, borrower)
    expected = sum(market.claimable(i) for i in ids)
    before = token.balanceOf(lenders[0])
    tx = market.claimMany(ids, {"from": lenders[0]})
    assert tx.return_value == expected
    assert token.balanceOf(lenders[0]) - before == expected
    assert len(tx.events["Claimed"]) == 4


def test_claim_by_non_holder_reverts(market, drawn, outsider, err):
    nid = note_ids(drawn, 1)[0]
    with err("NotNoteHolder", outsider, nid):
        market.claim(nid, {"from": outsider})


def test_claims_follow_the_note(market, lens, note, drawn, borrower, lenders, token):
    sleep(30 * DAY)
    pay_amount_due(market, lens, drawn, borrower)
    nid = note_ids(drawn, 1)[0]
    owed = market.claimable(nid)
    note.transferFrom(lenders[0], lenders[9], nid, {"from": lenders[0]})
    before = token.balanceOf(lenders[9])
    market.claim(nid, {"from": lenders[9]})
    assert token.balanceOf(lenders[9]) - before == owed


def test_claim_works_while_paused_and_wound_down(market, lens, drawn, borrower, lenders, pauser, admin):
    sleep(30 * DAY)
    pay_amount_due(market, lens, drawn, borrower)
    market.pause({"from": pauser})
    market.windDown({"from": admin})
    nid = note_ids(drawn, 1)[0]
    assert market.claim(nid, {"from": lenders[0]}).return_value > 0


def test_full_repayment_distributes_principal_and_interest(market, token, drawn, borrower, lenders):
    sleep(60 * DAY)
    market.repay(drawn, 10**12, {"from": borrower})
    total = 0
    for nid, lender in zip(note_ids(drawn, 4), lenders[:4], strict=False):
        total += market.claim(nid, {"from": lender}).return_value
    assert total > 10_000 * USD
    assert token.balanceOf(market) >= sum(market.pendingFees())


def test_claim_nonexistent_note_reverts(market, lender, err):
    with err("NotNoteHolder", lender, note_id(5, 0)):
        market.claim(note_id(5, 0), {"from": lender})


def test_claiming_often_loses_no_rounding(market, lens, note, borrower, lenders, admin):
    """A note that claims after every repayment receives in total exactly what one claim at the end
    would pay: floor(share * accPerShare / 1e27), not a sum of per-claim floors."""
    from market_support import list_loan, listing

    market.setMinTicket(1, {"from": admin})
    loan_id = list_loan(market, listing(principal=3_001 * USD + 7), borrower).return_value
    shares = [1_000 * USD + 3, 1_000 * USD + 2, 1_001 * USD + 2]
    for amount, lender in zip(shares, lenders[:3], strict=False):
        market.fund(loan_id, amount, {"from": lender})
    market.drawdown(loan_id, {"from": borrower})
    often = 0
    for _ in range(6):
        sleep(30 * DAY)
        pay_amount_due(market, lens, loan_id, borrower)
        often += market.claim(note_id(loan_id, 0), {"from": lenders[0]}).return_value
    acc = market.getLoan(loan_id)["accPerShare"]
    assert often == shares[0] * acc // RAY
    once = market.claim(note_id(loan_id, 1), {"from": lenders[1]}).return_value
    assert once == shares[1] * acc // RAY
