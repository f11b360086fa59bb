"""EIP-712 Attestation digest and signature, checked against keccak/abi encoding as the contract does it."""

import pytest
from eth_abi import encode
from eth_account import Account
from eth_utils import keccak, to_bytes

from backend.chain.identity import Attestation, attestation_digest, sign_attestation

CONTRACT = "0x5FbDB2315678afecb367f032d93F642f64180aa3"
WALLET = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"
KEY = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d"

TYPEHASH = keccak(
    text="Attestation(address wallet,uint8 level,uint8 riskClass,uint16 jurisdiction,uint40 expiresAt,"
    "bytes32 commitment,bytes32 subject,bool entity,uint256 nonce,uint256 deadline)"
)
DOMAIN_TYPEHASH = keccak(
    text="EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"
)


def expected_digest(att: Attestation, chain_id: int) -> bytes:
    domain = keccak(
        encode(
            ["bytes32", "bytes32", "bytes32", "uint256", "address"],
            [DOMAIN_TYPEHASH, keccak(text="PeerLend IdentityRegistry"), keccak(text="1"), chain_id, CONTRACT],
        )
    )
    struct = keccak(
        encode(
            [
                "bytes32",
                "address",
                "uint8",
                "uint8",
                "uint16",
                "uint40",
                "bytes32",
                "bytes32",
                "bool",
                "uint256",
                "uint256",
            ],
            [
                TYPEHASH,
                att.wallet,
                att.level,
                att.riskClass,
                att.jurisdiction,
                att.expiresAt,
                to_bytes(hexstr=att.commitment),
                to_bytes(hexstr=att.subject),
                att.entity,
                att.nonce,
                att.deadline,
            ],
        )
    )
    return keccak(b"\x19\x01" + domain + struct)


ATT = Attestation(
    wallet=WALLET,
    level=2,
    riskClass=3,
    jurisdiction=156,
    expiresAt=1_900_000_000,
    commitment="0x" + "ab" * 32,
    subject="0x" + "5b" * 32,
    entity=False,
    nonce=4,
    deadline=1_800_000_000,
)


def test_digest_matches_the_contracts_encoding():
    assert attestation_digest(ATT, 31337, CONTRACT) == expected_digest(ATT, 31337)
    assert attestation_digest(ATT, 1, CONTRACT) != attestation_digest(ATT, 31337, CONTRACT)
    entity = Attestation(**{**ATT.__dict__, "entity": True})
    assert attestation_digest(entity, 31337, CONTRACT) == expected_digest(entity, 31337)
    assert attestation_digest(entity, 31337, CONTRACT) != attestation_digest(ATT, 31337, CONTRACT)


def test_signature_recovers_to_the_attester():
    signature = sign_attestation(ATT, 31337, CONTRACT, KEY)
    assert len(signature) == 65 and signature[64] in (27, 28)
    recovered = Account._recover_hash(expected_digest(ATT, 31337), signature=signature)
    assert recovered == Account.from_key(KEY).address


@pytest.mark.parametrize(
    "bad",
    [
        {"level": 0},
        {"level": 3},
        {"riskClass": 0},
        {"riskClass": 6},
        {"jurisdiction": 70000},
        {"commitment": "0x1234"},
        {"subject": "0x" + "00" * 32},
        {"subject": "0x1234"},
        {"expiresAt": 0},
    ],
)
def test_out_of_range_attestations_are_refused_before_signing(bad):
    fields = {**ATT.__dict__, **bad}
    with pytest.raises(ValueError):
        Attestation(**fields)
