"""EIP-712 signing for IdentityRegistry attestations, CreditOracle score batches and note holders'
restructuring approvals of the loan market.

Messages are built for `eth_account.messages.encode_typed_data(full_message=...)`, the encoding the
oracle nodes and the KYC service use, so these tests check the contracts against it.
"""

from brownie import chain
from eth_account import Account
from eth_account.messages import encode_typed_data
from eth_utils import keccak
from hexbytes import HexBytes

from oracle.signing import ScoreBatch

DOMAIN_TYPE = [
    {"name": "name", "type": "string"},
    {"name": "version", "type": "string"},
    {"name": "chainId", "type": "uint256"},
    {"name": "verifyingContract", "type": "address"},
]

ATTESTATION_TYPES = {
    "EIP712Domain": DOMAIN_TYPE,
    "Attestation": [
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
    ],
}
# The struct's fields in declaration order: the order of `attestWithSignature`'s tuple argument.
ATTESTATION_FIELDS = [f["name"] for f in ATTESTATION_TYPES["Attestation"]]

BATCH_TYPES = {
    "EIP712Domain": DOMAIN_TYPE,
    "CreditReport": [
        {"name": "borrower", "type": "address"},
        {"name": "score", "type": "uint16"},
        {"name": "grade", "type": "uint8"},
        {"name": "pdBps", "type": "uint16"},
        {"name": "modelVersion", "type": "uint16"},
        {"name": "asOf", "type": "uint40"},
        {"name": "reasonsHash", "type": "bytes32"},
    ],
    "ScoreBatch": [
        {"name": "round", "type": "uint64"},
        {"name": "deadline", "type": "uint64"},
        {"name": "reports", "type": "CreditReport[]"},
    ],
}


def _domain(name, contract, chain_id, verifying_contract):
    return {
        "name": name,
        "version": "1",
        "chainId": chain.id if chain_id is None else chain_id,
        "verifyingContract": str(getattr(contract, "address", contract))
        if verifying_contract is None
        else str(verifying_contract),
    }


def _bytes32(value):
    return bytes(HexBytes(value))


# ------------------------------------------------------------------ identity


def attestation_message(registry, attestation, chain_id=None, verifying_contract=None):
    message = dict(attestation)
    message["wallet"] = str(message["wallet"])
    message["commitment"] = _bytes32(message["commitment"])
    message["subject"] = _bytes32(message["subject"])
    return {
        "types": ATTESTATION_TYPES,
        "primaryType": "Attestation",
        "domain": _domain("PeerLend IdentityRegistry", registry, chain_id, verifying_contract),
        "message": message,
    }


def sign_attestation(key, registry, attestation, chain_id=None, verifying_contract=None):
    """65-byte signature of `attestation` (a dict of ATTESTATION_FIELDS) by `key`."""
    signable = encode_typed_data(
        full_message=attestation_message(registry, attestation, chain_id, verifying_contract)
    )
    return bytes(key.sign_message(signable).signature)


def attestation_tuple(attestation):
    """The `Attestation` struct argument for `attestWithSignature`."""
    return tuple(str(attestation[f]) if f == "wallet" else attestation[f] for f in ATTESTATION_FIELDS)


# ------------------------------------------------------------------ oracle


def batch_message(oracle, round_, deadline, reports, chain_id=None, verifying_contract=None):
    return {
        "types": BATCH_TYPES,
        "primaryType": "ScoreBatch",
        "domain": _domain("PeerLend CreditOracle", oracle, chain_id, verifying_contract),
        "message": {
            "round": round_,
            "deadline": deadline,
            "reports": [
                {**r, "borrower": str(r["borrower"]), "reasonsHash": _bytes32(r["reasonsHash"])}
                for r in reports
            ],
        },
    }


def batch_digest(oracle, round_, deadline, reports, chain_id=None, verifying_contract=None):
    """The 32-byte EIP-712 digest a signer signs."""
    signable = encode_typed_data(
        full_message=batch_message(oracle, round_, deadline, reports, chain_id, verifying_contract)
    )
    return keccak(b"\x19" + signable.version + signable.header + signable.body)


def sign_batch(keys, oracle, round_, deadline, reports, chain_id=None, verifying_contract=None, order=True):
    """Signatures of the batch by each of `keys`, ordered by signer address unless `order` is False."""
    digest = batch_digest(oracle, round_, deadline, reports, chain_id, verifying_contract)
    if order:
        keys = sorted(keys, key=lambda k: int(k.address, 16))
    return [bytes(Account.unsafe_sign_hash(digest, k.key).signature) for k in keys]


def recover(digest, signature):
    return Account._recover_hash(digest, signature=signature)


def pack_reports(reports):
    """`submitBatch`'s `records`, packed by the oracle service's own code (64 bytes per report)."""
    rows = [{**r, "borrower": str(r["borrower"])} for r in reports]
    return ScoreBatch.build(0, 0, rows).packed_records()


def decode_records_payload(payload):
    """Splits a CreditRecordsUpdated `records` payload into report dicts (64 bytes per report)."""
    payload = bytes(HexBytes(payload))
    assert len(payload) % 64 == 0
    out = []
    for i in range(0, len(payload), 64):
        chunk = payload[i : i + 64]
        out.append(
            {
                "borrower": "0x" + chunk[0:20].hex(),
                "score": int.from_bytes(chunk[20:22], "big"),
                "grade": chunk[22],
                "pdBps": int.from_bytes(chunk[23:25], "big"),
                "modelVersion": int.from_bytes(chunk[25:27], "big"),
                "asOf": int.from_bytes(chunk[27:32], "big"),
                "reasonsHash": "0x" + chunk[32:64].hex(),
            }
        )
    return out


# ------------------------------------------------------------------ loan restructuring

RESTRUCTURE_APPROVAL_TYPES = {
    "EIP712Domain": DOMAIN_TYPE,
    "RestructureApproval": [
        {"name": "holder", "type": "address"},
        {"name": "loanId", "type": "uint256"},
        {"name": "proposalId", "type": "uint256"},
        {"name": "nonce", "type": "uint256"},
        {"name": "deadline", "type": "uint256"},
    ],
}


def restructure_approval_message(
    market, holder, loan_id, proposal_id, nonce, deadline, chain_id=None, verifying_contract=None
):
    return {
        "types": RESTRUCTURE_APPROVAL_TYPES,
        "primaryType": "RestructureApproval",
        "domain": _domain("PeerLend LoanMarket", market, chain_id, verifying_contract),
        "message": {
            "holder": str(holder),
            "loanId": loan_id,
            "proposalId": proposal_id,
            "nonce": nonce,
            "deadline": deadline,
        },
    }


def sign_restructure_approval(key, market, loan_id, proposal_id, nonce, deadline, **domain):
    """65-byte signature by `key` (the holder) of its approval of `proposal_id`."""
    message = restructure_approval_message(
        market, key.address, loan_id, proposal_id, nonce, deadline, **domain
    )
    return bytes(key.sign_message(encode_typed_data(full_message=message)).signature)
