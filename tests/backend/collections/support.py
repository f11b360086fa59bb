"""Shared by the collections tests (imported, not a conftest: a package named `collections` would shadow
the standard library under pytest's rootdir imports). They run the worker's pass (cases, then the tier
notices sent with the case guard) over the test's database, with the notification tests' receivers and
settings, and build the loan book with the factories plus the repayments and events the index would hold."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.auth.service import Operator
from backend.chain.indexer.models import ChainEvent
from backend.collections.config import CollectionsSettings
from backend.collections.worker import CollectionsWorker
from backend.loans.models import InstallmentView, LoanView, RepaymentView
from backend.notifications.sender import Sender
from tests.backend.factories.read_models import chain_block
from tests.backend.notifications.conftest import hooks, keyring, mail, options  # noqa: F401

COLLECTOR = Operator(id="collector-kim", name="kim", roles=frozenset({"collector"}))
SUPERVISOR = Operator(id="supervisor-sue", name="sue", roles=frozenset({"supervisor"}))


@pytest.fixture
def settings() -> CollectionsSettings:
    return CollectionsSettings(commit_every=2)


@pytest.fixture
def worker(sessions, options, keyring, settings) -> Iterator[CollectionsWorker]:  # noqa: F811
    sender = Sender(sessions, options, keyring, guards=CollectionsWorker.guards(), unguarded=False)
    yield CollectionsWorker(sessions, settings, sender)
    sender.close()


def at(session: Session, timestamp: int) -> int:
    """A new indexed block at `timestamp` (the chain's clock moves to it); its number."""
    block = chain_block(session, timestamp)
    session.commit()
    return block.number


def repay(session: Session, loan: LoanView, periods: int, timestamp: int, amount: int | None = None) -> None:
    """The borrower pays the next `periods` installments in a block at `timestamp`, as the projection
    records it (a repayment row; principal repaid and periods paid moved on)."""
    rows = session.scalars(
        select(InstallmentView)
        .where(InstallmentView.loan_id == loan.loan_id, InstallmentView.period > loan.periods_paid)
        .order_by(InstallmentView.period)
        .limit(periods)
    ).all()
    block = chain_block(session, timestamp)
    index = int(session.scalar(select(func.count()).select_from(RepaymentView)) or 0)
    principal = sum(r.principal for r in rows)
    session.add(
        RepaymentView(
            block_number=block.number,
            log_index=0,
            loan_id=loan.loan_id,
            payer=loan.borrower,
            amount=sum(r.payment for r in rows) if amount is None else amount,
            interest=sum(r.interest for r in rows),
            principal=principal,
            fees=0,
            timestamp=timestamp,
            tx_hash="0x" + f"{index + 1:064x}",
        )
    )
    loan.periods_paid += len(rows)
    loan.principal_repaid += principal
    if loan.periods_paid >= loan.term:
        loan.status, loan.closed_at = "repaid", timestamp
    session.commit()


def event(session: Session, contract: str, name: str, timestamp: int, **args: object) -> None:
    block = chain_block(session, timestamp)
    session.add(
        ChainEvent(
            block_number=block.number,
            block_hash=block.hash,
            block_timestamp=timestamp,
            tx_hash="0x" + f"{block.number:064x}",
            log_index=0,
            address="0x" + "00" * 20,
            contract=contract,
            event=name,
            args=json.dumps(args),
        )
    )
    session.commit()
