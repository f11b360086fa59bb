"""AES-256-GCM envelope encryption with a keyring, so keys can be rotated without a big-bang re-encryption.

Envelope (ASCII, safe for a TEXT column): ``v1.<key_id>.<base64url(nonce || ciphertext || tag)>``.
The key id travels with every ciphertext: new data is encrypted under the current key, old data still
decrypts with whichever known key it names, and ``rewrap`` moves a value to the current key.

Callers pass associated data (for example ``b"kyc_application:<id>"``) so a ciphertext copied into another
row fails authentication instead of silently decrypting as someone else's record.
"""

from __future__ import annotations

import base64
import binascii
import os
import re
from collections.abc import Mapping

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

_VERSION = "v1"
_NONCE_BYTES = 12  # the GCM standard nonce; random per message, 2^-32 collision bound is far away
_KEY_ID = re.compile(r"^[A-Za-z0-9_-]{1,32}$")


class KeyringError(ValueError):
    """The keyring configuration is unusable (missing current key, wrong key length, bad id)."""


class DecryptionError(ValueError):
    """A ciphertext is malformed, names an unknown key, or fails authentication."""


def _b64decode(value: str) -> bytes:
    padded = value + "=" * (-len(value) % 4)
    return base64.urlsafe_b64decode(padded.encode("ascii"))


def decode_key(material: str | bytes) -> bytes:
    """Accepts raw 32 bytes, or base64/base64url/hex text of 32 bytes (how keys arrive from settings)."""
    if isinstance(material, bytes):
        raw = material
    else:
        text = material.strip()
        raw = b""
        if re.fullmatch(r"(0x)?[0-9a-fA-F]{64}", text):
            raw = bytes.fromhex(text.removeprefix("0x"))
        else:
            try:
                raw = _b64decode(text.replace("+", "-").replace("/", "_").rstrip("="))
            except (binascii.Error, ValueError) as exc:
                raise KeyringError("encryption key is neither hex nor base64") from exc
    if len(raw) != 32:
        raise KeyringError(f"encryption keys must be 32 bytes (AES-256), got {len(raw)}")
    return raw


class Keyring:
    """A set of AES-256 keys by id, one of which is current (used for every new encryption)."""

    def __init__(self, keys: Mapping[str, str | bytes], current: str) -> None:
        if not keys:
            raise KeyringError("the keyring is empty")
        for key_id in keys:
            if not _KEY_ID.match(key_id):
                raise KeyringError(f"invalid key id {key_id!r}: use 1-32 of [A-Za-z0-9_-]")
        if current not in keys:
            raise KeyringError(f"current key id {current!r} is not in the keyring")
        self._keys = {key_id: AESGCM(decode_key(material)) for key_id, material in keys.items()}
        self.current = current

    @property
    def key_ids(self) -> frozenset[str]:
        return frozenset(self._keys)

    def encrypt(self, plaintext: bytes, aad: bytes) -> str:
        nonce = os.urandom(_NONCE_BYTES)
        sealed = self._keys[self.current].encrypt(nonce, plaintext, aad)
        body = base64.urlsafe_b64encode(nonce + sealed).decode("ascii").rstrip("=")
        return f"{_VERSION}.{self.current}.{body}"

    def decrypt(self, envelope: str, aad: bytes) -> bytes:
        key_id, blob = self._parse(envelope)
        aead = self._keys.get(key_id)
        if aead is None:
            raise DecryptionError(f"ciphertext was sealed with unknown key id {key_id!r}")
        try:
            return aead.decrypt(blob[:_NONCE_BYTES], blob[_NONCE_BYTES:], aad)
        except InvalidTag as exc:
            raise DecryptionError("ciphertext failed authentication") from exc

    def key_id_of(self, envelope: str) -> str:
        return self._parse(envelope)[0]

    def rewrap(self, envelope: str, aad: bytes) -> str:
        """Re-encrypts under the current key; a value already under it is returned unchanged."""
        if self.key_id_of(envelope) == self.current:
            return envelope
        return self.encrypt(self.decrypt(envelope, aad), aad)

    @staticmethod
    def _parse(envelope: str) -> tuple[str, bytes]:
        parts = envelope.split(".")
        if len(parts) != 3 or parts[0] != _VERSION:
            raise DecryptionError("not a v1 envelope")
        try:
            blob = _b64decode(parts[2])
        except (binascii.Error, ValueError) as exc:
            raise DecryptionError("envelope body is not base64url") from exc
        if len(blob) < _NONCE_BYTES + 16:
            raise DecryptionError("envelope body is too short")
        return parts[1], blob
