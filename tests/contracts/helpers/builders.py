"""Default-valued test inputs, overridable per test."""

from brownie import chain
from eth_utils import keccak

YEAR = 365 * 24 * 3600
US = 840  # ISO 3166-1 numeric


def commitment(tag="kyc-record"):
    return "0x" + keccak(text=tag).hex()


def subject(wallet):
    """A person id for `wallet`: in these tests every wallet is its own person unless a test links two
    wallets by passing the same subject."""
    return "0x" + keccak(text=f"subject:{wallet}").hex()


def attest_args(wallet, **overrides):
    """Positional arguments of `IdentityRegistry.attest` as a dict, in the order of its parameters
    (level 2, class 3, US, 1 year, the wallet's own subject, an individual): callers pass
    `*attest_args(wallet).values()`."""
    args = {
        "wallet": wallet,
        "level": 2,
        "riskClass": 3,
        "jurisdiction": US,
        "expiresAt": chain.time() + YEAR,
        "commitment": commitment(str(wallet)),
        "subject": subject(wallet),
        "entity": False,
    }
    args.update(overrides)
    return args


def attestation(wallet, nonce=0, **overrides):
    """A signed-attestation struct as a dict (see helpers.eip712.ATTESTATION_FIELDS)."""
    a = attest_args(wallet)
    a.update({"nonce": nonce, "deadline": chain.time() + 3600})
    a.update(overrides)
    a["wallet"] = str(a["wallet"])
    return a


def report(borrower, as_of=None, **overrides):
    """A CreditReport dict: score 700, grade B, 2.5% PD, model 3, as of the latest block."""
    r = {
        "borrower": str(borrower),
        "score": 700,
        "grade": 2,
        "pdBps": 250,
        "modelVersion": 3,
        "asOf": chain.time() - 60 if as_of is None else as_of,
        "reasonsHash": "0x" + keccak(text=f"reasons:{borrower}").hex(),
    }
    r.update(overrides)
    return r
