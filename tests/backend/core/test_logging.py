"""JSON logs with request ids, personal data masked."""

import json
import logging
import time

import httpx
import pytest

from backend.core.logging import JsonFormatter, MaskingFilter, RequestIdFilter
from backend.core.masking import mask_mapping, mask_text

WALLET = "0x00000000000000000000000000000000DeaDBeef"


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("id 11010519491231002X here", "11010519491231002X"),
        ("id 110105194912310021", "110105194912310021"),
        ("card 4111 1111 1111 1111", "4111 1111 1111 1111"),
        ("card 6222-0212-3456-7890-128", None),
        ("call 13812345678 now", "13812345678"),
        ("call +8613812345678", "13812345678"),
        ("intl +447911123456", "+447911123456"),
        ("mail zhang.san+kyc@example.com", "zhang.san+kyc"),
    ],
)
def test_mask_text_hides_personal_data(text, secret):
    masked = mask_text(text)
    assert masked != text
    if secret:
        assert secret not in masked


@pytest.mark.parametrize(
    "text",
    [
        f"wallet {WALLET}",
        "tx 0x" + "1234567890" * 6 + "abcd",
        "amount 1000000 units",
        "block 12345678",
        "order 4111111111111112",  # fails Luhn: not a card number
    ],
)
def test_mask_text_leaves_other_values(text):
    assert mask_text(text) == text


def test_mask_mapping_masks_known_keys_recursively():
    data = {
        "full_name": "Zhang San",
        "risk_class": 3,
        "contact": {"Email": "a@b.co", "channel": "sms"},
        "phones": ["13812345678"],
        "wallet": WALLET,
    }
    assert mask_mapping(data) == {
        "full_name": "***",
        "risk_class": 3,
        "contact": {"Email": "***", "channel": "sms"},
        "phones": ["***"],
        "wallet": WALLET,
    }


def _format(record: logging.LogRecord) -> dict:
    for f in (RequestIdFilter(), MaskingFilter()):
        f.filter(record)
    return json.loads(JsonFormatter().format(record))


def test_json_record_masks_message_args_and_extra():
    record = logging.LogRecord(
        "peerlend.kyc", logging.INFO, __file__, 1, "applicant %s phone %s", ("Zhang", "13812345678"), None
    )
    record.full_name = "Zhang San"
    record.national_id = "11010519491231002X"
    record.wallet = WALLET
    entry = _format(record)
    assert entry["level"] == "INFO" and entry["logger"] == "peerlend.kyc"
    assert "13812345678" not in entry["msg"]
    assert entry["full_name"] == "***" and entry["national_id"] == "***" and entry["wallet"] == WALLET


def test_exception_text_is_masked():
    try:
        raise ValueError("bad card 4111111111111111")
    except ValueError:
        import sys

        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed", (), sys.exc_info())
    entry = _format(record)
    assert "4111111111111111" not in entry["exc"] and "ValueError" in entry["exc"]


def test_request_logs_are_json_with_request_id_and_masked(server, capfd):
    logging.getLogger().setLevel(logging.INFO)
    httpx.get(f"{server}/v2/_test/log", headers={"X-Request-ID": "log-test-1"})
    mine: list[dict] = []
    deadline = time.monotonic() + 5
    # The access line is written once the response has been sent, possibly after the client has it.
    while time.monotonic() < deadline and not any(e["logger"] == "peerlend.http" for e in mine):
        time.sleep(0.05)
        lines = [json.loads(line) for line in capfd.readouterr().err.splitlines() if line.startswith("{")]
        mine += [e for e in lines if e.get("request_id") == "log-test-1"]
    warning = next(e for e in mine if e["logger"] == "peerlend.test")
    assert "11010519491231002X" not in warning["msg"] and "13812345678" not in warning["msg"]
    assert "zhang@example.com" not in warning["msg"] and "4111111111111111" not in warning["msg"]
    assert warning["full_name"] == "***" and warning["wallet"] == WALLET
    access = next(e for e in mine if e["logger"] == "peerlend.http")
    assert access["route"] == "/v2/_test/log" and access["status"] == 200 and "duration_ms" in access
