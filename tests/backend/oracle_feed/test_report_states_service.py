"""The oracle feed's side of a credit report's life: the aggregator's acknowledgements move reports one by
one, and a record the chain holds confirms its report (from the indexed event, or later from the index),
even one the service had already given up on."""

from __future__ import annotations

import pytest

from backend.chain.indexer.decoders import DecodedEvent
from backend.oracle_feed import service
from backend.oracle_feed.schemas import Ack
from backend.risk.models import CreditReport
from tests.backend.factories.clock import CHAIN_NOW
from tests.backend.factories.read_models import credit_record
from tests.backend.factories.risk import credit_report, loan_application
from tests.backend.factories.wallets import wallet as new_wallet

TX = "0x" + "ab" * 32


@pytest.fixture
def report(session, scorecard):
    """A report of a new borrower's approved application, in `status`."""

    def report(status: str = "pending", as_of: int = CHAIN_NOW, **columns) -> CreditReport:
        app = loan_application(session, scorecard, new_wallet(), "approved")
        return credit_report(session, app, status, as_of, **columns)

    return report


def record_event(report: CreditReport, round_: int, tx_hash: str = TX) -> DecodedEvent:
    """CreditOracle's per-borrower event for the record `report` carries, as the indexer decodes it."""
    args = {
        "borrower": report.borrower,
        "round": round_,
        "score": report.score,
        "grade": report.grade,
        "pdBps": report.pd_bps,
        "modelVersion": report.model_version,
        "asOf": report.as_of,
        "reasonsHash": report.reasons_hash,
    }
    return DecodedEvent(
        "CreditOracle", "CreditRecordUpdated", "0x" + "01" * 20, args, 10, TX, 0, tx_hash, CHAIN_NOW
    )


# ------------------------------------------------------------------------------------------ acknowledgements


def test_each_acknowledgement_is_applied_on_its_own(session, report):
    signed, final = report("signed"), report("confirmed")
    session.commit()
    results = service.apply_acks(
        session,
        [
            Ack(id=signed.id, status="submitted", round=4, tx_hash=TX),
            Ack(id=final.id, status="rejected", reason="late"),  # final already: skipped, says why
            Ack(id=10**9, status="submitted"),
        ],
    )
    assert [(r.id, r.status, r.applied) for r in results] == [
        (signed.id, "submitted", True),
        (final.id, "confirmed", False),
        (10**9, None, False),
    ]
    assert "confirmed -> rejected not allowed" in results[1].detail and results[2].detail == "unknown report"
    session.expire_all()
    assert (signed.status, signed.round, signed.tx_hash) == ("submitted", 4, TX)
    assert (final.status, final.reject_reason) == ("confirmed", None)


def test_an_acknowledgement_repeated_changes_nothing(session, report):
    pending = report()
    session.commit()
    for _ in range(2):
        [result] = service.apply_acks(session, [Ack(id=pending.id, status="signed", round=2)])
        assert (result.status, result.applied) == ("signed", True)


def test_a_rejection_keeps_the_aggregators_reason(session, report):
    pending = report()
    session.commit()
    service.apply_acks(session, [Ack(id=pending.id, status="rejected", reason="rate of change above limit")])
    session.expire_all()
    assert (pending.status, pending.reject_reason) == ("rejected", "rate of change above limit")


# ------------------------------------------------------------------------------------------ confirmation


@pytest.mark.parametrize("status", ["pending", "signed", "submitted"])
def test_an_indexed_record_confirms_its_report_from_any_open_state(session, report, status):
    open_report = report(status)
    assert service.confirm_from_events(session, [record_event(open_report, round_=9)]) == 1
    assert (open_report.status, open_report.round, open_report.tx_hash) == ("confirmed", 9, TX)


def test_a_record_the_service_gave_up_on_is_confirmed_with_its_history(session, report):
    superseded = report("rejected", reject_reason="superseded by report 99")
    assert service.confirm_from_events(session, [record_event(superseded, round_=5)]) == 1
    assert (superseded.status, superseded.round) == ("confirmed", 5)
    assert superseded.reject_reason == "published on-chain in round 5 after: superseded by report 99"


def test_a_record_confirms_only_the_report_with_its_borrower_and_time(session, scorecard, report):
    app = loan_application(session, scorecard, new_wallet(), "approved")
    earlier = credit_report(session, app, as_of=CHAIN_NOW - 60)
    later = credit_report(session, app, as_of=CHAIN_NOW)
    other = report(as_of=CHAIN_NOW)  # another borrower, the same time
    assert service.confirm_from_events(session, [record_event(later, round_=3)]) == 1
    assert (earlier.status, later.status, other.status) == ("pending", "confirmed", "pending")
    confirmed = report("confirmed")
    assert service.confirm_from_events(session, [record_event(confirmed, round_=4)]) == 0  # nothing open


def test_reconciling_with_the_index_confirms_what_a_missed_event_left_open(session, report):
    missed = report("submitted")
    superseded = report("rejected", reject_reason="superseded by report 7")
    not_on_chain = report("pending")
    for r in (missed, superseded):
        credit_record(session, r.borrower, as_of=r.as_of, round=12, tx_hash=TX)
    credit_record(session, not_on_chain.borrower, as_of=not_on_chain.as_of - 1)  # an older record
    assert service.reconcile_confirmations(session) == 2
    assert (missed.status, missed.round, superseded.status) == ("confirmed", 12, "confirmed")
    assert not_on_chain.status == "pending"
    assert service.reconcile_confirmations(session) == 0  # idempotent


# ------------------------------------------------------------------------------------------ listing


def test_pending_reports_are_listed_oldest_first_page_by_page(session, report):
    ids = [report().id for _ in range(3)]
    report("confirmed")
    first = service.list_reports(session, "pending", None, 2, None)
    second = service.list_reports(session, "pending", None, 2, first.next_cursor)
    assert [r.id for r in first.items + second.items] == ids and second.next_cursor is None


def test_any_status_is_listed_newest_first_and_ids_are_fetched_as_asked(session, report):
    ids = [report(status).id for status in ("pending", "signed", "confirmed")]
    assert [r.id for r in service.list_reports(session, None, None, 10, None).items] == ids[::-1]
    assert [r.id for r in service.list_reports(session, None, ids[1:], 10, None).items] == ids[1:]
    assert [r.status for r in service.list_reports(session, "signed", None, 10, None).items] == ["signed"]


def test_the_rounds_status_counts_reports_by_status(session, report):
    for status in ("pending", "pending", "confirmed", "rejected"):
        report(status)
    status = service.rounds_status(session, 10)
    assert status.reports == {"pending": 2, "confirmed": 1, "rejected": 1}
    assert (status.last_round, status.indexed_block, status.rounds) == (None, None, [])
