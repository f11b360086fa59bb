"""Signed loan offers for LoanMarket.list on the test deployment, as the risk service signs them
(backend/risk/offers.py), for tests that list loans without going through the API."""

from __future__ import annotations

import itertools
import secrets

from backend.risk.offers import OFFER_FIELDS, sign_offer
from tests.support.chain import DeployedChain

ZERO_ADDRESS = "0x" + "00" * 20
# The agreement hash `list` binds in tests that are not about agreements: any nonzero hash.
AGREEMENT_HASH = bytes.fromhex("a9" * 32)
DAY = 86_400
_nonces = itertools.count(secrets.randbits(64) << 64)  # fresh per session: never an offer used before


def offer(chain: DeployedChain, borrower: str, principal: int, periods: int, grade: int, **overrides) -> dict:
    """An offer exactly as large as the listing it is for, at the grade's on-chain APR, monthly periods,
    valid for a day on the chain's clock, with a nonce never used before."""
    market = chain.contract("LoanMarket")
    o = {
        "borrower": borrower,
        "maxPrincipal": principal,
        "maxPeriods": periods,
        "periodLength": 30 * DAY,
        "grade": grade,
        "aprBps": market.functions.gradeTerms(grade).call()[0],
        "collateralToken": ZERO_ADDRESS,
        "minCollateral": 0,
        "expiry": chain.now() + DAY,
        "nonce": next(_nonces),
    }
    o.update(overrides)
    return o


def offer_tuple(o: dict) -> tuple:
    """The `LoanOffer` struct argument of `list`."""
    return tuple(o[name] for name in OFFER_FIELDS)


def signed(chain: DeployedChain, o: dict, signer: str = "offerSigner") -> tuple[tuple, bytes, bytes]:
    """(offer struct, signature by the local account `signer`, agreement hash) for
    `list(params, offer, signature, agreementHash)`."""
    market = chain.manifest["contracts"]["LoanMarket"]["address"]
    return offer_tuple(o), sign_offer(o, chain.chain_id, market, chain.key(signer)), AGREEMENT_HASH
