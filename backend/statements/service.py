"""Wallet statements: a calendar month's, and a year's with its net annualised return (XIRR).

Periods are calendar months and years on the chain's clock: block timestamps in UTC, [start, end). A
statement of a period the index has not passed yet is provisional (`final` false): its closing figures
are as of the latest indexed block. The ledger's conventions are in backend/statements/ledger.py.

**XIRR convention** (annual summary). The year's cash flows of the wallet: fundings and purchases paid
(out), claims, sale proceeds (price less fee plus the earnings the sale settled) and refunds received
(in); a note given or received by plain transfer counts as sold or bought at its value. The position
held at the year's start is put in at its start, and the position held at its end (or at the latest
indexed block of a year still running) is taken out then, each valued at the principal the notes carry
(the chain's valuation; a note written off is worth nothing) plus what they earned and not yet claimed,
which the holder can claim at once. AutoInvest deposits and withdrawals move the lender's own money
between its wallet and its ledger, so they are not investment flows; its notes' fundings and claims are.
The rate is net of every fee (the flows are what moved), in bps a year on a 365-day year, rounded down.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from backend.auth.service import Operator
from backend.core.audit import record_audit
from backend.statements import problems, source
from backend.statements.config import StatementSettings
from backend.statements.ledger import Ledger, build_ledger, sum_of
from backend.statements.schemas import (
    AnnualSummary,
    CashFlow,
    Currency,
    LoanPosition,
    MonthlyStatement,
    NotePosition,
    Positions,
    RecoveriesBySource,
    Totals,
)
from backend.statements.xirr import xirr_bps

logger = logging.getLogger("peerlend.statements")


def month_bounds(year: int, month: int) -> tuple[int, int]:
    start = datetime(year, month, 1, tzinfo=UTC)
    end = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=UTC)
    return int(start.timestamp()), int(end.timestamp())


def year_bounds(year: int) -> tuple[int, int]:
    return int(datetime(year, 1, 1, tzinfo=UTC).timestamp()), int(
        datetime(year + 1, 1, 1, tzinfo=UTC).timestamp()
    )


def _ledger(session: Session, wallet: str, start: int, end: int, period: str) -> tuple[Ledger, int, bool]:
    now = source.indexed_time(session)
    if now is None or now < start:
        raise problems.period_not_started(period)
    books, notes = source.load(session, wallet, end)
    return build_ledger(books, notes, start, end), min(now, end), now >= end


def _positions(ledger: Ledger) -> Positions:
    return Positions(
        opening_principal=sum(p.opening for p in ledger.positions),
        closing_principal=sum(p.closing for p in ledger.positions),
        opening_unclaimed=sum(p.opening_unclaimed for p in ledger.positions),
        closing_unclaimed=sum(p.closing_unclaimed for p in ledger.positions),
    )


def totals(ledger: Ledger) -> Totals:
    entries = ledger.entries
    repaid = sum_of(entries, "repayment", "principal")
    recovered = sum_of(entries, "recovery", "principal")
    after = sum_of(entries, "recovery", "principal", after_write_off=True)
    movements = {
        "funded": sum_of(entries, "funding"),
        "refunded": sum_of(entries, "refund"),
        "purchased": sum_of(entries, "purchase"),
        "purchased_principal": sum_of(entries, "purchase", "principal"),
        "sold": sum_of(entries, "sale"),
        "sold_principal": sum_of(entries, "sale", "principal"),
        "sale_fees": sum_of(entries, "sale", "fee"),
        "earned_settled_in_sales": sum_of(entries, "sale", "earned"),
        "transferred_in_principal": sum_of(entries, "transfer_in", "principal"),
        "transferred_out_principal": sum_of(entries, "transfer_out", "principal"),
        "losses": sum_of(entries, "loss"),
    }
    opening = sum(p.opening for p in ledger.positions)
    closing = sum(p.closing for p in ledger.positions)
    expected = (
        opening
        + movements["funded"]
        + movements["purchased_principal"]
        + movements["transferred_in_principal"]
        - movements["sold_principal"]
        - movements["transferred_out_principal"]
        - movements["refunded"]
        - repaid
        - (recovered - after)
        - movements["losses"]
    )
    return Totals(
        **movements,
        repayments=sum_of(entries, "repayment"),
        principal_repaid=repaid,
        interest=sum_of(entries, "repayment", "interest"),
        fees=sum_of(entries, "repayment", "fees"),
        servicing_fees=sum_of(entries, "repayment", "servicing_fee"),
        reserve_contributions=sum_of(entries, "repayment", "reserve_share"),
        recoveries=sum_of(entries, "recovery"),
        principal_recovered=recovered,
        recovered_after_write_off=after,
        recoveries_by_source=RecoveriesBySource(
            borrower=sum_of(entries, "recovery", source="borrower"),
            collateral=sum_of(entries, "recovery", source="collateral"),
            reserve=sum_of(entries, "recovery", source="reserve"),
        ),
        claimed=sum_of(entries, "claim"),
        rounding=closing - expected,
    )


def _loans(ledger: Ledger) -> list[LoanPosition]:
    by_loan: dict[int, LoanPosition] = {}
    for p in ledger.positions:
        row = by_loan.setdefault(
            p.loan_id, LoanPosition(loan_id=p.loan_id, notes=0, opening_principal=0, closing_principal=0)
        )
        row.notes += 1
        row.opening_principal += p.opening
        row.closing_principal += p.closing
    return [by_loan[k] for k in sorted(by_loan)]


def _common(
    session: Session, settings: StatementSettings, wallet: str, start: int, end: int, period: str
) -> tuple[Ledger, dict[str, object]]:
    ledger, as_of, final = _ledger(session, wallet, start, end, period)
    return ledger, {
        "wallet": wallet,
        "start": start,
        "end": end,
        "final": final,
        "as_of": as_of,
        "closing_block": source.last_block_before(session, end),
        "currency": Currency(symbol=settings.currency, decimals=settings.currency_decimals),
        "positions": _positions(ledger),
        "totals": totals(ledger),
    }


def monthly_statement(
    session: Session,
    settings: StatementSettings,
    wallet: str,
    year: int,
    month: int,
    reader: Operator | None = None,
) -> MonthlyStatement:
    """The wallet's statement of one calendar month (chain time, UTC)."""
    period = f"{year:04d}-{month:02d}"
    start, end = month_bounds(year, month)
    ledger, common = _common(session, settings, wallet, start, end, period)
    statement = MonthlyStatement(
        period=period,
        loans=_loans(ledger),
        notes=[NotePosition.model_validate(p) for p in ledger.positions],
        entries=ledger.entries,  # type: ignore[arg-type]  # validated from the ledger's entries
        **common,  # type: ignore[arg-type]
    )
    _audit_operator_read(session, reader, wallet, period)
    return statement


def cash_flows(ledger: Ledger, as_of: int) -> list[CashFlow]:
    """The wallet's cash flows over the ledger's period, by the XIRR convention (module docstring)."""
    opening = sum(p.opening + p.opening_unclaimed for p in ledger.positions if p.held_at_start)
    flows: list[CashFlow] = []
    if opening:
        flows.append(CashFlow(at=ledger.start, kind="opening_position", amount=-opening))
    for e in ledger.entries:
        amount = {
            "funding": -e.amount,
            "purchase": -e.amount,
            "transfer_in": -(e.principal + e.earned),
            "claim": e.amount,
            "sale": e.amount,
            "refund": e.amount,
            "transfer_out": e.principal + e.earned,
        }.get(e.kind)
        if amount:
            flows.append(CashFlow(at=e.timestamp, kind=e.kind, amount=amount))
    closing = sum(p.closing + p.closing_unclaimed for p in ledger.positions if p.held_at_end)
    if closing:
        flows.append(CashFlow(at=as_of, kind="closing_position", amount=closing))
    return flows


def annual_summary(
    session: Session,
    settings: StatementSettings,
    wallet: str,
    year: int,
    reader: Operator | None = None,
) -> AnnualSummary:
    """The wallet's year: its totals, positions at both ends, cash flows and their XIRR."""
    start, end = year_bounds(year)
    ledger, common = _common(session, settings, wallet, start, end, f"{year:04d}")
    flows = cash_flows(ledger, int(common["as_of"]))  # type: ignore[call-overload]
    rate = xirr_bps([(int(f.at.timestamp()), f.amount) for f in flows])
    summary = AnnualSummary(
        year=year,
        xirr_bps=rate,
        cash_flows=flows,
        notes=[NotePosition.model_validate(p) for p in ledger.positions],
        **common,  # type: ignore[arg-type]
    )
    _audit_operator_read(session, reader, wallet, f"{year:04d}")
    return summary


def _audit_operator_read(session: Session, reader: Operator | None, wallet: str, period: str) -> None:
    """An operator reading a wallet's statement is recorded (a wallet reading its own is not)."""
    if reader is None:
        return
    record_audit(
        session,
        actor=reader.actor,
        action="statement.read",
        object_type="wallet_statement",
        object_id=f"{wallet}:{period}",
    )
    session.commit()
