"""Complaints at the service level: the SLA calendar, the state machine, escalation, encryption at rest
and the published figures, on a real database with the wall clock passed in."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select, text

from backend.auth.service import Operator
from backend.complaints import service
from backend.complaints.calendar import add_business_days
from backend.complaints.config import ComplaintSettings
from backend.complaints.models import Complaint
from backend.complaints.schemas import ComplaintIn
from backend.core.models import AuditLog
from backend.core.problems import Problem
from tests.backend.factories import read_models
from tests.backend.factories.wallets import wallet

FRIDAY = datetime(2027, 3, 5, 15, 0, tzinfo=UTC)
OPTIONS = ComplaintSettings()
REVIEWER = Operator(id="rev-1", name="reviewer", roles=frozenset({"reviewer"}))
SECRET = "My repayment of 2 March was taken twice from card 6222 0200 0000 0001"  # noqa: S105 - not a password


def _file(session, settings, who=None, now=FRIDAY, **body):
    payload = ComplaintIn(category=body.pop("category", "repayment"), text=body.pop("text", SECRET), **body)
    return service.file_complaint(session, settings, OPTIONS, who or wallet("complainant"), payload, now)


def test_deadlines_count_business_days_and_skip_weekends_and_configured_holidays():
    assert add_business_days(FRIDAY, 2) == datetime(2027, 3, 9, 15, 0, tzinfo=UTC)  # Tuesday
    assert add_business_days(FRIDAY, 15) == datetime(2027, 3, 26, 15, 0, tzinfo=UTC)
    saturday = datetime(2027, 3, 6, 10, 0, tzinfo=UTC)  # the clock starts on Monday at 00:00
    assert add_business_days(saturday, 2) == datetime(2027, 3, 10, 0, 0, tzinfo=UTC)
    assert add_business_days(FRIDAY, 2, {date(2027, 3, 8)}) == datetime(2027, 3, 10, 15, 0, tzinfo=UTC)


def test_the_text_is_encrypted_at_rest_and_never_in_the_audit_trail(session, app_settings):
    filed = _file(session, app_settings)
    assert filed.text == SECRET and filed.status == "open"
    raw = session.execute(text("SELECT text_ciphertext FROM complaints")).scalar_one()
    assert SECRET not in raw and "6222" not in raw
    service.acknowledge(session, app_settings, REVIEWER, filed.id, FRIDAY + timedelta(hours=1))
    service.respond(
        session, app_settings, OPTIONS, REVIEWER, filed.id, "We see card 6222 in the file", FRIDAY
    )
    messages = session.execute(text("SELECT body_ciphertext FROM complaint_messages")).scalars().all()
    assert messages and all("6222" not in m for m in messages)
    audit = session.scalars(select(AuditLog).where(AuditLog.object_type == "complaint")).all()
    assert [a.action for a in audit] == ["complaint.filed", "complaint.acknowledged", "complaint.responded"]
    assert all("6222" not in str(a.before) + str(a.after) for a in audit)


def test_a_resolution_accepted_closes_and_rejected_goes_to_mediation(session, app_settings):
    accepted, rejected = _file(session, app_settings), _file(session, app_settings)
    who = accepted.wallet
    later = FRIDAY + timedelta(days=3)
    for c in (accepted, rejected):
        service.resolve(
            session, app_settings, OPTIONS, REVIEWER, c.id, "upheld", "Refunded the second charge", later
        )
    closed = service.answer_resolution(session, app_settings, OPTIONS, who, accepted.id, True, None, later)
    assert closed.status == "closed" and closed.acknowledged_at == later  # a resolution acknowledges too
    escalated = service.answer_resolution(
        session, app_settings, OPTIONS, who, rejected.id, False, "Not enough", later + timedelta(hours=2)
    )
    assert (escalated.status, escalated.escalation_reason) == ("escalated", "rejected")
    assert [m.author for m in escalated.messages] == ["platform", "complainant"]
    with pytest.raises(Problem) as again:
        service.answer_resolution(session, app_settings, OPTIONS, who, accepted.id, False, None, later)
    assert again.value.status == 409 and again.value.type == "complaint-invalid-transition"


def test_another_wallets_complaint_is_not_found(session, app_settings):
    filed = _file(session, app_settings)
    with pytest.raises(Problem) as missing:
        service.own_complaint(session, app_settings, wallet("someone-else"), filed.id, FRIDAY)
    assert missing.value.status == 404


def test_mediation_is_open_to_the_complainant_only_once_a_deadline_is_missed(session, app_settings):
    filed = _file(session, app_settings)
    with pytest.raises(Problem) as early:
        service.request_mediation(session, app_settings, filed.wallet, filed.id, FRIDAY + timedelta(days=3))
    assert early.value.type == "complaint-sla-not-breached"  # Monday: the acknowledgement is due Tuesday
    late = service.request_mediation(
        session, app_settings, filed.wallet, filed.id, FRIDAY + timedelta(days=4, hours=1)
    )
    assert (late.status, late.escalation_reason) == ("escalated", "acknowledgement_overdue")
    assert late.sla.acknowledgement_breached and not late.sla.resolution_breached


def test_escalating_overdue_complaints_takes_only_those_past_a_deadline(session, app_settings):
    ack_late, res_late, on_time = (_file(session, app_settings) for _ in range(3))
    service.acknowledge(session, app_settings, REVIEWER, res_late.id, FRIDAY + timedelta(days=1))
    service.acknowledge(session, app_settings, REVIEWER, on_time.id, FRIDAY + timedelta(days=1))
    on_day_5 = FRIDAY + timedelta(days=5)
    assert service.escalate_overdue(session, REVIEWER, on_day_5) == [ack_late.id]
    after_deadline = datetime(2027, 3, 26, 15, 1, tzinfo=UTC)
    service.resolve(
        session,
        app_settings,
        OPTIONS,
        REVIEWER,
        on_time.id,
        "not_upheld",
        "As agreed",
        after_deadline - timedelta(days=1),
    )
    assert service.escalate_overdue(session, REVIEWER, after_deadline) == [res_late.id]
    rows = {c.id: c for c in session.scalars(select(Complaint))}
    assert rows[res_late.id].escalation_reason == "resolution_overdue"
    assert rows[on_time.id].status == "resolved"


def test_the_queue_lists_by_state_and_by_breach(session, app_settings):
    first, second = _file(session, app_settings), _file(session, app_settings, now=FRIDAY + timedelta(days=7))
    now = FRIDAY + timedelta(days=7, hours=1)
    assert [c.id for c in service.queue(session, now, None, True, 10, None).items] == [first.id]
    assert [c.id for c in service.queue(session, now, "open", False, 10, None).items] == [second.id]
    page = service.queue(session, now, None, None, 1, None)
    rest = service.queue(session, now, None, None, 1, page.next_cursor)
    assert [c.id for c in page.items + rest.items] == [second.id, first.id] and rest.next_cursor is None


def test_a_loan_named_must_be_one_the_wallet_borrowed_or_held(session, app_settings):
    borrower, lender = wallet("cb"), wallet("cl")
    loan = read_models.loan(session, borrower)
    read_models.note(session, loan, 0, lender)
    session.commit()
    assert _file(session, app_settings, who=borrower, loan_id=loan.loan_id).loan_id == loan.loan_id
    assert _file(session, app_settings, who=lender, loan_id=loan.loan_id).loan_id == loan.loan_id
    with pytest.raises(Problem) as stranger:
        _file(session, app_settings, who=wallet("cs"), loan_id=loan.loan_id)
    assert stranger.value.type == "complaint-unknown-loan"


def test_figures_count_each_complaint_as_it_stood_at_the_moment_asked_for(session, app_settings):
    a, b, c = (_file(session, app_settings, category=k) for k in ("fees", "fees", "kyc"))
    service.resolve(
        session, app_settings, OPTIONS, REVIEWER, a.id, "upheld", "ok", FRIDAY + timedelta(hours=10)
    )
    service.resolve(
        session, app_settings, OPTIONS, REVIEWER, b.id, "not_upheld", "no", FRIDAY + timedelta(days=20)
    )
    figures = service.complaint_figures(session, FRIDAY + timedelta(days=30))
    assert (figures.received, figures.resolved, figures.open) == (3, 2, 1)
    assert figures.by_category == {"fees": 2, "kyc": 1}
    assert figures.by_outcome == {"not_upheld": 1, "upheld": 1}
    assert figures.median_resolution_seconds == 10 * 3600  # the lower median of 10 h and 20 days
    # b acknowledged (by its resolution) after 2 business days, resolved within 15; c neither, by day 30
    assert (figures.acknowledged_late, figures.resolved_late) == (2, 1)
    earlier = service.complaint_figures(session, FRIDAY + timedelta(days=1))
    assert (earlier.resolved, earlier.open, earlier.resolved_late) == (1, 2, 0)
    assert service.complaint_figures(session, FRIDAY - timedelta(days=1)).received == 0
    assert c.category == "kyc"
