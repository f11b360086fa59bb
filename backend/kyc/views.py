"""ORM rows -> response models (no personal data except in the reviewer's detail view)."""

from __future__ import annotations

from backend.kyc.config import KycSettings
from backend.kyc.models import KycApplication, KycReviewItem
from backend.kyc.schemas import (
    ApplicantDetails,
    ApplicationView,
    ReviewItemDetail,
    ReviewItemView,
    ScreeningMatchView,
    SignedAttestation,
)
from backend.kyc.screening import load_list


def application_view(app: KycApplication, signed: SignedAttestation | None = None) -> ApplicationView:
    view = ApplicationView.model_validate(app)
    if signed is not None:
        view.attestation.signed = signed
    return view


def _matches(app: KycApplication, kyc: KycSettings) -> list[ScreeningMatchView]:
    screening_list = load_list(str(kyc.sanctions_list) if kyc.sanctions_list else None)
    views = []
    for match in app.screening_result.get("matches", []):
        entry = screening_list.entry(match["entry_id"])
        names = (entry.name, *entry.aliases) if entry else ()
        index = match["matched_alias"]
        views.append(
            ScreeningMatchView.model_validate(
                {**match, "matched_name": names[index] if index < len(names) else None}
            )
        )
    return views


def review_item_view(item: KycReviewItem, app: KycApplication, kyc: KycSettings) -> ReviewItemView:
    return ReviewItemView.model_validate(
        {
            **_item_fields(item),
            "application_id": app.id,
            "wallet": app.wallet,
            "screening_matches": _matches(app, kyc),
        }
    )


def _item_fields(item: KycReviewItem) -> dict:
    return {
        "id": item.id,
        "reasons": list(item.reasons),
        "risk_level": item.risk_level,
        "edd_required": item.edd_required,
        "status": item.status,
        "created_at": item.created_at,
    }


def mask_card(number: str) -> str:
    return "*" * (len(number) - 4) + number[-4:]


def review_item_detail(
    item: KycReviewItem,
    app: KycApplication,
    applicant: dict[str, str],
    duplicate_wallets: list[str],
    kyc: KycSettings,
) -> ReviewItemDetail:
    base = review_item_view(item, app, kyc)
    return ReviewItemDetail.model_validate(
        {
            **dict(base),
            # A reviewer compares names and dates with list entries; the card number itself is never needed.
            "applicant": ApplicantDetails.model_validate(
                {**applicant, "bank_card_number": mask_card(applicant["bank_card_number"])}
            ),
            "risk_factors": dict(app.risk_factors),
            "provider_result": app.provider_result,
            "duplicate_wallets": duplicate_wallets,
        }
    )
