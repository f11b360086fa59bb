"""IdentityRegistry client: attestations written by the service's attester key, EIP-712 attestations
for the wallet to submit itself (``attestWithSignature``, the wallet pays gas), revocation, freezes.

The EIP-712 digest is built with eth_account's ``encode_typed_data`` and cross-checked in the tests
against a hand-rolled ``keccak(abi.encode(TYPEHASH, ...))`` as the contract computes it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from eth_account import Account
from eth_account.messages import encode_typed_data
from eth_utils import keccak, to_bytes, to_checksum_address

from backend.chain.client import ChainClient
from backend.chain.errors import ChainError, ContractReverted
from backend.chain.outbox import Outbox

DOMAIN_NAME = "PeerLend IdentityRegistry"
DOMAIN_VERSION = "1"
CONTRACT_NAME = "IdentityRegistry"

ATTESTATION_FIELDS = [
    {"name": "wallet", "type": "address"},
    {"name": "level", "type": "uint8"},
    {"name": "riskClass", "type": "uint8"},
    {"name": "jurisdiction", "type": "uint16"},
    {"name": "expiresAt", "type": "uint40"},
    {"name": "commitment", "type": "bytes32"},
    {"name": "subject", "type": "bytes32"},
    {"name": "entity", "type": "bool"},
    {"name": "nonce", "type": "uint256"},
    {"name": "deadline", "type": "uint256"},
]
EIP712_DOMAIN_FIELDS = [
    {"name": "name", "type": "string"},
    {"name": "version", "type": "string"},
    {"name": "chainId", "type": "uint256"},
    {"name": "verifyingContract", "type": "address"},
]

# Reason codes carried by IdentityRevoked / IdentityFrozen events (uint8). The text stays off-chain.
REVOKE_REASONS = {"compliance": 1, "fraud": 2, "sanctions": 3, "customer_request": 4, "data_error": 5}
FREEZE_REASONS = {"aml_alert": 1, "sanctions": 2, "court_order": 3, "other": 9}


class IdentityChainError(ChainError):
    """An IdentityRegistry call failed (unreachable node, revert, missing deployment)."""


@dataclass(frozen=True)
class Attestation:
    wallet: str
    level: int
    riskClass: int
    jurisdiction: int
    expiresAt: int
    commitment: str  # 0x-prefixed 32 bytes
    # Keyed hash naming the person behind the wallet (the same for all of its wallets, never zero):
    # the market caps a person's borrowing across wallets by it. 0x-prefixed 32 bytes.
    subject: str
    entity: bool = False  # a legal entity rather than an individual (its borrowing cap differs)
    nonce: int = 0
    deadline: int = 0

    def __post_init__(self) -> None:
        if len(to_bytes(hexstr=self.commitment)) != 32:
            raise ValueError("commitment must be 32 bytes")
        subject = to_bytes(hexstr=self.subject)
        if len(subject) != 32 or subject == bytes(32):
            raise ValueError("subject must be 32 non-zero bytes")
        if not 1 <= self.level <= 2 or not 1 <= self.riskClass <= 5:
            raise ValueError("level must be 1..2 and riskClass 1..5")
        if not 0 <= self.jurisdiction < 2**16 or not 0 < self.expiresAt < 2**40:
            raise ValueError("jurisdiction must fit uint16 and expiresAt uint40")

    def as_tuple(self) -> tuple:
        return (
            to_checksum_address(self.wallet),
            self.level,
            self.riskClass,
            self.jurisdiction,
            self.expiresAt,
            to_bytes(hexstr=self.commitment),
            to_bytes(hexstr=self.subject),
            bool(self.entity),
            self.nonce,
            self.deadline,
        )

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "wallet": to_checksum_address(self.wallet)}


def typed_data(att: Attestation, chain_id: int, verifying_contract: str) -> dict[str, Any]:
    return {
        "types": {"EIP712Domain": EIP712_DOMAIN_FIELDS, "Attestation": ATTESTATION_FIELDS},
        "primaryType": "Attestation",
        "domain": {
            "name": DOMAIN_NAME,
            "version": DOMAIN_VERSION,
            "chainId": int(chain_id),
            "verifyingContract": to_checksum_address(verifying_contract),
        },
        "message": {
            **att.to_dict(),
            "commitment": to_bytes(hexstr=att.commitment),
            "subject": to_bytes(hexstr=att.subject),
        },
    }


def attestation_digest(att: Attestation, chain_id: int, verifying_contract: str) -> bytes:
    signable = encode_typed_data(full_message=typed_data(att, chain_id, verifying_contract))
    return keccak(b"\x19" + signable.version + signable.header + signable.body)


def sign_attestation(att: Attestation, chain_id: int, verifying_contract: str, private_key: str) -> bytes:
    """65-byte r||s||v signature for ``attestWithSignature``."""
    signable = encode_typed_data(full_message=typed_data(att, chain_id, verifying_contract))
    return bytes(Account.sign_message(signable, private_key=private_key).signature)


class IdentityRegistryClient:
    """IdentityRegistry over the shared ChainClient (nonces per sender, reverts decoded to their custom
    errors). Every failure is raised as IdentityChainError with the decoded reason in its message."""

    def __init__(self, chain: ChainClient) -> None:
        self.chain = chain
        try:
            self.contract = chain.contract(CONTRACT_NAME)
        except ChainError as exc:
            raise IdentityChainError(str(exc)) from exc
        self.address = to_checksum_address(self.contract.address)

    @classmethod
    def from_settings(cls, settings: Any) -> IdentityRegistryClient:
        try:
            return cls(ChainClient.from_settings(settings))
        except ChainError as exc:
            raise IdentityChainError(str(exc)) from exc

    @property
    def chain_id(self) -> int:
        return self.chain.chain_id

    # ------------------------------------------------------------------------------------- views
    def is_eligible(self, wallet: str) -> bool:
        return bool(self._call(self.contract.functions.isEligible(to_checksum_address(wallet))))

    def is_frozen(self, wallet: str) -> bool:
        return bool(self._call(self.contract.functions.isFrozen(to_checksum_address(wallet))))

    def identity_of(self, wallet: str) -> dict[str, Any]:
        level, risk_class, jurisdiction, expires_at, frozen, entity, commitment, subject = self._call(
            self.contract.functions.identityOf(to_checksum_address(wallet))
        )
        return {
            "level": level,
            "riskClass": risk_class,
            "jurisdiction": jurisdiction,
            "expiresAt": expires_at,
            "frozen": frozen,
            "entity": entity,
            "commitment": "0x" + bytes(commitment).hex(),
            "subject": "0x" + bytes(subject).hex(),
        }

    def nonce_of(self, wallet: str) -> int:
        return int(self._call(self.contract.functions.nonces(to_checksum_address(wallet))))

    # ------------------------------------------------------------------------------------- writes
    # Each write takes an optional outbox (backend/chain/outbox.py) that records the transaction before
    # it is sent and its outcome after, so a process that dies in between loses nothing.

    def attest(self, att: Attestation, attester_key: str, outbox: Outbox | None = None) -> str:
        # attest(wallet, level, riskClass, jurisdiction, expiresAt, commitment, subject, entity): the
        # struct without nonce and deadline (a direct attestation uses the wallet's nonce up itself).
        return self._transact(self.contract.functions.attest(*att.as_tuple()[:8]), attester_key, outbox)

    def signed_attestation(
        self, att: Attestation, attester_key: str, deadline: int
    ) -> tuple[Attestation, bytes]:
        """Fills in the wallet's current nonce and ``deadline`` and signs; the wallet submits it."""
        filled = Attestation(**{**asdict(att), "nonce": self.nonce_of(att.wallet), "deadline": int(deadline)})
        return filled, sign_attestation(filled, self.chain_id, self.address, attester_key)

    def invalidate_signatures(self, wallet: str, attester_key: str, outbox: Outbox | None = None) -> str:
        """Voids every signed attestation of `wallet` not yet submitted (its nonce moves on)."""
        fn = self.contract.functions.invalidateSignatures(to_checksum_address(wallet))
        return self._transact(fn, attester_key, outbox)

    def revoke(self, wallet: str, reason_code: int, attester_key: str, outbox: Outbox | None = None) -> str:
        fn = self.contract.functions.revoke(to_checksum_address(wallet), reason_code)
        return self._transact(fn, attester_key, outbox)

    def freeze(self, wallet: str, reason_code: int, compliance_key: str, outbox: Outbox | None = None) -> str:
        fn = self.contract.functions.freeze(to_checksum_address(wallet), reason_code)
        return self._transact(fn, compliance_key, outbox)

    def unfreeze(
        self, wallet: str, reason_code: int, compliance_key: str, outbox: Outbox | None = None
    ) -> str:
        fn = self.contract.functions.unfreeze(to_checksum_address(wallet), reason_code)
        return self._transact(fn, compliance_key, outbox)

    def _call(self, fn: Any) -> Any:
        try:
            return self.chain.call(fn)
        except ChainError as exc:
            raise IdentityChainError(f"{fn.fn_name}: {exc}") from exc

    def _transact(self, fn: Any, private_key: str, outbox: Outbox | None = None) -> str:
        try:
            receipt = self.chain.transact(fn, private_key, send_log=outbox)
        except ContractReverted as exc:
            if outbox is not None:
                outbox.settle(error=str(exc))
            raise IdentityChainError(f"{fn.fn_name}: {exc}") from exc
        except ChainError as exc:  # unreachable or timed out: its fate is for reconciliation to learn
            raise IdentityChainError(f"{fn.fn_name}: {exc}") from exc
        if outbox is not None:
            outbox.settle(receipt)
        return "0x" + bytes(receipt["transactionHash"]).hex()
