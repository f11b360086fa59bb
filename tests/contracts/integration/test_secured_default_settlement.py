"""A defaulted secured loan is settled by liquidating its collateral through the real market and vault."""

from integration_support import MAX_UINT, USD, WETH, list_with_offer

from backend.loans.note_ids import note_id

ZERO = "0x0000000000000000000000000000000000000000"


def test_one_liquidation_settles_the_whole_debt(lending, defaulted_secured_loan, stablecoin):
    market, vault, buyer = lending["market"], lending["vault"], lending["buyer"]
    loan_id = defaulted_secured_loan
    owed = market.payoffAmount(loan_id)
    assert owed > market.outstandingPrincipal(loan_id)  # interest and late fees come first in the waterfall

    stablecoin.approve(vault, MAX_UINT, {"from": buyer})
    tx = vault.liquidate(loan_id, MAX_UINT, MAX_UINT, {"from": buyer})

    bought, payment = tx.return_value
    # the least collateral that covers the debt, at its full discounted value: at most a unit's worth
    # more than the debt, and the market credits that to the borrower
    assert owed <= payment <= owed + 1
    assert tx.events["LiquidationProceedsReceived"]["refundedToBorrower"] == payment - owed
    assert market.payoffAmount(loan_id) == 0
    assert market.outstandingPrincipal(loan_id) == 0


def test_surplus_collateral_returns_to_the_borrower_when_liquidation_settles(
    lending, defaulted_secured_loan, stablecoin
):
    vault, weth = lending["vault"], lending["weth"]
    borrower, buyer = lending["borrower"], lending["buyer"]
    loan_id = defaulted_secured_loan
    stablecoin.approve(vault, MAX_UINT, {"from": buyer})

    bought, _ = vault.liquidate(loan_id, MAX_UINT, MAX_UINT, {"from": buyer}).return_value

    assert 0 < bought < 10 * WETH
    assert weth.balanceOf(buyer) == bought
    assert weth.balanceOf(borrower) == 10 * WETH - bought
    assert vault.positionOf(loan_id)[1] == 0
    assert weth.balanceOf(vault) == 0


def test_partial_liquidation_keeps_the_rest_of_the_collateral_pledged(
    lending, defaulted_secured_loan, stablecoin
):
    market, vault, weth = lending["market"], lending["vault"], lending["weth"]
    borrower, buyer = lending["borrower"], lending["buyer"]
    loan_id = defaulted_secured_loan
    stablecoin.approve(vault, MAX_UINT, {"from": buyer})

    bought, payment = vault.liquidate(loan_id, 1 * WETH, MAX_UINT, {"from": buyer}).return_value

    assert bought == 1 * WETH
    assert payment == 2_850 * USD  # 3,000 USD less the 5% discount
    assert market.payoffAmount(loan_id) > 0
    assert weth.balanceOf(borrower) == 0
    assert vault.positionOf(loan_id)[1] == 9 * WETH


def test_lenders_can_claim_every_unit_the_liquidation_recovered(lending, defaulted_secured_loan, stablecoin):
    market, vault, lender, buyer = lending["market"], lending["vault"], lending["lender"], lending["buyer"]
    loan_id = defaulted_secured_loan
    nid = note_id(loan_id, 0)  # the loan's only note
    claimed_before = market.claimable(nid)
    owed = market.payoffAmount(loan_id)
    stablecoin.approve(vault, MAX_UINT, {"from": buyer})

    vault.liquidate(loan_id, MAX_UINT, MAX_UINT, {"from": buyer})

    # After default the whole recovery goes to the notes: no servicing fee or reserve share. What the buyer
    # paid beyond the debt went back to the borrower, not to the notes.
    assert market.claimable(nid) - claimed_before == owed
    balance_before = stablecoin.balanceOf(lender)
    market.claim(nid, {"from": lender})
    assert stablecoin.balanceOf(lender) - balance_before == owed + claimed_before


def test_wind_down_lets_a_defaulted_secured_loan_run_off(
    lending, defaulted_secured_loan, stablecoin, admin, reverts_with
):
    market, vault, weth = lending["market"], lending["vault"], lending["weth"]
    borrower, lender, buyer = lending["borrower"], lending["lender"], lending["buyer"]
    loan_id = defaulted_secured_loan
    market.windDown({"from": admin})
    with reverts_with("MarketWoundDown"):
        list_with_offer(market, (1_000 * USD, 0, 3, 30 * 86_400, 10**10, ZERO, 0), lender)

    stablecoin.approve(vault, MAX_UINT, {"from": buyer})
    owed = market.payoffAmount(loan_id)
    bought, payment = vault.liquidate(loan_id, MAX_UINT, MAX_UINT, {"from": buyer}).return_value

    assert market.payoffAmount(loan_id) == 0
    assert weth.balanceOf(borrower) == 10 * WETH - bought  # surplus released during wind-down too
    before = stablecoin.balanceOf(lender)
    market.claim(note_id(loan_id, 0), {"from": lender})
    assert stablecoin.balanceOf(lender) - before == owed
    assert market.windDownProgress()[1] == 0  # no principal outstanding once the last loan settled
