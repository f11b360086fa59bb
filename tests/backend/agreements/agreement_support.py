"""Factories for agreements: an approved application with the signed offer the risk service stores, the
fees the market would report, and the chain's binding and acceptance events as the projections see them."""

from __future__ import annotations

from typing import Any

from eth_account.messages import encode_typed_data
from eth_account.signers.local import LocalAccount
from sqlalchemy.orm import Session

from backend.agreements import projections
from backend.agreements.render import ZERO_ADDRESS, Fees
from backend.agreements.schemas import AgreementIn
from backend.chain.indexer.decoders import DecodedEvent
from backend.risk.config import USDC
from backend.risk.models import LoanApplication
from backend.risk.scorecard import Scorecard
from tests.backend.factories.clock import CHAIN_NOW
from tests.backend.factories.risk import loan_application

FEES = Fees(origination_fee_bps=100, servicing_fee_bps=500, reserve_share_bps=1_000, late_fee_bps_per_day=10)
MARKET = "0x" + "4d" * 20
CHAIN_ID = 31337
DAY = 86_400


def approved(session: Session, card: Scorecard, borrower: str, **offer: Any) -> LoanApplication:
    """An approved application of `borrower` whose offer is signed (the risk service's stored form)."""
    app = loan_application(session, card, borrower)
    message = {
        "borrower": borrower,
        "maxPrincipal": 2_000 * USDC,
        "maxPeriods": 12,
        "periodLength": 30 * DAY,
        "grade": app.grade,
        "aprBps": 1_200,
        "collateralToken": ZERO_ADDRESS,
        "minCollateral": 0,
        "expiry": CHAIN_NOW + DAY,
        "nonce": "7",
        **offer,
    }
    app.signed_offer = {
        "status": "signed",
        "market": MARKET,
        "chain_id": CHAIN_ID,
        "typed_data": {"primaryType": "LoanOffer", "message": message},
        "signature": "0x" + "11" * 65,
    }
    session.commit()
    return app


def intended(app: LoanApplication, **terms: Any) -> AgreementIn:
    """The listing a borrower intends (camelCase keys, amounts as text, as a client posts it)."""
    body: dict[str, Any] = {
        "applicationId": app.id,
        "principal": str(2_000 * USDC),
        "listingDeadline": CHAIN_NOW + 7 * DAY,
        **terms,
    }
    return AgreementIn.model_validate(body)


def sign_typed(account: LocalAccount, typed: dict[str, Any]) -> str:
    """`account`'s signature of wire typed data (uint256 values as text, as the API returns them)."""
    message = dict(typed["message"])
    for field in ("principal", "minFill", "collateralAmount"):
        message[field] = int(message[field])
    full = {**typed, "message": message}
    return "0x" + bytes(account.sign_message(encode_typed_data(full_message=full)).signature).hex()


def bind(session: Session, loan_id: int, digest: str, block: int = 100) -> None:
    projections.bound(
        session,
        DecodedEvent(
            "LoanMarket",
            "AgreementBound",
            MARKET,
            {"loanId": loan_id, "agreementHash": digest},
            block,
            "0x" + f"{block:064x}",
            3,
            "0x" + f"{block + loan_id:064x}",
            CHAIN_NOW,
        ),
    )
    session.commit()


def accept(session: Session, loan_id: int, note_id: int, lender: str, digest: str, block: int = 110) -> None:
    projections.accepted(
        session,
        DecodedEvent(
            "LoanMarket",
            "AgreementAccepted",
            MARKET,
            {"loanId": loan_id, "noteId": note_id, "lender": lender, "agreementHash": digest},
            block,
            "0x" + f"{block:064x}",
            5,
            "0x" + f"{block + note_id:064x}",
            CHAIN_NOW + 60,
        ),
    )
    session.commit()
