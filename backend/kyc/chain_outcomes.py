"""What KYC does when outbox reconciliation learns the fate of one of its chain transactions
(backend/chain/outbox.py): the transaction's sender died before it could record the outcome itself.

An attestation that landed makes its application `attested` with that transaction; one that failed
makes it `failed`, unless a later attestation already settled it. A revocation that landed makes the
application `revoked`. Freezes carry no state of the service's own beyond the audit log (the chain
index shows the wallet frozen), so their entries are only settled. Each correction is audit-logged.
"""

from __future__ import annotations

import logging

from sqlalchemy.orm import Session

from backend.chain.outbox import OutboxEntry, Outcome
from backend.core.audit import record_audit
from backend.db.types import utcnow
from backend.kyc.models import KycApplication

logger = logging.getLogger("peerlend.kyc.outbox")

ATTEST, REVOKE, FREEZE, UNFREEZE = "kyc.attest", "kyc.revoke", "kyc.freeze", "kyc.unfreeze"
ACTOR = "system:outbox"


def _application(session: Session, entry: OutboxEntry) -> KycApplication | None:
    app = session.get(KycApplication, entry.object_id)
    if app is None:  # the request that made it died before committing; the chain index has the fact
        logger.warning("%s %s: no application %s", entry.purpose, entry.tx_hash, entry.object_id)
    return app


def _audit(session: Session, app: KycApplication, action: str, entry: OutboxEntry, before: dict) -> None:
    after = {"attestation": app.attestation_status, "status": app.status, "tx": entry.tx_hash}
    record_audit(
        session, ACTOR, action, "kyc_application", app.id, before, {**after, "block": entry.block_number}
    )


class AttestationOutcome:
    def on_confirmed(self, session: Session, entry: OutboxEntry) -> None:
        app = _application(session, entry)
        if app is None or (app.attestation_status == "attested" and app.attestation_tx == entry.tx_hash):
            return
        if app.status != "approved":  # revoked (or rejected) since: a later decision stands
            return
        before = {"attestation": app.attestation_status, "tx": app.attestation_tx}
        app.attestation_status, app.attestation_tx, app.attestation_error = "attested", entry.tx_hash, None
        app.attestation_deadline = None
        app.attested_at = app.attested_at or utcnow()
        _audit(session, app, "kyc.attestation.reconciled", entry, before)

    def on_failed(self, session: Session, entry: OutboxEntry) -> None:
        app = _application(session, entry)
        if (
            app is None
            or app.attestation_status == "attested"
            or app.attestation_tx not in (None, entry.tx_hash)
        ):
            return
        before = {"attestation": app.attestation_status, "tx": app.attestation_tx}
        app.attestation_status, app.attestation_error = "failed", (entry.error or "failed")[:500]
        _audit(session, app, "kyc.attestation.reconciled", entry, before)


class RevocationOutcome:
    def on_confirmed(self, session: Session, entry: OutboxEntry) -> None:
        app = _application(session, entry)
        if app is None or app.status == "revoked":
            return
        before = {"status": app.status, "attestation": app.attestation_status}
        app.status, app.attestation_status = "revoked", "revoked"
        app.revoked_at, app.revoked_by, app.revoke_tx = utcnow(), ACTOR, entry.tx_hash
        _audit(session, app, "kyc.identity.revoke_reconciled", entry, before)

    def on_failed(self, session: Session, entry: OutboxEntry) -> None:
        return  # a revocation that never landed changed nothing: the application stays as it was


OUTCOMES: dict[str, Outcome] = {ATTEST: AttestationOutcome(), REVOKE: RevocationOutcome()}
