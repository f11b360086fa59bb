import pytest
from pydantic import ValidationError

from backend.aml.config import AmlSettings
from backend.core.settings import Settings, SettingsError, get_settings, is_local_development_key
from backend.kyc.config import KycSettings
from scripts.deployment.local_accounts import ROLE_INDEX, local_private_key

STRONG = {
    "token_secret": "q7V0mJ9kz2XbT4rN8sW1yP6cL3hF5dA0gE9uK2iO7tR",
    "hash_key": "Zx8Kq2Lm4Nb6Vc8Xz0Aa2Ss4Dd6Ff8Gg0Hh2Jj4Kk6L",
    "encryption_key": "mF3k9Q2wE7rT1yU5iO8pA4sD6fG0hJ2kL9zX3cV7bN1=",
    "attester_private_key": "0x" + "4f" * 32,
    "offer_signer_private_key": "0x" + "5e" * 32,
}


def test_development_defaults_work():
    settings = Settings(env="development")
    assert settings.should_auto_migrate and settings.database_url.startswith("sqlite:///")


def test_production_refuses_default_secrets():
    with pytest.raises(SettingsError) as failure:
        Settings(env="production")
    message = str(failure.value)
    assert "env=production" in message
    for name in (
        "PEERLEND_TOKEN_SECRET",
        "PEERLEND_HASH_KEY",
        "PEERLEND_ENCRYPTION_KEY",
        "PEERLEND_ATTESTER_PRIVATE_KEY",
        "PEERLEND_OFFER_SIGNER_PRIVATE_KEY",
    ):
        assert name in message


@pytest.mark.parametrize("field", ["token_secret", "hash_key", "encryption_key"])
@pytest.mark.parametrize("value", ["change-me", "short", "my-placeholder-secret-value-0123456789abcdef"])
def test_production_refuses_placeholder_secrets(field, value):
    with pytest.raises(SettingsError, match=f"PEERLEND_{field.upper()}"):
        Settings(env="production", **{**STRONG, field: value})


def test_production_refuses_anvil_keys():
    key = "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"  # anvil #0, without 0x
    with pytest.raises(SettingsError, match="ATTESTER_PRIVATE_KEY"):
        Settings(env="production", **{**STRONG, "attester_private_key": key})


def test_production_refuses_the_local_offer_signer_key():
    from scripts.deployment.local_accounts import ROLE_INDEX, local_private_key

    local = local_private_key(ROLE_INDEX["offerSigner"])
    assert Settings(env="development").offer_signer_private_key.get_secret_value() == local
    with pytest.raises(SettingsError, match="OFFER_SIGNER_PRIVATE_KEY"):
        Settings(env="production", **{**STRONG, "offer_signer_private_key": local})


def test_production_accepts_real_secrets():
    settings = Settings(env="production", **STRONG)
    assert settings.is_production and not settings.should_auto_migrate


def test_production_refusal_from_environment(monkeypatch):
    monkeypatch.setenv("PEERLEND_ENV", "production")
    with pytest.raises(SettingsError, match="refusing to start"):
        Settings()


def test_environment_variables_are_read(monkeypatch):
    monkeypatch.setenv("PEERLEND_CHAIN_ID", "8453")
    monkeypatch.setenv("PEERLEND_RATE_LIMITS", '{"signin": "2/minute"}')
    settings = Settings()
    assert settings.chain_id == 8453 and settings.rate_limits == {"signin": "2/minute"}


def test_database_url_is_honoured(monkeypatch):
    monkeypatch.delenv("PEERLEND_DATABASE_URL", raising=False)
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://u:p@db/peerlend")
    assert Settings().database_url == "postgresql+psycopg://u:p@db/peerlend"
    monkeypatch.setenv("PEERLEND_DATABASE_URL", "sqlite:////tmp/x.db")
    assert Settings().database_url == "sqlite:////tmp/x.db"


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_get_settings_follows_the_serving_app(server, kind):
    import httpx

    # Several apps share this process; inside a request get_settings() is the serving app's settings,
    # in sync routes (thread pool) as in async ones.
    reply = httpx.get(f"{server}/v2/_test/settings-{kind}", headers={"X-Request-ID": f"rid-{kind}"}).json()
    assert reply == {"siwe_domain": server.settings.siwe_domain, "request_id": f"rid-{kind}"}
    assert get_settings().siwe_domain != server.settings.siwe_domain


@pytest.mark.parametrize("index", [2, 12, 19])
def test_every_anvil_account_key_is_a_local_development_key(index):
    assert is_local_development_key(local_private_key(index))
    assert is_local_development_key(local_private_key(index)[2:].upper())
    assert not is_local_development_key("0x" + "11" * 32)


def test_production_refuses_anvil_keys_for_freezes_and_report_signatures():
    compliance = local_private_key(ROLE_INDEX["compliance"])
    with pytest.raises(ValidationError, match="KYC_COMPLIANCE_PRIVATE_KEY"):
        KycSettings(env="production", provider="vendor", compliance_private_key=compliance)
    with pytest.raises(ValidationError, match="AML_REPORT_SIGNING_KEY"):
        AmlSettings(env="production", report_signing_key=compliance)
    assert KycSettings(env="development", compliance_private_key=compliance).compliance_private_key
    assert AmlSettings(env="production", report_signing_key="0x" + "11" * 32).report_signing_key
