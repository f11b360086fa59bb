"""Collections: the pass that opens, tiers and closes cases from the loan book on the chain's clock, and
the operators' work on them (assignment, contacts, promises to pay, legal referral).

The pass (`process`) is a function of the index and the chain's time: a case is keyed by (loan, the
installment whose lateness opened it) and each of its tier entries, SLAs and notices by (case, tier), so a
pass that crashes half-way rolls back and the next one does the same work again, once. Times are the
chain's (block seconds): after `make demo` the chain runs months ahead of the wall clock.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from backend.auth.models import ApiKey
from backend.auth.service import Operator
from backend.chain.indexer.models import ChainBlock, ChainCheckpoint
from backend.collections import problems
from backend.collections.config import CollectionsSettings
from backend.collections.models import (
    BROKEN,
    CANCELLED,
    CLOSED,
    CURED,
    KEPT,
    OPEN,
    PROMISE_OPEN,
    REQUIREMENTS,
    SENT,
    SETTLED,
    SUPERSEDED,
    CollectionCase,
    CollectionContact,
    CollectionNotice,
    CollectionPromise,
    CollectionSla,
    CollectionTierChange,
    note_aad,
)
from backend.collections.notices import KINDS, tier_notice
from backend.collections.schemas import (
    CaseDetail,
    CaseOut,
    CasePage,
    ContactIn,
    ContactOut,
    NoticeOut,
    PromiseIn,
    PromiseOut,
    SlaOut,
    TierChangeOut,
)
from backend.collections.timeline import BlockClock, covered_at, cure, liquidation_txs
from backend.core.audit import record_audit
from backend.core.schemas import decode_cursor, encode_cursor
from backend.core.settings import Settings
from backend.db.session import take_write_lock
from backend.db.types import utcnow
from backend.loans.models import InstallmentView, LoanView, RepaymentView
from backend.loans.service import days_past_due, delinquency_tier
from backend.notifications.service import notify
from backend.privacy.keys import keyring_from_settings
from backend.servicing.clock import DAY, day_start

SUPERVISOR, COLLECTOR = "supervisor", "collector"
# a restructured schedule numbers its installments on from its base again: an episode's key counts the
# restructurings before it, so a loan late on "period 2" of its new schedule is a new case
EPISODE_STRIDE = 100_000


def episode_period(loan: LoanView, period: int) -> int:
    """The key of the lateness episode of `period` of the loan's schedule in force."""
    return loan.restructurings * EPISODE_STRIDE + period


def chain_head(session: Session) -> tuple[int, int] | None:
    """(block number, timestamp) of the latest indexed block; None before anything is indexed."""
    checkpoint = session.get(ChainCheckpoint, "main")
    if checkpoint is not None:
        at = session.scalar(select(ChainBlock.timestamp).where(ChainBlock.number == checkpoint.last_block))
        if at is not None:
            return int(checkpoint.last_block), int(at)
    row = session.execute(
        select(ChainBlock.number, ChainBlock.timestamp).order_by(ChainBlock.number.desc()).limit(1)
    ).first()
    return (int(row[0]), int(row[1])) if row is not None else None


def sla_days(options: CollectionsSettings, tier: int) -> int:
    return {
        1: options.first_contact_days,
        2: options.formal_notice_days,
        3: options.legal_referral_days,
    }[tier]


# ------------------------------------------------------------------------------------------ the pass


@dataclass
class PassResult:
    chain_time: int | None = None
    evaluated: int = 0
    opened: int = 0
    tier_changes: int = 0
    notices: int = 0
    cured: int = 0
    settled: int = 0
    kept: int = 0
    broken: int = 0

    @property
    def changed(self) -> bool:
        return bool(
            self.opened or self.tier_changes or self.cured or self.settled or self.kept or self.broken
        )


@dataclass(frozen=True)
class _Late:
    period: int
    due_at: int
    payment: int


class _Pass:
    def __init__(self, session: Session, options: CollectionsSettings, block: int, now: int) -> None:
        self.session, self.options, self.block, self.now = session, options, block, now
        self.clock = BlockClock(session, now)
        self.result = PassResult(chain_time=now)
        # the chunk's (case, tier) SLAs and notices and its cases with an open promise, read once per
        # chunk: lookups a large book would otherwise make per loan
        self.slas: set[tuple[int, int]] = set()
        self.noticed: set[tuple[int, int]] = set()
        self.promised: set[int] = set()

    # -------------------------------------------------------------------------------- tiers

    def _sla(self, case: CollectionCase, tier: int, started: int) -> None:
        if (case.id, tier) in self.slas:
            return
        self.slas.add(
            (case.id, tier)
        )  # re-entered after a partial payment: the tier's SLA stands from its first entry
        met = None
        if tier == 1 and case.first_contact_at is not None:
            met = case.first_contact_at
        if tier == 3 and case.legal_referred_at is not None:
            met = case.legal_referred_at
        self.session.add(
            CollectionSla(
                case_id=case.id,
                tier=tier,
                requirement=REQUIREMENTS[tier],
                started_at=started,
                due_at=started + sla_days(self.options, tier) * DAY,
                met_at=met,
            )
        )

    def _notice(self, case: CollectionCase, tier: int, late: _Late, send: bool) -> None:
        if (case.id, tier) in self.noticed:
            return
        self.noticed.add((case.id, tier))
        notification_id = None
        if send:
            notification = notify(self.session, tier_notice(case, late.period, late.payment, self.now))
            notification_id = notification.id if notification is not None else None
            self.result.notices += 1
            if tier >= 2:  # the legal notice gives formal notice too, if the loan went past 31-90 unseen
                sla = self.session.get(CollectionSla, (case.id, 2))
                if sla is not None and sla.met_at is None:
                    sla.met_at = self.now
        self.session.add(
            CollectionNotice(
                case_id=case.id,
                tier=tier,
                status=SENT if send else SUPERSEDED,
                kind=KINDS[tier],
                notification_id=notification_id,
                decided_at=self.now,
            )
        )

    def _advance(self, case: CollectionCase, late: _Late) -> None:
        days = days_past_due(late.due_at, self.now)
        tier = delinquency_tier(days)
        case.days_past_due, case.late_since = days, late.due_at
        case.evaluated_at, case.evaluated_block = self.now, self.block
        if tier > case.tier:
            # a pass after downtime may find the loan several tiers on: each entry at its own block
            not_before = case.tier_entered_at if case.tier else 0
            for step in range(case.tier + 1, tier + 1):
                entered = self.clock.entered(late.due_at, step, not_before)
                self.session.add(
                    CollectionTierChange(
                        case_id=case.id,
                        loan_id=case.loan_id,
                        from_tier=step - 1,
                        to_tier=step,
                        entered_at=entered,
                        days_past_due=days,
                        observed_at=self.now,
                    )
                )
                self._sla(case, step, entered)
                not_before = case.tier_entered_at = entered
                self.result.tier_changes += 1
            self.session.flush()
            case.tier, case.max_tier = tier, max(case.max_tier, tier)
            for step in range(1, tier):
                self._notice(case, step, late, send=False)  # only the tier it is in is still news
            self._notice(case, tier, late, send=True)
        elif 0 < tier < case.tier:
            # a partial payment moved the oldest unpaid due date on: the loan is back in a shallower tier
            self.session.add(
                CollectionTierChange(
                    case_id=case.id,
                    loan_id=case.loan_id,
                    from_tier=case.tier,
                    to_tier=tier,
                    entered_at=self.now,
                    days_past_due=days,
                    observed_at=self.now,
                )
            )
            case.tier, case.tier_entered_at = tier, self.now
            self.result.tier_changes += 1
        case.updated_at = utcnow()

    def _open(self, loan: LoanView, late: _Late) -> CollectionCase | None:
        period = episode_period(loan, late.period)
        episode = self.session.scalar(
            select(CollectionCase.id).where(
                CollectionCase.loan_id == loan.loan_id, CollectionCase.opened_period == period
            )
        )
        if episode is not None:
            return None  # that installment's lateness was a case already
        opened = self.clock.entered(late.due_at, 1, 0)
        case = CollectionCase(
            loan_id=loan.loan_id,
            borrower=loan.borrower,
            opened_period=period,
            state=OPEN,
            tier=0,
            max_tier=0,
            days_past_due=0,
            late_since=late.due_at,
            opened_at=opened,
            tier_entered_at=opened,
            evaluated_at=self.now,
            evaluated_block=self.block,
        )
        self.session.add(case)
        self.session.flush()
        self.result.opened += 1
        return case

    # -------------------------------------------------------------------------------- closing

    def _close(self, case: CollectionCase, resolution: str, reason: str, at: int) -> None:
        self._promises(case)
        for promise in self._open_promises(case):
            promise.status, promise.resolved_at = CANCELLED, at  # the debt it was about is gone
        case.state, case.resolution, case.close_reason = CLOSED, resolution, reason
        case.closed_at = max(at, case.opened_at)
        case.evaluated_at, case.evaluated_block, case.updated_at = self.now, self.block, utcnow()
        if resolution == CURED:
            self.result.cured += 1
        else:
            self.result.settled += 1

    def _settlement(self, loan: LoanView) -> tuple[str, int] | None:
        """A defaulted loan's case closes once the reserve covered the loss (the rest written off) or the
        whole principal came back (recoveries and liquidation)."""
        if loan.reserve_covered > 0 or loan.written_down > 0:
            return "written_off", covered_at(self.session, loan.loan_id) or self.now
        if loan.principal_repaid >= loan.principal:
            at = self.session.scalar(
                select(RepaymentView.timestamp)
                .where(RepaymentView.loan_id == loan.loan_id)
                .order_by(RepaymentView.block_number.desc(), RepaymentView.log_index.desc())
                .limit(1)
            )
            return "recovered", int(at) if at is not None else self.now
        return None

    # -------------------------------------------------------------------------------- promises

    def _open_promises(self, case: CollectionCase) -> list[CollectionPromise]:
        if case.id not in self.promised:
            return []
        return list(
            self.session.scalars(
                select(CollectionPromise).where(
                    CollectionPromise.case_id == case.id, CollectionPromise.status == PROMISE_OPEN
                )
            )
        )

    def _promises(self, case: CollectionCase) -> None:
        """A promise is kept by the borrower's repayments mined after it was recorded and before the end
        of its day (liquidation proceeds are not the borrower's); broken once the day has ended short."""
        for promise in self._open_promises(case):
            rows = self.session.execute(
                select(RepaymentView.amount, RepaymentView.timestamp, RepaymentView.tx_hash)
                .where(
                    RepaymentView.loan_id == promise.loan_id,
                    RepaymentView.block_number > promise.made_block,
                    RepaymentView.timestamp < promise.deadline,
                )
                .order_by(RepaymentView.block_number, RepaymentView.log_index)
            ).all()
            liquidations = liquidation_txs(self.session, sorted({tx for _, _, tx in rows}))
            paid, kept_at = 0, None
            for amount, at, tx in rows:
                if tx in liquidations:
                    continue
                paid += int(amount)
                if paid >= promise.amount and kept_at is None:
                    kept_at = int(at)
            promise.paid = paid
            if kept_at is not None:
                promise.status, promise.resolved_at = KEPT, kept_at
                self.result.kept += 1
            elif self.now >= promise.deadline:
                promise.status, promise.resolved_at = BROKEN, promise.deadline
                self.result.broken += 1

    # -------------------------------------------------------------------------------- one loan

    def loan(self, loan: LoanView, late: _Late | None, case: CollectionCase | None) -> None:
        self.result.evaluated += 1
        if case is None:
            if late is None or loan.status != "active":
                return
            case = self._open(loan, late)
            if case is None:
                return
            self._advance(case, late)
            return
        if loan.status == "repaid":
            # current again before the last payment (a pass may come after both): cured when it was
            cured = cure(self.session, loan, case.opened_at)
            at, reason = cured if cured is not None else (loan.closed_at or self.now, "repaid")
            self._close(case, CURED, reason, at)
            return
        if loan.status == "defaulted":
            settled = self._settlement(loan)
            if settled is not None:
                self._close(case, SETTLED, settled[0], settled[1])
                return
        elif loan.status == "active" and late is None:
            cured = cure(self.session, loan, case.opened_at)
            at, reason = cured if cured is not None else (self.now, "current")
            self._close(case, CURED, reason, at)
            return
        if late is not None and loan.status == "active" and late.due_at != case.late_since:
            # paid on since the last pass and late again: current in between is a cure, and a new episode
            cured = cure(self.session, loan, case.opened_at)
            if cured is not None:
                self._close(case, CURED, cured[1], cured[0])
                reopened = self._open(loan, late)
                if reopened is not None:
                    self._advance(reopened, late)
                return
        if late is not None:
            self._advance(case, late)
        self._promises(case)


def _late_installments(session: Session, loan_ids: list[int], now: int) -> dict[int, _Late]:
    rows = session.execute(
        select(
            InstallmentView.loan_id, InstallmentView.period, InstallmentView.due_at, InstallmentView.payment
        )
        .join(
            LoanView,
            and_(
                InstallmentView.loan_id == LoanView.loan_id,
                InstallmentView.period == LoanView.periods_paid + 1,
            ),
        )
        .where(InstallmentView.loan_id.in_(loan_ids), InstallmentView.due_at < now)
    )
    return {int(loan): _Late(int(period), int(due), int(payment)) for loan, period, due, payment in rows}


def process(session: Session, options: CollectionsSettings) -> PassResult:
    """One pass over every late loan and every open case at the chain's time; commits every
    `commit_every` loans. Safe to repeat and to interrupt: what it records is keyed by case and tier."""
    head = chain_head(session)
    if head is None:
        return PassResult()
    block, now = head
    session.rollback()
    take_write_lock(session)
    late_ids = session.scalars(
        select(LoanView.loan_id)
        .join(
            InstallmentView,
            and_(
                InstallmentView.loan_id == LoanView.loan_id,
                InstallmentView.period == LoanView.periods_paid + 1,
            ),
        )
        .where(LoanView.status == "active", InstallmentView.due_at < now)
    ).all()
    open_ids = session.scalars(select(CollectionCase.loan_id).where(CollectionCase.state == OPEN)).all()
    loan_ids = sorted({int(i) for i in late_ids} | {int(i) for i in open_ids})
    run = _Pass(session, options, block, now)
    for start in range(0, len(loan_ids), options.commit_every):
        chunk = loan_ids[start : start + options.commit_every]
        take_write_lock(session)
        loans = {
            loan.loan_id: loan
            for loan in session.scalars(select(LoanView).where(LoanView.loan_id.in_(chunk)))
        }
        lates = _late_installments(session, chunk, now)
        cases = {
            case.loan_id: case
            for case in session.scalars(
                select(CollectionCase).where(CollectionCase.loan_id.in_(chunk), CollectionCase.state == OPEN)
            )
        }
        case_ids = [c.id for c in cases.values()]
        run.promised = set(
            session.scalars(
                select(CollectionPromise.case_id).where(
                    CollectionPromise.status == PROMISE_OPEN, CollectionPromise.case_id.in_(case_ids)
                )
            )
        )
        run.slas = {
            (int(c), int(t))
            for c, t in session.execute(
                select(CollectionSla.case_id, CollectionSla.tier).where(CollectionSla.case_id.in_(case_ids))
            )
        }
        run.noticed = {
            (int(c), int(t))
            for c, t in session.execute(
                select(CollectionNotice.case_id, CollectionNotice.tier).where(
                    CollectionNotice.case_id.in_(case_ids)
                )
            )
        }
        for loan_id in chunk:
            loan = loans.get(loan_id)
            if loan is not None:
                run.loan(loan, lates.get(loan_id), cases.get(loan_id))
        session.commit()
    session.commit()
    return run.result


# ------------------------------------------------------------------------------------------ views


def _breached(met: int | None, due: int, now: int) -> bool:
    return (met if met is not None else now) > due


def _slas(session: Session, case: CollectionCase) -> list[CollectionSla]:
    return list(
        session.scalars(
            select(CollectionSla).where(CollectionSla.case_id == case.id).order_by(CollectionSla.tier)
        )
    )


def _case_breached(slas: Iterable[CollectionSla], case: CollectionCase, now: int) -> bool:
    at = case.closed_at if case.closed_at is not None else now
    return any(_breached(s.met_at, s.due_at, at) for s in slas if s.met_at is not None or s.due_at < at)


def _out(session: Session, case: CollectionCase, now: int) -> CaseOut:
    return CaseOut.model_validate(
        {
            **{c.key: getattr(case, c.key) for c in CollectionCase.__table__.columns},
            "sla_breached": _case_breached(_slas(session, case), case, now),
        }
    )


def detail(session: Session, settings: Settings, case: CollectionCase, now: int) -> CaseDetail:
    keyring = keyring_from_settings(settings)
    at = case.closed_at if case.closed_at is not None else now
    slas = _slas(session, case)
    tiers = session.scalars(
        select(CollectionTierChange)
        .where(CollectionTierChange.case_id == case.id)
        .order_by(CollectionTierChange.entered_at, CollectionTierChange.id)
    )
    notices = session.scalars(
        select(CollectionNotice).where(CollectionNotice.case_id == case.id).order_by(CollectionNotice.tier)
    )
    contacts = session.scalars(
        select(CollectionContact).where(CollectionContact.case_id == case.id).order_by(CollectionContact.id)
    )
    promises = session.scalars(
        select(CollectionPromise).where(CollectionPromise.case_id == case.id).order_by(CollectionPromise.id)
    )
    return CaseDetail(
        **_out(session, case, now).model_dump(),
        tiers=[TierChangeOut.model_validate(t) for t in tiers],
        slas=[
            SlaOut.model_validate(
                {
                    **{c.key: getattr(s, c.key) for c in CollectionSla.__table__.columns},
                    "breached": _breached(s.met_at, s.due_at, at),
                }
            )
            for s in slas
        ],
        notices=[NoticeOut.model_validate(n) for n in notices],
        contacts=[
            ContactOut.model_validate(
                {
                    **{c.key: getattr(contact, c.key) for c in CollectionContact.__table__.columns},
                    "note": keyring.decrypt(contact.note_ciphertext, note_aad(contact.id)).decode("utf-8")
                    if contact.note_ciphertext
                    else None,
                }
            )
            for contact in contacts
        ],
        promises=[PromiseOut.model_validate(p) for p in promises],
    )


# ------------------------------------------------------------------------------------------ the queue


def _now(session: Session) -> tuple[int, int]:
    head = chain_head(session)
    if head is None:
        raise problems.no_chain_time()
    return head


def _is_supervisor(operator: Operator) -> bool:
    return SUPERVISOR in operator.roles


def queue(
    session: Session,
    operator: Operator,
    state: str | None,
    tier: int | None,
    assignee: str | None,
    unassigned: bool | None,
    limit: int,
    cursor: str | None,
    loan_id: int | None = None,
) -> CasePage:
    """Cases by id, oldest first: a supervisor's whole book; a collector's own assigned cases only."""
    _, now = _now(session)
    query = select(CollectionCase)
    if loan_id is not None:
        query = query.where(CollectionCase.loan_id == loan_id)
    if not _is_supervisor(operator):
        query = query.where(CollectionCase.assignee == operator.id)
    elif assignee is not None:
        query = query.where(CollectionCase.assignee == assignee)
    if unassigned is not None:
        query = query.where(
            CollectionCase.assignee.is_(None) if unassigned else CollectionCase.assignee.is_not(None)
        )
    if state is not None:
        query = query.where(CollectionCase.state == state)
    if tier is not None:
        query = query.where(CollectionCase.tier == tier)
    kind = f"collections:{operator.id}:{state}:{tier}:{assignee}:{unassigned}:{loan_id}"
    position = decode_cursor(kind, cursor, {"id": int})
    if position is not None:
        query = query.where(CollectionCase.id > position["id"])
    rows = list(session.scalars(query.order_by(CollectionCase.id).limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = encode_cursor(kind, {"id": rows[-1].id}) if more and rows else None
    return CasePage(items=[_out(session, c, now) for c in rows], next_cursor=next_cursor)


def _case(session: Session, operator: Operator, case_id: int) -> CollectionCase:
    """The case, if the operator may work it: a supervisor any; a collector only one assigned to it (any
    other is a 404, as if it did not exist)."""
    case = session.get(CollectionCase, case_id)
    if case is None or (not _is_supervisor(operator) and case.assignee != operator.id):
        raise problems.case_not_found()
    return case


def _open_case(session: Session, operator: Operator, case_id: int) -> CollectionCase:
    case = _case(session, operator, case_id)
    if case.state != OPEN:
        raise problems.case_closed(case.id)
    return case


def _audit(session: Session, operator: Operator, action: str, case: CollectionCase, **after: object) -> None:
    record_audit(
        session,
        actor=operator.actor,
        action=f"collections.case.{action}",
        object_type="collection_case",
        object_id=str(case.id),
        after={"loanId": case.loan_id, "tier": case.tier, "state": case.state, **after},
    )


def read_case(session: Session, settings: Settings, operator: Operator, case_id: int) -> CaseDetail:
    _, now = _now(session)
    case = _case(session, operator, case_id)
    out = detail(session, settings, case, now)
    _audit(session, operator, "read", case)  # the read shows the contact notes: personal data
    session.commit()
    return out


def assign(
    session: Session, settings: Settings, operator: Operator, case_id: int, assignee: str | None
) -> CaseDetail:
    take_write_lock(session)  # before the first read: the indexer writes beside us
    _, now = _now(session)
    case = _open_case(session, operator, case_id)
    if assignee is not None:
        key = session.get(ApiKey, assignee)
        if key is None or key.revoked_at is not None or COLLECTOR not in key.role_set:
            raise problems.not_a_collector(assignee)
    before = case.assignee
    case.assignee, case.assigned_at, case.updated_at = assignee, now if assignee else None, utcnow()
    _audit(session, operator, "assigned", case, assignee=assignee, previous=before)
    session.commit()
    return detail(session, settings, case, now)


def log_contact(
    session: Session,
    settings: Settings,
    options: CollectionsSettings,
    operator: Operator,
    case_id: int,
    body: ContactIn,
) -> CaseDetail:
    if body.note is not None and len(body.note) > options.max_note_chars:
        raise problems.note_too_long(options.max_note_chars)
    take_write_lock(session)  # before the first read: the indexer writes beside us
    _, now = _now(session)
    case = _open_case(session, operator, case_id)
    contact = CollectionContact(
        case_id=case.id,
        operator=operator.id,
        channel=body.channel,
        outcome=body.outcome,
        reason=body.reason,
        contacted_at=now,
    )
    session.add(contact)
    session.flush()
    if body.note:
        contact.note_ciphertext = keyring_from_settings(settings).encrypt(
            body.note.encode("utf-8"), note_aad(contact.id)
        )
    if case.first_contact_at is None:
        case.first_contact_at = now
        sla = session.get(CollectionSla, (case.id, 1))
        if sla is not None and sla.met_at is None:
            sla.met_at = now
    case.updated_at = utcnow()
    _audit(
        session, operator, "contacted", case, channel=body.channel, outcome=body.outcome, reason=body.reason
    )
    session.commit()
    return detail(session, settings, case, now)


def _day(moment: int) -> date:
    return datetime.fromtimestamp(day_start(moment), UTC).date()


def make_promise(
    session: Session,
    settings: Settings,
    options: CollectionsSettings,
    operator: Operator,
    case_id: int,
    body: PromiseIn,
) -> CaseDetail:
    """A promise to pay `amount` by the end of a UTC day, from today to `max_promise_days` on."""
    take_write_lock(session)  # before the first read: the indexer writes beside us
    block, now = _now(session)
    case = _open_case(session, operator, case_id)
    today = _day(now)
    latest = _day(now + options.max_promise_days * DAY)
    if not today <= body.promised_for <= latest:
        raise problems.bad_promise_date(today.isoformat(), latest.isoformat())
    if not 0 < body.amount < 2**63:
        raise problems.bad_amount()
    current = session.scalar(
        select(CollectionPromise.id).where(
            CollectionPromise.case_id == case.id, CollectionPromise.status == PROMISE_OPEN
        )
    )
    if current is not None:
        raise problems.promise_open(current)
    day = body.promised_for
    deadline = int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp()) + DAY
    session.add(
        CollectionPromise(
            case_id=case.id,
            loan_id=case.loan_id,
            amount=body.amount,
            promised_for=body.promised_for,
            deadline=deadline,
            made_at=now,
            made_block=block,
            made_by=operator.id,
            status=PROMISE_OPEN,
            paid=0,
        )
    )
    case.updated_at = utcnow()
    _audit(
        session, operator, "promise", case, amount=str(body.amount), promisedFor=body.promised_for.isoformat()
    )
    session.commit()
    return detail(session, settings, case, now)


def refer_legal(session: Session, settings: Settings, operator: Operator, case_id: int) -> CaseDetail:
    take_write_lock(session)  # before the first read: the indexer writes beside us
    _, now = _now(session)
    case = _open_case(session, operator, case_id)
    if case.tier != 3:
        raise problems.not_in_legal_tier(case.tier)
    if case.legal_referred_at is not None:
        raise problems.already_referred()
    case.legal_referred_at, case.updated_at = now, utcnow()
    sla = session.get(CollectionSla, (case.id, 3))
    if sla is not None and sla.met_at is None:
        sla.met_at = now
    _audit(session, operator, "legal_referral", case)
    session.commit()
    return detail(session, settings, case, now)
