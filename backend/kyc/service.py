"""KYC application workflow: submit → verify → screen → risk → approve / review / reject → attest.

Personal data exists in plaintext only in memory during a request. What is persisted is ciphertext
(AES-GCM, keyring from settings), keyed hashes (HMAC-SHA256) and the salted commitment.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import cast

from eth_utils import to_checksum_address
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from backend.chain.identity import FREEZE_REASONS, REVOKE_REASONS, IdentityChainError
from backend.chain.outbox import Outbox
from backend.chain.problems import chain_problem
from backend.core.audit import record_audit
from backend.core.masking import mask_text
from backend.core.settings import Settings
from backend.db.types import utcnow
from backend.kyc import attestation, problems
from backend.kyc.chain_outcomes import FREEZE, REVOKE, UNFREEZE
from backend.kyc.config import AttestationMode, KycSettings
from backend.kyc.intake import NormalizedIdentity, SubmissionInvalid, validate_submission
from backend.kyc.models import KycApplication, KycReviewItem, pii_aad
from backend.kyc.provider import IdentityClaim, ProviderUnavailable, VerificationResult, get_provider
from backend.kyc.risk import assess
from backend.kyc.schemas import ChainActionView, KycSubmission, SignedAttestation
from backend.kyc.screening import load_list
from backend.privacy import commitment_for, new_salt, person_subject
from backend.privacy.keys import hasher_from_settings, keyring_from_settings

ACTIVE = ("in_review", "approved")


def _actor(wallet: str) -> str:
    return f"wallet:{wallet}"


def _summary(app: KycApplication) -> dict[str, object]:
    """Audit snapshot: decisions and flags only, never personal data."""
    return {
        "status": app.status,
        "risk_level": app.risk_level,
        "edd": app.edd_required,
        "review_reasons": list(app.review_reasons or []),
        "reject_reasons": list(app.reject_reasons or []),
        "screening": app.screening_outcome,
        "attestation": app.attestation_status,
    }


# ------------------------------------------------------------------------------------------ queries


def latest_for_wallet(session: Session, wallet: str) -> KycApplication | None:
    return session.scalar(
        select(KycApplication)
        .where(KycApplication.wallet == wallet)
        .order_by(KycApplication.created_at.desc())
        .limit(1)
    )


def get(session: Session, application_id: str) -> KycApplication | None:
    return session.get(KycApplication, application_id)


def other_wallets_with_identity(session: Session, national_id_hash: str, wallet: str) -> list[str]:
    rows = session.scalars(
        select(KycApplication.wallet)
        .where(KycApplication.national_id_hash == national_id_hash, KycApplication.wallet != wallet)
        .distinct()
    )
    return sorted(rows)


def open_review_items(
    session: Session, limit: int, offset: int
) -> list[tuple[KycReviewItem, KycApplication]]:
    query = (
        select(KycReviewItem, KycApplication)
        .join(KycApplication)
        .where(KycReviewItem.status == "open")
        .order_by(KycReviewItem.edd_required.desc(), KycReviewItem.created_at)
        .limit(limit)
        .offset(offset)
    )
    return [(item, app) for item, app in session.execute(query).all()]


def open_review_item(session: Session, application_id: str) -> KycReviewItem | None:
    return session.scalar(
        select(KycReviewItem).where(
            KycReviewItem.application_id == application_id, KycReviewItem.status == "open"
        )
    )


def decrypt_applicant(settings: Settings, app: KycApplication) -> dict[str, str]:
    return json.loads(keyring_from_settings(settings).decrypt(app.pii_ciphertext, pii_aad(app.id)))


def latest_or_404(session: Session, wallet: str) -> KycApplication:
    app = latest_for_wallet(session, wallet)
    if app is None:
        raise problems.no_application_yet()
    return app


def get_or_404(session: Session, application_id: str) -> KycApplication:
    app = get(session, application_id)
    if app is None:
        raise problems.application_not_found()
    return app


def read_for_review(
    session: Session, settings: Settings, application_id: str, actor: str
) -> tuple[KycReviewItem, KycApplication, dict[str, str], list[str]]:
    """An open item with the applicant's decrypted details, for a reviewer; the read is audited."""
    item = open_review_item(session, application_id)
    app = get(session, application_id)
    if item is None or app is None:
        raise problems.review_item_not_found()
    applicant = decrypt_applicant(settings, app)
    record_audit(
        session,
        actor,
        "kyc.application.pii_viewed",
        "kyc_application",
        app.id,
        None,
        {"purpose": "manual_review"},
    )
    session.commit()
    return item, app, applicant, other_wallets_with_identity(session, app.national_id_hash, app.wallet)


def signed_attestation(
    session: Session, settings: Settings, kyc: KycSettings, wallet: str
) -> SignedAttestation:
    """The wallet's signed attestation again (re-signed with a fresh deadline once the old one passed)."""
    app = latest_or_404(session, wallet)
    try:
        signed = attestation.signed_again(session, settings, kyc, app)
    except IdentityChainError as exc:
        raise chain_problem(exc) from exc
    session.commit()
    return signed


# ------------------------------------------------------------------------------------------ submission


def submit(
    session: Session,
    settings: Settings,
    kyc: KycSettings,
    wallet: str,
    body: KycSubmission,
    now: datetime | None = None,
) -> tuple[KycApplication, SignedAttestation | None]:
    now = now or utcnow()
    try:
        identity = validate_submission(body, now.date())
    except SubmissionInvalid as exc:
        raise problems.invalid_submission([e.as_dict() for e in exc.errors]) from exc

    existing = latest_for_wallet(session, wallet)
    if existing is not None and existing.status in ACTIVE:
        raise problems.application_exists(existing.status, existing.id)
    if existing is not None and existing.status == "revoked":
        raise problems.identity_revoked()
    attestation.require_current_suitability(session, wallet)

    hasher = hasher_from_settings(settings)
    national_id_hash = hasher.digest(
        "national_id", f"{identity.jurisdiction.alpha2}:{identity.national_id_number}"
    )
    duplicates = other_wallets_with_identity(session, national_id_hash, wallet)

    provider = get_provider(kyc.provider)
    verification: VerificationResult | None
    try:
        verification = provider.verify(
            IdentityClaim(
                identity.full_name,
                identity.national_id_number,
                identity.phone,
                identity.bank_card_number,
                identity.jurisdiction.alpha2,
            ),
            body.liveness_token,
        )
    except ProviderUnavailable:
        verification = None
    screening = load_list(str(kyc.sanctions_list) if kyc.sanctions_list else None).screen(
        identity.full_name, identity.date_of_birth
    )
    risk = assess(
        jurisdiction=identity.jurisdiction,
        age=identity.age,
        screening=screening,
        verification=verification,
        duplicate_identity=bool(duplicates),
    )

    application_id = str(uuid.uuid4())
    salt = new_salt()
    commitment = commitment_for(salt, identity.canonical_record(wallet))
    decision = risk.decision
    review_reasons = list(risk.review_reasons)
    if decision == "approve" and not kyc.auto_approve:
        decision = "review"
        review_reasons.append("manual_approval")
    app = KycApplication(
        id=application_id,
        wallet=wallet,
        status={"approve": "approved", "review": "in_review", "reject": "rejected"}[decision],
        jurisdiction=identity.jurisdiction.alpha2,
        jurisdiction_numeric=identity.jurisdiction.numeric,
        id_scheme=identity.id_scheme,
        pii_ciphertext=_encrypt_identity(settings, application_id, identity, salt),
        national_id_hash=national_id_hash,
        bank_card_hash=hasher.digest("bank_card", identity.bank_card_number),
        phone_hash=hasher.digest("phone", identity.phone),
        commitment="0x" + commitment.hex(),
        subject=person_subject(hasher, identity.jurisdiction.alpha2, identity.national_id_number),
        provider=provider.name,
        provider_result=verification.as_dict() if verification else None,
        screening_outcome=screening.outcome,
        screening_result=screening.as_dict(),
        risk_level=risk.level,
        risk_points=risk.points,
        risk_factors=risk.factors,
        edd_required=risk.edd_required,
        review_reasons=review_reasons,
        reject_reasons=list(risk.reject_reasons),
        kyc_level=2 if verification is not None and verification.liveness_passed else 1,
        attestation_mode=body.attestation_mode or kyc.attestation_mode,
        attestation_status="none",
        created_at=now,
        updated_at=now,
        decided_at=now if decision != "review" else None,
        decided_by="system:kyc" if decision != "review" else None,
    )
    session.add(app)
    if decision == "review":
        session.add(
            KycReviewItem(
                application_id=app.id,
                reasons=review_reasons,
                risk_level=risk.level,
                edd_required=risk.edd_required,
                created_at=now,
            )
        )
    record_audit(
        session,
        _actor(wallet),
        "kyc.application.submitted",
        "kyc_application",
        app.id,
        None,
        {
            **_summary(app),
            "jurisdiction": app.jurisdiction,
            "duplicate_wallets": duplicates,
            "screening_matches": [m.entry_id for m in screening.matches],
        },
    )
    if decision != "review":
        record_audit(
            session,
            "system:kyc",
            f"kyc.application.{app.status}",
            "kyc_application",
            app.id,
            None,
            _summary(app),
        )
    # The application is committed before any chain call, so a node outage cannot lose it.
    try:
        session.commit()
    except IntegrityError as exc:  # a concurrent submission from the same wallet won the race
        session.rollback()
        raise problems.application_exists() from exc

    signed = None
    if app.status == "approved":
        signed = attestation.issue(
            session, settings, kyc, app, cast(AttestationMode, app.attestation_mode), "system:kyc", now
        )
        session.commit()
    return app, signed


def _encrypt_identity(
    settings: Settings, application_id: str, identity: NormalizedIdentity, salt: bytes
) -> str:
    document = {
        "full_name": identity.full_name,
        "national_id_number": identity.national_id_number,
        "date_of_birth": identity.date_of_birth.isoformat(),
        "phone": identity.phone,
        "bank_card_number": identity.bank_card_number,
        "salt": salt.hex(),
    }
    return keyring_from_settings(settings).encrypt(
        json.dumps(document, ensure_ascii=False).encode("utf-8"), pii_aad(application_id)
    )


# ------------------------------------------------------------------------------------------ review


def _close_review(
    session: Session, app: KycApplication, outcome: str, actor: str, note: str | None, now: datetime
) -> None:
    item = open_review_item(session, app.id)
    if item is not None:
        item.status, item.outcome, item.note, item.closed_at, item.closed_by = (
            "closed",
            outcome,
            note,
            now,
            actor,
        )


def _masked(note: str | None) -> str | None:
    """Reviewer notes are free text; an ID, card or phone number typed into one is masked before storage."""
    return mask_text(note) if note else note


def _require_in_review(app: KycApplication) -> None:
    if app.status != "in_review":
        raise problems.not_in_review(app.status)


def approve(
    session: Session,
    settings: Settings,
    kyc: KycSettings,
    app: KycApplication,
    actor: str,
    reason: str,
    note: str | None,
) -> SignedAttestation | None:
    _require_in_review(app)
    if app.edd_required and not (note and len(note.strip()) >= 20):
        raise problems.edd_note_required()
    # Checked before the status changes: an expired questionnaire keeps the application in the queue.
    attestation.require_current_suitability(session, app.wallet)
    note = _masked(note)
    now = utcnow()
    before = _summary(app)
    app.status, app.decided_at, app.decided_by, app.decision_note = (
        "approved",
        now,
        actor,
        f"{reason}: {note or ''}",
    )
    _close_review(session, app, "approved", actor, note, now)
    record_audit(
        session,
        actor,
        "kyc.application.approved",
        "kyc_application",
        app.id,
        before,
        {**_summary(app), "reason": reason},
    )
    session.commit()
    signed = attestation.issue(
        session, settings, kyc, app, cast(AttestationMode, app.attestation_mode), actor, now
    )
    session.commit()
    return signed


def reject(session: Session, app: KycApplication, actor: str, reason: str, note: str | None) -> None:
    _require_in_review(app)
    note = _masked(note)
    now = utcnow()
    before = _summary(app)
    app.status, app.decided_at, app.decided_by, app.decision_note = (
        "rejected",
        now,
        actor,
        f"{reason}: {note or ''}",
    )
    app.reject_reasons = [*app.reject_reasons, reason]
    _close_review(session, app, "rejected", actor, note, now)
    record_audit(
        session,
        actor,
        "kyc.application.rejected",
        "kyc_application",
        app.id,
        before,
        {**_summary(app), "reason": reason},
    )
    session.commit()


def refresh_signed_attestation(session: Session, settings: Settings, app: KycApplication) -> None:
    """A signed attestation is submitted by the wallet, out of the service's sight: when the registry
    holds this application's commitment for the wallet, record the attestation as on-chain. Best effort:
    an unreachable node leaves the status as it is."""
    if app.status != "approved" or app.attestation_status != "signed":
        return
    try:
        identity = attestation.registry_client(settings).identity_of(app.wallet)
    except IdentityChainError:
        return
    if identity["level"] > 0 and identity["commitment"] == app.commitment:
        app.attestation_status = "attested"
        record_audit(
            session,
            "system:kyc",
            "kyc.attestation.submitted_by_wallet",
            "kyc_application",
            app.id,
            {"attestation": "signed"},
            {"attestation": "attested", "expires_at": identity["expiresAt"]},
        )
        session.commit()


def reissue_attestation(
    session: Session, settings: Settings, kyc: KycSettings, app: KycApplication, mode: AttestationMode | None
) -> SignedAttestation | None:
    """Renewal or retry for the wallet: a fresh attestation with the latest valid suitability class."""
    if app.status != "approved":
        raise problems.not_approved(f"the application is {app.status}")
    signed = attestation.issue(
        session, settings, kyc, app, mode or cast(AttestationMode, app.attestation_mode), _actor(app.wallet)
    )
    session.commit()
    return signed


# ------------------------------------------------------------------------------------------ compliance


def revoke(
    session: Session, settings: Settings, app: KycApplication, actor: str, reason: str, note: str | None
) -> None:
    """Revokes on-chain first (ATTESTER_ROLE, the service key), then records it; a chain failure is a 502
    and changes nothing, so the two never disagree."""
    if app.status != "approved":
        raise problems.not_approved(f"only approved identities can be revoked; this one is {app.status}")
    tx_hash = None
    try:
        client = attestation.registry_client(settings)
        if client.identity_of(app.wallet)["level"] > 0:
            tx_hash = client.revoke(
                app.wallet,
                REVOKE_REASONS[reason],
                settings.attester_private_key.get_secret_value(),
                Outbox.beside(session, REVOKE, "kyc_application", app.id),
            )
    except IdentityChainError as exc:
        raise chain_problem(exc) from exc
    now = utcnow()
    before = _summary(app)
    app.status, app.attestation_status = "revoked", "revoked"
    app.revoked_at, app.revoked_by, app.revoke_reason, app.revoke_tx = now, actor, reason, tx_hash
    record_audit(
        session,
        actor,
        "kyc.identity.revoked",
        "kyc_application",
        app.id,
        before,
        {**_summary(app), "reason": reason, "note_present": bool(note), "tx": tx_hash},
    )
    session.commit()


def set_frozen(
    session: Session, settings: Settings, kyc: KycSettings, wallet: str, frozen: bool, reason: str, actor: str
) -> ChainActionView:
    """COMPLIANCE_ROLE freeze or unfreeze on-chain, then audited."""
    wallet = to_checksum_address(wallet)
    if kyc.compliance_private_key is None:
        raise problems.compliance_signer_missing()
    key = kyc.compliance_private_key.get_secret_value()
    try:
        client = attestation.registry_client(settings)
        if client.is_frozen(wallet) == frozen:
            raise problems.nothing_to_change(frozen)
        outbox = Outbox.beside(session, FREEZE if frozen else UNFREEZE, "wallet", wallet)
        tx_hash = (client.freeze if frozen else client.unfreeze)(wallet, FREEZE_REASONS[reason], key, outbox)
    except IdentityChainError as exc:
        raise chain_problem(exc) from exc
    record_audit(
        session,
        actor,
        "kyc.wallet.frozen" if frozen else "kyc.wallet.unfrozen",
        "wallet",
        wallet,
        None,
        {"reason": reason, "tx": tx_hash},
    )
    session.commit()
    return ChainActionView(wallet=wallet, action="freeze" if frozen else "unfreeze", tx_hash=tx_hash)
