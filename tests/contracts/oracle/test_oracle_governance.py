"""CreditOracle governance: signer set, threshold and max age, with bounds. That only GOVERNOR_ROLE may
change them is tested with every other role gate, in tests/contracts/roles."""

from helpers.keys import dev_key

ZERO = "0x" + "00" * 20
HOUR = 3600
DAY = 24 * HOUR


def test_constructor_sets_initial_state(oracle, admin, oracle_keys):
    assert oracle.signers() == [k.address for k in oracle_keys]
    assert all(oracle.isSigner(k.address) for k in oracle_keys)
    assert oracle.threshold() == 2
    assert oracle.maxAge() == 30 * DAY
    assert oracle.lastRound() == 0
    assert oracle.hasRole(oracle.DEFAULT_ADMIN_ROLE(), admin)
    assert not oracle.hasRole(oracle.GOVERNOR_ROLE(), admin)


def test_constructor_emits_setup_events(CreditOracle, admin, oracle_keys):
    contract = CreditOracle.deploy(admin, [k.address for k in oracle_keys], 2, DAY, {"from": admin})
    tx = contract.tx
    assert [e["signer"] for e in tx.events["SignerAdded"]] == [k.address for k in oracle_keys]
    assert tx.events["ThresholdChanged"] == {"previous": 0, "threshold": 2}
    assert tx.events["MaxAgeChanged"] == {"previous": 0, "maxAge": DAY}


def test_constructor_rejects_zero_admin(CreditOracle, admin, oracle_keys, reverts_with):
    with reverts_with("InvalidAdmin", ZERO):
        CreditOracle.deploy(ZERO, [k.address for k in oracle_keys], 2, DAY, {"from": admin})


def test_constructor_rejects_duplicate_signer(CreditOracle, admin, oracle_keys, reverts_with):
    a = oracle_keys[0].address
    with reverts_with("SignerAlreadyAdded", a):
        CreditOracle.deploy(admin, [a, a], 1, DAY, {"from": admin})


def test_constructor_rejects_zero_signer(CreditOracle, admin, reverts_with):
    with reverts_with("InvalidSigner", ZERO):
        CreditOracle.deploy(admin, [ZERO], 1, DAY, {"from": admin})


def test_constructor_rejects_threshold_above_signers(CreditOracle, admin, oracle_keys, reverts_with):
    with reverts_with("InvalidThreshold", 4, 3):
        CreditOracle.deploy(admin, [k.address for k in oracle_keys], 4, DAY, {"from": admin})


def test_constructor_rejects_zero_threshold(CreditOracle, admin, oracle_keys, reverts_with):
    with reverts_with("InvalidThreshold", 0, 3):
        CreditOracle.deploy(admin, [k.address for k in oracle_keys], 0, DAY, {"from": admin})


def test_constructor_rejects_no_signers(CreditOracle, admin, reverts_with):
    with reverts_with("InvalidThreshold", 1, 0):
        CreditOracle.deploy(admin, [], 1, DAY, {"from": admin})


def test_constructor_rejects_max_age_out_of_bounds(CreditOracle, admin, oracle_keys, reverts_with):
    with reverts_with("InvalidMaxAge", 0):
        CreditOracle.deploy(admin, [k.address for k in oracle_keys], 2, 0, {"from": admin})


# ------------------------------------------------------------------ addSigner


def test_add_signer(oracle, governor, oracle_keys):
    newcomer = dev_key(15).address
    tx = oracle.addSigner(newcomer, {"from": governor})
    assert tx.events["SignerAdded"] == {"signer": newcomer}
    assert oracle.isSigner(newcomer)
    assert oracle.signers() == [k.address for k in oracle_keys] + [newcomer]


def test_add_existing_signer_reverts(oracle, governor, oracle_keys, reverts_with):
    with reverts_with("SignerAlreadyAdded", oracle_keys[1].address):
        oracle.addSigner(oracle_keys[1].address, {"from": governor})


def test_add_zero_signer_reverts(oracle, governor, reverts_with):
    with reverts_with("InvalidSigner", ZERO):
        oracle.addSigner(ZERO, {"from": governor})


# ------------------------------------------------------------------ removeSigner


def test_remove_signer_swaps_last_into_place(oracle, governor, oracle_keys):
    a, b, c = (k.address for k in oracle_keys)
    tx = oracle.removeSigner(a, {"from": governor})
    assert tx.events["SignerRemoved"] == {"signer": a}
    assert not oracle.isSigner(a)
    assert oracle.signers() == [c, b]
    assert oracle.isSigner(b) and oracle.isSigner(c)


def test_remove_then_readd_signer(oracle, governor, oracle_keys):
    a, b, c = (k.address for k in oracle_keys)
    oracle.removeSigner(b, {"from": governor})
    oracle.addSigner(b, {"from": governor})
    assert oracle.signers() == [a, c, b]
    oracle.removeSigner(b, {"from": governor})
    assert oracle.signers() == [a, c]
    assert not oracle.isSigner(b)


def test_remove_unknown_signer_reverts(oracle, governor, reverts_with):
    outsider = dev_key(15).address
    with reverts_with("UnknownSigner", outsider):
        oracle.removeSigner(outsider, {"from": governor})


def test_remove_signer_below_threshold_reverts(oracle, governor, oracle_keys, reverts_with):
    oracle.removeSigner(oracle_keys[0].address, {"from": governor})
    with reverts_with("InvalidThreshold", 2, 1):
        oracle.removeSigner(oracle_keys[1].address, {"from": governor})


def test_remove_signer_after_lowering_threshold(oracle, governor, oracle_keys):
    oracle.setThreshold(1, {"from": governor})
    oracle.removeSigner(oracle_keys[0].address, {"from": governor})
    oracle.removeSigner(oracle_keys[1].address, {"from": governor})
    assert oracle.signers() == [oracle_keys[2].address]


# ------------------------------------------------------------------ setThreshold


def test_set_threshold(oracle, governor):
    tx = oracle.setThreshold(3, {"from": governor})
    assert tx.events["ThresholdChanged"] == {"previous": 2, "threshold": 3}
    assert oracle.threshold() == 3


def test_set_threshold_zero_reverts(oracle, governor, reverts_with):
    with reverts_with("InvalidThreshold", 0, 3):
        oracle.setThreshold(0, {"from": governor})


def test_set_threshold_above_signers_reverts(oracle, governor, reverts_with):
    with reverts_with("InvalidThreshold", 4, 3):
        oracle.setThreshold(4, {"from": governor})


# ------------------------------------------------------------------ setMaxAge


def test_set_max_age(oracle, governor):
    tx = oracle.setMaxAge(7 * DAY, {"from": governor})
    assert tx.events["MaxAgeChanged"] == {"previous": 30 * DAY, "maxAge": 7 * DAY}
    assert oracle.maxAge() == 7 * DAY


def test_set_max_age_bounds_inclusive(oracle, governor):
    oracle.setMaxAge(HOUR, {"from": governor})
    assert oracle.maxAge() == HOUR
    oracle.setMaxAge(365 * DAY, {"from": governor})
    assert oracle.maxAge() == 365 * DAY


def test_set_max_age_below_one_hour_reverts(oracle, governor, reverts_with):
    with reverts_with("InvalidMaxAge", HOUR - 1):
        oracle.setMaxAge(HOUR - 1, {"from": governor})


def test_set_max_age_above_one_year_reverts(oracle, governor, reverts_with):
    with reverts_with("InvalidMaxAge", 365 * DAY + 1):
        oracle.setMaxAge(365 * DAY + 1, {"from": governor})


def test_bounds_are_public(oracle):
    assert oracle.MIN_MAX_AGE() == HOUR
    assert oracle.MAX_MAX_AGE() == 365 * DAY
