"""Complaints: filing, the complainant's own view, the operators' queue, and the published figures.

Times are the service's wall clock (a complaint is an off-chain process), passed in as `now` by the
caller so tests move it at will. Texts are encrypted before they reach the session and decrypted only for
the complainant and for an operator working the complaint (whose read is audited); audit rows carry ids,
categories, statuses and outcomes, never a text.
"""

from __future__ import annotations

import statistics
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, or_, select, tuple_
from sqlalchemy.orm import Session

from backend.auth.service import Operator
from backend.complaints import problems
from backend.complaints.calendar import add_business_days
from backend.complaints.config import ComplaintSettings
from backend.complaints.models import (
    ACKNOWLEDGED,
    CLOSED,
    ESCALATED,
    OPEN,
    RESOLVED,
    Complaint,
    ComplaintMessage,
    message_aad,
    text_aad,
)
from backend.complaints.schemas import (
    ComplaintDetail,
    ComplaintFigures,
    ComplaintIn,
    ComplaintOut,
    ComplaintPage,
    MessageOut,
    Sla,
)
from backend.core.audit import record_audit
from backend.core.problems import invalid_cursor
from backend.core.schemas import decode_cursor, encode_cursor
from backend.core.settings import Settings
from backend.loans.models import LoanView, NoteView
from backend.privacy.keys import keyring_from_settings

WORKABLE = (OPEN, ACKNOWLEDGED)


# ------------------------------------------------------------------------------------------ views


def sla(complaint: Complaint, now: datetime) -> Sla:
    acknowledged = complaint.acknowledged_at or complaint.resolved_at
    return Sla(
        acknowledge_by=complaint.acknowledge_by,
        resolve_by=complaint.resolve_by,
        acknowledgement_breached=(acknowledged or now) > complaint.acknowledge_by,
        resolution_breached=(complaint.resolved_at or now) > complaint.resolve_by,
    )


def _out(complaint: Complaint, now: datetime) -> ComplaintOut:
    return ComplaintOut.model_validate(
        {
            **{c.key: getattr(complaint, c.key) for c in Complaint.__table__.columns},
            "sla": sla(complaint, now),
        }
    )


def _detail(settings: Settings, session: Session, complaint: Complaint, now: datetime) -> ComplaintDetail:
    keyring = keyring_from_settings(settings)
    messages = session.scalars(
        select(ComplaintMessage)
        .where(ComplaintMessage.complaint_id == complaint.id)
        .order_by(ComplaintMessage.created_at, ComplaintMessage.id)
    )
    return ComplaintDetail(
        **_out(complaint, now).model_dump(),
        text=keyring.decrypt(complaint.text_ciphertext, text_aad(complaint.id)).decode("utf-8"),
        messages=[
            MessageOut(
                id=m.id,
                kind=m.kind,  # type: ignore[arg-type]  # response | resolution | reply
                author="complainant" if m.author == "wallet" else "platform",
                text=keyring.decrypt(m.body_ciphertext, message_aad(m.id)).decode("utf-8"),
                created_at=m.created_at,
            )
            for m in messages
        ],
    )


def _check_length(options: ComplaintSettings, text: str) -> None:
    if len(text) > options.max_text_chars:
        raise problems.text_too_long(options.max_text_chars)


def _audit(session: Session, actor: str, action: str, complaint: Complaint, before: str | None) -> None:
    record_audit(
        session,
        actor=actor,
        action=f"complaint.{action}",
        object_type="complaint",
        object_id=complaint.id,
        before={"status": before} if before else None,
        after={
            "status": complaint.status,
            "category": complaint.category,
            "outcome": complaint.outcome,
            "escalationReason": complaint.escalation_reason,
        },
    )


def _message(
    settings: Settings,
    session: Session,
    complaint: Complaint,
    kind: str,
    author: str,
    text: str,
    now: datetime,
) -> None:
    # A thread reads in time order and ids are random: two messages at one instant (a fixed clock, or
    # one microsecond) would swap places, so each message comes strictly after the thread's last one.
    last = session.scalar(
        select(func.max(ComplaintMessage.created_at)).where(ComplaintMessage.complaint_id == complaint.id)
    )
    if last is not None:
        last = last if last.tzinfo else last.replace(tzinfo=UTC)
        if last >= now:
            now = last + timedelta(microseconds=1)
    message_id = str(uuid.uuid4())
    session.add(
        ComplaintMessage(
            id=message_id,
            complaint_id=complaint.id,
            kind=kind,
            author=author,
            body_ciphertext=keyring_from_settings(settings).encrypt(
                text.encode("utf-8"), message_aad(message_id)
            ),
            created_at=now,
        )
    )


# ------------------------------------------------------------------------------------------ complainant


def _related_to_loan(session: Session, wallet: str, loan_id: int) -> bool:
    borrower = session.scalar(select(LoanView.borrower).where(LoanView.loan_id == loan_id))
    if borrower is None:
        return False
    if borrower == wallet:
        return True
    held = session.scalar(
        select(NoteView.note_id)
        .where(NoteView.loan_id == loan_id, or_(NoteView.owner == wallet, NoteView.original_lender == wallet))
        .limit(1)
    )
    return held is not None


def file_complaint(
    session: Session,
    settings: Settings,
    options: ComplaintSettings,
    wallet: str,
    body: ComplaintIn,
    now: datetime,
) -> ComplaintDetail:
    _check_length(options, body.text)
    if body.loan_id is not None and not _related_to_loan(session, wallet, body.loan_id):
        raise problems.unknown_loan(body.loan_id)
    complaint_id = str(uuid.uuid4())
    complaint = Complaint(
        id=complaint_id,
        wallet=wallet,
        category=body.category,
        loan_id=body.loan_id,
        text_ciphertext=keyring_from_settings(settings).encrypt(
            body.text.encode("utf-8"), text_aad(complaint_id)
        ),
        status=OPEN,
        filed_at=now,
        acknowledge_by=add_business_days(now, options.acknowledge_business_days, options.holidays),
        resolve_by=add_business_days(now, options.resolve_business_days, options.holidays),
        updated_at=now,
    )
    session.add(complaint)
    _audit(session, f"wallet:{wallet}", "filed", complaint, None)
    session.commit()
    return _detail(settings, session, complaint, now)


def _own(session: Session, wallet: str, complaint_id: str) -> Complaint:
    complaint = session.get(Complaint, complaint_id)
    if complaint is None or complaint.wallet != wallet:
        raise problems.complaint_not_found()
    return complaint


def own_complaints(
    session: Session, wallet: str, now: datetime, limit: int, cursor: str | None
) -> ComplaintPage:
    return _page(session, now, limit, cursor, "complaints:own", [Complaint.wallet == wallet])


def own_complaint(
    session: Session, settings: Settings, wallet: str, complaint_id: str, now: datetime
) -> ComplaintDetail:
    return _detail(settings, session, _own(session, wallet, complaint_id), now)


def answer_resolution(
    session: Session,
    settings: Settings,
    options: ComplaintSettings,
    wallet: str,
    complaint_id: str,
    accept: bool,
    text: str | None,
    now: datetime,
) -> ComplaintDetail:
    """The complainant accepts the resolution (closed) or rejects it (escalated to mediation)."""
    complaint = _own(session, wallet, complaint_id)
    if complaint.status != RESOLVED:
        raise problems.invalid_transition(complaint.status, "accepted" if accept else "rejected")
    if text:
        _check_length(options, text)
        _message(settings, session, complaint, "reply", "wallet", text, now)
    before = complaint.status
    if accept:
        complaint.status, complaint.closed_at = CLOSED, now
    else:
        complaint.status, complaint.escalated_at, complaint.escalation_reason = ESCALATED, now, "rejected"
    complaint.updated_at = now
    _audit(session, f"wallet:{wallet}", "accepted" if accept else "rejected", complaint, before)
    session.commit()
    return _detail(settings, session, complaint, now)


def overdue_reason(complaint: Complaint, now: datetime) -> str | None:
    """Why a complaint still being worked is past its SLA, if it is."""
    if complaint.status not in WORKABLE:
        return None
    if complaint.acknowledged_at is None and now > complaint.acknowledge_by:
        return "acknowledgement_overdue"
    if now > complaint.resolve_by:
        return "resolution_overdue"
    return None


def request_mediation(
    session: Session, settings: Settings, wallet: str, complaint_id: str, now: datetime
) -> ComplaintDetail:
    """The complainant escalates a complaint whose acknowledgement or resolution is overdue."""
    complaint = _own(session, wallet, complaint_id)
    if complaint.status not in WORKABLE:
        raise problems.invalid_transition(complaint.status, "escalated")
    reason = overdue_reason(complaint, now)
    if reason is None:
        raise problems.sla_not_breached()
    _escalate(session, complaint, reason, f"wallet:{wallet}", now)
    session.commit()
    return _detail(settings, session, complaint, now)


# ------------------------------------------------------------------------------------------ queue


def _page(
    session: Session,
    now: datetime,
    limit: int,
    cursor: str | None,
    kind: str,
    conditions: list,  # type: ignore[type-arg]
) -> ComplaintPage:
    """Newest first, by (filed_at, id); the cursor holds the last row's pair."""
    position = decode_cursor(kind, cursor, {"t": int, "id": str})
    query = select(Complaint).where(*conditions)
    if position is not None:
        try:
            last = datetime.fromtimestamp(position["t"] / 1_000_000, tz=UTC)
        except (OverflowError, ValueError, OSError) as exc:  # a forged position beyond any date
            raise invalid_cursor() from exc
        query = query.where(tuple_(Complaint.filed_at, Complaint.id) < (last, position["id"]))
    rows = list(
        session.scalars(query.order_by(Complaint.filed_at.desc(), Complaint.id.desc()).limit(limit + 1))
    )
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = None
    if more:
        tail = rows[-1]
        next_cursor = encode_cursor(kind, {"t": int(tail.filed_at.timestamp() * 1_000_000), "id": tail.id})
    return ComplaintPage(items=[_out(c, now) for c in rows], next_cursor=next_cursor)


def queue(
    session: Session, now: datetime, status: str | None, breached: bool | None, limit: int, cursor: str | None
) -> ComplaintPage:
    """The operators' queue: by status, and by whether an SLA deadline has passed unmet."""
    conditions: list = []  # type: ignore[type-arg]
    if status:
        conditions.append(Complaint.status == status)
    if breached is not None:
        late = or_(
            Complaint.acknowledged_at.is_(None)
            & Complaint.resolved_at.is_(None)
            & (Complaint.acknowledge_by < now),
            Complaint.acknowledged_at.is_not(None) & (Complaint.acknowledged_at > Complaint.acknowledge_by),
            Complaint.resolved_at.is_(None) & (Complaint.resolve_by < now),
            Complaint.resolved_at.is_not(None) & (Complaint.resolved_at > Complaint.resolve_by),
        )
        # every term is false, never null, for a missing time: NOT of it is then what it says
        conditions.append(late if breached else ~late)
    return _page(session, now, limit, cursor, f"complaints:queue:{status}:{breached}", conditions)


def _for_operator(session: Session, complaint_id: str) -> Complaint:
    complaint = session.get(Complaint, complaint_id)
    if complaint is None:
        raise problems.complaint_not_found()
    return complaint


def read_for_operator(
    session: Session, settings: Settings, operator: Operator, complaint_id: str, now: datetime
) -> ComplaintDetail:
    complaint = _for_operator(session, complaint_id)
    detail = _detail(settings, session, complaint, now)
    _audit(session, operator.actor, "read", complaint, None)
    session.commit()
    return detail


def acknowledge(
    session: Session, settings: Settings, operator: Operator, complaint_id: str, now: datetime
) -> ComplaintDetail:
    complaint = _for_operator(session, complaint_id)
    if complaint.status != OPEN:
        raise problems.invalid_transition(complaint.status, "acknowledged")
    complaint.status, complaint.acknowledged_at, complaint.updated_at = ACKNOWLEDGED, now, now
    _audit(session, operator.actor, "acknowledged", complaint, OPEN)
    session.commit()
    return _detail(settings, session, complaint, now)


def respond(
    session: Session,
    settings: Settings,
    options: ComplaintSettings,
    operator: Operator,
    complaint_id: str,
    text: str,
    now: datetime,
) -> ComplaintDetail:
    """A response to the complainant on an acknowledged or escalated complaint (acknowledge first)."""
    _check_length(options, text)
    complaint = _for_operator(session, complaint_id)
    if complaint.status not in (ACKNOWLEDGED, ESCALATED):
        raise problems.invalid_transition(complaint.status, "responded to")
    _message(settings, session, complaint, "response", operator.actor, text, now)
    complaint.updated_at = now
    _audit(session, operator.actor, "responded", complaint, complaint.status)
    session.commit()
    return _detail(settings, session, complaint, now)


def resolve(
    session: Session,
    settings: Settings,
    options: ComplaintSettings,
    operator: Operator,
    complaint_id: str,
    outcome: str,
    text: str,
    now: datetime,
) -> ComplaintDetail:
    _check_length(options, text)
    complaint = _for_operator(session, complaint_id)
    if complaint.status not in WORKABLE:
        raise problems.invalid_transition(complaint.status, "resolved")
    before = complaint.status
    _message(settings, session, complaint, "resolution", operator.actor, text, now)
    complaint.acknowledged_at = complaint.acknowledged_at or now  # a resolution acknowledges too
    complaint.status, complaint.resolved_at, complaint.outcome, complaint.updated_at = (
        RESOLVED,
        now,
        outcome,
        now,
    )
    _audit(session, operator.actor, "resolved", complaint, before)
    session.commit()
    return _detail(settings, session, complaint, now)


def _escalate(session: Session, complaint: Complaint, reason: str, actor: str, now: datetime) -> None:
    before = complaint.status
    complaint.status, complaint.escalated_at, complaint.escalation_reason = ESCALATED, now, reason
    complaint.updated_at = now
    _audit(session, actor, "escalated", complaint, before)


def escalate(
    session: Session, settings: Settings, operator: Operator, complaint_id: str, now: datetime
) -> ComplaintDetail:
    complaint = _for_operator(session, complaint_id)
    if complaint.status not in (*WORKABLE, RESOLVED):
        raise problems.invalid_transition(complaint.status, "escalated")
    _escalate(session, complaint, "supervisor", operator.actor, now)
    session.commit()
    return _detail(settings, session, complaint, now)


def escalate_overdue(session: Session, operator: Operator, now: datetime) -> list[str]:
    """Every complaint still being worked past a deadline goes to mediation; their ids."""
    candidates = session.scalars(
        select(Complaint)
        .where(
            Complaint.status.in_(WORKABLE),
            or_(
                Complaint.acknowledged_at.is_(None) & (Complaint.acknowledge_by < now),
                Complaint.resolve_by < now,
            ),
        )
        .order_by(Complaint.filed_at, Complaint.id)
    ).all()
    escalated = []
    for complaint in candidates:
        reason = overdue_reason(complaint, now)
        if reason is not None:
            _escalate(session, complaint, reason, operator.actor, now)
            escalated.append(complaint.id)
    session.commit()
    return escalated


# ------------------------------------------------------------------------------------------ disclosure


def _late(done: datetime | None, deadline: datetime, as_of: datetime) -> bool:
    """Done after the deadline, or not done by it (as things stood at `as_of`)."""
    return (done if done is not None and done <= as_of else as_of) > deadline


def complaint_figures(session: Session, as_of: datetime, since: datetime | None = None) -> ComplaintFigures:
    """Counts and the median resolution time of complaints filed by `as_of` (and from `since`), each
    complaint's state taken as it was at `as_of` from its timestamps, so a past month's figures do not
    change afterwards. For public disclosure (backend/disclosure) and GET /v2/complaints/figures."""
    query = select(Complaint).where(Complaint.filed_at <= as_of)
    if since is not None:
        query = query.where(Complaint.filed_at >= since)
    complaints = list(session.scalars(query))

    def by(moment: datetime | None) -> bool:
        return moment is not None and moment <= as_of

    resolved = [c for c in complaints if by(c.resolved_at)]
    escalated = [c for c in complaints if by(c.escalated_at)]
    open_ = [
        c for c in complaints if not by(c.resolved_at) and not by(c.escalated_at) and not by(c.closed_at)
    ]
    ack_late = sum(1 for c in complaints if _late(c.acknowledged_at, c.acknowledge_by, as_of))
    res_late = sum(1 for c in complaints if _late(c.resolved_at, c.resolve_by, as_of))
    durations = [int((c.resolved_at - c.filed_at).total_seconds()) for c in resolved if c.resolved_at]
    median = int(statistics.median_low(durations)) if durations else None
    return ComplaintFigures(
        as_of=as_of,
        since=since,
        received=len(complaints),
        by_category=dict(sorted(Counter(c.category for c in complaints).items())),
        open=len(open_),
        resolved=len(resolved),
        escalated=len(escalated),
        by_outcome=dict(sorted(Counter(c.outcome for c in resolved if c.outcome).items())),
        acknowledged_late=ack_late,
        resolved_late=res_late,
        median_resolution_seconds=median,
    )
