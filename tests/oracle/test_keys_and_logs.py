"""Keys come from an encrypted keystore or settings and never reach a log line or a repr."""

import json
import logging

from eth_account import Account

from oracle.logs import REDACTED, SecretFilter, setup_logging
from oracle.settings import OracleSettings


def test_signing_key_from_encrypted_keystore(tmp_path):
    acct = Account.create()
    path = tmp_path / "node1.json"
    path.write_text(json.dumps(Account.encrypt(acct.key, "correct horse", kdf="pbkdf2", iterations=1024)))
    settings = OracleSettings(keystore_path=path, keystore_password="correct horse")  # noqa: S106 - test keystore
    assert Account.from_key(settings.signing_key().get_secret_value()).address == acct.address
    assert acct.key.hex() not in repr(settings) and "correct horse" not in repr(settings)


def test_settings_key_is_secret_in_repr():
    key = "0x" + "5a" * 32
    settings = OracleSettings(private_key=key, submitter_private_key=key)
    assert key not in repr(settings) and key[2:] not in str(settings.model_dump())


def test_log_filter_scrubs_key_from_messages_args_and_tracebacks(caplog):
    key = "0x" + "7e" * 32
    secret_filter = SecretFilter([key])
    logger = logging.getLogger("oracle.test.keys")
    caplog.handler.addFilter(secret_filter)
    try:
        with caplog.at_level(logging.INFO, logger="oracle.test.keys"):
            logger.info("loaded key %s", key)
            logger.info("bare %s upper %s", key[2:], key.upper())
            try:
                raise ValueError(f"bad key {key}")
            except ValueError:
                logger.exception("failed")
    finally:
        caplog.handler.removeFilter(secret_filter)
    text = caplog.text + "".join(r.exc_text or "" for r in caplog.records)
    assert key[2:].lower() not in text.lower()
    assert text.count(REDACTED) >= 4


def test_setup_logging_installs_filter_on_root_handlers():
    key = "0x" + "3c" * 32
    root = logging.getLogger()
    before = list(root.handlers)
    handler = logging.StreamHandler()
    root.addHandler(handler)
    try:
        installed = setup_logging(secrets=[key])
        assert installed in handler.filters
    finally:
        root.removeHandler(handler)
        for h in root.handlers:
            if h not in before:
                root.removeHandler(h)


def test_well_known_development_keys_are_refused_in_production():
    import pytest
    from pydantic import ValidationError

    anvil_3 = "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6"
    assert OracleSettings(env="development", private_key=anvil_3).signing_key().get_secret_value() == anvil_3
    with pytest.raises(ValidationError, match="well-known development key"):
        OracleSettings(env="production", private_key=anvil_3)
    OracleSettings(env="production", private_key="0x" + "5a" * 32)  # any other key is accepted
