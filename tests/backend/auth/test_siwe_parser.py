from datetime import UTC, datetime, timedelta

import pytest
from eth_account import Account

from backend.auth.siwe import SiweMessageError, build_message, parse_message

ADDRESS = Account.from_key("0x" + "11" * 32).address
NOW = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


def _message(**overrides) -> str:
    fields = dict(
        domain="app.peerlend.test",
        address=ADDRESS,
        statement="Sign in to PeerLend.",
        uri="https://app.peerlend.test/login",
        chain_id=31337,
        nonce="abcdef0123456789",
        issued_at=NOW,
        expiration_time=NOW + timedelta(minutes=5),
    )
    fields.update(overrides)
    return build_message(**fields)


def test_parse_returns_every_field():
    parsed = parse_message(_message(not_before=NOW, request_id="r-1", resources=["ipfs://x", "https://a/b"]))
    assert parsed.domain == "app.peerlend.test"
    assert parsed.address == ADDRESS
    assert parsed.statement == "Sign in to PeerLend."
    assert parsed.uri == "https://app.peerlend.test/login"
    assert parsed.version == "1"
    assert parsed.chain_id == 31337
    assert parsed.nonce == "abcdef0123456789"
    assert parsed.issued_at == NOW
    assert parsed.expiration_time == NOW + timedelta(minutes=5)
    assert parsed.not_before == NOW
    assert parsed.request_id == "r-1"
    assert parsed.resources == ("ipfs://x", "https://a/b")


def test_message_without_statement_keeps_both_blank_lines():
    text = _message(statement=None)
    assert f"{ADDRESS}\n\n\nURI: " in text
    assert parse_message(text).statement is None


def test_build_and_parse_round_trip():
    text = _message(request_id="x")
    assert parse_message(text).to_text() == text


def test_scheme_prefix_is_accepted():
    parsed = parse_message(_message(scheme="https"))
    assert parsed.scheme == "https" and parsed.domain == "app.peerlend.test"


@pytest.mark.parametrize(
    "mutate",
    [
        pytest.param(lambda t: t.replace("wants you to sign in", "asks you to sign in"), id="header"),
        pytest.param(lambda t: t.replace(ADDRESS, ADDRESS.lower()), id="address-not-checksummed"),
        pytest.param(lambda t: t.replace(ADDRESS, "0x1234"), id="address-short"),
        pytest.param(lambda t: t.replace("Version: 1", "Version: 2"), id="version"),
        pytest.param(lambda t: t.replace("Chain ID: 31337", "Chain ID: 0x7a69"), id="chain-id"),
        pytest.param(lambda t: t.replace("Nonce: abcdef0123456789", "Nonce: short"), id="nonce-short"),
        pytest.param(lambda t: t.replace("Nonce: abcdef0123456789", "Nonce: abc-def-0123"), id="nonce-chars"),
        pytest.param(
            lambda t: t.replace("Issued At: 2026-01-02T03:04:05Z", "Issued At: yesterday"), id="issued-at"
        ),
        pytest.param(lambda t: t.replace("URI: https://app.peerlend.test/login", "URI: not a uri"), id="uri"),
        pytest.param(lambda t: t + "\nEvil: extra", id="trailing-field"),
        pytest.param(lambda t: t.replace("\n", "\r\n"), id="crlf"),
        pytest.param(
            lambda t: t.replace("Sign in to PeerLend.\n\n", "Sign in\nto PeerLend.\n\n"),
            id="multiline-statement",
        ),
        pytest.param(lambda t: t.split("\nNonce")[0], id="truncated"),
        pytest.param(
            lambda t: "\n".join(line for line in t.split("\n") if not line.startswith("Version")),
            id="missing-version",
        ),
    ],
)
def test_malformed_messages_are_refused(mutate):
    with pytest.raises(SiweMessageError):
        parse_message(mutate(_message()))
