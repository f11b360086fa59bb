"""The real lending contracts wired together as scripts/deploy.py wires them (no doubles)."""

import pytest
from brownie import chain
from helpers.builders import attest_args, report
from helpers.keys import dev_key
from helpers.market import loan_market
from helpers.offers import AGREEMENT_HASH, offer, offer_tuple, sign_offer
from helpers.oracle import submit

USD = 10**6
WETH = 10**18
MAX_UINT = 2**256 - 1
ZERO_ADDRESS = "0x" + "00" * 20  # no L2 sequencer uptime feed: the vault runs as on an L1
GRADE_B = 2
GRADE_B_APR = 1_000
DAY = 86_400
OFFER_KEY = dev_key(18)  # the risk service's offer signer in these tests


def list_with_offer(market, params, borrower, grade=GRADE_B, apr_bps=GRADE_B_APR):
    """Lists `params` (a ListingParams tuple) with an offer for exactly it, signed by OFFER_KEY."""
    principal, _, periods, period_length, _, ctoken, camount = params
    o = offer(
        borrower,
        principal,
        periods,
        period_length,
        grade,
        apr_bps,
        collateralToken=ctoken,
        minCollateral=camount,
    )
    return market.list(
        params, offer_tuple(o), sign_offer(OFFER_KEY, market, o), AGREEMENT_HASH, {"from": borrower}
    )


@pytest.fixture(scope="module")
def lending(
    admin,
    registry,
    oracle,
    stablecoin,
    oracle_keys,
    attester,
    accounts,
    ReserveFund,
    CollateralVault,
    MockCollateralToken,
    MockAggregatorV3,
):
    tx = {"from": admin}
    reserve = ReserveFund.deploy(stablecoin, admin, tx)
    market, note = loan_market(stablecoin, registry, oracle, reserve, admin, admin)
    reserve.setMarket(market, tx)
    market.grantRole(market.RISK_ROLE(), admin, tx)
    market.grantRole(market.OFFER_SIGNER_ROLE(), OFFER_KEY.address, tx)
    market.setGradeTerms(GRADE_B, GRADE_B_APR, 100_000 * USD, True, False, tx)
    market.setMinRiskClass(GRADE_B, 1, tx)
    market.setFees(100, 500, 1_000, tx)
    market.setLateFeeBpsPerDay(10, tx)
    market.setMinTicket(25 * USD, tx)
    vault = CollateralVault.deploy(admin, market, ZERO_ADDRESS, tx)
    market.setCollateralVault(vault, tx)
    weth = MockCollateralToken.deploy("WETH", 18, tx)
    feed = MockAggregatorV3.deploy(8, 3_000 * 10**8, tx)
    vault.grantRole(vault.RISK_ROLE(), admin, tx)
    vault.configureCollateral(weth, (feed, DAY, 18, [7_000] * 7, 8_500, 500), tx)

    borrower, lender, buyer = accounts[4], accounts[5], accounts[6]
    for wallet in (borrower, lender, buyer):
        registry.attest(*attest_args(wallet).values(), {"from": attester})
    submit(oracle, oracle_keys, admin, 1, [report(borrower, grade=GRADE_B)])
    stablecoin.mint(lender, 100_000 * USD, tx)
    stablecoin.mint(buyer, 100_000 * USD, tx)
    weth.mint(borrower, 10 * WETH, tx)
    return {
        "market": market,
        "vault": vault,
        "weth": weth,
        "feed": feed,
        "reserve": reserve,
        "borrower": borrower,
        "lender": lender,
        "buyer": buyer,
    }


@pytest.fixture
def defaulted_secured_loan(lending, stablecoin):
    """10,000 USD over 6 monthly periods against 10 WETH (30,000 USD), drawn, never repaid, defaulted."""
    market, vault, weth = lending["market"], lending["vault"], lending["weth"]
    borrower, lender = lending["borrower"], lending["lender"]
    weth.approve(vault, MAX_UINT, {"from": borrower})
    params = (10_000 * USD, 0, 6, 30 * DAY, chain.time() + 7 * DAY, weth.address, 10 * WETH)
    loan_id = list_with_offer(market, params, borrower).return_value
    stablecoin.approve(market, MAX_UINT, {"from": lender})
    market.fund(loan_id, 10_000 * USD, {"from": lender})
    market.drawdown(loan_id, {"from": borrower})
    chain.sleep(30 * DAY + 91 * DAY)
    chain.mine()
    market.markDefault(loan_id, {"from": lender})
    lending["feed"].setPrice(3_000 * 10**8, {"from": lender})  # a keeper refreshes the feed
    return loan_id
