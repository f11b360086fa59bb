"""Each monitoring rule on a scripted event stream, applied as the indexer applies it: what raises an
alert, what stays just under, and that one burst or one pair raises one alert."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from backend import projections
from backend.aml.backfill import observe
from backend.aml.models import AmlAlert, AmlAlertTransaction, AmlCase
from backend.chain.indexer.models import ChainEvent
from backend.chain.indexer.registry import stored_event
from tests.backend.aml.script import DAY, HOUR, USD, Script
from tests.backend.factories.wallets import wallet

LARGE = 50_000 * USD


def subject(n: int) -> str:
    return "0x" + f"{n:064x}"


@pytest.fixture
def chain(session) -> Script:
    return Script(session)


def alerts(session, rule: str | None = None) -> list[AmlAlert]:
    query = select(AmlAlert).order_by(AmlAlert.id)
    if rule:
        query = query.where(AmlAlert.rule == rule)
    return list(session.scalars(query))


def people(chain: Script, *wallets: str, jurisdiction: int = 156) -> None:
    for i, w in enumerate(wallets):
        chain.attest(w, subject(1000 + i + chain.block), jurisdiction)


def test_a_single_funding_at_the_threshold_is_large_and_one_just_below_is_not(chain, session):
    borrower, big, small = wallet(), wallet(), wallet()
    people(chain, borrower, big, small)
    loan = chain.list_loan(borrower, 2 * LARGE)
    chain.fund(loan, small, LARGE - 1)
    chain.fund(loan, big, LARGE)
    [alert] = alerts(session, "large_transaction")
    assert (alert.wallet, int(alert.amount), alert.score) == (big, LARGE, 50)
    [tx] = session.scalars(select(AmlAlertTransaction).where(AmlAlertTransaction.alert_id == alert.id))
    assert (tx.tx_hash, tx.log_index, tx.kind, int(tx.amount)) == (chain.events[-1].tx_hash, 0, "fund", LARGE)


def test_a_pledge_is_large_by_the_value_the_vault_gave_it(chain, session):
    borrower = wallet()
    people(chain, borrower)
    loan = chain.list_loan(borrower, 10_000 * USD)
    chain.pledge(loan, borrower, amount=10**18, value=LARGE - 1)
    assert alerts(session) == []
    chain.pledge(loan, borrower, amount=10**18, value=3 * LARGE)
    [alert] = alerts(session, "large_transaction")
    assert alert.details["kind"] == "pledge" and alert.score == 70


def test_deposits_below_the_threshold_by_one_person_across_wallets_are_structuring(chain, session):
    borrower, first, second = wallet(), wallet(), wallet()
    people(chain, borrower)
    chain.attest(first, subject(7))
    chain.attest(second, subject(7))  # the same person's second wallet
    loan = chain.list_loan(borrower, LARGE)
    chain.fund(loan, first, 20_000 * USD)
    chain.later(6 * HOUR)
    chain.fund(loan, second, 20_000 * USD)
    assert alerts(session) == []  # two deposits of 40,000: neither enough nor several
    chain.later(6 * HOUR)
    chain.fund(loan, first, 10_000 * USD)
    [alert] = alerts(session, "structuring")
    assert alert.subject_key == subject(7) and int(alert.amount) == LARGE
    assert sorted(alert.details["wallets"]) == sorted([first, second])
    txs = session.scalars(select(AmlAlertTransaction).where(AmlAlertTransaction.alert_id == alert.id)).all()
    assert len(txs) == 3 and {t.kind for t in txs} == {"fund"}
    chain.later(HOUR)
    chain.repay(loan, second, 1_000 * USD)  # the same burst goes on: it was reported already
    assert len(alerts(session, "structuring")) == 1


def test_the_same_deposits_spread_over_more_than_a_day_are_not_structuring(chain, session):
    borrower, lender = wallet(), wallet()
    people(chain, borrower, lender)
    loan = chain.list_loan(borrower, LARGE)
    for _ in range(3):
        chain.fund(loan, lender, 17_000 * USD)
        chain.later(13 * HOUR)
    assert alerts(session, "structuring") == []


def test_a_note_purchase_counts_as_a_deposit(chain, session):
    borrower, buyer, *sellers = (wallet() for _ in range(5))
    people(chain, borrower, buyer, *sellers)
    loan = chain.list_loan(borrower, 2 * LARGE)
    notes = [(chain.fund(loan, seller, 20_000 * USD), seller) for seller in sellers]
    for note, seller in notes:
        chain.sell(note, seller, buyer, 20_000 * USD)
    [alert] = alerts(session, "structuring")
    assert alert.wallet == buyer and alert.details["transactions"] == 3


def test_a_claim_sent_out_of_the_platform_within_the_window_is_fast_in_out(chain, session):
    borrower, lender, outside = wallet(), wallet(), wallet()
    people(chain, borrower, lender)
    loan = chain.list_loan(borrower, 40_000 * USD)
    note = chain.fund(loan, lender, 40_000 * USD)
    chain.claim(note, lender, 30_000 * USD)
    chain.later(2 * HOUR)
    chain.transfer(lender, outside, 20_000 * USD)
    assert alerts(session, "fast_in_out") == []  # a third of it stays
    chain.transfer(lender, outside, 8_000 * USD)
    [alert] = alerts(session, "fast_in_out")
    assert alert.details["pattern"] == "paid_out_then_transferred" and int(alert.amount) == 30_000 * USD
    kinds = [
        t.kind
        for t in session.scalars(select(AmlAlertTransaction).where(AmlAlertTransaction.alert_id == alert.id))
    ]
    assert sorted(kinds) == ["claim", "transfer_out", "transfer_out"]


def test_money_kept_longer_than_the_window_is_not_fast_in_out(chain, session):
    borrower, seller, outside = wallet(), wallet(), wallet()
    people(chain, borrower, seller, wallet())
    loan = chain.list_loan(borrower, 40_000 * USD)
    note = chain.fund(loan, seller, 40_000 * USD)
    chain.sell(note, seller, wallet(), 30_000 * USD)
    chain.later(25 * HOUR)
    chain.transfer(seller, outside, 30_000 * USD)
    assert alerts(session, "fast_in_out") == []


def test_a_funding_withdrawn_within_the_window_is_fast_in_out_and_a_late_one_is_not(chain, session):
    borrower, quick, patient = wallet(), wallet(), wallet()
    people(chain, borrower, quick, patient)
    loan = chain.list_loan(borrower, 40_000 * USD)
    quick_note = chain.fund(loan, quick, 20_000 * USD)
    patient_note = chain.fund(loan, patient, 20_000 * USD)
    chain.later(3 * HOUR)
    chain.withdraw(loan, quick_note, quick, 20_000 * USD)
    chain.later(2 * DAY)
    chain.withdraw(loan, patient_note, patient, 20_000 * USD)
    [alert] = alerts(session, "fast_in_out")
    assert alert.wallet == quick and alert.details["pattern"] == "funding_withdrawn"


def test_one_outside_address_funding_several_kyc_wallets_is_a_shared_source(chain, session):
    source, a, b, c = wallet(), wallet(), wallet(), wallet()
    people(chain, a, b)
    chain.transfer(source, a, 100 * USD)
    chain.transfer(source, b, 100 * USD)
    chain.transfer(source, c, 100 * USD)  # not KYC'd yet
    assert alerts(session, "shared_source") == []
    chain.attest(c, subject(99))  # its attestation makes three
    [alert] = alerts(session, "shared_source")
    assert alert.wallet == source and alert.details["wallets"] == sorted([a, b, c])
    chain.transfer(source, a, 100 * USD)
    assert len(alerts(session, "shared_source")) == 1


def test_one_wallet_repaying_the_loans_of_several_borrowers_is_third_party_repayment(chain, session):
    payer, *borrowers = (wallet() for _ in range(4))
    people(chain, payer, *borrowers)
    loans = [chain.list_loan(b, 1_000 * USD) for b in borrowers]
    chain.repay(loans[0], borrowers[0], 100 * USD)  # a borrower's own repayment is no one's business
    chain.repay(loans[0], payer, 100 * USD)
    chain.repay(loans[1], payer, 100 * USD)
    assert alerts(session, "third_party_repayment") == []
    chain.repay(loans[2], payer, 100 * USD)
    [alert] = alerts(session, "third_party_repayment")
    assert alert.details["borrowers"] == sorted(borrowers[:3]) and int(alert.amount) == 300 * USD


def test_a_person_with_three_attested_wallets_is_linked(chain, session):
    for _ in range(2):
        chain.attest(wallet(), subject(5))
    assert alerts(session, "person_wallets") == []
    chain.attest(wallet(), subject(5))
    [alert] = alerts(session, "person_wallets")
    assert alert.subject_key == subject(5) and len(alert.details["wallets"]) == 3


def test_a_party_from_a_high_risk_jurisdiction_raises_one_alert_per_counterparty(chain, session):
    borrower, risky = wallet(), wallet()
    people(chain, borrower)
    chain.attest(risky, subject(8), jurisdiction=566)  # NG: high risk
    loan = chain.list_loan(borrower, 10_000 * USD)
    chain.fund(loan, risky, 1_000 * USD)
    chain.fund(loan, risky, 1_000 * USD)
    [alert] = alerts(session, "jurisdiction")
    assert (alert.wallet, alert.details["jurisdiction"], alert.details["tier"], alert.score) == (
        risky,
        "NG",
        "high",
        60,
    )


def test_alerts_about_one_person_merge_into_one_open_case(chain, session):
    borrower, first, second = wallet(), wallet(), wallet()
    people(chain, borrower)
    chain.attest(first, subject(3), jurisdiction=566)
    chain.attest(second, subject(3), jurisdiction=566)
    loan = chain.list_loan(borrower, 2 * LARGE)
    chain.fund(loan, first, LARGE)
    chain.fund(loan, second, 1_000 * USD)
    raised = [a for a in alerts(session) if a.subject_key == subject(3)]
    assert {a.rule for a in raised} == {"large_transaction", "jurisdiction"} and len(raised) == 3
    [case] = session.scalars(select(AmlCase).where(AmlCase.subject_key == subject(3)))
    assert {a.case_id for a in raised} == {case.id}
    assert (case.alert_count, case.score) == (3, 65)  # the highest (60) and 5 for a second rule


def test_a_rebuild_or_a_replay_raises_nothing_twice(chain, session):
    borrower, lender = wallet(), wallet()
    people(chain, borrower, lender)
    loan = chain.list_loan(borrower, 2 * LARGE)
    chain.fund(loan, lender, LARGE)
    before = [(a.dedup_key, a.case_id) for a in alerts(session)]
    projections.rebuild(session)
    for row in session.scalars(select(ChainEvent).order_by(ChainEvent.block_number)):
        observe(session, stored_event(row))  # the rules again, as a backfill runs them
    assert [(a.dedup_key, a.case_id) for a in alerts(session)] == before
