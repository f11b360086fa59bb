from market_support import USD

ZERO = "0x" + "00" * 20


def name32(s):
    return s.encode().ljust(32, b"\0")


def test_set_grade_terms(market, admin):
    tx = market.setGradeTerms(3, 1_500, 20_000 * USD, True, True, {"from": admin})
    t = market.gradeTerms(3)
    assert (t["aprBps"], t["maxPrincipal"], t["allowed"], t["collateralRequired"]) == (
        1_500,
        20_000 * USD,
        True,
        True,
    )
    ev = tx.events["GradeTermsSet"]
    assert ev["grade"] == 3 and ev["collateralRequired"] is True


def test_grade_terms_bounds(market, admin, err):
    with err("ParameterOutOfBounds", name32("aprBps"), 10_001, 10_000):
        market.setGradeTerms(3, 10_001, 1, True, False, {"from": admin})
    with err("InvalidGrade", 0):
        market.setGradeTerms(0, 100, 1, True, False, {"from": admin})
    with err("InvalidGrade", 8):
        market.setGradeTerms(8, 100, 1, True, False, {"from": admin})


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


def test_admin_sets_treasury_and_vault(market, TestCollateralVault, admin, outsider, err):
    tx = market.setTreasury(outsider, {"from": admin})
    assert market.treasury() == outsider
    assert tx.events["AddressChanged"]["value"] == outsider
    vault = TestCollateralVault.deploy(market, {"from": admin})
    market.setCollateralVault(vault, {"from": admin})
    assert market.collateralVault() == vault
    with err("ZeroAddress"):
        market.setTreasury(ZERO, {"from": admin})
    with err("ZeroAddress"):
        market.setCollateralVault(ZERO, {"from": admin})


def test_vault_of_another_market_is_refused(market, TestCollateralVault, admin, outsider, err):
    other = TestCollateralVault.deploy(outsider, {"from": admin})
    with err("InvalidCollateralVault", other):
        market.setCollateralVault(other, {"from": admin})


def test_person_caps(market, admin, err):
    assert tuple(market.personCaps()) == (200_000 * USD, 1_000_000 * USD)  # the defaults, in whole units
    tx = market.setPersonCaps(50_000 * USD, 500_000 * USD, {"from": admin})
    assert tuple(market.personCaps()) == (50_000 * USD, 500_000 * USD)
    assert tx.events["PersonCapsSet"]["entity"] == 500_000 * USD


def test_constructor_rejects_zero_addresses(
    LoanMarket,
    LoanMarketExt,
    LoanMarketOrigination,
    LoanMarketRestructuring,
    token,
    identity,
    oracle,
    note,
    reserve,
    admin,
    err,
):
    restructuring = LoanMarketRestructuring.deploy(token, identity, oracle, note, {"from": admin})
    origination = LoanMarketOrigination.deploy(token, identity, oracle, note, restructuring, {"from": admin})
    ext = LoanMarketExt.deploy(token, identity, oracle, note, origination, {"from": admin})
    with err("ZeroAddress"):
        LoanMarket.deploy(ZERO, identity, oracle, note, ext, reserve, admin, admin, {"from": admin})
    with err("ZeroAddress"):
        LoanMarket.deploy(token, identity, oracle, note, ext, ZERO, admin, admin, {"from": admin})
    with err("ZeroAddress"):
        LoanMarket.deploy(token, identity, oracle, note, ext, reserve, ZERO, admin, {"from": admin})
    with err("InvalidAdmin", ZERO):
        LoanMarket.deploy(token, identity, oracle, note, ext, reserve, admin, ZERO, {"from": admin})


def test_constructor_rejects_an_extension_built_for_other_contracts(
    LoanMarket,
    LoanMarketExt,
    LoanMarketOrigination,
    LoanMarketRestructuring,
    MockStablecoin,
    token,
    identity,
    oracle,
    note,
    reserve,
    admin,
    err,
):
    tx = {"from": admin}
    other_token = MockStablecoin.deploy(tx)
    other_module = LoanMarketRestructuring.deploy(other_token, identity, oracle, note, tx)
    origination = LoanMarketOrigination.deploy(other_token, identity, oracle, note, other_module, tx)
    ext = LoanMarketExt.deploy(other_token, identity, oracle, note, origination, tx)
    with err("InvalidExtension", ext):
        LoanMarket.deploy(token, identity, oracle, note, ext, reserve, admin, admin, tx)
    with err("InvalidExtension", admin):  # no code at all
        LoanMarket.deploy(token, identity, oracle, note, admin, reserve, admin, admin, tx)
    mismatched = LoanMarketOrigination.deploy(other_token, identity, oracle, note, other_module, tx)
    with err("InvalidExtension", mismatched):
        LoanMarketExt.deploy(token, identity, oracle, note, mismatched, tx)
    # origination checks its restructuring module the same way
    with err("InvalidExtension", other_module):
        LoanMarketOrigination.deploy(token, identity, oracle, note, other_module, tx)
    with err("InvalidExtension", admin):
        LoanMarketOrigination.deploy(token, identity, oracle, note, admin, tx)


def test_extension_cannot_be_initialised_again(market, outsider, err):
    with err("AlreadyInitialized"):
        market.initialize(outsider, outsider, outsider, {"from": outsider})


def test_views_expose_wiring(market, token, identity, oracle, note, reserve):
    assert market.stablecoin() == token
    assert market.identityRegistry() == identity
    assert market.creditOracle() == oracle
    assert market.loanNote() == note
    assert market.reserveFund() == reserve
