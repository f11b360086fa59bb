"""Issuing the on-chain attestation for an approved application, directly or as a signed message.

The attestation carries the risk class of the wallet's latest *valid* suitability assessment and expires
at the earlier of the configured validity (a year) and that assessment's own expiry, so the chain never
holds a risk class older than a year. It names the person behind the wallet by `subject`, a keyed hash
of the national ID number that is the same for all of that person's wallets (the market caps a person's
borrowing across wallets by it), and `entity` false: KYC here admits individuals only.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path

from sqlalchemy.orm import Session

from backend.chain.client import ChainClient
from backend.chain.errors import ChainError
from backend.chain.identity import Attestation, IdentityChainError, IdentityRegistryClient
from backend.chain.outbox import Outbox
from backend.core.audit import record_audit
from backend.core.settings import Settings
from backend.db.types import utcnow
from backend.kyc.chain_outcomes import ATTEST
from backend.kyc.config import AttestationMode, KycSettings
from backend.kyc.models import KycApplication, pii_aad
from backend.kyc.problems import signed_attestation_not_found, suitability_required
from backend.kyc.schemas import SignedAttestation
from backend.privacy import person_subject
from backend.privacy.keys import hasher_from_settings, keyring_from_settings
from backend.suitability import service as suitability


def registry_client(settings: Settings) -> IdentityRegistryClient:
    if not settings.rpc_url:
        raise IdentityChainError("no RPC endpoint configured (PEERLEND_RPC_URL)")
    return _client(
        settings.rpc_url,
        settings.resolved_manifest_path,
        settings.build_dir,
        settings.rpc_timeout_seconds,
        settings.tx_timeout_seconds,
    )


@lru_cache(maxsize=8)
def _client(rpc_url: str, manifest: Path, build_dir: Path, rpc_timeout: float, tx_timeout: float):
    # One client per deployment and process: its per-sender nonce counter must be shared by all requests.
    try:
        chain = ChainClient(rpc_url, manifest, build_dir, timeout=rpc_timeout, tx_timeout=tx_timeout)
    except ChainError as exc:
        raise IdentityChainError(str(exc)) from exc
    return IdentityRegistryClient(chain)


def require_current_suitability(session: Session, wallet: str):
    record = suitability.current(session, wallet)
    if record is None:
        raise suitability_required(expired=suitability.latest(session, wallet) is not None)
    return record


def subject_of(settings: Settings, application: KycApplication) -> str:
    """The application's on-chain subject; for an application stored before subjects existed, derived
    from its encrypted record (decrypted in memory only) and kept on the row."""
    if application.subject is None:
        record = json.loads(
            keyring_from_settings(settings).decrypt(application.pii_ciphertext, pii_aad(application.id))
        )
        application.subject = person_subject(
            hasher_from_settings(settings), application.jurisdiction, record["national_id_number"]
        )
    return application.subject


def _chain_expiry(chain_now: int, now: datetime, kyc: KycSettings, assessment_expires: datetime) -> int:
    """The attestation's expiry on the chain's clock: the configured validity, cut to what is left of the
    suitability assessment (counted on the service's clock, where it was taken)."""
    left = int((assessment_expires - now).total_seconds())
    return chain_now + max(0, min(kyc.attestation_validity_days * 86_400, left))


def issue(
    session: Session,
    settings: Settings,
    kyc: KycSettings,
    application: KycApplication,
    mode: AttestationMode,
    actor: str,
    now: datetime | None = None,
) -> SignedAttestation | None:
    """Attests (direct) or signs (signature) for an approved application and records the outcome on it.

    The expiry and a signature's deadline are on the chain's clock (the latest block's timestamp), which
    the registry checks them against; a local chain's clock may be months from the service's.
    Chain failures do not raise: the application stays approved with attestation status ``failed`` and the
    error, and the wallet (or a reviewer) retries with POST /v2/kyc/application/attestation.
    """
    now = now or utcnow()
    assessment = require_current_suitability(session, application.wallet)
    application.attestation_mode = mode
    application.attestation_risk_class = assessment.risk_class
    application.attestation_suitability_id = assessment.id
    key = settings.attester_private_key.get_secret_value()
    signed: SignedAttestation | None = None
    expires_at: int | None = None
    try:
        client = registry_client(settings)
        chain_now = client.chain.latest_timestamp()
        expires_at = _chain_expiry(chain_now, now, kyc, assessment.expires_at)
        application.attestation_expires_at = datetime.fromtimestamp(expires_at, UTC)
        attestation = _attestation(settings, application)
        if mode == "direct":
            outbox = Outbox.beside(session, ATTEST, "kyc_application", application.id)
            application.attestation_tx = client.attest(attestation, key, outbox)
            application.attestation_status = "attested"
            application.attestation_deadline = None
        else:
            deadline = chain_now + kyc.signature_ttl_seconds
            signed = _sign(client, attestation, key, deadline)
            application.attestation_deadline = deadline
            application.attestation_tx = None
            application.attestation_status = "signed"
        application.attestation_error = None
        application.attested_at = now
    except (IdentityChainError, ChainError) as exc:
        application.attestation_status = "failed"
        application.attestation_error = str(exc)[:500]
    record_audit(
        session,
        actor,
        f"kyc.attestation.{application.attestation_status}",
        "kyc_application",
        application.id,
        None,
        {
            "mode": mode,
            "level": application.kyc_level,
            "risk_class": assessment.risk_class,
            "jurisdiction": application.jurisdiction_numeric,
            "expires_at": expires_at,
            "commitment": application.commitment,
            "subject": subject_of(settings, application),
            "tx": application.attestation_tx,
            "error": application.attestation_error,
        },
    )
    return signed


def _attestation(settings: Settings, application: KycApplication) -> Attestation:
    """The attestation an application carries, from what is recorded on it."""
    assert application.attestation_expires_at is not None and application.attestation_risk_class is not None
    return Attestation(
        wallet=application.wallet,
        level=application.kyc_level,
        riskClass=application.attestation_risk_class,
        jurisdiction=application.jurisdiction_numeric,
        expiresAt=int(application.attestation_expires_at.timestamp()),
        commitment=application.commitment,
        subject=subject_of(settings, application),
        entity=False,
    )


def _sign(
    client: IdentityRegistryClient, attestation: Attestation, key: str, deadline: int
) -> SignedAttestation:
    filled, signature = client.signed_attestation(attestation, key, deadline)
    return SignedAttestation(
        registry=client.address,
        chain_id=client.chain_id,
        attestation=filled.to_dict(),
        signature="0x" + signature.hex(),
        deadline=datetime.fromtimestamp(deadline, UTC),
    )


def signed_again(
    session: Session, settings: Settings, kyc: KycSettings, application: KycApplication
) -> SignedAttestation:
    """The wallet's signed attestation once more: the same signature while its deadline is ahead on the
    chain's clock (with a minute to spare for sending it), signed anew with a fresh deadline after.
    The caller commits (a fresh deadline is recorded)."""
    if application.status != "approved" or application.attestation_status != "signed":
        raise signed_attestation_not_found(
            "the wallet has no signed attestation waiting to be submitted "
            f"(application {application.status}, attestation {application.attestation_status})"
        )
    client = registry_client(settings)
    chain_now = client.chain.latest_timestamp()
    deadline = application.attestation_deadline
    if deadline is None or deadline <= chain_now + 60:
        deadline = chain_now + kyc.signature_ttl_seconds
        application.attestation_deadline = deadline
        record_audit(
            session,
            f"wallet:{application.wallet}",
            "kyc.attestation.resigned",
            "kyc_application",
            application.id,
            None,
            {"deadline": deadline},
        )
    return _sign(
        client,
        _attestation(settings, application),
        settings.attester_private_key.get_secret_value(),
        deadline,
    )
