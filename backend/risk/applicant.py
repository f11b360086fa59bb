"""What the rules see of an applicant, beyond the application: KYC state, identity attributes shared
with other wallets, and the applicant's own loans here. One place for both a new application and the
refresh of an approved one, so a refresh is judged on the same facts."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from backend.risk.fraud import FraudContext
from backend.risk.history import repayment_problem
from backend.risk.kyc_link import KycLink


def applicant_context(
    session: Session,
    wallet: str,
    link: KycLink,
    monthly_income: int,
    attributes: dict[str, Any],
    *,
    recent_wallet_applications: int = 0,
    recent_identity_applications: int = 0,
) -> FraudContext:
    return FraudContext(
        wallet=wallet,
        monthly_income=monthly_income,
        attributes=attributes,
        kyc_status=link.status,
        recent_wallet_applications=recent_wallet_applications,
        recent_identity_applications=recent_identity_applications,
        wallets_sharing_national_id=link.wallets_sharing_national_id,
        wallets_sharing_contact=link.wallets_sharing_contact,
        repayment_problem=repayment_problem(session, wallet),
    )
