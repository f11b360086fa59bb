"""The platform figures of a folded book (backend/disclosure/book.py) at one instant: pure arithmetic on
integers, each figure defined where its schema field is (backend/disclosure/schemas.py)."""

from __future__ import annotations

from collections import defaultdict

from backend.disclosure.book import Book, LoanState, lenders
from backend.disclosure.periods import DAY, month_of, months_between, period_name
from backend.disclosure.schemas import (
    Complaints,
    Concentration,
    Count,
    Defaults,
    Delinquency,
    Fees,
    Participants,
    PlatformDisclosure,
    Ratio,
    Reserve,
    Sales,
    SecondaryMarket,
    Tier,
    Vintage,
    VintageCell,
    Volume,
)
from backend.risk.scorecard import GRADE_LETTERS

BPS = 10_000
WINDOW = 30 * DAY
TIERS = (("M1", 1, 30), ("M2", 31, 90), ("M3", 91, None))


def ratio(numerator: int, denominator: int, *, round_up: bool = True) -> Ratio:
    if denominator == 0:
        return Ratio(numerator=numerator, denominator=0, bps=None)
    scaled = numerator * BPS
    bps = -(-scaled // denominator) if round_up else scaled // denominator
    return Ratio(numerator=numerator, denominator=denominator, bps=bps)


def grade_letter(grade: int) -> str:
    return GRADE_LETTERS[grade - 1] if 1 <= grade <= len(GRADE_LETTERS) else str(grade)


def platform_figures(
    book: Book,
    as_of: int,
    last_block: int,
    *,
    reserve_fund: str | None,
    reserve_balance: int | None,
    complaints: Complaints,
    top: int = 10,
) -> PlatformDisclosure:
    drawn = [loan for loan in book.loans.values() if loan.drawn]
    active = [loan for loan in drawn if loan.status == "active"]
    outstanding = sum(loan.outstanding for loan in active)
    originated = sum(loan.principal for loan in drawn)
    window_start = as_of - WINDOW
    recent = [loan for loan in drawn if loan.drawn_at is not None and loan.drawn_at > window_start]
    delinquency = _delinquency(active, as_of, outstanding)
    sales_recent = [s for s in book.sales if s.timestamp > window_start]
    fees = {
        "origination": sum(loan.origination_fee for loan in drawn),
        "servicing": sum(loan.servicing_fees for loan in drawn),
        "late": sum(loan.late_fees_paid for loan in drawn),
        "resale": sum(s.fee for s in book.sales),
    }
    return PlatformDisclosure(
        as_of=as_of,
        last_block=last_block,
        outstanding=Count(loans=len(active), principal=outstanding),
        volume=Volume(
            cumulative=Count(loans=len(drawn), principal=originated),
            last_30_days=Count(loans=len(recent), principal=sum(loan.principal for loan in recent)),
            window_start=window_start,
        ),
        borrowers=_participants(book, {loan.borrower for loan in drawn}),
        lenders=_participants(book, set(lenders(book))),
        concentration=_concentration(book, active, outstanding, top),
        delinquency=delinquency,
        defaults=_defaults(drawn, originated),
        vintages=_vintages(drawn, as_of),
        reserve=Reserve(
            fund=reserve_fund,
            balance=reserve_balance,
            overdue_principal=delinquency.overdue.principal,
            coverage=ratio(reserve_balance or 0, delinquency.overdue.principal, round_up=False),
        ),
        fees=Fees(**fees, total=sum(fees.values())),
        secondary_market=SecondaryMarket(
            cumulative=Sales(sales=len(book.sales), volume=sum(s.price for s in book.sales)),
            last_30_days=Sales(sales=len(sales_recent), volume=sum(s.price for s in sales_recent)),
        ),
        complaints=complaints,
    )


def _participants(book: Book, wallets: set[str]) -> Participants:
    return Participants(persons=len({book.person(w) for w in wallets}), wallets=len(wallets))


def _concentration(book: Book, active: list[LoanState], outstanding: int, top: int) -> Concentration:
    by_person: dict[str, int] = defaultdict(int)
    unlinked: set[str] = set()
    for loan in active:
        by_person[book.person(loan.borrower)] += loan.outstanding
        if loan.borrower not in book.subjects:
            unlinked.add(loan.borrower)
    largest = sum(sorted(by_person.values(), reverse=True)[:top])
    return Concentration(
        basis="person",
        top=top,
        borrowers=len(by_person),
        unlinked_wallets=len(unlinked),
        principal=largest,
        share=ratio(largest, outstanding),
    )


def _delinquency(active: list[LoanState], as_of: int, outstanding: int) -> Delinquency:
    counts = {tier: [0, 0] for tier in range(4)}
    for loan in active:
        bucket = counts[loan.tier(as_of)]
        bucket[0] += 1
        bucket[1] += loan.outstanding
    tiers = [
        Tier(
            name=name,
            min_days=low,
            max_days=high,
            loans=counts[i][0],
            principal=counts[i][1],
            rate=ratio(counts[i][1], outstanding),
        )
        for i, (name, low, high) in enumerate(TIERS, start=1)
    ]
    overdue = Count(loans=sum(t.loans for t in tiers), principal=sum(t.principal for t in tiers))
    return Delinquency(
        current=Count(loans=counts[0][0], principal=counts[0][1]),
        tiers=tiers,
        overdue=overdue,
        overdue_rate=ratio(overdue.principal, outstanding),
    )


def _defaults(drawn: list[LoanState], originated: int) -> Defaults:
    defaulted = [loan for loan in drawn if loan.defaulted_at is not None]
    principal = sum(loan.principal_at_default for loan in defaulted)
    recovered = sum(loan.recovered_before() for loan in defaulted)
    credit_loss = sum(loan.outstanding for loan in defaulted)
    covered = sum(loan.reserve_covered for loan in defaulted)
    reserve_recovered = sum(loan.reserve_recovered for loan in defaulted)
    lender_loss = max(0, credit_loss - (covered - reserve_recovered))
    return Defaults(
        loans=len(defaulted),
        principal=principal,
        default_rate=ratio(principal, originated),
        recovered=recovered,
        credit_loss=credit_loss,
        loss_rate=ratio(credit_loss, originated),
        reserve_covered=covered,
        reserve_recovered=reserve_recovered,
        lender_loss=lender_loss,
        lender_loss_rate=ratio(lender_loss, originated),
    )


def _vintages(drawn: list[LoanState], as_of: int) -> list[Vintage]:
    cohorts: dict[tuple[int, tuple[int, int]], list[LoanState]] = defaultdict(list)
    for loan in drawn:
        assert loan.drawn_at is not None  # drawn loans only
        cohorts[(loan.grade, month_of(loan.drawn_at))].append(loan)
    now = month_of(as_of)
    vintages = []
    for (grade, cohort), loans in sorted(cohorts.items()):
        principal = sum(loan.principal for loan in loans)
        cells = []
        for m in range(months_between(cohort, now) + 1):
            defaulted = loss = 0
            for loan in loans:
                if loan.defaulted_at is None or months_between(cohort, month_of(loan.defaulted_at)) > m:
                    continue
                defaulted += loan.principal_at_default
                recovered = sum(p for t, p in loan.recoveries if months_between(cohort, month_of(t)) <= m)
                loss += loan.principal_at_default - recovered
            cells.append(
                VintageCell(
                    months_on_book=m,
                    defaulted=defaulted,
                    loss=loss,
                    default_share=ratio(defaulted, principal),
                    loss_share=ratio(loss, principal),
                )
            )
        vintages.append(
            Vintage(
                grade=grade_letter(grade),
                cohort=period_name(*cohort),
                loans=len(loans),
                principal=principal,
                cells=cells,
            )
        )
    return vintages
