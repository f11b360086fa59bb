"""Clients for the risk HTTP tests; the data comes from tests/backend/factories."""

from __future__ import annotations

import httpx

from backend.db.types import utcnow
from tests.backend.factories.identity import kyc_application
from tests.backend.factories.risk import BAD_ATTRIBUTES, GOOD_ATTRIBUTES
from tests.backend.factories.risk import application_body as application
from tests.backend.factories.wallets import account as new_account
from tests.support.server import auth_headers, create_operator_key, siwe_login

__all__ = ["BAD_ATTRIBUTES", "GOOD_ATTRIBUTES", "Borrower", "add_kyc", "application", "operator"]


def add_kyc(server, wallet: str, status: str = "approved", body: dict | None = None, **hashes: str) -> None:
    """A KYC application of `wallet` as the KYC service leaves it, on the server's clock (its personal
    data encrypted under the server's keys); `hashes` set keyed hashes to share with another wallet."""
    with server.session() as session:
        kyc_application(session, server.settings, wallet, status, body, at=utcnow(), **hashes)
        session.commit()


class Borrower:
    def __init__(self, server, kyc: str | None = "approved", account=None, **kyc_hashes) -> None:
        self.account = account or new_account()
        self.address = self.account.address
        self.http = httpx.Client(
            base_url=str(server), timeout=60.0, headers=auth_headers(siwe_login(server, self.account))
        )
        if kyc:
            add_kyc(server, self.address, kyc, **kyc_hashes)

    def apply(self, body: dict | None = None, **headers) -> httpx.Response:
        return self.http.post(
            "/v2/loan-applications", json=body if body is not None else application(), headers=headers
        )


def operator(server, *roles: str) -> httpx.Client:
    key = server.admin_key if roles == ("admin",) else create_operator_key(server, *roles)
    return httpx.Client(base_url=str(server), timeout=60.0, headers={"X-API-Key": key})
