"""The on-chain commitment binding an attestation to its off-chain KYC record.

``keccak256(salt || canonical_json(record))``: the salt (32 random bytes, stored encrypted with the record)
makes the commitment hiding, so nobody can confirm a guessed identity against the public chain; keeping
the salt and record lets the platform later prove which record an attestation was issued for.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping

from eth_utils import keccak

SALT_BYTES = 32


def new_salt() -> bytes:
    return os.urandom(SALT_BYTES)


def canonical_json(record: Mapping[str, object]) -> bytes:
    return json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def commitment_for(salt: bytes, record: Mapping[str, object]) -> bytes:
    if len(salt) != SALT_BYTES:
        raise ValueError("commitment salt must be 32 bytes")
    return keccak(salt + canonical_json(record))
