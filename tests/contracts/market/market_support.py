"""Fixtures for the loan market tests: test doubles, stablecoin, market, note, reserve, lens, and markets
built on the hostile tokens of contracts/test/hostile.

Accounts: 0 admin (all roles), 1 treasury, 2-4 borrowers, 5-14 lenders, 15 outsider, 16 pauser,
18 offer signer (the risk service's key; signs the offers every listing needs).
"""

from typing import NamedTuple

import brownie
import pytest
from helpers.chain_time import pin_next_block_time
from helpers.keys import dev_key
from helpers.market import loan_market
from helpers.offers import AGREEMENT_HASH, offer, offer_tuple, sign_offer

from backend.loans.annuity import annuity_schedule, installment, rate_per_period  # noqa: F401 (for the tests)
from backend.loans.note_ids import note_id  # noqa: F401 (for the tests)

USD = 10**6
DAY = 86400
RAY = 10**27
BPS = 10_000

ORIGINATION_BPS = 100
SERVICING_BPS = 1_000  # of interest and late fees
RESERVE_BPS = 1_000  # of interest and late fees
LATE_BPS_PER_DAY = 10
MIN_TICKET = 25 * USD

# grade -> (aprBps, maxPrincipal, allowed, minRiskClass, collateralRequired)
GRADES = {
    1: (600, 50_000 * USD, True, 1, False),
    2: (900, 40_000 * USD, True, 1, False),
    3: (1_300, 30_000 * USD, True, 2, False),
    4: (1_800, 25_000 * USD, True, 3, False),
    5: (2_400, 15_000 * USD, True, 4, True),
    6: (3_000, 10_000 * USD, True, 5, True),
    7: (3_600, 5_000 * USD, False, 5, True),
}
OFFER_SIGNER_INDEX = 18
OFFER_KEY = dev_key(OFFER_SIGNER_INDEX)

STATUS = {"None": 0, "Listed": 1, "Drawn": 2, "Repaid": 3, "Defaulted": 4, "Cancelled": 5, "Expired": 6}


# ---------------------------------------------------------------- accounts


@pytest.fixture(scope="module")
def treasury(accounts):
    return accounts[1]


@pytest.fixture(scope="module")
def borrower(accounts):
    return accounts[2]


@pytest.fixture(scope="module")
def borrowers(accounts):
    return accounts[2:5]


@pytest.fixture(scope="module")
def lenders(accounts):
    return accounts[5:15]


@pytest.fixture(scope="module")
def lender(accounts):
    return accounts[5]


@pytest.fixture(scope="module")
def outsider(accounts):
    return accounts[15]


@pytest.fixture(scope="module")
def pauser(accounts):
    return accounts[16]


@pytest.fixture(scope="module")
def offer_signer(accounts):
    return accounts[OFFER_SIGNER_INDEX]


# ---------------------------------------------------------------- deployment


def deploy_market(token, identity, oracle, admin, treasury, pauser):
    """Note, reserve fund and the three-part market, wired and configured as in these tests."""
    project = brownie.project.get_loaded_projects()[0]
    tx = {"from": admin}
    reserve = project.ReserveFund.deploy(token, admin, tx)
    market, note = loan_market(token, identity, oracle, reserve, treasury, admin)
    reserve.setMarket(market, tx)
    market.grantRole(market.RISK_ROLE(), admin, tx)
    market.grantRole(market.PAUSER_ROLE(), pauser, tx)
    market.grantRole(market.OFFER_SIGNER_ROLE(), OFFER_KEY.address, tx)
    reserve.grantRole(reserve.RISK_ROLE(), admin, tx)
    for g, (apr, max_p, allowed, min_rc, secured) in GRADES.items():
        market.setGradeTerms(g, apr, max_p, allowed, secured, tx)
        market.setMinRiskClass(g, min_rc, tx)
    market.setFees(ORIGINATION_BPS, SERVICING_BPS, RESERVE_BPS, {"from": admin})
    market.setLateFeeBpsPerDay(LATE_BPS_PER_DAY, {"from": admin})
    market.setMinTicket(MIN_TICKET, {"from": admin})
    return market, note, reserve


@pytest.fixture(scope="module")
def identity(TestIdentityRegistry, accounts, admin):
    reg = TestIdentityRegistry.deploy({"from": admin})
    far = 2**40 - 1  # never expires, whatever time the tests travel to
    for a in accounts[:17]:
        reg.set(a, 2, 5, far, False, {"from": admin})
    return reg


@pytest.fixture(scope="module")
def oracle(TestCreditOracle, accounts, admin):
    o = TestCreditOracle.deploy({"from": admin})
    o.setMaxAge(3650 * DAY, {"from": admin})
    now = brownie.chain.time()
    for a in accounts[2:5]:
        o.setRecord(a, 700, 2, 300, now, {"from": admin})
    return o


@pytest.fixture(scope="module")
def token(MockStablecoin, accounts, admin):
    t = MockStablecoin.deploy({"from": admin})
    for a in accounts[:17]:
        t.mint(a, 1_000_000 * USD, {"from": admin})
    return t


@pytest.fixture(scope="module")
def deployed(token, identity, oracle, admin, treasury, pauser, accounts):
    market, note, reserve = deploy_market(token, identity, oracle, admin, treasury, pauser)
    for a in accounts[:17]:
        token.approve(market, 2**256 - 1, {"from": a})
    return market, note, reserve


@pytest.fixture(scope="module")
def market(deployed):
    return deployed[0]


@pytest.fixture(scope="module")
def note(deployed):
    return deployed[1]


@pytest.fixture(scope="module")
def reserve(deployed):
    return deployed[2]


@pytest.fixture(scope="module")
def lens(LoanMarketLens, market, admin):
    return LoanMarketLens.deploy(market, {"from": admin})


@pytest.fixture(scope="module")
def vault(TestCollateralVault, market, admin):
    """The vault double; coverage at drawdown answers what `setCoverage` says (covered by default)."""
    v = TestCollateralVault.deploy(market, {"from": admin})
    market.setCollateralVault(v, {"from": admin})
    return v


@pytest.fixture(scope="module")
def collateral(MockStablecoin, borrowers, admin, vault):
    """An ERC-20 used as collateral (a second mock token), approved to the vault."""
    c = MockStablecoin.deploy({"from": admin})
    for b in borrowers:
        c.mint(b, 1_000_000 * USD, {"from": admin})
        c.approve(vault, 2**256 - 1, {"from": b})
    return c


@pytest.fixture(scope="module")
def auto(AutoInvest, market, token, admin, accounts):
    """AutoInvest on the market, holding its AUTO_INVEST_ROLE; every account approves it."""
    a = AutoInvest.deploy(market, admin, {"from": admin})
    market.grantRole(market.AUTO_INVEST_ROLE(), a, {"from": admin})
    for acct in accounts[:17]:
        token.approve(a, 2**256 - 1, {"from": acct})
    return a


# ---------------------------------------------------------------- hostile tokens as the stablecoin


class Hostile(NamedTuple):
    token: object
    market: object
    reserve: object
    auto: object  # AutoInvest on this market, holding its AUTO_INVEST_ROLE


def hostile_market(token, identity, oracle, admin, treasury, pauser, accounts):
    """A market, reserve fund and AutoInvest over `token`, which every account holds and approves to both."""
    project = brownie.project.get_loaded_projects()[0]
    market, _, reserve = deploy_market(token, identity, oracle, admin, treasury, pauser)
    auto = project.AutoInvest.deploy(market, admin, {"from": admin})
    market.grantRole(market.AUTO_INVEST_ROLE(), auto, {"from": admin})
    for a in accounts[:17]:
        token.mint(a, 1_000_000 * USD, {"from": admin})
        token.approve(market, 2**256 - 1, {"from": a})
        token.approve(auto, 2**256 - 1, {"from": a})
    return Hostile(token, market, reserve, auto)


@pytest.fixture
def reentrant(ReentrantToken, identity, oracle, admin, treasury, pauser, accounts):
    """A market over a token that, once armed, calls back into a contract during its next transfer."""
    token = ReentrantToken.deploy(6, {"from": admin})
    return hostile_market(token, identity, oracle, admin, treasury, pauser, accounts)


@pytest.fixture
def fee_token(FeeOnTransferToken, identity, oracle, admin, treasury, pauser, accounts):
    """A market over a token that burns 1% of every transfer between two wallets."""
    token = FeeOnTransferToken.deploy(6, {"from": admin})
    return hostile_market(token, identity, oracle, admin, treasury, pauser, accounts)


# ---------------------------------------------------------------- helpers


def listing(
    principal=10_000 * USD,
    periods=12,
    period_length=30 * DAY,
    deadline_in=7 * DAY,
    min_fill=0,
    collateral_token=None,
    collateral_amount=0,
):
    deadline = brownie.chain.time() + deadline_in
    ctoken = collateral_token.address if collateral_token is not None else "0x" + "00" * 20
    return (principal, min_fill, periods, period_length, deadline, ctoken, collateral_amount)


@pytest.fixture(scope="module")
def make_listing():
    return listing


def offer_for(params, borrower, grade=2, **overrides):
    """An offer that admits exactly `params` (a `listing()` tuple) at `grade`'s terms in these tests."""
    principal, _, periods, period_length, _, ctoken, camount = params
    fields = {}
    if camount:
        fields = {"collateralToken": ctoken, "minCollateral": camount}
    fields.update(overrides)
    return offer(borrower, principal, periods, period_length, grade, GRADES[grade][0], **fields)


def list_loan(market, params, borrower, grade=2, key=None, agreement=AGREEMENT_HASH, **offer_overrides):
    """Lists `params` with an offer signed for it by the offer signer (or `key`), bound to the agreement
    hash `agreement`; returns the tx."""
    o = offer_for(params, borrower, grade, **offer_overrides)
    signature = sign_offer(key or OFFER_KEY, market, o)
    return market.list(params, offer_tuple(o), signature, agreement, {"from": borrower})


@pytest.fixture
def listed(market, borrower):
    """A 10,000 USD, 12 x 30 day loan listed by `borrower` (grade 2, 9% APR)."""
    return list_loan(market, listing(), borrower).return_value


@pytest.fixture
def drawn(market, borrower, lenders, listed):
    """The listed loan funded by 4 lenders (4 x 2,500) and drawn."""
    for lender in lenders[:4]:
        market.fund(listed, 2_500 * USD, {"from": lender})
    market.drawdown(listed, {"from": borrower})
    return listed


def pay_amount_due(market, lens, loan_id, payer):
    """Repays exactly what is due at the repay's own block: amounts accrue per second, so a figure read
    a block earlier would leave a few seconds of interest and late fee unpaid."""
    pin_next_block_time()
    due = lens.amountDue(loan_id, block_identifier="pending")
    return market.repay(loan_id, due, {"from": payer})


def sleep(seconds):
    brownie.chain.sleep(seconds)
    brownie.chain.mine()


# ---------------------------------------------------------------- reference annuity model (Python)
# backend/loans/annuity.py: the contract's rule, rounding for rounding (pure Python, no service imports).


def ceil_div(a, b):
    return -(-a // b)


def schedule_rows(principal, apr_bps, period_length, n):
    """[(interest, principal_part)] of the contractual schedule."""
    return [(r.interest, r.principal) for r in annuity_schedule(principal, apr_bps, n, period_length, 0)]
