"""Credit reports for the oracle (risk/reports.py): only approvals are queued, a borrower's record times
only increase, a newer approval supersedes the report still waiting, and a report moves only forward
through signed, submitted and confirmed (or rejected)."""

from __future__ import annotations

import pytest

from backend.risk.reports import ReportTransitionError, create_report, mark_reports, pending_reports
from tests.backend.factories.clock import CHAIN_NOW
from tests.backend.factories.risk import credit_report, loan_application
from tests.backend.factories.wallets import wallet as new_wallet

TX = "0x" + "ab" * 32


@pytest.fixture
def approved(session, scorecard):
    def approved(wallet: str | None = None):
        return loan_application(session, scorecard, wallet or new_wallet(), "approved")

    return approved


def test_pending_then_signed_submitted_confirmed(session, approved):
    ids = [credit_report(session, approved()).id for _ in range(2)]
    session.commit()
    pending = pending_reports(session, 1000)
    assert [r.id for r in pending] == ids and ids[0] < ids[1]  # oldest first
    mark_reports(session, ids, "signed", round=7)
    mark_reports(session, ids, "submitted", tx_hash=TX)
    session.commit()
    assert pending_reports(session, 1000) == []
    done = mark_reports(session, ids[:1], "confirmed")
    session.commit()
    assert (done[0].round, done[0].tx_hash, done[0].status) == (7, TX, "confirmed")
    with pytest.raises(ReportTransitionError):
        mark_reports(session, ids[:1], "pending")  # final
    rejected = mark_reports(session, ids[1:], "rejected", reason="rate of change above limit")
    assert rejected[0].reject_reason == "rate of change above limit"
    with pytest.raises(ReportTransitionError):
        mark_reports(session, [10**9], "signed")  # unknown id
    with pytest.raises(ReportTransitionError):
        mark_reports(session, ids, "lost")  # unknown status


@pytest.mark.parametrize(
    ("start", "allowed", "refused"),
    [
        ("pending", {"signed", "submitted", "rejected"}, {"confirmed"}),
        ("signed", {"submitted", "pending", "rejected"}, {"confirmed"}),
        ("submitted", {"confirmed", "rejected", "pending"}, {"signed"}),
        ("confirmed", set(), {"pending", "signed", "submitted", "rejected"}),
        ("rejected", set(), {"pending", "signed", "submitted", "confirmed"}),
    ],
)
def test_each_status_moves_only_where_the_oracle_can_take_it(session, approved, start, allowed, refused):
    for status in allowed | refused | {start}:
        report = credit_report(session, approved(), start)
        if status in refused:
            with pytest.raises(ReportTransitionError, match=f"{start} -> {status} not allowed"):
                mark_reports(session, [report.id], status)
        else:  # a move it allows, or staying where it is (an acknowledgement repeated)
            assert mark_reports(session, [report.id], status)[0].status == status


def test_only_an_approved_application_is_reported(session, scorecard):
    declined = loan_application(session, scorecard, new_wallet(), "declined")
    with pytest.raises(ValueError, match="only approved applications are reported"):
        create_report(session, declined, CHAIN_NOW)


def test_a_newer_approval_supersedes_the_waiting_report_with_a_later_as_of(session, approved):
    me = new_wallet()
    old = create_report(session, approved(me), CHAIN_NOW)
    new = create_report(session, approved(me), CHAIN_NOW)  # the same block: its time must still move on
    session.commit()
    assert old.status == "rejected" and old.reject_reason == f"superseded by report {new.id}"
    assert new.status == "pending" and new.as_of == old.as_of + 1
    assert [r.id for r in pending_reports(session, 1000) if r.borrower == me] == [new.id]


def test_a_report_already_on_its_way_is_not_superseded(session, approved):
    me = new_wallet()
    signed = create_report(session, approved(me), CHAIN_NOW)
    mark_reports(session, [signed.id], "signed", round=3)
    later = create_report(session, approved(me), CHAIN_NOW - 100)  # an older clock reading
    session.commit()
    assert (signed.status, later.status) == ("signed", "pending")
    assert later.as_of == signed.as_of + 1  # never before what the chain may already hold
