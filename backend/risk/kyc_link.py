"""What the credit decision needs from KYC: the wallet's verification status and whether its identity
attributes (keyed hashes of national ID, phone, bank card) also appear under other wallets."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from backend.kyc import service as kyc_service
from backend.kyc.models import KycApplication


@dataclass
class KycLink:
    status: str | None  # None: the wallet never applied
    national_id_hash: str | None = None
    wallets_sharing_national_id: list[str] = field(default_factory=list)
    wallets_sharing_contact: list[str] = field(default_factory=list)


def kyc_link(session: Session, wallet: str) -> KycLink:
    app = kyc_service.latest_for_wallet(session, wallet)
    if app is None:
        return KycLink(status=None)
    same_id = kyc_service.other_wallets_with_identity(session, app.national_id_hash, wallet)
    contact = sorted(
        set(
            session.scalars(
                select(KycApplication.wallet)
                .where(
                    KycApplication.wallet != wallet,
                    or_(
                        KycApplication.phone_hash == app.phone_hash,
                        KycApplication.bank_card_hash == app.bank_card_hash,
                    ),
                )
                .distinct()
            )
        )
        - set(same_id)
    )
    return KycLink(
        status=app.status,
        national_id_hash=app.national_id_hash,
        wallets_sharing_national_id=same_id,
        wallets_sharing_contact=contact,
    )
