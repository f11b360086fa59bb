"""Append-only audit trail of sensitive actions: who did what to which object, when, before and after.

`record_audit` adds the entry to the caller's session so it commits (or rolls back) with the change it
describes. Entries are never updated or deleted: the ORM refuses it here (flush and bulk statements),
and migration 0001 installs database triggers that refuse it for any client.
"""

from __future__ import annotations

from typing import Any

from fastapi.encoders import jsonable_encoder
from sqlalchemy import Delete, Update, event, select
from sqlalchemy.orm import ORMExecuteState, Session

from backend.core.context import get_request_id
from backend.core.masking import mask_mapping
from backend.core.models import AuditLog
from backend.db.types import utcnow


class AuditLogImmutable(RuntimeError):
    """An attempt to change or remove an audit entry."""


def record_audit(
    session: Session,
    actor: str,
    action: str,
    object_type: str,
    object_id: str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditLog:
    """Append one audit entry in the caller's transaction (personal data in before/after is masked).

    actor: "wallet:0xAbC..", "operator:<key id>", "system:<component>".
    action: dotted verb, e.g. "kyc.application.approved".
    """
    entry = AuditLog(
        occurred_at=utcnow(),
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        before=_json_safe(mask_mapping(before)),
        after=_json_safe(mask_mapping(after)),
        request_id=get_request_id(),
    )
    session.add(entry)
    return entry


def _json_safe(data: dict[str, Any] | None) -> dict[str, Any] | None:
    # Datetimes, decimals, enums, UUIDs and bytes become JSON values here, not a failure at flush.
    if data is None:
        return None
    return jsonable_encoder(data, custom_encoder={bytes: lambda b: "0x" + b.hex()})


def list_audit(
    session: Session,
    *,
    actor: str | None = None,
    object_type: str | None = None,
    object_id: str | None = None,
    action: str | None = None,
    before_id: int | None = None,
    limit: int = 100,
) -> list[AuditLog]:
    query = select(AuditLog).order_by(AuditLog.id.desc()).limit(limit)
    if actor:
        query = query.where(AuditLog.actor == actor)
    if object_type:
        query = query.where(AuditLog.object_type == object_type)
    if object_id:
        query = query.where(AuditLog.object_id == object_id)
    if action:
        query = query.where(AuditLog.action == action)
    if before_id:
        query = query.where(AuditLog.id < before_id)
    return list(session.scalars(query))


@event.listens_for(Session, "before_flush")
def _refuse_audit_changes(session: Session, _flush_context, _instances) -> None:
    for obj in session.deleted:
        if isinstance(obj, AuditLog):
            raise AuditLogImmutable("audit log entries cannot be deleted")
    for obj in session.dirty:
        if isinstance(obj, AuditLog) and session.is_modified(obj, include_collections=False):
            raise AuditLogImmutable("audit log entries cannot be modified")


@event.listens_for(Session, "do_orm_execute")
def _refuse_audit_bulk_changes(state: ORMExecuteState) -> None:
    statement = state.statement
    if isinstance(statement, (Update, Delete)):
        table = getattr(statement, "table", None)
        if getattr(table, "name", None) == AuditLog.__tablename__:
            raise AuditLogImmutable("audit log entries cannot be modified or deleted")
