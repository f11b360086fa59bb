"""A case's suspicious-transaction report, as JSON and as CSV.

The report names the subject (the person's keyed hash), each wallet with the identity behind it (the
KYC application and its keyed identity hash, never the identity itself: an investigator resolves it in
KYC, where the read is audited), every transaction of every alert (hash, log index, block, time, kind,
amount), the rules that fired and the narrative. JSON is written canonically (sorted keys, no spaces) so
the same report is the same bytes; the CSV holds the same facts one record per line, its first column
saying which record it is. Either file is signed as exported (backend/aml/signing.py).
"""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.aml.models import AmlAlert, AmlAlertTransaction, AmlCase, AmlDisposition, case_aad
from backend.aml.rules import wallets_of
from backend.core.settings import Settings
from backend.kyc.models import IdentityView, KycApplication
from backend.privacy.keys import keyring_from_settings

FORMAT = "peerlend-suspicious-transaction-report/1"
CSV_COLUMNS = (
    "record",
    "case_id",
    "subject",
    "wallet",
    "identity_hash",
    "application_id",
    "rule",
    "alert_id",
    "score",
    "tx_hash",
    "log_index",
    "block_number",
    "time",
    "kind",
    "amount",
    "text",
)


def _iso(value: datetime | int | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, int):
        value = datetime.fromtimestamp(value, UTC)
    return value.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def narrative(settings: Settings, case: AmlCase) -> str | None:
    if case.narrative_ciphertext is None:
        return None
    return keyring_from_settings(settings).decrypt(case.narrative_ciphertext, case_aad(case.id)).decode()


def case_wallets(session: Session, case: AmlCase) -> list[str]:
    """The subject's wallets (every wallet its identity links) and every wallet an alert named."""
    named = session.scalars(select(AmlAlert.wallet).where(AmlAlert.case_id == case.id)).all()
    return sorted({*wallets_of(session, case.subject_key), *(w for w in named if w)})


def _identity(session: Session, wallet: str) -> dict[str, Any]:
    app = session.scalar(
        select(KycApplication)
        .where(KycApplication.wallet == wallet)
        .order_by(KycApplication.created_at.desc())
        .limit(1)
    )
    chain = session.get(IdentityView, wallet)
    return {
        "wallet": wallet,
        "applicationId": app.id if app else None,
        "identityHash": app.national_id_hash if app else None,
        "jurisdiction": app.jurisdiction if app else None,
        "frozen": bool(chain.frozen) if chain else False,
    }


def document(session: Session, settings: Settings, case: AmlCase, generated_at: datetime) -> dict[str, Any]:
    alerts = session.scalars(select(AmlAlert).where(AmlAlert.case_id == case.id).order_by(AmlAlert.id)).all()
    transactions = session.execute(
        select(AmlAlertTransaction, AmlAlert.rule)
        .join(AmlAlert, AmlAlert.id == AmlAlertTransaction.alert_id)
        .where(AmlAlert.case_id == case.id)
        .order_by(
            AmlAlertTransaction.block_number, AmlAlertTransaction.log_index, AmlAlertTransaction.alert_id
        )
    ).all()
    dispositions = session.scalars(
        select(AmlDisposition).where(AmlDisposition.case_id == case.id).order_by(AmlDisposition.id)
    ).all()
    distinct: dict[tuple[str, int, str], int] = {}
    for t, _ in transactions:
        distinct[(t.tx_hash, t.log_index, t.wallet)] = int(t.amount)
    return {
        "format": FORMAT,
        "caseId": case.id,
        "generatedAt": _iso(generated_at),
        "status": case.status,
        "score": case.score,
        "openedAt": _iso(case.opened_at),
        "subject": case.subject_key,
        "wallets": [_identity(session, w) for w in case_wallets(session, case)],
        "rules": sorted({a.rule for a in alerts if a.status != "withdrawn"}),
        "alerts": [
            {
                "id": a.id,
                "rule": a.rule,
                "score": a.score,
                "status": a.status,
                "amount": a.amount,
                "wallet": a.wallet,
                "chainTime": _iso(a.chain_time),
                "details": a.details,
            }
            for a in alerts
        ],
        "transactions": [
            {
                "alertId": t.alert_id,
                "rule": rule,
                "txHash": t.tx_hash,
                "logIndex": t.log_index,
                "blockNumber": t.block_number,
                "time": _iso(t.timestamp),
                "wallet": t.wallet,
                "kind": t.kind,
                "amount": t.amount,
            }
            for t, rule in transactions
        ],
        "totalAmount": str(sum(distinct.values())),
        "dispositions": [
            {
                "id": d.id,
                "action": d.action,
                "status": d.status,
                "proposedBy": d.proposed_by,
                "decidedBy": d.decided_by,
                "proposedAt": _iso(d.proposed_at),
                "effectiveAt": _iso(d.effective_at),
            }
            for d in dispositions
        ],
        "narrative": narrative(settings, case),
    }


def as_json(doc: dict[str, Any]) -> bytes:
    return json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def as_csv(doc: dict[str, Any]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    base = {"case_id": doc["caseId"], "subject": doc["subject"]}
    writer.writerow(
        {**base, "record": "case", "score": doc["score"], "amount": doc["totalAmount"], "text": doc["status"]}
    )
    for w in doc["wallets"]:
        writer.writerow(
            {
                **base,
                "record": "wallet",
                "wallet": w["wallet"],
                "identity_hash": w["identityHash"] or "",
                "application_id": w["applicationId"] or "",
                "text": "frozen" if w["frozen"] else "",
            }
        )
    for a in doc["alerts"]:
        writer.writerow(
            {
                **base,
                "record": "alert",
                "wallet": a["wallet"] or "",
                "rule": a["rule"],
                "alert_id": a["id"],
                "score": a["score"],
                "time": a["chainTime"] or "",
                "amount": a["amount"],
                "text": a["status"],
            }
        )
    for t in doc["transactions"]:
        writer.writerow(
            {
                **base,
                "record": "transaction",
                "wallet": t["wallet"],
                "rule": t["rule"],
                "alert_id": t["alertId"],
                "tx_hash": t["txHash"],
                "log_index": t["logIndex"],
                "block_number": t["blockNumber"],
                "time": t["time"],
                "kind": t["kind"],
                "amount": t["amount"],
            }
        )
    writer.writerow({**base, "record": "narrative", "text": doc["narrative"] or ""})
    return out.getvalue().encode("utf-8")
