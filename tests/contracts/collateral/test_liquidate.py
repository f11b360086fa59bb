"""liquidate: who may buy, how much, at what price; caps at the position and at the loan's payoff;
surplus back to the borrower; slippage.

The market double's payoff is what `setOutstanding` sets (it charges no interest), so "owed" below is
both its outstanding principal and its payoff."""

import pytest
from brownie import web3
from collateral_support import E18, MAX_UINT, THRESHOLD, USD

PRINCIPAL = 1000 * USD
P2000 = 2000 * 10**8
P1100 = 1100 * 10**8  # LTV 1000/1100 = 90.9%: above the 85% threshold


@pytest.fixture
def loan(configured, pledge, market, admin):
    """Loan 1: 1 WETH pledged for $1,000 principal (LTV 50% at $2,000), drawn down."""
    pledge(1, E18, PRINCIPAL)
    market.setOutstanding(1, PRINCIPAL, {"from": admin})
    return 1


@pytest.fixture
def buyer_funds(fund_buyer):
    fund_buyer(100_000 * USD)


def _ints(values):
    # Brownie's ReturnValue refuses to compare its Wei members with a tuple of plain ints.
    return tuple(int(v) for v in values)


def _held(vault, loan_id):
    return int(vault.positionOf(loan_id)[1])


def test_liquidate_partial(configured, loan, market, feed, weth, stable, buyer, buyer_funds, admin, math_):
    feed.setPrice(P1100, {"from": admin})
    assert configured.isLiquidatable(loan)
    amount = E18 // 10
    quote = configured.quoteLiquidation(loan, amount)
    tx = configured.liquidate(loan, amount, MAX_UINT, {"from": buyer})
    payment = math_.ceil(math_.value(amount, P1100, factor=9500))
    assert payment == 104_500_000  # 0.1 WETH * $1,100 * 95%
    assert _ints(tx.return_value) == (amount, payment) == _ints(quote)
    assert weth.balanceOf(buyer) == amount
    assert stable.balanceOf(market) == payment
    assert market.outstandingPrincipal(loan) == PRINCIPAL - payment
    assert market.proceeds(loan) == payment
    assert _held(configured, loan) == E18 - amount
    assert weth.balanceOf(configured) == E18 - amount
    assert tx.events["CollateralLiquidated"] == {
        "loanId": loan,
        "buyer": buyer,
        "collateralAmount": amount,
        "payment": payment,
    }
    assert tx.events["ProceedsReceived"] == {"loanId": loan, "amount": payment}


def test_liquidate_full_cappedAtPayoff(
    configured, loan, market, feed, weth, stable, borrower, buyer, buyer_funds, admin, math_, err
):
    feed.setPrice(P1100, {"from": admin})
    tx = configured.liquidate(loan, MAX_UINT, MAX_UINT, {"from": buyer})
    bought, payment = tx.return_value
    # all of 1 WETH would cost $1,045 > $1,000 owed: the buyer gets the least collateral that repays it
    unit = math_.value(1, P1100, factor=9500)  # discounted value of one wei
    assert bought == math_.ceil(PRINCIPAL / unit)
    assert (bought - 1) * unit < PRINCIPAL <= bought * unit
    # and pays its full discounted value, rounded up: here one micro-dollar over the payoff
    assert payment == math_.ceil(bought * unit) == PRINCIPAL + 1
    assert market.outstandingPrincipal(loan) == 0
    assert stable.balanceOf(market) == PRINCIPAL
    assert market.refunded(loan) == stable.balanceOf(borrower) == 1
    assert _held(configured, loan) == E18 - bought
    # nothing outstanding: no further liquidation, the surplus waits for release
    with err("NothingOutstanding", loan):
        configured.liquidate(loan, 1, MAX_UINT, {"from": buyer})
    assert not configured.isLiquidatable(loan)


def test_liquidate_nothingOutstanding(configured, loan, market, feed, buyer, buyer_funds, admin, err):
    market.setDefaulted(loan, True, {"from": admin})
    market.setOutstanding(loan, 0, {"from": admin})
    with err("NothingOutstanding", loan):
        configured.liquidate(loan, 1, MAX_UINT, {"from": buyer})


def test_liquidate_surplusReturnedByMarketRelease(
    configured, loan, market, feed, weth, borrower, buyer, buyer_funds, admin
):
    feed.setPrice(P1100, {"from": admin})
    bought, _ = configured.liquidate(loan, MAX_UINT, MAX_UINT, {"from": buyer}).return_value
    tx = market.release(loan, {"from": admin})
    assert weth.balanceOf(borrower) == E18 - bought
    assert weth.balanceOf(configured) == 0
    assert tx.events["CollateralReleased"]["amount"] == E18 - bought


def test_liquidate_surplusReleasedInsideProceedsCall(
    configured, loan, market, feed, weth, borrower, buyer, buyer_funds, admin
):
    # The market may release from inside receiveLiquidationProceeds: the vault must not block it.
    market.setAutoRelease(True, {"from": admin})
    feed.setPrice(P1100, {"from": admin})
    tx = configured.liquidate(loan, MAX_UINT, MAX_UINT, {"from": buyer})
    bought, _ = tx.return_value
    assert market.outstandingPrincipal(loan) == 0
    assert weth.balanceOf(buyer) == bought
    assert weth.balanceOf(borrower) == E18 - bought
    assert weth.balanceOf(configured) == 0
    assert _held(configured, loan) == 0
    names = [e.name for e in tx.events]
    assert names.index("CollateralLiquidated") < names.index("CollateralReleased")


def test_liquidate_afterDefault_atHealthyLtv(
    configured, loan, market, weth, buyer, buyer_funds, admin, err, math_
):
    with err("NotLiquidatable", loan, 5000, THRESHOLD):
        configured.liquidate(loan, E18 // 4, MAX_UINT, {"from": buyer})
    market.setDefaulted(loan, True, {"from": admin})
    assert configured.isLiquidatable(loan)
    bought, payment = configured.liquidate(loan, E18 // 4, MAX_UINT, {"from": buyer}).return_value
    assert bought == E18 // 4
    assert payment == 475 * USD  # 0.25 * 2000 * 95%


def test_liquidate_afterPartialRecovery(
    configured, loan, market, feed, weth, borrower, buyer, buyer_funds, admin, math_
):
    # Defaulted; two partial sales, then the rest caps at what is still owed.
    market.setDefaulted(loan, True, {"from": admin})
    feed.setPrice(P1100, {"from": admin})
    paid = 0
    for amount in (E18 // 5, E18 // 3):
        paid += configured.liquidate(loan, amount, MAX_UINT, {"from": buyer}).return_value[1]
    assert market.outstandingPrincipal(loan) == PRINCIPAL - paid
    bought, payment = configured.liquidate(loan, MAX_UINT, MAX_UINT, {"from": buyer}).return_value
    assert payment - market.refunded(loan) == PRINCIPAL - paid  # the market books what was still owed
    assert market.outstandingPrincipal(loan) == 0
    assert market.proceeds(loan) == PRINCIPAL
    assert weth.balanceOf(buyer) + _held(configured, loan) == E18


def test_liquidate_afterRepaymentRestoresHealth(
    configured, loan, market, feed, buyer, buyer_funds, admin, err
):
    feed.setPrice(P1100, {"from": admin})
    market.setOutstanding(loan, 400 * USD, {"from": admin})  # borrower repaid: LTV 36.36%
    with err("NotLiquidatable", loan, 3636, THRESHOLD):
        configured.liquidate(loan, 1, MAX_UINT, {"from": buyer})
    assert not configured.isLiquidatable(loan)


def test_liquidate_healthyLoanRefused(configured, loan, feed, buyer, buyer_funds, admin, err):
    feed.setPrice(1177 * 10**8, {"from": admin})  # LTV 84.96%: just below the threshold
    with err("NotLiquidatable", loan, 8496, THRESHOLD):
        configured.liquidate(loan, 1, MAX_UINT, {"from": buyer})
    assert not configured.isLiquidatable(loan)
    assert configured.ltvBps(loan) == 8496


def test_liquidate_atExactThreshold(configured, loan, feed, buyer, buyer_funds, admin):
    # $1,000 / $1,176.470588 = 85.000000%: value rounds down, so LTV reaches the threshold exactly
    feed.setPrice(117647058823, {"from": admin})
    assert configured.ltvBps(loan) == THRESHOLD
    assert configured.isLiquidatable(loan)
    configured.liquidate(loan, 1000, MAX_UINT, {"from": buyer})


def test_liquidate_slippage(configured, loan, feed, buyer, buyer_funds, admin, err):
    feed.setPrice(P1100, {"from": admin})
    with err("SlippageExceeded", 104_500_000, 104_499_999):
        configured.liquidate(loan, E18 // 10, 104_499_999, {"from": buyer})
    configured.liquidate(loan, E18 // 10, 104_500_000, {"from": buyer})


def test_liquidate_slippageOnPriceMoveBetweenQuoteAndTx(
    configured, loan, feed, buyer, buyer_funds, admin, err
):
    feed.setPrice(P1100, {"from": admin})
    _, quoted = configured.quoteLiquidation(loan, E18 // 10)
    feed.setPrice(1150 * 10**8, {"from": admin})  # the price rises before the buyer's transaction
    with err("SlippageExceeded"):
        configured.liquidate(loan, E18 // 10, quoted, {"from": buyer})


def test_liquidate_paymentRoundsUp(configured, loan, feed, buyer, buyer_funds, admin, math_):
    feed.setPrice(P1100, {"from": admin})
    amount = 123_456_789  # wei: worth 0.000000129... USD, still pays one micro-dollar
    bought, payment = configured.liquidate(loan, amount, MAX_UINT, {"from": buyer}).return_value
    exact = math_.value(amount, P1100, factor=9500)
    assert 0 < exact < 1
    assert payment == math_.ceil(exact) == 1


def test_liquidate_collateralWorthLessThanDebt(
    configured, loan, market, feed, weth, buyer, buyer_funds, admin, err
):
    feed.setPrice(500 * 10**8, {"from": admin})
    bought, payment = configured.liquidate(loan, MAX_UINT, MAX_UINT, {"from": buyer}).return_value
    assert bought == E18
    assert payment == 475 * USD
    assert market.outstandingPrincipal(loan) == PRINCIPAL - payment  # the shortfall stays with the market
    assert _held(configured, loan) == 0
    with err("NoPosition", loan):
        configured.liquidate(loan, 1, MAX_UINT, {"from": buyer})
    tx = market.release(loan, {"from": admin})
    assert "CollateralReleased" not in tx.events


def test_liquidate_zeroAmount(configured, loan, market, buyer, admin, err):
    market.setDefaulted(loan, True, {"from": admin})
    with err("ZeroAmount"):
        configured.liquidate(loan, 0, MAX_UINT, {"from": buyer})


def test_liquidate_noPosition(configured, buyer, err):
    with err("NoPosition", 9):
        configured.liquidate(9, 1, MAX_UINT, {"from": buyer})


def test_liquidate_releasedPositionGone(configured, loan, market, buyer, admin, err):
    market.setDefaulted(loan, True, {"from": admin})
    market.release(loan, {"from": admin})
    with err("NoPosition", loan):
        configured.liquidate(loan, 1, MAX_UINT, {"from": buyer})


def test_liquidate_buyerWithoutAllowance(configured, loan, market, stable, buyer, admin, err):
    market.setDefaulted(loan, True, {"from": admin})
    stable.mint(buyer, 10_000 * USD, {"from": buyer})
    with err("ERC20InsufficientAllowance"):
        configured.liquidate(loan, E18 // 10, MAX_UINT, {"from": buyer})


def test_liquidate_anyoneMay(configured, loan, market, feed, weth, borrower, fund_buyer, admin, accounts):
    feed.setPrice(P1100, {"from": admin})
    for who in (accounts[7], borrower):
        fund_buyer(1_000 * USD, who)
        configured.liquidate(loan, E18 // 100, MAX_UINT, {"from": who})
        assert weth.balanceOf(who) >= E18 // 100


def test_liquidate_reconfiguredThresholdAppliesToOpenPositions(
    configured, loan, feed, weth, risk, buyer, buyer_funds, err
):
    from collateral_support import params

    with err("NotLiquidatable", loan, 5000, THRESHOLD):
        configured.liquidate(loan, 1, MAX_UINT, {"from": buyer})
    configured.configureCollateral(weth, params(feed, threshold=5000, max_ltv=[4000] * 7), {"from": risk})
    configured.liquidate(loan, 1000, MAX_UINT, {"from": buyer})


def test_views_matchLiquidation(configured, loan, feed, market, admin, math_):
    feed.setPrice(P1100, {"from": admin})
    assert configured.collateralValue(loan) == 1100 * USD
    assert configured.ltvBps(loan) == 9090
    assert _ints(configured.quoteLiquidation(loan, 0)) == (0, 0)
    assert _ints(configured.quoteLiquidation(77, E18)) == (0, 0)
    market.setOutstanding(loan, 0, {"from": admin})
    assert configured.ltvBps(loan) == 0
    assert _ints(configured.quoteLiquidation(loan, E18)) == (0, 0)


def test_ltv_zeroValue(configured, pledge, market, feed, admin):
    # 1 wei is worth nothing after rounding: LTV reads as the maximum, so the position is liquidatable
    pledge(1, 1, 0)
    market.setOutstanding(1, 1, {"from": admin})
    assert configured.ltvBps(1) == MAX_UINT
    assert configured.isLiquidatable(1)


# ------------------------------------------------------------------ LTV on the payoff

INTEREST_AND_FEES = 30 * USD
P1200 = 1200 * 10**8


def _selector(signature):
    return web3.keccak(text=signature)[:4].hex().removeprefix("0x")


def _selectors_called(tx, to):
    """Selectors of every call `tx` made to `to`, from anvil's callTracer."""
    top = web3.provider.make_request("debug_traceTransaction", [tx.txid, {"tracer": "callTracer"}])["result"]
    found, frames = [], [top]
    while frames:
        frame = frames.pop()
        if (frame.get("to") or "").lower() == to.address.lower():
            found.append(frame.get("input", "")[2:10])
        frames.extend(frame.get("calls") or [])
    return found


def test_liquidate_ltvCountsAccruedInterest(configured, pledge, market, feed, buyer, buyer_funds, admin):
    # On the real market the payoff is principal + accrued interest + late fees. The double charges no
    # interest: its one figure (setOutstanding) is its payoff, so here it is set to what a real loan owes
    # after $30 of interest and fees on $1,000 of principal. Against $1,200 of collateral the principal
    # alone would be 83.33%, under the 85% threshold; the payoff is 85.83%, at or above it.
    pledge(1, E18, PRINCIPAL)
    feed.setPrice(P1200, {"from": admin})
    assert PRINCIPAL * 10_000 // (1200 * USD) == 8333 < THRESHOLD
    market.setOutstanding(1, PRINCIPAL + INTEREST_AND_FEES, {"from": admin})
    assert configured.ltvBps(1) == 8583
    assert configured.isLiquidatable(1)
    bought, _ = configured.liquidate(1, E18 // 10, MAX_UINT, {"from": buyer}).return_value
    assert bought == E18 // 10


def test_vault_readsThePayoffNotThePrincipal(configured, loan, market, feed, buyer, buyer_funds, admin):
    # The double answers the same figure to both questions, so the behaviour above cannot tell which one
    # the vault asks: the trace of each entry point that measures the LTV can.
    feed.setPrice(P1100, {"from": admin})
    payoff, principal = _selector("payoffAmount(uint256)"), _selector("outstandingPrincipal(uint256)")
    txs = [
        configured.ltvBps.transact(loan, {"from": buyer}),
        configured.isLiquidatable.transact(loan, {"from": buyer}),
        configured.quoteLiquidation.transact(loan, E18, {"from": buyer}),
        configured.liquidate(loan, E18 // 10, MAX_UINT, {"from": buyer}),
    ]
    for tx in txs:
        called = _selectors_called(tx, market)
        assert payoff in called, tx.fn_name
        assert principal not in called, tx.fn_name
