"""HMAC-SHA256 keyed hashes for equality lookups over personal data (duplicate identities, linked wallets).

A plain hash of an 18-digit ID or a card number is reversible by enumeration; a keyed hash is not without
the key, which lives in settings, separate from the encryption keys. Each purpose gets its own domain tag
so the same value hashed for two purposes does not produce linkable digests across tables.
"""

from __future__ import annotations

import hashlib
import hmac
import unicodedata


def normalize_identifier(value: str) -> str:
    """Canonical form for identifiers: NFKC, upper case, without spaces, dashes and dots."""
    text = unicodedata.normalize("NFKC", value).upper()
    return "".join(ch for ch in text if ch not in " \t-._/")


class KeyedHasher:
    def __init__(self, key: str | bytes) -> None:
        # HMAC takes a key of any length; the text of the setting is the key (no decoding to get wrong).
        self._key = key.encode("utf-8") if isinstance(key, str) else key
        if len(self._key) < 16:
            raise ValueError("the keyed-hash key must be at least 16 bytes")

    def digest(self, purpose: str, value: str) -> str:
        """Hex HMAC of ``purpose`` || 0x00 || normalized ``value``."""
        message = purpose.encode("utf-8") + b"\x00" + normalize_identifier(value).encode("utf-8")
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()


# The purpose tag of the on-chain subject: a digest of its own, so the public subject cannot be matched
# against the lookup hashes stored beside the KYC records (and vice versa).
SUBJECT_PURPOSE = "chain_subject"


def person_subject(hasher: KeyedHasher, jurisdiction: str, national_id_number: str) -> str:
    """The IdentityRegistry ``subject`` of a person: 0x-prefixed 32 bytes, the same for every wallet of
    one person (same jurisdiction and national ID number) and different across people.

    It is published on-chain, so it must reveal nothing: it is a keyed hash (HMAC-SHA256 under the
    service's hash key), which nobody without the key can recompute from a guessed ID number, where a
    plain hash of an 18-digit ID could be reversed by enumeration. Rotating the hash key changes every
    subject: wallets attested before and after a rotation would no longer count as one person.
    """
    return "0x" + hasher.digest(SUBJECT_PURPOSE, f"{jurisdiction}:{national_id_number}")
