"""Signed loan offers for `LoanMarket.list`: the risk service's EIP-712 `LoanOffer`, built and signed
with eth_account as the service signs it (backend/risk/offers.py), so the tests check the contract
against that encoding."""

import itertools

from brownie import chain
from eth_account.messages import encode_typed_data

from backend.risk.offers import OFFER_TYPES, offer_typed_data

ZERO_ADDRESS = "0x" + "00" * 20
# What `list` binds as the loan's agreement in tests that are not about agreements: any nonzero hash.
AGREEMENT_HASH = bytes.fromhex("a9" * 32)
_nonces = itertools.count(1)


def offer(borrower, principal, periods, period_length, grade, apr_bps, **overrides):
    """An offer exactly as large as the listing it is for, valid for a day, with a fresh nonce."""
    o = {
        "borrower": str(borrower),
        "maxPrincipal": principal,
        "maxPeriods": periods,
        "periodLength": period_length,
        "grade": grade,
        "aprBps": apr_bps,
        "collateralToken": ZERO_ADDRESS,
        "minCollateral": 0,
        "expiry": chain.time() + 24 * 3600,
        "nonce": next(_nonces),
    }
    o.update(overrides)
    o["borrower"] = str(o["borrower"])
    o["collateralToken"] = str(getattr(o["collateralToken"], "address", o["collateralToken"]))
    return o


def offer_tuple(o):
    """The `LoanOffer` struct argument of `list`."""
    return tuple(o[field["name"]] for field in OFFER_TYPES["LoanOffer"])


def sign_offer(key, market, o, chain_id=None, verifying_contract=None):
    """65-byte signature of offer `o` by `key` under the market's EIP-712 domain."""
    message = offer_typed_data(
        o,
        chain.id if chain_id is None else chain_id,
        str(getattr(market, "address", market)) if verifying_contract is None else str(verifying_contract),
    )
    return bytes(key.sign_message(encode_typed_data(full_message=message)).signature)
