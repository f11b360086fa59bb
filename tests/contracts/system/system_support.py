"""The whole lending system, real contracts only, wired as scripts/deploy.py wires them: IdentityRegistry
and CreditOracle (threshold-signed batches), LoanNote, ReserveFund, the three-part loan market and the
CollateralVault with a WETH-like collateral on a settable feed. Used by the system stateful suite.

Accounts: 0 admin (every governance role), 1 attester, 2 compliance, 4-6 borrowers (4 and 5 are two
wallets of one person), 7-11 lenders of risk class 1..5, 12 liquidator, 13 treasury, 14 pauser; the
offer signer is anvil key 18 and the oracle signers keys 10-12 (they never send transactions).
"""

import pytest
from brownie import web3
from helpers.builders import attest_args, report
from helpers.keys import dev_key
from helpers.market import loan_market
from helpers.offers import AGREEMENT_HASH, offer, offer_tuple, sign_offer
from helpers.oracle import submit

USD = 10**6
WETH = 10**18
DAY = 86_400
MAX_UINT = 2**256 - 1
ZERO = "0x" + "00" * 20
OFFER_KEY = dev_key(18)
FUNDS = 10**12 * USD  # each actor's stablecoin: far beyond anything a run moves
PRICE = 3_000 * 10**8  # the feed's 8 decimals
# grade -> (aprBps, maxPrincipal, minRiskClass, collateralRequired)
GRADES = {
    1: (900, 50_000 * USD, 1, False),
    2: (1_100, 40_000 * USD, 1, False),
    3: (1_400, 30_000 * USD, 2, False),
    4: (1_800, 20_000 * USD, 3, False),
    5: (2_400, 15_000 * USD, 4, True),
    6: (3_000, 10_000 * USD, 5, True),
}
PERSON_A = web3.keccak(text="system:person-a")
FAR_FUTURE = 2**40 - 1  # chain time is not rewound between examples: attestations must outlast them all


@pytest.fixture(scope="module")
def system(
    accounts,
    admin,
    attester,
    registry,
    oracle,
    oracle_keys,
    stablecoin,
    ReserveFund,
    CollateralVault,
    MockCollateralToken,
    MockAggregatorV3,
    LoanMarketLens,
):
    tx = {"from": admin}
    borrowers, lenders = accounts[4:7], accounts[7:12]
    liquidator, treasury, pauser = accounts[12], accounts[13], accounts[14]
    reserve = ReserveFund.deploy(stablecoin, admin, tx)
    market, note = loan_market(stablecoin, registry, oracle, reserve, treasury, admin)
    reserve.setMarket(market, tx)
    for role in ("RISK_ROLE", "PAUSER_ROLE"):
        market.grantRole(getattr(market, role)(), admin, tx)
    market.grantRole(market.PAUSER_ROLE(), pauser, tx)
    market.grantRole(market.OFFER_SIGNER_ROLE(), OFFER_KEY.address, tx)
    reserve.grantRole(reserve.RISK_ROLE(), admin, tx)
    reserve.setCap(5_000, 0, tx)
    for grade, (apr, max_p, min_class, secured) in GRADES.items():
        market.setGradeTerms(grade, apr, max_p, True, secured, tx)
        market.setMinRiskClass(grade, min_class, tx)
    market.setGradeTerms(7, 3_600, 0, False, True, tx)
    market.setFees(100, 1_000, 1_000, tx)
    market.setLateFeeBpsPerDay(10, tx)
    market.setMinTicket(10 * USD, tx)
    market.setMaxOpenLoansPerBorrower(3, tx)
    market.setPersonCaps(60_000 * USD, 200_000 * USD, tx)

    vault = CollateralVault.deploy(admin, market, ZERO, tx)
    market.setCollateralVault(vault, tx)
    weth = MockCollateralToken.deploy("WETH", 18, tx)
    feed = MockAggregatorV3.deploy(8, PRICE, tx)
    vault.grantRole(vault.RISK_ROLE(), admin, tx)
    vault.configureCollateral(
        weth, (feed, DAY, 18, [7_000, 7_000, 6_500, 6_000, 5_500, 5_000, 4_000], 8_500, 500), tx
    )

    for i, wallet in enumerate(list(borrowers) + list(lenders) + [liquidator]):
        risk_class = 1 + (i - 3) if 3 <= i < 8 else 3
        args = attest_args(wallet, riskClass=risk_class, expiresAt=FAR_FUTURE)
        if wallet in borrowers[:2]:
            args["subject"] = PERSON_A
        registry.attest(*args.values(), {"from": attester})
    for wallet in list(borrowers) + list(lenders) + [liquidator]:
        stablecoin.mint(wallet, FUNDS, tx)
        stablecoin.approve(market, MAX_UINT, {"from": wallet})
        stablecoin.approve(vault, MAX_UINT, {"from": wallet})
    for b in borrowers:
        weth.mint(b, 1_000 * WETH, tx)
        weth.approve(vault, MAX_UINT, {"from": b})
    stablecoin.mint(admin, FUNDS, tx)
    stablecoin.approve(reserve, MAX_UINT, tx)
    submit(oracle, oracle_keys, admin, 1, [report(b, grade=2) for b in borrowers])
    return {
        "market": market,
        "lens": LoanMarketLens.deploy(market, tx),
        "note": note,
        "reserve": reserve,
        "vault": vault,
        "weth": weth,
        "feed": feed,
        "registry": registry,
        "oracle": oracle,
        "token": stablecoin,
        "borrowers": list(borrowers),
        "lenders": list(lenders),
        "liquidator": liquidator,
        "treasury": treasury,
        "pauser": pauser,
    }


def list_loan(market, borrower, params, grade):
    """Lists `params` with an offer for exactly it at `grade`, signed by the offer signer."""
    principal, _, periods, period_length, _, ctoken, camount = params
    o = offer(
        borrower,
        principal,
        periods,
        period_length,
        grade,
        GRADES[grade][0],
        collateralToken=ctoken,
        minCollateral=camount,
    )
    return market.list(
        params, offer_tuple(o), sign_offer(OFFER_KEY, market, o), AGREEMENT_HASH, {"from": borrower}
    )
