"""ORM rows → response models (no personal data except in the reviewer's detail view)."""

from __future__ import annotations

from typing import cast

from backend.kyc.config import AttestationMode, kyc_settings
from backend.kyc.models import KycApplication, KycReviewItem
from backend.kyc.schemas import (
    ApplicantDetails,
    ApplicationStatus,
    ApplicationView,
    AttestationView,
    ReviewItemDetail,
    ReviewItemView,
    ScreeningMatchView,
    SignedAttestation,
)
from backend.kyc.screening import load_list


def application_view(app: KycApplication, signed: SignedAttestation | None = None) -> ApplicationView:
    return ApplicationView(
        id=app.id,
        wallet=app.wallet,
        status=cast(ApplicationStatus, app.status),
        jurisdiction=app.jurisdiction,
        risk_level=app.risk_level,
        edd_required=app.edd_required,
        review_reasons=list(app.review_reasons),
        reject_reasons=list(app.reject_reasons),
        screening_outcome=app.screening_outcome,
        created_at=app.created_at,
        decided_at=app.decided_at,
        revoked_at=app.revoked_at,
        revoke_reason=app.revoke_reason,
        attestation=AttestationView(
            mode=cast(AttestationMode, app.attestation_mode),
            status=app.attestation_status,
            level=app.kyc_level,
            risk_class=app.attestation_risk_class,
            jurisdiction_numeric=app.jurisdiction_numeric,
            commitment=app.commitment,
            # shown once an attestation was issued (it is public from then on), never before a decision
            subject=app.subject if app.attestation_status != "none" else None,
            entity=False,
            expires_at=app.attestation_expires_at,
            tx_hash=app.attestation_tx,
            error=app.attestation_error,
            signed=signed,
        ),
    )


def _matches(app: KycApplication) -> list[ScreeningMatchView]:
    screening_list = load_list(str(kyc_settings().sanctions_list) if kyc_settings().sanctions_list else None)
    views = []
    for match in app.screening_result.get("matches", []):
        entry = screening_list.entry(match["entry_id"])
        names = (entry.name, *entry.aliases) if entry else ()
        index = match["matched_alias"]
        views.append(ScreeningMatchView(**match, matched_name=names[index] if index < len(names) else None))
    return views


def review_item_view(item: KycReviewItem, app: KycApplication) -> ReviewItemView:
    return ReviewItemView(
        id=item.id,
        application_id=app.id,
        wallet=app.wallet,
        reasons=list(item.reasons),
        risk_level=item.risk_level,
        edd_required=item.edd_required,
        status=item.status,
        created_at=item.created_at,
        screening_matches=_matches(app),
    )


def mask_card(number: str) -> str:
    return "*" * (len(number) - 4) + number[-4:]


def review_item_detail(
    item: KycReviewItem, app: KycApplication, applicant: dict[str, str], duplicate_wallets: list[str]
) -> ReviewItemDetail:
    base = review_item_view(item, app).model_dump()
    return ReviewItemDetail(
        **base,
        # A reviewer compares names and dates with list entries; the card number itself is never needed.
        applicant=ApplicantDetails(
            full_name=applicant["full_name"],
            national_id_number=applicant["national_id_number"],
            date_of_birth=applicant["date_of_birth"],
            phone=applicant["phone"],
            bank_card_number=mask_card(applicant["bank_card_number"]),
        ),
        risk_factors=dict(app.risk_factors),
        provider_result=app.provider_result,
        duplicate_wallets=duplicate_wallets,
    )
