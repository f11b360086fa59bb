"""AES-GCM keyring: round trip, associated data, key rotation; keyed hashes; commitments."""

import base64
import os

import pytest
from eth_utils import keccak

from backend.privacy import DecryptionError, KeyedHasher, Keyring, KeyringError, commitment_for, new_salt
from backend.privacy.commitment import canonical_json


def key() -> str:
    return base64.urlsafe_b64encode(os.urandom(32)).decode()


def test_round_trip_with_associated_data():
    ring = Keyring({"k1": key()}, current="k1")
    envelope = ring.encrypt("张伟 110105194912310021".encode(), b"kyc_application:1")
    assert envelope.startswith("v1.k1.")
    assert "110105" not in envelope
    assert ring.decrypt(envelope, b"kyc_application:1").decode() == "张伟 110105194912310021"


def test_each_encryption_uses_a_fresh_nonce():
    ring = Keyring({"k1": key()}, current="k1")
    assert ring.encrypt(b"same", b"") != ring.encrypt(b"same", b"")


def test_ciphertext_moved_to_another_record_fails_authentication():
    ring = Keyring({"k1": key()}, current="k1")
    envelope = ring.encrypt(b"secret", b"kyc_application:1")
    with pytest.raises(DecryptionError):
        ring.decrypt(envelope, b"kyc_application:2")


def test_tampered_ciphertext_is_rejected():
    ring = Keyring({"k1": key()}, current="k1")
    envelope = ring.encrypt(b"secret", b"")
    head, body = envelope.rsplit(".", 1)
    flipped = body[:-2] + ("A" if body[-2] != "A" else "B") + body[-1]
    with pytest.raises(DecryptionError):
        ring.decrypt(f"{head}.{flipped}", b"")


def test_rotation_old_ciphertexts_still_decrypt_and_new_ones_use_the_current_key():
    old_key, new_key = key(), key()
    before = Keyring({"k1": old_key}, current="k1")
    old_envelope = before.encrypt(b"record", b"aad")

    after = Keyring({"k1": old_key, "k2": new_key}, current="k2")
    assert after.decrypt(old_envelope, b"aad") == b"record"
    fresh = after.encrypt(b"record", b"aad")
    assert after.key_id_of(fresh) == "k2"

    rewrapped = after.rewrap(old_envelope, b"aad")
    assert after.key_id_of(rewrapped) == "k2"
    # Once the old key is dropped, only rewrapped data is readable.
    only_new = Keyring({"k2": new_key}, current="k2")
    assert only_new.decrypt(rewrapped, b"aad") == b"record"
    with pytest.raises(DecryptionError, match="unknown key id"):
        only_new.decrypt(old_envelope, b"aad")


def test_rewrap_leaves_current_ciphertext_untouched():
    ring = Keyring({"k1": key()}, current="k1")
    envelope = ring.encrypt(b"x", b"")
    assert ring.rewrap(envelope, b"") == envelope


@pytest.mark.parametrize(
    ("keys", "current"),
    [
        ({}, "k1"),
        ({"k1": key()}, "k2"),
        ({"k 1": key()}, "k 1"),
        ({"k1": base64.b64encode(b"short").decode()}, "k1"),
    ],
)
def test_unusable_keyrings_are_refused(keys, current):
    with pytest.raises(KeyringError):
        Keyring(keys, current=current)


def test_hex_keys_are_accepted():
    ring = Keyring({"k1": os.urandom(32).hex()}, current="k1")
    assert ring.decrypt(ring.encrypt(b"x", b""), b"") == b"x"


@pytest.mark.parametrize("garbage", ["", "v2.k1.AAAA", "v1.k1", "v1.k1.!!!", "v1.k1.AAAA"])
def test_malformed_envelopes_are_rejected(garbage):
    ring = Keyring({"k1": key()}, current="k1")
    with pytest.raises(DecryptionError):
        ring.decrypt(garbage, b"")


def test_keyed_hash_normalizes_and_separates_purposes():
    hasher = KeyedHasher("a-long-enough-hash-key")
    assert hasher.digest("national_id", "11010519491231002x") == hasher.digest(
        "national_id", "110105 19491231002X"
    )
    assert hasher.digest("national_id", "123456789") != hasher.digest("bank_card", "123456789")
    assert KeyedHasher("another-long-hash-key").digest("national_id", "1") != hasher.digest(
        "national_id", "1"
    )
    assert len(hasher.digest("national_id", "1")) == 64


def test_keyed_hash_refuses_short_keys():
    with pytest.raises(ValueError):
        KeyedHasher("short")


def test_commitment_is_keccak_of_salt_and_canonical_record():
    salt = new_salt()
    record = {"b": 2, "a": "é"}
    assert canonical_json(record) == '{"a":"é","b":2}'.encode()
    assert commitment_for(salt, record) == keccak(salt + canonical_json(record))
    assert commitment_for(salt, {"a": "é", "b": 2}) == commitment_for(salt, record)
    assert commitment_for(new_salt(), record) != commitment_for(salt, record)
    with pytest.raises(ValueError):
        commitment_for(b"short", record)
