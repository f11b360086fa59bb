"""Cases at the service level: dispositions and their transitions, four eyes on freezes and reports,
reasons and narratives encrypted at rest, filed and exported reports signed, every step audited."""

from __future__ import annotations

import csv
import io
import json

import pytest
from pydantic import SecretStr
from sqlalchemy import select

from backend.aml import service
from backend.aml.config import AmlSettings
from backend.aml.models import AmlAlert, AmlCase, AmlDisposition, AmlReport
from backend.aml.signing import verify_export
from backend.auth.service import Operator, create_api_key
from backend.chain.indexer.models import ChainCheckpoint, ChainEvent
from backend.core.models import AuditLog
from backend.core.problems import Problem
from tests.backend.aml.script import USD, Script
from tests.backend.factories.identity import kyc_application
from tests.backend.factories.wallets import wallet

LARGE = 50_000 * USD
NARRATIVE = "Four fundings of 12,500 within an hour from two wallets of one person."


def officer(n: int, name: str | None = None) -> Operator:
    return Operator(f"officer{n}", name or f"officer {n}", frozenset({"compliance"}))


@pytest.fixture
def aml() -> AmlSettings:
    return AmlSettings()


@pytest.fixture
def case(session, app_settings) -> AmlCase:
    """A case opened by a large funding of a KYC'd lender."""
    chain = Script(session)
    borrower, lender = wallet(), wallet()
    app = kyc_application(session, app_settings, lender)
    chain.attest(borrower, "0x" + "b0" * 32)
    chain.attest(lender, app.subject)
    chain.fund(chain.list_loan(borrower, LARGE), lender, LARGE)
    session.commit()
    return session.scalars(select(AmlCase)).one()


def problem_type(call) -> tuple[int, str]:
    with pytest.raises(Problem) as raised:
        call()
    return raised.value.status, raised.value.type


def test_closing_as_a_false_positive_closes_the_case_and_its_alerts_and_keeps_the_reason_sealed(
    session, app_settings, case
):
    reason = "Salary paid in one transfer; documents on file."
    d = service.propose(session, app_settings, case.id, officer(1), "close_false_positive", reason)
    assert (d.status, case.status) == ("effective", "closed")
    assert {a.status for a in session.scalars(select(AmlAlert).where(AmlAlert.case_id == case.id))} == {
        "closed"
    }
    assert reason not in d.reason_ciphertext
    assert service.case_detail(session, app_settings, case.id).dispositions[0][1] == reason
    assert problem_type(
        lambda: service.propose(session, app_settings, case.id, officer(1), "escalate", reason)
    ) == (
        409,
        "aml-case-closed",
    )


def test_a_new_alert_after_a_case_is_closed_opens_a_new_case(session, app_settings, case):
    service.propose(
        session, app_settings, case.id, officer(1), "close_false_positive", "explained by payslips"
    )
    chain = Script(session, block=5_000, loans=1)
    lender = session.scalars(select(AmlAlert.wallet)).first()
    chain.attest(borrower := wallet(), "0x" + "b1" * 32)
    chain.fund(chain.list_loan(borrower, LARGE), lender, LARGE)
    cases = session.scalars(select(AmlCase).order_by(AmlCase.id)).all()
    assert [c.status for c in cases] == ["closed", "open"] and cases[0].subject_key == cases[1].subject_key


def test_an_escalated_case_cannot_be_escalated_again(session, app_settings, case):
    service.propose(session, app_settings, case.id, officer(1), "escalate", "needs the senior officer")
    assert case.status == "escalated"
    assert problem_type(
        lambda: service.propose(
            session, app_settings, case.id, officer(1), "escalate", "needs the senior officer"
        )
    ) == (409, "aml-action-not-allowed")


def test_a_report_needs_a_narrative(session, app_settings, case):
    assert problem_type(
        lambda: service.propose(session, app_settings, case.id, officer(1), "report", "suspicious pattern")
    ) == (422, "aml-narrative-required")


def test_a_freeze_waits_for_a_second_officer_and_the_proposer_cannot_approve_it(
    session, app_settings, kyc_settings, aml, case
):
    d = service.propose(session, app_settings, case.id, officer(1), "freeze", "structuring across wallets")
    assert (d.status, case.status) == ("proposed", "open")
    assert problem_type(
        lambda: service.propose(session, app_settings, case.id, officer(2), "report", "x" * 10, NARRATIVE)
    ) == (409, "aml-disposition-pending")
    decide = lambda who: service.decide(  # noqa: E731
        session, app_settings, kyc_settings, aml, d.id, who, True, "agreed, freeze it"
    )
    assert problem_type(lambda: decide(officer(1))) == (403, "aml-four-eyes")
    # Nothing can send a freeze here (no compliance key): refused before the approval is recorded.
    assert problem_type(lambda: decide(officer(2))) == (409, "compliance-signer-missing")
    session.refresh(d)
    assert (d.status, d.decided_by) == ("proposed", None)


def test_a_second_key_of_the_proposers_name_is_the_same_officer(
    session, app_settings, kyc_settings, aml, case
):
    first, _ = create_api_key(session, "Officer Li", ["compliance"], "test")
    second, _ = create_api_key(session, "Officer Li", ["compliance"], "test")
    proposer = Operator(first.id, first.name, frozenset({"compliance"}))
    d = service.propose(session, app_settings, case.id, proposer, "report", "pattern of deposits", NARRATIVE)
    same = Operator(second.id, second.name, frozenset({"compliance"}))
    assert problem_type(
        lambda: service.decide(session, app_settings, kyc_settings, aml, d.id, same, True, "fine by me ok")
    ) == (403, "aml-four-eyes")


def test_a_rejected_proposal_leaves_the_case_open_for_another(session, app_settings, kyc_settings, aml, case):
    d = service.propose(session, app_settings, case.id, officer(1), "freeze", "structuring across wallets")
    service.decide(
        session, app_settings, kyc_settings, aml, d.id, officer(2), False, "not enough evidence yet"
    )
    assert (d.status, d.decided_by, case.status) == ("rejected", "operator:officer2", "open")
    assert problem_type(
        lambda: service.decide(
            session, app_settings, kyc_settings, aml, d.id, officer(3), True, "approve it now"
        )
    ) == (409, "aml-disposition-not-pending")
    again = service.propose(session, app_settings, case.id, officer(1), "escalate", "second opinion wanted")
    assert again.status == "effective"


def test_an_approved_report_is_filed_signed_and_closes_the_case(
    session, app_settings, kyc_settings, aml, case
):
    d = service.propose(
        session, app_settings, case.id, officer(1), "report", "deposits look structured", NARRATIVE
    )
    service.decide(session, app_settings, kyc_settings, aml, d.id, officer(2), True, "file it with the FIU")
    report = session.scalars(select(AmlReport)).one()
    assert (case.status, d.status, d.outcome["reportId"]) == ("reported", "effective", report.id)
    assert NARRATIVE not in report.document_ciphertext and NARRATIVE not in (case.narrative_ciphertext or "")
    data, signed = service.filed_report(session, app_settings, report.id, "operator:regulator")
    assert verify_export(data, signed.signature, signed.signer, signed.sha256)
    doc = json.loads(data)
    lender = session.scalars(select(AmlAlert.wallet)).first()
    assert doc["narrative"] == NARRATIVE and doc["subject"] == case.subject_key
    assert doc["rules"] == ["large_transaction"] and doc["totalAmount"] == str(LARGE)
    [identity] = [w for w in doc["wallets"] if w["wallet"] == lender]
    assert identity["identityHash"] and identity["applicationId"]
    assert [t["kind"] for t in doc["transactions"]] == ["fund"]


def test_exports_are_signed_with_the_configured_key_and_audited_without_free_text(
    session, app_settings, aml, case
):
    key = "0x" + "42" * 32
    signed_by = AmlSettings(report_signing_key=SecretStr(key))
    service.propose(session, app_settings, case.id, officer(1), "escalate", "a reason no audit row may hold")
    json_data, json_sig = service.export_case(
        session, app_settings, signed_by, case.id, "json", "operator:officer1"
    )
    csv_data, csv_sig = service.export_case(session, app_settings, aml, case.id, "csv", "operator:officer1")
    assert verify_export(json_data, json_sig.signature, json_sig.signer)
    assert json_sig.signer != csv_sig.signer  # the attester key by default, the configured key when set
    assert verify_export(csv_data, csv_sig.signature, csv_sig.signer, csv_sig.sha256)
    assert not verify_export(json_data + b" ", json_sig.signature, json_sig.signer)
    assert not verify_export(json_data, json_sig.signature, csv_sig.signer)
    records = [row["record"] for row in csv.DictReader(io.StringIO(csv_data.decode()))]
    assert records == ["case", "wallet", "alert", "transaction", "narrative"]
    rows = session.scalars(select(AuditLog).where(AuditLog.object_type == "aml_case")).all()
    actions = [r.action for r in rows]
    assert actions.count("aml.report.exported") == 2 and "aml.disposition.applied" in actions
    assert all("a reason no audit row may hold" not in json.dumps([r.before, r.after]) for r in rows)


def test_dispositions_are_audited_step_by_step(session, app_settings, kyc_settings, aml, case):
    d = service.propose(
        session, app_settings, case.id, officer(1), "report", "deposits look structured", NARRATIVE
    )
    service.decide(session, app_settings, kyc_settings, aml, d.id, officer(2), True, "file it with the FIU")
    trail = [
        (r.actor, r.action)
        for r in session.scalars(
            select(AuditLog).where(AuditLog.object_type == "aml_case").order_by(AuditLog.id)
        )
    ]
    assert trail == [
        ("system:aml", "aml.case.opened"),
        ("system:aml", "aml.alert.raised"),
        ("operator:officer1", "aml.disposition.proposed"),
        ("operator:officer2", "aml.disposition.approved"),
        ("operator:officer2", "aml.report.filed"),
    ]
    assert session.scalars(select(AmlDisposition)).one().decision_ciphertext


def test_an_alert_whose_event_a_reorganisation_removed_is_withdrawn(session, app_settings, case):
    [alert] = session.scalars(select(AmlAlert)).all()
    session.add(
        ChainCheckpoint(name="main", chain_id=31337, last_block=alert.block_number + 5, last_block_hash=None)
    )
    session.commit()
    assert service.withdraw_orphaned(session) == 0  # its event is still in the index
    session.query(ChainEvent).filter(ChainEvent.block_number >= alert.block_number).delete()  # the rollback
    session.commit()
    assert service.withdraw_orphaned(session) == 1
    assert (alert.status, case.alert_count, case.score) == ("withdrawn", 0, 0)
    assert service.withdraw_orphaned(session) == 0
