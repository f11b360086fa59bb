"""AML use cases: reading alerts and cases, dispositions with four eyes, report exports and filing.

Dispositions, always with a reason (encrypted at rest):
- close_false_positive (an open or escalated case) and escalate (an open case) take effect at once;
- freeze and report are proposals: they take effect only when a second compliance officer, neither the
  proposer's key nor a key of the proposer's name, approves them (`decide`). A freeze then freezes every
  wallet of the case on-chain (backend/aml/freeze.py); a report is filed: its JSON is signed and kept.
A case holds at most one proposal at a time. Every step is audit-logged, with no free text in the log.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from backend.aml import freeze, problems, reports
from backend.aml.alerts import rescore
from backend.aml.config import AmlSettings
from backend.aml.models import (
    FOUR_EYES_ACTIONS,
    OPEN_CASE_STATUSES,
    AmlAlert,
    AmlCase,
    AmlDisposition,
    AmlReport,
    case_aad,
    disposition_aad,
    report_aad,
)
from backend.aml.signing import DetachedSignature, sign_export
from backend.auth.models import ApiKey
from backend.auth.service import Operator
from backend.chain.identity import IdentityChainError
from backend.chain.indexer.models import ChainCheckpoint, ChainEvent
from backend.chain.problems import chain_problem
from backend.core.audit import record_audit
from backend.core.schemas import decode_cursor, encode_cursor
from backend.core.settings import Settings
from backend.db.session import take_write_lock
from backend.db.types import utcnow
from backend.kyc.config import KycSettings
from backend.privacy.keys import keyring_from_settings

log = logging.getLogger("peerlend.aml")
Action = Literal["close_false_positive", "escalate", "freeze", "report"]
ExportFormat = Literal["json", "csv"]
MEDIA_TYPES = {"json": "application/json", "csv": "text/csv; charset=utf-8"}
# A reorganisation deeper than this is not looked for (the indexer's confirmations make one rarer still).
ORPHAN_WINDOW_BLOCKS = 256
# Which case statuses each action may be given.
ALLOWED: dict[str, tuple[str, ...]] = {
    "close_false_positive": ("open", "escalated"),
    "escalate": ("open",),
    "freeze": ("open", "escalated"),
    "report": OPEN_CASE_STATUSES,
}


def seal(settings: Settings, text: str, aad: bytes) -> str:
    return keyring_from_settings(settings).encrypt(text.encode("utf-8"), aad)


def unseal(settings: Settings, envelope: str | None, aad: bytes) -> str | None:
    if envelope is None:
        return None
    return keyring_from_settings(settings).decrypt(envelope, aad).decode("utf-8")


# ------------------------------------------------------------------------------------------ reads


def list_alerts(
    session: Session, *, rule: str | None, status: str | None, limit: int, cursor: str | None
) -> tuple[list[AmlAlert], str | None]:
    position = decode_cursor("aml-alerts", cursor, {"id": int})
    query = select(AmlAlert).order_by(AmlAlert.id.desc()).limit(limit + 1)
    if rule:
        query = query.where(AmlAlert.rule == rule)
    if status:
        query = query.where(AmlAlert.status == status)
    if position:
        query = query.where(AmlAlert.id < position["id"])
    rows = list(session.scalars(query))
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, encode_cursor("aml-alerts", {"id": rows[-1].id}) if more else None


def list_cases(
    session: Session, *, status: str | None, limit: int, cursor: str | None
) -> tuple[list[AmlCase], str | None]:
    position = decode_cursor("aml-cases", cursor, {"id": int})
    query = select(AmlCase).order_by(AmlCase.id.desc()).limit(limit + 1)
    if status:
        query = query.where(AmlCase.status == status)
    if position:
        query = query.where(AmlCase.id < position["id"])
    rows = list(session.scalars(query))
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, encode_cursor("aml-cases", {"id": rows[-1].id}) if more else None


def get_alert(session: Session, alert_id: int) -> AmlAlert:
    alert = session.get(AmlAlert, alert_id)
    if alert is None:
        raise problems.alert_not_found()
    return alert


def get_case(session: Session, case_id: int) -> AmlCase:
    case = session.get(AmlCase, case_id)
    if case is None:
        raise problems.case_not_found()
    return case


@dataclass
class CaseDetail:
    case: AmlCase
    alerts: list[AmlAlert]
    dispositions: list[tuple[AmlDisposition, str | None, str | None]]  # with reason and decision reason
    wallets: list[dict[str, object]]
    narrative: str | None


def case_detail(session: Session, settings: Settings, case_id: int) -> CaseDetail:
    case = get_case(session, case_id)
    alerts = list(session.scalars(select(AmlAlert).where(AmlAlert.case_id == case.id).order_by(AmlAlert.id)))
    dispositions = [
        (
            d,
            unseal(settings, d.reason_ciphertext, disposition_aad(d.id, "reason")),
            unseal(settings, d.decision_ciphertext, disposition_aad(d.id, "decision")),
        )
        for d in session.scalars(
            select(AmlDisposition).where(AmlDisposition.case_id == case.id).order_by(AmlDisposition.id)
        )
    ]
    wallets = [
        {k: v for k, v in reports._identity(session, w).items() if k in ("wallet", "frozen", "applicationId")}
        for w in reports.case_wallets(session, case)
    ]
    return CaseDetail(case, alerts, dispositions, wallets, reports.narrative(settings, case))


def get_disposition(session: Session, disposition_id: int) -> AmlDisposition:
    disposition = session.get(AmlDisposition, disposition_id)
    if disposition is None:
        raise problems.disposition_not_found()
    return disposition


# ------------------------------------------------------------------------------------------ dispositions


def _close(session: Session, case: AmlCase, status: str) -> None:
    case.status, case.closed_at, case.updated_at = status, utcnow(), utcnow()
    session.execute(
        update(AmlAlert).where(AmlAlert.case_id == case.id, AmlAlert.status == "open").values(status="closed")
    )


def propose(
    session: Session,
    settings: Settings,
    case_id: int,
    officer: Operator,
    action: Action,
    reason: str,
    narrative: str | None = None,
) -> AmlDisposition:
    take_write_lock(session)
    case = get_case(session, case_id)
    if case.status not in OPEN_CASE_STATUSES:
        raise problems.case_closed(case.status)
    if case.status not in ALLOWED[action]:
        raise problems.action_not_allowed(action, case.status)
    if action == "report" and not (narrative or case.narrative_ciphertext):
        raise problems.narrative_required()
    pending = session.scalar(
        select(AmlDisposition.id).where(
            AmlDisposition.case_id == case.id, AmlDisposition.status.in_(("proposed", "approved"))
        )
    )
    if pending is not None:
        raise problems.disposition_pending()
    four_eyes = action in FOUR_EYES_ACTIONS
    disposition = AmlDisposition(
        case_id=case.id,
        action=action,
        status="proposed" if four_eyes else "effective",
        reason_ciphertext="",
        proposed_by=officer.actor,
        proposed_at=utcnow(),
        outcome={},
    )
    session.add(disposition)
    try:
        session.flush()
    except IntegrityError as exc:  # another officer's proposal won the race
        session.rollback()
        raise problems.disposition_pending() from exc
    disposition.reason_ciphertext = seal(settings, reason, disposition_aad(disposition.id, "reason"))
    if narrative:
        case.narrative_ciphertext = seal(settings, narrative, case_aad(case.id))
    before = case.status
    if not four_eyes:
        disposition.effective_at = utcnow()
        if action == "escalate":
            case.status, case.updated_at = "escalated", utcnow()
        else:
            _close(session, case, "closed")
    record_audit(
        session,
        officer.actor,
        f"aml.disposition.{'proposed' if four_eyes else 'applied'}",
        "aml_case",
        str(case.id),
        {"status": before},
        {
            "status": case.status,
            "disposition": disposition.id,
            "action": action,
            "reason_given": True,
            "narrative_given": bool(narrative),
        },
    )
    session.commit()
    return disposition


def _same_officer(officer: Operator, proposer: str, session: Session) -> bool:
    """The proposer's own key, or another key issued under the proposer's name."""
    if officer.actor == proposer:
        return True
    name = session.scalar(select(ApiKey.name).where(ApiKey.id == proposer.removeprefix("operator:")))
    return name is not None and name == officer.name


def decide(
    session: Session,
    settings: Settings,
    kyc: KycSettings,
    aml: AmlSettings,
    disposition_id: int,
    officer: Operator,
    approve: bool,
    reason: str,
) -> AmlDisposition:
    """The second officer's decision on a freeze or report proposal."""
    take_write_lock(session)
    disposition = get_disposition(session, disposition_id)
    if disposition.status != "proposed":
        raise problems.not_pending(disposition.status)
    if _same_officer(officer, disposition.proposed_by, session):
        raise problems.four_eyes()
    if approve and disposition.action == "freeze":
        freeze.compliance_key(kyc)  # a freeze nobody can send is refused before it is approved
    disposition.status = "approved" if approve else "rejected"
    disposition.decided_by, disposition.decided_at = officer.actor, utcnow()
    disposition.decision_ciphertext = seal(settings, reason, disposition_aad(disposition.id, "decision"))
    record_audit(
        session,
        officer.actor,
        f"aml.disposition.{'approved' if approve else 'rejected'}",
        "aml_case",
        str(disposition.case_id),
        {"disposition": disposition.id, "status": "proposed"},
        {"disposition": disposition.id, "status": disposition.status, "action": disposition.action},
    )
    session.commit()
    if approve:
        take_effect(session, settings, kyc, aml, disposition, officer.actor)
    return disposition


def take_effect(
    session: Session,
    settings: Settings,
    kyc: KycSettings,
    aml: AmlSettings,
    disposition: AmlDisposition,
    actor: str,
) -> None:
    if disposition.action == "freeze":
        try:
            freeze.execute(session, settings, kyc, disposition, actor)
        except IdentityChainError as exc:
            raise chain_problem(exc) from exc
    elif disposition.action == "report":
        file_report(session, settings, aml, disposition, actor)


def retry_approved(
    sessions: sessionmaker[Session], settings: Settings, kyc: KycSettings, aml: AmlSettings
) -> int:
    """Approved dispositions whose effect did not complete (the chain was out of reach): once more each."""
    done = 0
    with sessions() as session:
        ids = list(session.scalars(select(AmlDisposition.id).where(AmlDisposition.status == "approved")))
    for disposition_id in ids:
        with sessions() as session:
            disposition = session.get(AmlDisposition, disposition_id)
            if disposition is None or disposition.status != "approved":
                continue
            try:
                take_effect(session, settings, kyc, aml, disposition, "system:aml")
                done += 1
            except Exception:  # one case's failure never stops the others; the next pass tries again
                session.rollback()
                log.exception("disposition %s could not take effect", disposition_id)
    return done


# ------------------------------------------------------------------------------------------ reports


def signing_key(settings: Settings, aml: AmlSettings) -> str:
    key = aml.report_signing_key or settings.attester_private_key
    return key.get_secret_value()


def file_report(
    session: Session, settings: Settings, aml: AmlSettings, disposition: AmlDisposition, actor: str
) -> AmlReport:
    case = get_case(session, disposition.case_id)
    before = case.status
    _close(session, case, "reported")
    disposition.status, disposition.effective_at = "effective", utcnow()
    session.flush()
    data = reports.as_json(reports.document(session, settings, case, utcnow()))
    signed = sign_export(data, signing_key(settings, aml))
    report = AmlReport(
        case_id=case.id,
        disposition_id=disposition.id,
        document_ciphertext="",
        sha256=signed.sha256,
        signature=signed.signature,
        signer=signed.signer,
        filed_by=disposition.proposed_by,
        approved_by=disposition.decided_by or actor,
        filed_at=utcnow(),
    )
    session.add(report)
    session.flush()
    report.document_ciphertext = keyring_from_settings(settings).encrypt(data, report_aad(report.id))
    disposition.outcome = {"reportId": report.id, "sha256": signed.sha256}
    record_audit(
        session,
        actor,
        "aml.report.filed",
        "aml_case",
        str(case.id),
        {"status": before},
        {"status": case.status, "report": report.id, "sha256": signed.sha256, "signer": signed.signer},
    )
    session.commit()
    return report


def export_case(
    session: Session, settings: Settings, aml: AmlSettings, case_id: int, fmt: ExportFormat, actor: str
) -> tuple[bytes, DetachedSignature]:
    case = get_case(session, case_id)
    doc = reports.document(session, settings, case, utcnow())
    data = reports.as_json(doc) if fmt == "json" else reports.as_csv(doc)
    signed = sign_export(data, signing_key(settings, aml))
    record_audit(
        session,
        actor,
        "aml.report.exported",
        "aml_case",
        str(case.id),
        None,
        {"format": fmt, "sha256": signed.sha256, "signer": signed.signer},
    )
    session.commit()
    return data, signed


def filed_report(
    session: Session, settings: Settings, report_id: int, actor: str
) -> tuple[bytes, DetachedSignature]:
    report = session.get(AmlReport, report_id)
    if report is None:
        raise problems.report_not_found()
    data = keyring_from_settings(settings).decrypt(report.document_ciphertext, report_aad(report.id))
    record_audit(
        session, actor, "aml.report.read", "aml_report", str(report.id), None, {"case": report.case_id}
    )
    session.commit()
    return data, DetachedSignature(report.sha256, report.signature, report.signer)


# ------------------------------------------------------------------------------------------ reorgs


def withdraw_orphaned(session: Session) -> int:
    """Open alerts whose event a reorganisation took off the chain: withdrawn, their cases rescored."""
    checkpoint = session.scalar(
        select(ChainCheckpoint.last_block).order_by(ChainCheckpoint.last_block.desc())
    )
    if checkpoint is None:
        return 0
    candidates = session.scalars(
        select(AmlAlert).where(
            AmlAlert.status == "open",
            AmlAlert.tx_hash.is_not(None),
            AmlAlert.block_number <= checkpoint,
            AmlAlert.block_number > checkpoint - ORPHAN_WINDOW_BLOCKS,
        )
    ).all()
    withdrawn = 0
    for alert in candidates:
        kept = session.scalar(
            select(ChainEvent.id).where(
                ChainEvent.tx_hash == alert.tx_hash, ChainEvent.log_index == alert.log_index
            )
        )
        if kept is not None:
            continue
        alert.status = "withdrawn"
        case = session.get(AmlCase, alert.case_id)
        if case is not None:
            session.flush()
            rescore(session, case)
        record_audit(
            session,
            "system:aml",
            "aml.alert.withdrawn",
            "aml_case",
            str(alert.case_id),
            None,
            {"alert": alert.id},
        )
        withdrawn += 1
    session.commit()
    return withdrawn
