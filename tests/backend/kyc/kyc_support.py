"""Test data and clients for the KYC and suitability HTTP tests (shared by both folders)."""

from __future__ import annotations

import random
import secrets
from datetime import date

import httpx
import pytest
from eth_account import Account

from backend.kyc.validation.common import luhn_check_digit
from backend.kyc.validation.national_id import cn_check_digit
from tests.support.server import auth_headers, create_operator_key, siwe_login

CLASS_3_ANSWERS = {
    "experience": "moderate",
    "incomeBand": "50k_100k",
    "lossTolerance": "up_to_25",
    "horizon": "3_5y",
    "shareOfNetWorth": "25_50",
}  # 9 points → class 3
CLASS_5_ANSWERS = {
    "experience": "extensive",
    "incomeBand": "over_250k",
    "lossTolerance": "over_50",
    "horizon": "over_5y",
    "shareOfNetWorth": "under_10",
}  # 17 points → class 5
CLEAR_NAMES = [
    "Chen Xiaoming",
    "Alice Smith",
    "Liu Yang",
    "Emily Carter",
    "Anna Jansen",
    "Zhao Lei",
    "John Doe",
]

_rng = random.Random()  # noqa: S311 - test data, not secrets


def cn_id(dob: date, region: str = "310115") -> str:
    first17 = f"{region}{dob:%Y%m%d}{_rng.randrange(1000):03d}"
    return first17 + cn_check_digit(first17)


def card_number() -> str:
    payload = "621234" + "".join(str(_rng.randrange(10)) for _ in range(9))
    return payload + luhn_check_digit(payload)


def phone_number() -> str:
    return "+86138" + f"{_rng.randrange(10**7, 10**8):08d}"


def random_dob() -> date:
    return date(_rng.randrange(1960, 2000), _rng.randrange(1, 13), _rng.randrange(1, 29))


def submission(**overrides) -> dict:
    dob = overrides.pop("dob", None) or random_dob()
    body = {
        "full_name": _rng.choice(CLEAR_NAMES),
        "national_id_number": cn_id(dob),
        "date_of_birth": dob.isoformat(),
        "phone": phone_number(),
        "bank_card_number": card_number(),
        "jurisdiction": "CN",
        "liveness_token": "liveness-" + secrets.token_hex(4),
    }
    body.update(overrides)
    return body


class Wallet:
    """A signed-in wallet: an eth_account key and an httpx client carrying its bearer token."""

    def __init__(self, server, account=None) -> None:
        self.account = account or Account.create()
        self.address = self.account.address
        self.http = httpx.Client(
            base_url=str(server), timeout=60.0, headers=auth_headers(siwe_login(server, self.account))
        )

    def answer(self, answers: dict | None = None) -> httpx.Response:
        reply = self.http.post("/v2/suitability", json=answers or CLASS_3_ANSWERS)
        assert reply.status_code == 201, reply.text
        return reply

    def apply(self, body: dict | None = None, **headers) -> httpx.Response:
        return self.http.post("/v2/kyc/applications", json=body or submission(), headers=headers)


class Operators:
    def __init__(self, server) -> None:
        self.server = server
        self.keys = {role: create_operator_key(server, role) for role in ("reviewer", "compliance", "oracle")}
        self.keys["admin"] = server.admin_key

    def http(self, role: str) -> httpx.Client:
        return httpx.Client(base_url=str(self.server), timeout=60.0, headers={"X-API-Key": self.keys[role]})


@pytest.fixture(scope="module")
def kyc_server(module_server_factory, deployed_chain):
    """A server wired to the session's anvil deployment, attesting with the deployment's attester key."""
    server = module_server_factory(rate_limit_enabled=False, **deployed_chain.server_settings())
    server.operators = Operators(server)
    return server
