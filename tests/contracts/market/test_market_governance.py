import brownie
import pytest
from market_support import USD


def name32(s):
    return s.encode().ljust(32, b"\0")


def test_set_grade_terms(market, admin):
    tx = market.setGradeTerms(3, 1_500, 20_000 * USD, True, {"from": admin})
    t = market.gradeTerms(3)
    assert (t["aprBps"], t["maxPrincipal"], t["allowed"]) == (1_500, 20_000 * USD, True)
    assert tx.events["GradeTermsSet"]["grade"] == 3


def test_grade_terms_bounds(market, admin, err):
    with err("ParameterOutOfBounds", name32("aprBps"), 10_001, 10_000):
        market.setGradeTerms(3, 10_001, 1, True, {"from": admin})
    with err("InvalidGrade", 0):
        market.setGradeTerms(0, 100, 1, True, {"from": admin})
    with err("InvalidGrade", 8):
        market.setGradeTerms(8, 100, 1, True, {"from": admin})


def test_min_risk_class(market, admin, err):
    tx = market.setMinRiskClass(4, 5, {"from": admin})
    assert market.minRiskClassForGrade(4) == 5
    assert tx.events["MinRiskClassSet"]["riskClass"] == 5
    with err("ParameterOutOfBounds", name32("minRiskClass"), 6, 5):
        market.setMinRiskClass(4, 6, {"from": admin})
    with err("ParameterOutOfBounds", name32("minRiskClass"), 0, 5):
        market.setMinRiskClass(4, 0, {"from": admin})


def test_set_fees_and_bounds(market, admin, err):
    tx = market.setFees(200, 1_500, 2_000, {"from": admin})
    c = market.config()
    assert (c["originationFeeBps"], c["servicingFeeBps"], c["reserveShareBps"]) == (200, 1_500, 2_000)
    assert len(tx.events["ParameterChanged"]) == 3
    with err("ParameterOutOfBounds", name32("originationFeeBps"), 2_001, 2_000):
        market.setFees(2_001, 0, 0, {"from": admin})
    with err("ParameterOutOfBounds", name32("servicingFeeBps"), 2_001, 2_000):
        market.setFees(0, 2_001, 0, {"from": admin})
    with err("ParameterOutOfBounds", name32("reserveShareBps"), 5_001, 5_000):
        market.setFees(0, 0, 5_001, {"from": admin})


def test_late_fee_bounds(market, admin, err):
    market.setLateFeeBpsPerDay(100, {"from": admin})
    assert market.config()["lateFeeBpsPerDay"] == 100
    with err("ParameterOutOfBounds", name32("lateFeeBpsPerDay"), 101, 100):
        market.setLateFeeBpsPerDay(101, {"from": admin})


def test_min_ticket_and_max_open(market, admin, err):
    market.setMinTicket(50 * USD, {"from": admin})
    assert market.config()["minTicket"] == 50 * USD
    market.setMaxOpenLoansPerBorrower(3, {"from": admin})
    assert market.config()["maxOpenLoansPerBorrower"] == 3
    with err("ParameterOutOfBounds", name32("maxOpenLoansPerBorrower"), 0, 20):
        market.setMaxOpenLoansPerBorrower(0, {"from": admin})
    with err("ParameterOutOfBounds", name32("maxOpenLoansPerBorrower"), 21, 20):
        market.setMaxOpenLoansPerBorrower(21, {"from": admin})


def test_admin_sets_treasury_and_vault(market, admin, outsider, err):
    tx = market.setTreasury(outsider, {"from": admin})
    assert market.treasury() == outsider
    assert tx.events["AddressChanged"]["value"] == outsider
    market.setCollateralVault(outsider, {"from": admin})
    assert market.collateralVault() == outsider
    with err("ZeroAddress"):
        market.setTreasury("0x" + "00" * 20, {"from": admin})
    with err("ZeroAddress"):
        market.setCollateralVault("0x" + "00" * 20, {"from": admin})


@pytest.mark.parametrize("call", [
    lambda m: m.setGradeTerms(1, 100, 1, True),
    lambda m: m.setMinRiskClass(1, 1),
    lambda m: m.setFees(0, 0, 0),
    lambda m: m.setLateFeeBpsPerDay(0),
    lambda m: m.setMinTicket(0),
    lambda m: m.setMaxOpenLoansPerBorrower(1),
])
def test_risk_setters_need_risk_role(market, outsider, call):
    with brownie.reverts():
        call(type("M", (), {k: (lambda f: lambda *a: f(*a, {"from": outsider}))(getattr(market, k))
                            for k in ["setGradeTerms", "setMinRiskClass", "setFees", "setLateFeeBpsPerDay",
                                      "setMinTicket", "setMaxOpenLoansPerBorrower"]}))


def test_admin_setters_need_admin_role(market, outsider, pauser):
    with brownie.reverts():
        market.setTreasury(outsider, {"from": outsider})
    with brownie.reverts():
        market.setCollateralVault(outsider, {"from": pauser})


def test_constructor_rejects_zero_addresses(LoanMarket, token, identity, oracle, note, reserve, admin, err):
    zero = "0x" + "00" * 20
    with err("ZeroAddress"):
        LoanMarket.deploy(zero, identity, oracle, note, reserve, admin, admin, {"from": admin})
    with err("ZeroAddress"):
        LoanMarket.deploy(token, identity, oracle, note, reserve, zero, admin, {"from": admin})


def test_views_expose_wiring(market, token, identity, oracle, note, reserve):
    assert market.stablecoin() == token
    assert market.identityRegistry() == identity
    assert market.creditOracle() == oracle
    assert market.loanNote() == note
    assert market.reserveFund() == reserve
