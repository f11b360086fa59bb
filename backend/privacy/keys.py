"""Builds the keyring and keyed hasher from settings.

The current key is ``PEERLEND_ENCRYPTION_KEY`` under id ``PEERLEND_ENCRYPTION_KEY_ID``. Keys retired by a
rotation stay readable through ``PEERLEND_ENCRYPTION_KEYS_RETIRED``, a JSON object ``{"k0": "<base64>"}``:
to rotate, move the current key there under its id, set a new current key and id, and run
``peerlend kyc rewrap``; once it reports nothing left under the old id, drop the retired key.
"""

from __future__ import annotations

from functools import lru_cache

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from backend.core.settings import Settings
from backend.privacy.crypto import Keyring
from backend.privacy.hashing import KeyedHasher


class RetiredKeys(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PEERLEND_", extra="ignore")

    encryption_keys_retired: dict[str, SecretStr] = {}


def keyring_from_settings(settings: Settings) -> Keyring:
    retired = getattr(settings, "encryption_keys_retired", None)
    if retired is None:
        retired = RetiredKeys().encryption_keys_retired
    material = {k: v.get_secret_value() if isinstance(v, SecretStr) else v for k, v in retired.items()}
    return _keyring(
        settings.encryption_key_id,
        settings.encryption_key.get_secret_value(),
        tuple(sorted(material.items())),
    )


@lru_cache(maxsize=16)
def _keyring(current_id: str, current_key: str, retired: tuple[tuple[str, str], ...]) -> Keyring:
    keys: dict[str, str] = dict(retired)
    keys[current_id] = current_key
    return Keyring(keys, current=current_id)


def hasher_from_settings(settings: Settings) -> KeyedHasher:
    return _hasher(settings.hash_key.get_secret_value())


@lru_cache(maxsize=16)
def _hasher(key: str) -> KeyedHasher:
    return KeyedHasher(key)
