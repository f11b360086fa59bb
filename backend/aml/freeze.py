"""Freezing a case's wallets on-chain: IdentityRegistry.freeze with the compliance key (COMPLIANCE_ROLE,
`PEERLEND_KYC_COMPLIANCE_PRIVATE_KEY`, the key KYC's freeze route uses), one transaction per wallet,
each through the chain outbox (backend/chain/outbox.py) under `aml.freeze` and the object
"<disposition id>:<wallet>".

Exactly once per wallet across retries and crashes: a wallet whose freeze is in the outbox (sent or
confirmed) is not sent again, nor one the registry already shows frozen. What was sent is committed
before a failure is reported, so the worker's retry of an approved freeze (`retry_approved`) sends only
what is left.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.aml.models import AmlCase, AmlDisposition
from backend.aml.reports import case_wallets
from backend.chain.identity import FREEZE_REASONS, IdentityChainError, IdentityRegistryClient
from backend.chain.outbox import CONFIRMED, SENT, Outbox, OutboxEntry
from backend.core.audit import record_audit
from backend.core.settings import Settings
from backend.db.types import utcnow
from backend.kyc.config import KycSettings
from backend.kyc.problems import compliance_signer_missing

PURPOSE = "aml.freeze"


def compliance_key(kyc: KycSettings) -> str:
    if kyc.compliance_private_key is None:
        raise compliance_signer_missing()
    return kyc.compliance_private_key.get_secret_value()


def _sent(session: Session, object_id: str) -> str | None:
    return session.scalar(
        select(OutboxEntry.tx_hash).where(
            OutboxEntry.purpose == PURPOSE,
            OutboxEntry.object_id == object_id,
            OutboxEntry.status.in_((SENT, CONFIRMED)),
        )
    )


def execute(
    session: Session, settings: Settings, kyc: KycSettings, disposition: AmlDisposition, actor: str
) -> None:
    """Freezes every wallet of the disposition's case; the case is `frozen` once all are. Raises
    IdentityChainError after committing what it sent, if the chain refuses or cannot be reached."""
    key = compliance_key(kyc)
    case = session.get(AmlCase, disposition.case_id)
    assert case is not None
    outcome: dict[str, Any] = dict(disposition.outcome or {})
    try:
        client = IdentityRegistryClient.from_settings(settings)
        for wallet in case_wallets(session, case):
            object_id = f"{disposition.id}:{wallet}"
            if outcome.get(wallet):
                continue
            already = _sent(session, object_id)
            if already is not None:
                outcome[wallet] = already
                continue
            if client.is_frozen(wallet):
                outcome[wallet] = "already_frozen"
                continue
            outbox = Outbox.beside(session, PURPOSE, "aml_disposition", object_id)
            outcome[wallet] = client.freeze(wallet, FREEZE_REASONS["aml_alert"], key, outbox)
    except IdentityChainError as exc:
        disposition.outcome, disposition.error = outcome, str(exc)[:500]
        session.commit()
        raise
    disposition.outcome, disposition.error = outcome, None
    disposition.status, disposition.effective_at = "effective", utcnow()
    before = case.status
    case.status, case.updated_at = "frozen", utcnow()
    record_audit(
        session,
        actor,
        "aml.case.frozen",
        "aml_case",
        str(case.id),
        {"status": before},
        {"status": case.status, "disposition": disposition.id, "transactions": outcome},
    )
    session.commit()
