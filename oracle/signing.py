"""EIP-712 encoding and signing of CreditOracle score batches.

Domain ("PeerLend CreditOracle", "1", chainId, verifyingContract); types as declared in
contracts/interfaces/ICreditOracle.sol. The digest is built by eth_account's `encode_typed_data`
and cross-checked in the tests against a hand-rolled keccak/abi encoding, so a drift in either the
type strings or the library shows up before the contract rejects a batch.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass

from eth_account import Account
from eth_account.messages import encode_typed_data
from eth_utils import keccak, to_bytes, to_checksum_address

DOMAIN_NAME = "PeerLend CreditOracle"
DOMAIN_VERSION = "1"

CREDIT_REPORT_FIELDS = [
    {"name": "borrower", "type": "address"},
    {"name": "score", "type": "uint16"},
    {"name": "grade", "type": "uint8"},
    {"name": "pdBps", "type": "uint16"},
    {"name": "modelVersion", "type": "uint16"},
    {"name": "asOf", "type": "uint40"},
    {"name": "reasonsHash", "type": "bytes32"},
]
SCORE_BATCH_FIELDS = [
    {"name": "round", "type": "uint64"},
    {"name": "deadline", "type": "uint64"},
    {"name": "reports", "type": "CreditReport[]"},
]
FIELD_BITS = {"score": 16, "grade": 8, "pdBps": 16, "modelVersion": 16, "asOf": 40}
EIP712_DOMAIN_FIELDS = [
    {"name": "name", "type": "string"},
    {"name": "version", "type": "string"},
    {"name": "chainId", "type": "uint256"},
    {"name": "verifyingContract", "type": "address"},
]


@dataclass(frozen=True)
class CreditReport:
    """One report as it travels on-chain (field names follow the Solidity struct)."""

    borrower: str
    score: int
    grade: int
    pdBps: int
    modelVersion: int
    asOf: int
    reasonsHash: str

    def __post_init__(self) -> None:
        # field widths of the Solidity struct: a wider value could be neither signed nor packed
        for name, bits in FIELD_BITS.items():
            value = getattr(self, name)
            if not 0 <= value < 1 << bits:
                raise ValueError(f"{name} {value} does not fit uint{bits}")

    @classmethod
    def from_dict(cls, d: dict) -> CreditReport:
        reasons = d["reasonsHash"]
        if isinstance(reasons, bytes | bytearray):
            reasons = "0x" + bytes(reasons).hex()
        if len(to_bytes(hexstr=reasons)) != 32:
            raise ValueError("reasonsHash must be 32 bytes")
        return cls(
            borrower=to_checksum_address(d["borrower"]),
            score=int(d["score"]),
            grade=int(d["grade"]),
            pdBps=int(d["pdBps"]),
            modelVersion=int(d["modelVersion"]),
            asOf=int(d["asOf"]),
            reasonsHash=reasons.lower(),
        )

    def to_dict(self) -> dict:
        return asdict(self)

    def packed(self) -> bytes:
        """The report's 64 bytes in `submitBatch`'s `records` (the CreditRecordsUpdated layout)."""
        return (
            to_bytes(hexstr=self.borrower)
            + self.score.to_bytes(2, "big")
            + self.grade.to_bytes(1, "big")
            + self.pdBps.to_bytes(2, "big")
            + self.modelVersion.to_bytes(2, "big")
            + self.asOf.to_bytes(5, "big")
            + to_bytes(hexstr=self.reasonsHash)
        )


@dataclass(frozen=True)
class ScoreBatch:
    round: int
    deadline: int
    reports: tuple[CreditReport, ...]

    @classmethod
    def build(cls, round_: int, deadline: int, reports: Iterable[CreditReport | dict]) -> ScoreBatch:
        items = tuple(r if isinstance(r, CreditReport) else CreditReport.from_dict(r) for r in reports)
        return cls(round=int(round_), deadline=int(deadline), reports=items)

    def packed_records(self) -> bytes:
        return b"".join(r.packed() for r in self.reports)

    def to_dict(self) -> dict:
        return {
            "round": self.round,
            "deadline": self.deadline,
            "reports": [r.to_dict() for r in self.reports],
        }

    @classmethod
    def from_dict(cls, d: dict) -> ScoreBatch:
        return cls.build(d["round"], d["deadline"], d["reports"])


def typed_data(batch: ScoreBatch, chain_id: int, verifying_contract: str) -> dict:
    """The full EIP-712 message for `encode_typed_data(full_message=...)`."""
    return {
        "types": {
            "EIP712Domain": EIP712_DOMAIN_FIELDS,
            "CreditReport": CREDIT_REPORT_FIELDS,
            "ScoreBatch": SCORE_BATCH_FIELDS,
        },
        "primaryType": "ScoreBatch",
        "domain": {
            "name": DOMAIN_NAME,
            "version": DOMAIN_VERSION,
            "chainId": int(chain_id),
            "verifyingContract": to_checksum_address(verifying_contract),
        },
        "message": {
            "round": batch.round,
            "deadline": batch.deadline,
            "reports": [
                {**r.to_dict(), "reasonsHash": to_bytes(hexstr=r.reasonsHash)} for r in batch.reports
            ],
        },
    }


def batch_digest(batch: ScoreBatch, chain_id: int, verifying_contract: str) -> bytes:
    """The 32-byte digest the contract recovers signers from."""
    signable = encode_typed_data(full_message=typed_data(batch, chain_id, verifying_contract))
    return keccak(b"\x19" + signable.version + signable.header + signable.body)


def sign_batch(batch: ScoreBatch, chain_id: int, verifying_contract: str, private_key) -> bytes:
    """65-byte r||s||v signature (v in {27, 28}), the form OpenZeppelin's ECDSA.recover accepts."""
    signable = encode_typed_data(full_message=typed_data(batch, chain_id, verifying_contract))
    return bytes(Account.sign_message(signable, private_key=private_key).signature)


def recover_signer(batch: ScoreBatch, chain_id: int, verifying_contract: str, signature: bytes) -> str:
    signable = encode_typed_data(full_message=typed_data(batch, chain_id, verifying_contract))
    return to_checksum_address(Account.recover_message(signable, signature=signature))


def order_signatures(signed: Sequence[tuple[str, bytes]]) -> list[bytes]:
    """Signatures by strictly ascending signer address, as `submitBatch` demands; one per signer."""
    by_signer: dict[int, bytes] = {}
    for signer, sig in signed:
        by_signer.setdefault(int(signer, 16), sig)
    return [by_signer[k] for k in sorted(by_signer)]
