"""IdentityRegistry events -> chain_identities.

  IdentityAttested       status attested, level, risk class, jurisdiction, expiry, commitment, the
                         person's subject and whether it is an entity
  IdentityRevoked        status revoked; the attestation's fields cleared (the registry deletes them;
                         the frozen flag survives, as on-chain)
  IdentityFrozen/Unfrozen frozen
SignaturesInvalidated changes no attestation and is kept in chain_events only.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from backend.chain.indexer.decoders import DecodedEvent
from backend.chain.indexer.registry import Handler, HandlerKey
from backend.kyc.models import IdentityView


def _row(session: Session, e: DecodedEvent) -> IdentityView:
    wallet = e.args["wallet"]
    row = session.get(IdentityView, wallet)
    if row is None:
        row = IdentityView(
            wallet=wallet,
            status="none",
            level=0,
            risk_class=0,
            jurisdiction=0,
            expires_at=0,
            frozen=False,
            entity=False,
            updated_block=e.block_number,
            updated_at=e.timestamp,
        )
        session.add(row)
    row.updated_block, row.updated_at = e.block_number, e.timestamp
    return row


def attested(session: Session, e: DecodedEvent) -> None:
    row = _row(session, e)
    a = e.args
    row.status, row.level, row.risk_class = "attested", a["level"], a["riskClass"]
    row.jurisdiction, row.expires_at, row.commitment, row.attester = (
        a["jurisdiction"],
        a["expiresAt"],
        a["commitment"],
        a["attester"],
    )
    row.subject, row.entity = a["subject"], bool(a["entity"])


def revoked(session: Session, e: DecodedEvent) -> None:
    row = _row(session, e)
    row.status, row.level, row.risk_class, row.expires_at, row.commitment = "revoked", 0, 0, 0, None
    row.subject, row.entity = None, False


def frozen(session: Session, e: DecodedEvent) -> None:
    _row(session, e).frozen = True


def unfrozen(session: Session, e: DecodedEvent) -> None:
    _row(session, e).frozen = False


HANDLERS: dict[HandlerKey, Handler] = {
    ("IdentityRegistry", "IdentityAttested"): attested,
    ("IdentityRegistry", "IdentityRevoked"): revoked,
    ("IdentityRegistry", "IdentityFrozen"): frozen,
    ("IdentityRegistry", "IdentityUnfrozen"): unfrozen,
}
