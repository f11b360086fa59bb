"""Clients and data for the risk HTTP tests."""

from __future__ import annotations

import secrets
import time
import uuid

import httpx
from eth_account import Account
from pydantic.alias_generators import to_camel
from sqlalchemy import func, select

from backend.kyc.models import KycApplication
from backend.loans.models import InstallmentView, LoanView
from backend.risk.config import USDC
from tests.support.server import auth_headers, create_operator_key, siwe_login

# A profile the default scorecard approves (low PD) and one it declines.
GOOD_ATTRIBUTES = {
    "status_of_existing_checking_account": "no checking account",
    "credit_history": "critical account/ other credits existing (not at this bank)",
    "savings_account_and_bonds": "unknown/ no savings account",
    "present_employment_since": "4 <= ... < 7 years",
    "installment_rate_in_percentage_of_disposable_income": 1,
    "present_residence_since": 4,
    "property": "real estate",
    "age_in_years": 45,
    "other_installment_plans": "none",
    "housing": "own",
    "number_of_existing_credits_at_this_bank": 1,
    "job": "skilled employee / official",
    "number_of_people_being_liable_to_provide_maintenance_for": 1,
    "telephone": "yes, registered under the customers name",
    "other_debtors_or_guarantors": "none",
}
BAD_ATTRIBUTES = {
    **GOOD_ATTRIBUTES,
    "status_of_existing_checking_account": "... < 0 DM",
    "credit_history": "no credits taken/ all credits paid back duly",
    "savings_account_and_bonds": "... < 100 DM",
    "present_employment_since": "... < 1 year",
    "installment_rate_in_percentage_of_disposable_income": 4,
    "other_installment_plans": "bank",
    "housing": "rent",
    "age_in_years": 22,
}


def application(**overrides) -> dict:
    """A loan application body as a client sends it: camelCase keys, base-unit amounts as decimal strings
    (overrides may use snake_case names and integer amounts; they are converted)."""
    body = {
        "amount": str(2_000 * USDC),
        "termMonths": 12,
        "purpose": "car_used",
        "monthlyIncome": str(4_000 * USDC),
        "attributes": dict(GOOD_ATTRIBUTES),
    }
    for name, value in overrides.items():
        key = to_camel(name)
        body[key] = str(value) if key in ("amount", "monthlyIncome") and isinstance(value, int) else value
    return body


def add_kyc(
    server,
    wallet: str,
    status: str = "approved",
    national_id_hash: str | None = None,
    phone_hash: str | None = None,
    bank_card_hash: str | None = None,
) -> None:
    """A KYC record as the KYC service leaves it (only what the risk engine reads matters here)."""
    with server.session() as session:
        session.add(
            KycApplication(
                id=str(uuid.uuid4()),
                wallet=wallet,
                status=status,
                jurisdiction="CN",
                jurisdiction_numeric=156,
                id_scheme="cn_resident_id",
                pii_ciphertext="test",
                national_id_hash=national_id_hash or secrets.token_hex(32),
                bank_card_hash=bank_card_hash or secrets.token_hex(32),
                phone_hash=phone_hash or secrets.token_hex(32),
                commitment="0x" + "00" * 32,
                provider="sandbox",
                screening_outcome="clear",
                screening_result={},
                risk_level="low",
                risk_points=0,
                risk_factors={},
                kyc_level=1,
                attestation_mode="direct",
            )
        )
        session.commit()


class Borrower:
    def __init__(self, server, kyc: str | None = "approved", account=None, **kyc_hashes) -> None:
        self.account = account or Account.create()
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


def add_indexed_loan(server, borrower: str, status: str, *, due_days_ago: int | None = None) -> int:
    """A loan of `borrower` as the chain indexer records it: `status`, and for an active loan its first
    installment falling due `due_days_ago` days ago (negative: still ahead) and unpaid."""
    now = int(time.time())
    with server.session() as session:
        loan_id = (session.scalar(select(func.max(LoanView.loan_id))) or 0) + 1
        session.add(
            LoanView(
                loan_id=loan_id,
                borrower=borrower,
                status=status,
                principal=1_000 * USDC,
                term=12,
                period_seconds=30 * 86_400,
                rate_bps=1_000,
                grade=3,
                listed_at=now - 90 * 86_400,
                drawn_at=now - 60 * 86_400,
                updated_block=1,
            )
        )
        if due_days_ago is not None:
            session.add(
                InstallmentView(
                    loan_id=loan_id,
                    period=1,
                    due_at=now - due_days_ago * 86_400,
                    payment=90 * USDC,
                    principal=80 * USDC,
                    interest=10 * USDC,
                    balance_after=920 * USDC,
                )
            )
        session.commit()
    return loan_id


def operator(server, *roles: str) -> httpx.Client:
    key = server.admin_key if roles == ("admin",) else create_operator_key(server, *roles)
    return httpx.Client(base_url=str(server), timeout=60.0, headers={"X-API-Key": key})
