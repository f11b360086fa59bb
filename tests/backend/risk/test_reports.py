"""Credit reports for the oracle: pending queue and status transitions."""

from __future__ import annotations

import pytest

from backend.risk.reports import ReportTransitionError, mark_reports, pending_reports
from tests.backend.risk.risk_support import Borrower, application


def test_pending_then_signed_submitted_confirmed(live_server):
    me = Borrower(live_server)
    app_ids = [me.apply(application()).json()["id"] for _ in range(2)]
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
