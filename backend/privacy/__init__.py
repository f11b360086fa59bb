"""Personal data protection: authenticated encryption at rest, keyed hashes for lookups, commitments.

Nothing in this package knows about HTTP or the database; the KYC and risk domains use it to make sure
the database only ever holds ciphertext, keyed hashes and commitments, never plaintext identifiers.
"""

from backend.privacy.commitment import commitment_for, new_salt
from backend.privacy.crypto import DecryptionError, Keyring, KeyringError
from backend.privacy.hashing import KeyedHasher, person_subject

__all__ = [
    "DecryptionError",
    "KeyedHasher",
    "Keyring",
    "KeyringError",
    "commitment_for",
    "new_salt",
    "person_subject",
]
