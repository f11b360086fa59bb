"""Detached signatures of exported files: a service key signs the SHA-256 of the file's bytes.

The signature is an Ethereum personal-message signature (EIP-191: keccak256 of
"\\x19Ethereum Signed Message:\\n32" followed by the 32-byte SHA-256 digest). It is deterministic
(RFC 6979), so the same file gives the same signature. A recipient verifies a file without any secret:
hash the bytes exactly as received, recover the signer from the signature over that digest, and compare
it with the address the deployment publishes for the signing key. `verify_export` does that; so does any
EIP-191 tool given the digest as the 32-byte message (e.g. `cast wallet verify --address A 0x<sha256> S`).
Which key signs which export is each domain's (backend/aml/signing.py, backend/disclosure/signing.py).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from eth_account import Account
from eth_account.messages import encode_defunct
from eth_utils import to_checksum_address


@dataclass(frozen=True)
class DetachedSignature:
    sha256: str  # hex digest of the file
    signature: str  # 0x-prefixed 65 bytes, r || s || v
    signer: str  # checksummed address of the key that signed

    def headers(self, kind: str) -> dict[str, str]:
        """The response headers carrying the signature: X-<kind>-SHA256, -Signature and -Signer."""
        return {
            f"X-{kind}-SHA256": self.sha256,
            f"X-{kind}-Signature": self.signature,
            f"X-{kind}-Signer": self.signer,
        }


def sign_export(data: bytes, private_key: str) -> DetachedSignature:
    digest = hashlib.sha256(data).digest()
    signed = Account.sign_message(encode_defunct(primitive=digest), private_key=private_key)
    signer = Account.from_key(private_key).address
    return DetachedSignature(digest.hex(), "0x" + bytes(signed.signature).hex(), str(signer))


def verify_export(data: bytes, signature: str, signer: str, sha256: str | None = None) -> bool:
    """Whether `signature` is `signer`'s over these exact bytes (and, if given, `sha256` is their hash)."""
    digest = hashlib.sha256(data).digest()
    if sha256 is not None and sha256.lower().removeprefix("0x") != digest.hex():
        return False
    try:
        recovered = Account.recover_message(encode_defunct(primitive=digest), signature=signature)
    except (ValueError, TypeError):
        return False
    return bool(recovered == to_checksum_address(signer))
