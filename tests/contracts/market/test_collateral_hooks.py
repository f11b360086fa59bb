import brownie
from helpers.chain_time import pin_next_block_time
from market_support import DAY, RAY, STATUS, USD, listing, sleep


def secured(market, borrower, collateral, amount=5_000 * USD):
    return market.list(listing(collateral_token=collateral, collateral_amount=amount), {"from": borrower}).return_value


def test_secured_listing_pledges_collateral(market, vault, collateral, borrower):
    before = collateral.balanceOf(borrower)
    tx = market.list(listing(collateral_token=collateral, collateral_amount=5_000 * USD), {"from": borrower})
    loan_id = tx.return_value
    assert tx.events["CollateralPledged"]["amount"] == 5_000 * USD
    assert tuple(vault.positionOf(loan_id)) == (collateral, 5_000 * USD)
    assert before - collateral.balanceOf(borrower) == 5_000 * USD
    assert market.getLoan(loan_id)["flags"] & 1


def test_cancel_releases_collateral(market, vault, collateral, borrower):
    loan_id = secured(market, borrower, collateral)
    tx = market.cancel(loan_id, {"from": borrower})
    assert "CollateralReleased" in tx.events
    assert vault.positionOf(loan_id)[1] == 0


def test_expiry_releases_collateral(market, vault, collateral, borrower, outsider):
    loan_id = secured(market, borrower, collateral)
    sleep(7 * DAY + 100)
    market.expire(loan_id, {"from": outsider})
    assert vault.positionOf(loan_id)[1] == 0


def test_full_repayment_releases_collateral(market, vault, collateral, borrower, lenders):
    loan_id = secured(market, borrower, collateral)
    for l in lenders[:4]:
        market.fund(loan_id, 2_500 * USD, {"from": l})
    market.drawdown(loan_id, {"from": borrower})
    market.repay(loan_id, 10**12, {"from": borrower})
    assert vault.positionOf(loan_id)[1] == 0 and vault.releases() == 1


def test_liquidation_proceeds_enter_waterfall(market, vault, collateral, token, borrower, lenders, outsider):
    loan_id = secured(market, borrower, collateral)
    for l in lenders[:4]:
        market.fund(loan_id, 2_500 * USD, {"from": l})
    market.drawdown(loan_id, {"from": borrower})
    sleep(40 * DAY)
    token.approve(vault, 2**256 - 1, {"from": outsider})
    tx = vault.liquidate(loan_id, 1_000 * USD, 1_000 * USD, {"from": outsider})
    ev = tx.events["LoanRepaid"]
    assert ev["lateFee"] > 0 and ev["interest"] > 0 and ev["principal"] > 0
    assert ev["reserveShare"] > 0  # a performing loan: fees apply
    assert tx.events["LiquidationProceedsReceived"]["refundedToBorrower"] == 0


def test_cover_waits_for_collateral_exhaustion(market, vault, collateral, token, borrower, lenders, outsider, err):
    loan_id = secured(market, borrower, collateral)
    for l in lenders[:4]:
        market.fund(loan_id, 2_500 * USD, {"from": l})
    market.drawdown(loan_id, {"from": borrower})
    sleep(121 * DAY)
    market.markDefault(loan_id, {"from": outsider})
    with err("CollateralNotExhausted", loan_id, 5_000 * USD):
        market.coverFromReserve(loan_id, {"from": outsider})
    token.approve(vault, 2**256 - 1, {"from": outsider})
    acc0 = market.getLoan(loan_id)["accPerShare"]
    tx = vault.liquidate(loan_id, 5_000 * USD, 4_000 * USD, {"from": outsider})
    ev = tx.events["LoanRepaid"]
    assert ev["reserveShare"] == 0 and ev["servicingFee"] == 0  # a recovery goes wholly to notes
    assert market.getLoan(loan_id)["accPerShare"] - acc0 == 4_000 * USD * RAY // (10_000 * USD)
    market.coverFromReserve(loan_id, {"from": outsider})


def test_excess_proceeds_refunded_to_borrower(market, vault, collateral, token, borrower, lenders, outsider):
    loan_id = secured(market, borrower, collateral)
    for l in lenders[:4]:
        market.fund(loan_id, 2_500 * USD, {"from": l})
    market.drawdown(loan_id, {"from": borrower})
    token.approve(vault, 2**256 - 1, {"from": outsider})
    pin_next_block_time()  # the payoff at the liquidation's own block: it accrues per second
    payoff = market.payoffAmount(loan_id, block_identifier="pending")
    b0 = token.balanceOf(borrower)
    tx = vault.liquidate(loan_id, 5_000 * USD, 20_000 * USD, {"from": outsider})
    refund = tx.events["LiquidationProceedsReceived"]["refundedToBorrower"]
    assert refund == 20_000 * USD - payoff
    assert token.balanceOf(borrower) - b0 == refund
    assert market.getLoan(loan_id)["status"] == STATUS["Repaid"]


def test_proceeds_only_from_vault(market, vault, drawn, outsider, err):
    with err("NotCollateralVault", outsider):
        market.receiveLiquidationProceeds(drawn, 1, {"from": outsider})


def test_proceeds_for_listed_loan_revert(market, vault, collateral, token, borrower, outsider, err):
    loan_id = secured(market, borrower, collateral)
    token.approve(vault, 2**256 - 1, {"from": outsider})
    with err("InvalidLoanStatus", loan_id, STATUS["Listed"]):
        vault.liquidate(loan_id, 0, 1, {"from": outsider})


def test_outstanding_principal_view(market, drawn):
    assert market.outstandingPrincipal(drawn) == 10_000 * USD
