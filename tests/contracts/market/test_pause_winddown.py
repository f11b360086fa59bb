from market_support import DAY, STATUS, USD, list_loan, listing, note_id, pay_amount_due, sleep


def test_pause_blocks_listing_funding_drawdown(market, borrower, lenders, pauser, err):
    loan_id = list_loan(market, listing(), borrower).return_value
    for lender in lenders[:3]:
        market.fund(loan_id, 2_500 * USD, {"from": lender})
    tx = market.pause({"from": pauser})
    assert "Paused" in tx.events and market.paused()
    with err("MarketPaused"):
        list_loan(market, listing(), lenders[9])
    with err("MarketPaused"):
        market.fund(loan_id, 2_500 * USD, {"from": lenders[3]})
    market.unpause({"from": pauser})
    market.fund(loan_id, 2_500 * USD, {"from": lenders[3]})
    market.pause({"from": pauser})
    with err("MarketPaused"):
        market.drawdown(loan_id, {"from": borrower})


def test_pause_never_blocks_repay(market, lens, drawn, borrower, pauser):
    market.pause({"from": pauser})
    sleep(30 * DAY)
    pay_amount_due(market, lens, drawn, borrower)
    assert lens.amountDue(drawn) == 0


def test_pause_blocks_note_transfers(market, note, drawn, lenders, pauser, err):
    market.pause({"from": pauser})
    with err("MarketPaused"):
        note.transferFrom(lenders[0], lenders[5], note_id(drawn, 0), {"from": lenders[0]})


def test_pause_twice_and_unpause_unpaused_revert(market, pauser, err):
    with err("NotPaused"):
        market.unpause({"from": pauser})
    market.pause({"from": pauser})
    with err("AlreadyPaused"):
        market.pause({"from": pauser})


def test_wind_down_blocks_new_business_but_not_exits(
    market, lens, token, drawn, borrowers, lenders, admin, outsider, err
):
    listed2 = list_loan(market, listing(), borrowers[1]).return_value
    market.fund(listed2, 1_000 * USD, {"from": lenders[5]})
    tx = market.windDown({"from": admin})
    assert "WoundDown" in tx.events and market.woundDown()
    with err("MarketWoundDown"):
        list_loan(market, listing(), borrowers[2])
    with err("MarketWoundDown"):
        market.fund(listed2, 1_000 * USD, {"from": lenders[6]})
    with err("MarketWoundDown"):
        market.drawdown(listed2, {"from": borrowers[1]})
    # listings expire at once; lenders withdraw
    before = token.balanceOf(lenders[5])
    market.withdrawFunding(note_id(listed2, 0), {"from": lenders[5]})
    assert token.balanceOf(lenders[5]) - before == 1_000 * USD
    assert market.getLoan(listed2)["status"] == STATUS["Expired"]
    # repayments and claims continue
    sleep(30 * DAY)
    pay_amount_due(market, lens, drawn, borrowers[0])
    assert market.claim(note_id(drawn, 0), {"from": lenders[0]}).return_value > 0
    loans, principal = market.windDownProgress()
    assert loans == 1 and 0 < principal < 10_000 * USD


def test_wind_down_is_irreversible(market, admin, err):
    market.windDown({"from": admin})
    with err("AlreadyWoundDown"):
        market.windDown({"from": admin})


def test_wind_down_progress_reaches_zero(market, drawn, borrower, admin):
    market.windDown({"from": admin})
    assert tuple(market.windDownProgress()) == (1, 10_000 * USD)
    market.repay(drawn, 10**12, {"from": borrower})
    assert tuple(market.windDownProgress()) == (0, 0)
