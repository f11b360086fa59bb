"""Regulator exports of the scripted book (book_story.py): loan-level rows, daily positions and AML counts
for one month, the same bytes whenever they are taken once the month has ended, signed over their SHA-256."""

from __future__ import annotations

import calendar
import csv
import io
import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from backend.aml.models import AmlAlert, AmlCase, AmlDisposition, AmlReport
from backend.core.models import AuditLog
from backend.core.problems import Problem
from backend.disclosure.config import DisclosureSettings
from backend.disclosure.exports import build_export, signed_export
from backend.disclosure.signing import verify_export
from tests.backend.disclosure.book_story import (
    ANN,
    DAY,
    FEB_1,
    LOAN1_RESERVE_SHARE,
    MAR_1,
    OFFER_NONCES,
    RESERVE_SEED,
    SUBJECTS,
    T0,
    USD,
    store,
)
from tests.backend.factories.risk import loan_application

KEY = DisclosureSettings(env="test").key
APR_1 = calendar.timegm((2027, 4, 1, 0, 0, 0))
APRIL_2 = APR_1 + DAY
NARRATIVE = "sealed narrative: four fundings within the hour"


def _rows(session, kind, period, fmt="json"):
    body = build_export(session, kind, period, 31337).render(fmt)
    return json.loads(body)["rows"] if fmt == "json" else list(csv.DictReader(io.StringIO(body.decode())))


def test_the_loans_export_has_a_row_per_loan_on_the_book_in_the_month(session, scorecard):
    store(session, FEB_1 + DAY)
    loan_application(
        session,
        scorecard,
        ANN,
        offer_nonce=str(OFFER_NONCES[1]),
        repayment_source="pension",
    )
    rows = {r["loan_id"]: r for r in _rows(session, "loans", "2027-01")}
    assert sorted(rows) == [1, 2, 3, 4, 5]
    assert (rows[1]["purpose"], rows[1]["repayment_source"], rows[1]["grade"]) == ("car_used", "pension", "B")
    assert rows[1]["borrower_person"] == SUBJECTS[rows[1]["borrower"]]
    assert (rows[4]["status"], rows[4]["principal_repaid"], rows[4]["outstanding_principal"]) == (
        "repaid",
        str(300 * USD),
        "0",
    )
    assert (rows[5]["status"], rows[5]["drawn_at"], rows[5]["outstanding_principal"]) == ("expired", "", "0")
    assert rows[3]["drawn_at"] == "2027-01-05T04:00:00Z" and rows[3]["origination_fee"] == str(20 * USD)


def test_a_loan_closed_before_the_month_is_not_in_it_and_lateness_is_at_the_months_end(session):
    store(session, APRIL_2)
    rows = {r["loan_id"]: r for r in _rows(session, "loans", "2027-03")}
    assert sorted(rows) == [1, 2, 3]  # loan 4 repaid and loan 5 expired in January
    # loan 3 first fell due on Feb 4 at 04:00 and was never paid: 56 days late at April 1, 00:00
    assert (rows[3]["days_past_due"], rows[3]["delinquency_tier"], rows[3]["status"]) == (56, 2, "active")


def test_daily_positions_are_the_book_at_the_end_of_each_day(session):
    store(session, FEB_1 + DAY)
    days = _rows(session, "positions", "2027-01")
    assert len(days) == 31 and days[0]["date"] == "2027-01-01" and days[-1]["as_of"] == "2027-02-01T00:00:00Z"
    jan_5 = days[4]
    assert (jan_5["originated_loans"], jan_5["originated_principal"], jan_5["active_loans"]) == (
        4,
        str(3_800 * USD),
        4,
    )
    assert (
        jan_5["reserve_balance"] == str(RESERVE_SEED) and days[3]["reserve_balance"] == "0"
    )  # seeded on the 5th
    jan_15 = days[14]
    assert (jan_15["principal_repaid"], jan_15["active_loans"]) == (str(300 * USD), 3)
    assert days[15]["principal_repaid"] == "0"
    assert all(d["overdue_principal"] == "0" for d in days)  # nothing falls due in January


def test_positions_show_lateness_tier_by_tier(session):
    store(session, APRIL_2)
    march = _rows(session, "positions", "2027-03")
    last = march[-1]  # loans 2 and 3 late since early February; loan 1 paid its first due date only
    assert (last["m2_loans"], last["m2_principal"]) == (2, str(2_500 * USD))
    assert last["overdue_rate_bps"] == -(
        -int(last["overdue_principal"]) * 10_000 // int(last["outstanding_principal"])
    )
    assert int(last["reserve_balance"]) == RESERVE_SEED + LOAN1_RESERVE_SHARE + 200_000


def test_the_same_month_gives_the_same_bytes_after_the_index_moves_on(session):
    store(session, FEB_1 + DAY)
    before = {
        (k, f): build_export(session, k, "2027-01", 31337).render(f)
        for k in ("loans", "positions")
        for f in ("json", "csv")
    }
    store(session, APRIL_2, since=FEB_1 + DAY)  # a repayment, a sale and months of lateness later
    after = {
        (k, f): build_export(session, k, "2027-01", 31337).render(f)
        for k in ("loans", "positions")
        for f in ("json", "csv")
    }
    assert before == after


def test_the_csv_names_its_schema_on_every_row(session):
    store(session, FEB_1 + DAY)
    body = build_export(session, "loans", "2027-01", 31337).render("csv").decode()
    header, first = body.splitlines()[:2]
    assert header.startswith("schema_version,period,loan_id,borrower,")
    assert first.startswith("regulator-export/loans/1,2027-01,1,")


def _aml_history(session):
    feb = datetime(2027, 2, 10, 12, tzinfo=UTC)
    case = AmlCase(
        subject_key="hmac:subject-1",
        narrative_ciphertext=NARRATIVE,
        opened_at=feb,
        status="reported",
        closed_at=feb + timedelta(days=3),
    )
    other = AmlCase(subject_key="hmac:subject-2", opened_at=feb + timedelta(days=1), status="open")
    session.add_all([case, other])
    session.flush()
    session.add_all(
        [
            AmlAlert(
                dedup_key="a1",
                rule="structuring",
                subject_key=case.subject_key,
                case_id=case.id,
                score=60,
                created_at=feb,
            ),
            AmlAlert(
                dedup_key="a2",
                rule="large_transaction",
                subject_key=other.subject_key,
                case_id=other.id,
                score=40,
                created_at=feb,
            ),
            AmlAlert(
                dedup_key="a3",
                rule="large_transaction",
                subject_key=other.subject_key,
                case_id=other.id,
                score=40,
                created_at=feb - timedelta(days=30),
            ),
        ]
    )
    disposition = AmlDisposition(
        case_id=case.id,
        action="report",
        status="effective",
        reason_ciphertext="sealed",
        proposed_by="operator:o1",
        effective_at=feb + timedelta(days=3),
    )
    session.add(disposition)
    session.flush()
    session.add(
        AmlReport(
            case_id=case.id,
            disposition_id=disposition.id,
            document_ciphertext="sealed",
            sha256="00" * 32,
            signature="0x",
            signer="0x" + "00" * 20,
            filed_by="o1",
            approved_by="o2",
            filed_at=feb + timedelta(days=3),
        )
    )
    session.flush()


def test_aml_counts_carry_no_narrative_no_subject_and_no_wallet(session):
    store(session, MAR_1 + DAY)
    _aml_history(session)
    body = build_export(session, "aml-cases", "2027-02", 31337).render("json")
    counts = {(r["measure"], r["breakdown"]): r["count"] for r in json.loads(body)["rows"]}
    assert (
        counts[("alerts_raised", "structuring")] == 1 and counts[("alerts_raised", "large_transaction")] == 1
    )
    assert counts[("cases_opened", "all")] == 2 and counts[("cases_open_at_end", "all")] == 1
    assert (counts[("cases_closed", "reported")], counts[("cases_closed", "closed")]) == (1, 0)
    assert (
        counts[("dispositions_effective", "report")] == 1
        and counts[("dispositions_effective", "freeze")] == 0
    )
    assert counts[("reports_filed", "all")] == 1
    assert b"sealed" not in body and b"subject" not in body and b"hmac" not in body


def test_aml_counts_wait_for_the_month_to_end_on_the_services_clock(session):
    store(session, APRIL_2)  # the chain is in April; the service's clock reads March 1 (factories.clock)
    with pytest.raises(Problem) as early:
        build_export(session, "aml-cases", "2027-03", 31337)
    assert (early.value.status, early.value.type) == (409, "disclosure-period-not-ended")
    assert (early.value.extensions["clock"], early.value.extensions["periodEnd"]) == (
        "service",
        APR_1,
    )


def test_a_month_the_index_has_not_passed_is_refused(session):
    store(session, T0 + 20 * DAY)
    with pytest.raises(Problem) as early:
        build_export(session, "positions", "2027-01", 31337)
    assert (early.value.status, early.value.type) == (409, "disclosure-period-not-ended")


def test_a_signed_export_verifies_against_its_bytes_and_is_audited(session):
    store(session, FEB_1 + DAY)
    signed = signed_export(session, "operator:reg-1", "loans", "2027-01", "csv", 31337, KEY)
    again = signed_export(session, "operator:reg-1", "loans", "2027-01", "csv", 31337, KEY)
    assert signed.body == again.body and signed.signature == again.signature  # RFC 6979: deterministic
    s = signed.signature
    assert verify_export(signed.body, s.signature, s.signer, s.sha256)
    changed = bytearray(signed.body)
    changed[-3] ^= 1  # one bit of one byte
    assert not verify_export(bytes(changed), s.signature, s.signer)
    assert not verify_export(signed.body, s.signature, "0x" + "11" * 20)
    assert not verify_export(signed.body, s.signature, s.signer, "00" * 32)
    audits = session.scalars(select(AuditLog).where(AuditLog.action == "disclosure.export")).all()
    assert [(a.actor, a.object_id, a.after["sha256"], a.after["rows"]) for a in audits] == [
        ("operator:reg-1", "loans/2027-01.csv", s.sha256, 5)
    ] * 2
