"""The loan offer an approved application carries: EIP-712 typed data the risk service signs with its
offer-signer key (LoanMarket's OFFER_SIGNER_ROLE), which the borrower submits with its listing.

LoanMarket.list accepts a listing only within a valid offer: principal, number of periods, period
length, grade, APR and collateral, before its expiry, once. This module only builds and signs; it has
no chain or service imports, so the contract tests use it too.
"""

from __future__ import annotations

from typing import Any

from eth_account import Account
from eth_account.messages import encode_typed_data
from eth_utils import keccak, to_checksum_address

DOMAIN_NAME = "PeerLend LoanMarket"
DOMAIN_VERSION = "1"

OFFER_TYPES: dict[str, list[dict[str, str]]] = {
    "EIP712Domain": [
        {"name": "name", "type": "string"},
        {"name": "version", "type": "string"},
        {"name": "chainId", "type": "uint256"},
        {"name": "verifyingContract", "type": "address"},
    ],
    "LoanOffer": [
        {"name": "borrower", "type": "address"},
        {"name": "maxPrincipal", "type": "uint96"},
        {"name": "maxPeriods", "type": "uint16"},
        {"name": "periodLength", "type": "uint32"},
        {"name": "grade", "type": "uint8"},
        {"name": "aprBps", "type": "uint16"},
        {"name": "collateralToken", "type": "address"},
        {"name": "minCollateral", "type": "uint256"},
        {"name": "expiry", "type": "uint40"},
        {"name": "nonce", "type": "uint256"},
    ],
}
OFFER_FIELDS = [f["name"] for f in OFFER_TYPES["LoanOffer"]]


def offer_typed_data(offer: dict[str, Any], chain_id: int, market: str) -> dict[str, Any]:
    """The full EIP-712 message (types, domain, message) for `offer`, as wallets and eth_account take it."""
    message = {name: offer[name] for name in OFFER_FIELDS}
    message["borrower"] = to_checksum_address(message["borrower"])
    message["collateralToken"] = to_checksum_address(message["collateralToken"])
    return {
        "types": OFFER_TYPES,
        "primaryType": "LoanOffer",
        "domain": {
            "name": DOMAIN_NAME,
            "version": DOMAIN_VERSION,
            "chainId": int(chain_id),
            "verifyingContract": to_checksum_address(market),
        },
        "message": message,
    }


def offer_digest(offer: dict[str, Any], chain_id: int, market: str) -> bytes:
    """The 32-byte digest the signer signs (LoanMarket.offerDigest returns the same)."""
    signable = encode_typed_data(full_message=offer_typed_data(offer, chain_id, market))
    return keccak(b"\x19" + signable.version + signable.header + signable.body)


def sign_offer(offer: dict[str, Any], chain_id: int, market: str, private_key: str) -> bytes:
    """65-byte r||s||v signature of `offer`."""
    signable = encode_typed_data(full_message=offer_typed_data(offer, chain_id, market))
    return bytes(Account.sign_message(signable, private_key=private_key).signature)
