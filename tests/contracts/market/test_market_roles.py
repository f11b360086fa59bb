"""Every role-gated function of the whole market (all three parts, at the market's address) refuses
accounts without its role, including holders of the other roles."""

import pytest
from brownie import web3
from helpers.roles import assert_role_gated, assert_role_management

ZERO = "0x" + "00" * 20

RISK = [
    ("setGradeTerms", (1, 100, 1, True, False)),
    ("setMinRiskClass", (1, 1)),
    ("setFees", (0, 0, 0)),
    ("setLateFeeBpsPerDay", (0,)),
    ("setMinTicket", (0,)),
    ("setMaxOpenLoansPerBorrower", (1,)),
    ("setPersonCaps", (1, 1)),
    ("setResaleTerms", (0, 0, 0)),
]
ADMIN = [
    ("setTreasury", (ZERO,)),
    ("setCollateralVault", (ZERO,)),
    ("setReserveFund", (ZERO,)),
    ("sweepDust", ([1],)),
    ("windDown", ()),
]
PAUSER = [("pause", ()), ("unpause", ())]


@pytest.mark.parametrize("fn,args", RISK)
def test_risk_role_functions(market, fn, args, outsider, pauser):
    assert_role_gated(market, fn, args, "RISK_ROLE", [outsider, pauser])


@pytest.mark.parametrize("fn,args", ADMIN)
def test_admin_role_functions(market, fn, args, outsider, pauser, offer_signer):
    assert_role_gated(market, fn, args, "DEFAULT_ADMIN_ROLE", [outsider, pauser, offer_signer])


@pytest.mark.parametrize("fn,args", PAUSER)
def test_pauser_role_functions(market, fn, args, admin, outsider):
    assert_role_gated(market, fn, args, "PAUSER_ROLE", [outsider, admin])


@pytest.mark.parametrize("role", ["RISK_ROLE", "PAUSER_ROLE", "OFFER_SIGNER_ROLE"])
def test_roles_are_managed_by_the_admin(market, admin, outsider, role):
    assert_role_management(market, admin, outsider, role)


def test_offer_signer_is_a_role_not_a_key(market, admin, offer_signer):
    assert market.hasRole(market.OFFER_SIGNER_ROLE(), offer_signer)
    market.revokeRole(market.OFFER_SIGNER_ROLE(), offer_signer, {"from": admin})
    assert not market.hasRole(market.OFFER_SIGNER_ROLE(), offer_signer)


@pytest.mark.parametrize("role", ["RISK_ROLE", "PAUSER_ROLE", "OFFER_SIGNER_ROLE"])
def test_role_ids_are_the_hash_of_their_names(market, role):
    assert bytes(getattr(market, role)()) == bytes(web3.keccak(text=role))
