"""Collection figures, on the chain's clock, for GET /v2/admin/collections/metrics and for `/metrics`.

- Cure rate by tier: of the cases whose deepest tier was t and which have closed, those cured (current
  again, restructured or repaid) rather than settled after default; in bps.
- Roll rates by month (UTC calendar months of chain time): of the loans in a bucket (current, 1-30,
  31-90) at the start of a month, those in a later bucket at the start of the next. A loan's bucket at a
  moment is the tier of its case open then (from the tier history), else current if the loan was active.
- Promise-kept rate: kept of the promises resolved kept or broken (cancelled ones, whose debt went away
  otherwise, count in neither).
- Time to first contact: from a case's opening to its first logged contact.

/metrics (counters are totals over the table's history, as the reminder families):
peerlend_collections_open_cases{tier}, peerlend_collections_cases_opened_total,
peerlend_collections_cases_closed_total{resolution}, peerlend_collections_promises_total{status},
peerlend_collections_notices_total{tier,status}, peerlend_collections_sla_breached{tier} (open cases past
an unmet deadline), peerlend_collections_cure_rate_bps{tier}, peerlend_collections_promise_kept_rate_bps,
peerlend_collections_first_contact_seconds{stat="median"|"mean"}.
"""

from __future__ import annotations

import bisect
import statistics
from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.collections.models import (
    BROKEN,
    CLOSED,
    CURED,
    KEPT,
    OPEN,
    SETTLED,
    TIERS,
    CollectionCase,
    CollectionNotice,
    CollectionPromise,
    CollectionSla,
    CollectionTierChange,
)
from backend.collections.schemas import CollectionFigures, RollRates, TierCure
from backend.collections.service import chain_head
from backend.core.state_metrics import Figure
from backend.loans.models import LoanView


def _bps(part: int, whole: int) -> int | None:
    return part * 10_000 // whole if whole else None


def _month_start(year: int, month: int) -> int:
    return int(datetime(year, month, 1, tzinfo=UTC).timestamp())


def month_starts(now: int, months: int) -> list[tuple[str, int, int]]:
    """(YYYY-MM, start, next start) of the `months` months up to the chain's current one."""
    at = datetime.fromtimestamp(now, UTC)
    year, month = at.year, at.month
    out = []
    for _ in range(months):
        nxt = (year + 1, 1) if month == 12 else (year, month + 1)
        out.append((f"{year:04d}-{month:02d}", _month_start(year, month), _month_start(*nxt)))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return list(reversed(out))


class _Buckets:
    """Each loan's bucket at a moment: 0 current, 1-3 its open case's tier, None not active then."""

    def __init__(self, session: Session) -> None:
        self.loans = session.execute(
            select(LoanView.loan_id, LoanView.drawn_at, LoanView.closed_at).where(
                LoanView.drawn_at.is_not(None)
            )
        ).all()
        self.cases: dict[int, list[tuple[int, int | None, list[int], list[int]]]] = defaultdict(list)
        changes: dict[int, list[tuple[int, int]]] = defaultdict(list)
        for case_id, entered, to_tier in session.execute(
            select(
                CollectionTierChange.case_id, CollectionTierChange.entered_at, CollectionTierChange.to_tier
            ).order_by(CollectionTierChange.case_id, CollectionTierChange.entered_at, CollectionTierChange.id)
        ):
            changes[int(case_id)].append((int(entered), int(to_tier)))
        for case_id, loan_id, opened, closed in session.execute(
            select(
                CollectionCase.id, CollectionCase.loan_id, CollectionCase.opened_at, CollectionCase.closed_at
            )
        ):
            history = changes.get(int(case_id), [])
            self.cases[int(loan_id)].append(
                (int(opened), closed, [at for at, _ in history], [tier for _, tier in history])
            )

    def at(self, loan_id: int, drawn: int, closed: int | None, moment: int) -> int | None:
        for opened, case_closed, times, tiers in self.cases.get(loan_id, ()):
            if opened <= moment and (case_closed is None or moment < case_closed):
                index = bisect.bisect_right(times, moment) - 1
                return tiers[index] if index >= 0 else 1
        if drawn <= moment and (closed is None or moment < closed):
            return 0
        return None


def roll_rates(session: Session, now: int, months: int) -> list[RollRates]:
    buckets = _Buckets(session)
    out = []
    for label, start, end in month_starts(now, months):
        counts = [0, 0, 0]
        rolled = [0, 0, 0]
        for loan_id, drawn, closed in buckets.loans:
            before = buckets.at(loan_id, drawn or 0, closed, start)
            if before is None or before > 2:
                continue
            counts[before] += 1
            after = buckets.at(loan_id, drawn or 0, closed, min(end, now))
            if after is not None and after > before:
                rolled[before] += 1
        out.append(
            RollRates(
                month=label,
                current=counts[0],
                tier1=counts[1],
                tier2=counts[2],
                current_to_tier1=rolled[0],
                tier1_to_tier2=rolled[1],
                tier2_to_tier3=rolled[2],
                current_to_tier1_bps=_bps(rolled[0], counts[0]),
                tier1_to_tier2_bps=_bps(rolled[1], counts[1]),
                tier2_to_tier3_bps=_bps(rolled[2], counts[2]),
            )
        )
    return out


def cure_by_tier(session: Session) -> list[TierCure]:
    counts: dict[tuple[int, str, str | None], int] = {
        (int(tier), state, resolution): int(n)
        for tier, state, resolution, n in session.execute(
            select(
                CollectionCase.max_tier, CollectionCase.state, CollectionCase.resolution, func.count()
            ).group_by(CollectionCase.max_tier, CollectionCase.state, CollectionCase.resolution)
        )
    }
    out = []
    for tier in TIERS:
        cured = counts.get((tier, CLOSED, CURED), 0)
        settled = counts.get((tier, CLOSED, SETTLED), 0)
        open_ = counts.get((tier, OPEN, None), 0)
        out.append(
            TierCure(
                tier=tier,
                cases=cured + settled + open_,
                cured=cured,
                settled=settled,
                open=open_,
                cure_rate_bps=_bps(cured, cured + settled),
            )
        )
    return out


def _promises(session: Session) -> dict[str, int]:
    query = select(CollectionPromise.status, func.count()).group_by(CollectionPromise.status)
    return {status: int(n) for status, n in session.execute(query)}


def _first_contacts(session: Session) -> list[int]:
    rows = session.execute(
        select(CollectionCase.opened_at, CollectionCase.first_contact_at).where(
            CollectionCase.first_contact_at.is_not(None)
        )
    )
    return [max(0, (contact or 0) - opened) for opened, contact in rows]


def collection_figures(session: Session, now: int, months: int) -> CollectionFigures:
    promises = _promises(session)
    kept, broken = promises.get(KEPT, 0), promises.get(BROKEN, 0)
    waits = _first_contacts(session)
    cures = cure_by_tier(session)
    return CollectionFigures(
        as_of=now,
        cases=sum(c.cases for c in cures),
        open=sum(c.open for c in cures),
        cure_by_tier=cures,
        roll_rates=roll_rates(session, now, months),
        promises_kept=kept,
        promises_broken=broken,
        promise_kept_rate_bps=_bps(kept, kept + broken),
        contacted=len(waits),
        median_first_contact_seconds=int(statistics.median_low(waits)) if waits else None,
        mean_first_contact_seconds=sum(waits) // len(waits) if waits else None,
    )


def collection_metrics(session: Session) -> Iterator[Figure]:
    """The `/metrics` families (module docstring); nothing before the first case."""
    head = chain_head(session)
    now = head[1] if head is not None else None
    open_by_tier = {
        int(tier): int(n)
        for tier, n in session.execute(
            select(CollectionCase.tier, func.count())
            .where(CollectionCase.state == OPEN)
            .group_by(CollectionCase.tier)
        )
    }
    for tier in TIERS:
        yield Figure(
            "peerlend_collections_open_cases",
            "Open collection cases by tier",
            open_by_tier.get(tier, 0),
            {"tier": str(tier)},
        )
    opened = int(session.scalar(select(func.count()).select_from(CollectionCase)) or 0)
    yield Figure("peerlend_collections_cases_opened", "Collection cases opened", opened, counter=True)
    closed = dict(
        session.execute(
            select(CollectionCase.resolution, func.count())
            .where(CollectionCase.state == CLOSED)
            .group_by(CollectionCase.resolution)
        ).all()
    )
    for resolution in (CURED, SETTLED):
        yield Figure(
            "peerlend_collections_cases_closed",
            "Collection cases closed, cured or settled after default",
            int(closed.get(resolution, 0)),
            {"resolution": resolution},
            counter=True,
        )
    promises = _promises(session)
    for status in ("open", KEPT, BROKEN, "cancelled"):
        yield Figure(
            "peerlend_collections_promises",
            "Promises to pay, by status",
            promises.get(status, 0),
            {"status": status},
            counter=True,
        )
    for tier, status, n in session.execute(
        select(CollectionNotice.tier, CollectionNotice.status, func.count()).group_by(
            CollectionNotice.tier, CollectionNotice.status
        )
    ):
        yield Figure(
            "peerlend_collections_notices",
            "Tier notices to borrowers: sent, or superseded by a later tier",
            int(n),
            {"tier": str(tier), "status": status},
            counter=True,
        )
    if now is not None:
        breached = {
            int(tier): int(n)
            for tier, n in session.execute(
                select(CollectionSla.tier, func.count())
                .join(CollectionCase, CollectionCase.id == CollectionSla.case_id)
                .where(
                    CollectionCase.state == OPEN, CollectionSla.met_at.is_(None), CollectionSla.due_at < now
                )
                .group_by(CollectionSla.tier)
            )
        }
        for tier in TIERS:
            yield Figure(
                "peerlend_collections_sla_breached",
                "Open cases past an unmet SLA deadline of the tier",
                breached.get(tier, 0),
                {"tier": str(tier)},
            )
    for cure in cure_by_tier(session):
        if cure.cure_rate_bps is not None:
            yield Figure(
                "peerlend_collections_cure_rate_bps",
                "Cured of the closed cases whose deepest tier this was, in bps",
                cure.cure_rate_bps,
                {"tier": str(cure.tier)},
            )
    kept_rate = _bps(promises.get(KEPT, 0), promises.get(KEPT, 0) + promises.get(BROKEN, 0))
    if kept_rate is not None:
        yield Figure(
            "peerlend_collections_promise_kept_rate_bps", "Kept of the promises resolved, in bps", kept_rate
        )
    waits = _first_contacts(session)
    if waits:
        help_ = "Chain seconds from a case's opening to its first contact"
        yield Figure(
            "peerlend_collections_first_contact_seconds",
            help_,
            statistics.median_low(waits),
            {"stat": "median"},
        )
        yield Figure(
            "peerlend_collections_first_contact_seconds", help_, sum(waits) / len(waits), {"stat": "mean"}
        )
