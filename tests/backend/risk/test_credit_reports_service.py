"""Credit reports for the oracle: pending queue, status transitions, one fresh report per borrower."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from backend.risk.models import CreditReport
from backend.risk.reports import ReportTransitionError, mark_reports, pending_reports
from tests.backend.risk.risk_support import Borrower, application


def test_pending_then_signed_submitted_confirmed(live_server):
    app_ids = [Borrower(live_server).apply(application()).json()["id"] for _ in range(2)]
    with live_server.session() as s:
        pending = [r for r in pending_reports(s, 1000) if r.application_id in app_ids]
        assert len(pending) == 2 and pending[0].id < pending[1].id
        ids = [r.id for r in pending]
        mark_reports(s, ids, "signed", round=7)
        mark_reports(s, ids, "submitted", tx_hash="0x" + "ab" * 32)
        s.commit()
        assert not {r.id for r in pending_reports(s, 1000)} & set(ids)
        done = mark_reports(s, ids[:1], "confirmed")
        s.commit()
        assert done[0].round == 7 and done[0].tx_hash == "0x" + "ab" * 32 and done[0].status == "confirmed"
        with pytest.raises(ReportTransitionError):
            mark_reports(s, ids[:1], "pending")
        rejected = mark_reports(s, ids[1:], "rejected", reason="rate of change above limit")
        assert rejected[0].reject_reason == "rate of change above limit"
        with pytest.raises(ReportTransitionError):
            mark_reports(s, [10**9], "signed")
        with pytest.raises(ReportTransitionError):
            mark_reports(s, ids, "lost")


def test_a_newer_approval_supersedes_the_waiting_report_with_a_later_as_of(live_server):
    me = Borrower(live_server)
    first = me.apply(application()).json()["id"]
    second = me.apply(application(amount=1_500 * 10**6)).json()["id"]
    with live_server.session() as s:
        old = s.scalar(select(CreditReport).where(CreditReport.application_id == first))
        new = s.scalar(select(CreditReport).where(CreditReport.application_id == second))
        assert old.status == "rejected" and old.reject_reason == f"superseded by report {new.id}"
        assert new.status == "pending" and new.as_of > old.as_of
        assert [r.id for r in pending_reports(s, 1000) if r.borrower == me.address] == [new.id]
