"""Clients for the KYC and suitability HTTP tests (shared by both folders); the identity data comes from
tests/backend/factories/identity.py, so it is the same on every run."""

from __future__ import annotations

import httpx
import pytest

from tests.backend.factories.identity import CLEAR_NAMES, card_number, cn_id, phone_number, submission
from tests.backend.factories.wallets import account as new_account
from tests.support.server import auth_headers, create_operator_key, siwe_login

__all__ = [
    "CLASS_3_ANSWERS",
    "CLASS_5_ANSWERS",
    "CLEAR_NAMES",
    "Operators",
    "Wallet",
    "card_number",
    "cn_id",
    "kyc_server",
    "phone_number",
    "submission",
]

# The questionnaire as a client sends it (camelCase).
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


class Wallet:
    """A signed-in wallet: an eth_account key and an httpx client carrying its bearer token."""

    def __init__(self, server, account=None) -> None:
        self.account = account or new_account()
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
