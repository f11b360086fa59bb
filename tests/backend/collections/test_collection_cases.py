"""Collection cases from the loan book on the chain's clock: a case opens at one day past due (never at
the due moment), its tier follows the days past due with each entry at its own block, each tier's notice
goes to the borrower once (after downtime only the tier it is in), promises are kept or broken from the
repayments, a case closes on cure or on settlement after default, and a pass that crashes half-way is
done again once."""

# ruff: noqa: F811  (the fixtures come from support.py by import: their parameters shadow the names)
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from backend.collections import service
from backend.collections.metrics import collection_figures
from backend.collections.models import (
    CollectionCase,
    CollectionContact,
    CollectionNotice,
    CollectionPromise,
    CollectionSla,
    CollectionTierChange,
)
from backend.collections.schemas import ContactIn, PromiseIn
from backend.core.problems import Problem
from backend.notifications.models import Notification
from backend.servicing.clock import DAY
from tests.backend.collections.support import (  # noqa: F401
    COLLECTOR,
    SUPERVISOR,
    at,
    event,
    hooks,
    keyring,
    mail,
    options,
    repay,
    settings,
    worker,
)
from tests.backend.factories.clock import CHAIN_NOW
from tests.backend.factories.read_models import loan
from tests.backend.factories.wallets import wallet

DUE = CHAIN_NOW + 3 * DAY


def _cases(session) -> list[CollectionCase]:
    session.expire_all()
    return list(session.scalars(select(CollectionCase).order_by(CollectionCase.id)))


def _notices(session) -> list[tuple[str, int]]:
    session.expire_all()
    rows = session.execute(
        select(Notification.kind, Notification.data)
        .where(Notification.kind.like("collections_%"))
        .order_by(Notification.id)
    )
    return [(kind, data["tier"]) for kind, data in rows]


def _promise(amount: int, day) -> PromiseIn:
    return PromiseIn.model_validate({"amount": str(amount), "promisedFor": day})


def _late_loan(session, name="ben", **columns):
    at(session, CHAIN_NOW)
    return loan(session, wallet(name), first_due_at=DUE, term=6, **columns)


def test_a_case_opens_at_one_day_past_due_not_at_the_due_moment(session, worker):
    late = _late_loan(session)
    at(session, DUE)  # due now, not yet late: 0 days past due
    worker.run_once()
    assert _cases(session) == []
    at(session, DUE + 1)  # one second late: one day past due, rounded up
    worker.run_once()
    [case] = _cases(session)
    assert (case.loan_id, case.borrower, case.state, case.tier, case.days_past_due) == (
        late.loan_id,
        late.borrower,
        "open",
        1,
        1,
    )
    assert case.opened_at == DUE + 1 and case.opened_period == 1 and case.late_since == DUE
    sla = session.get(CollectionSla, (case.id, 1))
    assert (sla.requirement, sla.started_at, sla.due_at, sla.met_at) == (
        "first_contact",
        DUE + 1,
        DUE + 1 + DAY,
        None,
    )
    assert _notices(session) == [("collections_reminder", 1)]
    notice = session.scalars(select(Notification).where(Notification.kind == "collections_reminder")).one()
    assert notice.recipient == late.borrower and "new schedule" in notice.body


def test_the_tier_follows_the_days_past_due_each_entry_at_its_block(session, worker):
    _late_loan(session)
    for days, tier in ((1, 1), (30, 1), (31, 2), (90, 2), (91, 3), (120, 3)):
        at(session, DUE + days * DAY)  # exactly `days` whole days late: the tier of `days`
        worker.run_once()
        [case] = _cases(session)
        assert (case.tier, case.days_past_due) == (tier, days), days
    changes = session.scalars(select(CollectionTierChange).order_by(CollectionTierChange.id)).all()
    assert [(c.from_tier, c.to_tier, c.entered_at) for c in changes] == [
        (0, 1, DUE + DAY),
        (1, 2, DUE + 31 * DAY),
        (2, 3, DUE + 91 * DAY),
    ]
    assert case.max_tier == 3
    assert _notices(session) == [
        ("collections_reminder", 1),
        ("collections_formal_notice", 2),
        ("collections_legal_notice", 3),
    ]
    slas = session.scalars(select(CollectionSla).where(CollectionSla.case_id == case.id)).all()
    assert [(s.tier, s.requirement) for s in slas] == [
        (1, "first_contact"),
        (2, "formal_notice"),
        (3, "legal_referral"),
    ]
    assert slas[1].met_at == DUE + 31 * DAY  # the formal notice went out in the pass that saw the tier


def test_after_downtime_only_the_current_tier_is_told_and_entries_are_at_the_first_blocks_after(
    session, worker
):
    _late_loan(session)
    at(session, DUE + 5 * DAY)
    worker.run_once()
    at(session, DUE + 50 * DAY)  # the only block between day 5 and day 100
    at(session, DUE + 100 * DAY)
    worker.run_once()
    [case] = _cases(session)
    changes = session.scalars(select(CollectionTierChange).order_by(CollectionTierChange.id)).all()
    assert [(c.to_tier, c.entered_at) for c in changes] == [
        (1, DUE + 5 * DAY),
        (2, DUE + 50 * DAY),
        (3, DUE + 100 * DAY),
    ]
    assert _notices(session) == [("collections_reminder", 1), ("collections_legal_notice", 3)]
    decided = {n.tier: n.status for n in session.scalars(select(CollectionNotice))}
    assert decided == {1: "sent", 2: "superseded", 3: "sent"}


def test_a_promise_is_kept_by_the_repayments_mined_by_the_end_of_its_day(
    session, worker, app_settings, settings
):
    late = _late_loan(session)
    at(session, DUE + 2 * DAY)
    worker.run_once()
    [case] = _cases(session)
    case.assignee = COLLECTOR.id
    session.commit()
    today = service._day(DUE + 2 * DAY)
    service.log_contact(
        session,
        app_settings,
        settings,
        COLLECTOR,
        case.id,
        ContactIn(channel="phone", outcome="reached", reason="illness"),
    )
    service.make_promise(
        session,
        app_settings,
        settings,
        COLLECTOR,
        case.id,
        _promise(late.installment, today),
    )
    worker.run_once()
    assert session.scalars(select(CollectionPromise)).one().status == "open"
    repay(session, late, 1, DUE + 2 * DAY + 3_600)
    worker.run_once()
    session.expire_all()
    promise = session.scalars(select(CollectionPromise)).one()
    assert (promise.status, promise.paid, promise.resolved_at) == (
        "kept",
        late.installment,
        DUE + 2 * DAY + 3_600,
    )
    [case] = _cases(session)
    assert (case.state, case.resolution, case.close_reason, case.closed_at) == (
        "closed",
        "cured",
        "current",
        DUE + 2 * DAY + 3_600,
    )


def test_a_promise_short_at_the_end_of_its_day_is_broken(session, worker, app_settings, settings):
    late = _late_loan(session)
    at(session, DUE + 2 * DAY)
    worker.run_once()
    [case] = _cases(session)
    today = service._day(DUE + 2 * DAY)
    service.make_promise(
        session,
        app_settings,
        settings,
        SUPERVISOR,
        case.id,
        _promise(late.installment, today),
    )
    with pytest.raises(Problem) as second:
        service.make_promise(session, app_settings, settings, SUPERVISOR, case.id, _promise(1, today))
    assert second.value.status == 409
    repay(session, late, 0, DUE + 2 * DAY + 60, amount=late.installment // 2)  # half, before the deadline
    deadline = session.scalars(select(CollectionPromise)).one().deadline
    at(session, deadline - 1)
    worker.run_once()
    session.expire_all()
    assert session.scalars(select(CollectionPromise)).one().status == "open"
    at(session, deadline)
    worker.run_once()
    session.expire_all()
    promise = session.scalars(select(CollectionPromise)).one()
    assert (promise.status, promise.paid, promise.resolved_at) == ("broken", late.installment // 2, deadline)
    assert _cases(session)[0].state == "open"  # the loan is still late


def test_a_promise_date_outside_the_window_or_a_zero_amount_is_a_problem(
    session, worker, app_settings, settings
):
    _late_loan(session)
    at(session, DUE + 2 * DAY)
    worker.run_once()
    [case] = _cases(session)
    today = service._day(DUE + 2 * DAY)
    for body in (
        _promise(10, today.replace(day=today.day - 1)),
        _promise(10, service._day(DUE + 40 * DAY)),
        _promise(0, today),
    ):
        with pytest.raises(Problem) as refused:
            service.make_promise(session, app_settings, settings, SUPERVISOR, case.id, body)
        assert refused.value.status == 422


def test_a_cure_closes_the_case_and_a_later_lateness_is_a_new_case(session, worker):
    late = _late_loan(session)
    at(session, DUE + 10 * DAY)
    worker.run_once()
    repay(session, late, 1, DUE + 12 * DAY)
    worker.run_once()
    [first] = _cases(session)
    assert (first.state, first.resolution, first.closed_at) == ("closed", "cured", DUE + 12 * DAY)
    second_due = (
        session.scalar(select(func.min(CollectionCase.late_since))) + 30 * DAY
    )  # the factory's schedule is monthly
    at(session, second_due + DAY)
    worker.run_once()
    cases = _cases(session)
    assert [(c.opened_period, c.state) for c in cases] == [(1, "closed"), (2, "open")]


def test_a_loan_repaid_in_full_closes_its_case_cured(session, worker):
    late = _late_loan(session)
    at(session, DUE + 3 * DAY)
    worker.run_once()
    repay(session, late, 6, DUE + 4 * DAY)
    worker.run_once()
    [case] = _cases(session)
    assert (case.state, case.resolution, case.close_reason) == ("closed", "cured", "repaid")


def test_a_defaulted_loan_stays_in_collections_until_its_cover_settles_it(session, worker):
    late = _late_loan(session)
    at(session, DUE + 95 * DAY)
    worker.run_once()
    late.status, late.closed_at = "defaulted", DUE + 95 * DAY
    session.commit()
    at(session, DUE + 96 * DAY)
    worker.run_once()
    [case] = _cases(session)
    assert (case.state, case.tier) == ("open", 3)
    event(session, "LoanMarket", "DefaultCovered", DUE + 97 * DAY, loanId=late.loan_id, covered=10, loss=20)
    late.reserve_covered, late.written_down = 10, 20
    session.commit()
    worker.run_once()
    [case] = _cases(session)
    assert (case.state, case.resolution, case.close_reason, case.closed_at) == (
        "closed",
        "settled",
        "written_off",
        DUE + 97 * DAY,
    )


def test_passes_are_idempotent_and_a_crash_half_way_is_done_again_once(session, worker, monkeypatch):
    loans = [_late_loan(session, f"late-{i}") for i in range(5)]
    at(session, DUE + 40 * DAY)
    from backend.collections import service as module

    real, calls = module.notify, []

    def crashing(s, notice):
        calls.append(notice.key)
        if len(calls) == 5:  # after two commits of two loans each: the third chunk's first notice
            raise RuntimeError("crash mid-pass")
        return real(s, notice)

    monkeypatch.setattr(module, "notify", crashing)
    with pytest.raises(RuntimeError):
        worker.process()
    assert 0 < len(_cases(session)) < len(loans)
    monkeypatch.setattr(module, "notify", real)
    for _ in range(3):
        worker.run_once()
    cases = _cases(session)
    assert sorted(c.loan_id for c in cases) == sorted(x.loan_id for x in loans)
    assert all(c.tier == 2 for c in cases)
    assert session.scalar(select(func.count()).select_from(CollectionTierChange)) == 2 * len(loans)
    keys = session.scalars(select(Notification.event_id).where(Notification.kind.like("collections_%"))).all()
    assert len(keys) == len(set(keys)) == len(loans)  # the formal notice only, once each


def test_contact_notes_are_encrypted_at_rest_and_a_collector_works_only_its_own_cases(
    session, worker, app_settings, settings
):
    _late_loan(session)
    at(session, DUE + 2 * DAY)
    worker.run_once()
    [case] = _cases(session)
    body = ContactIn(channel="phone", outcome="reached", reason="job_loss", note="Lost her job at the mill")
    with pytest.raises(Problem) as hidden:
        service.log_contact(session, app_settings, settings, COLLECTOR, case.id, body)
    assert hidden.value.status == 404  # not assigned to this collector: as if there were no such case
    with pytest.raises(Problem) as not_collector:
        service.assign(session, app_settings, SUPERVISOR, case.id, "no-such-key")
    assert not_collector.value.status == 422
    case.assignee = COLLECTOR.id
    session.commit()
    out = service.log_contact(session, app_settings, settings, COLLECTOR, case.id, body)
    assert out.contacts[0].note == "Lost her job at the mill" and out.first_contact_at is not None
    stored = session.scalars(select(CollectionContact)).one()
    assert "mill" not in stored.note_ciphertext
    assert session.get(CollectionSla, (case.id, 1)).met_at == DUE + 2 * DAY
    mine = service.queue(session, COLLECTOR, None, None, None, None, 50, None)
    assert [c.id for c in mine.items] == [case.id]
    other = COLLECTOR.__class__(id="collector-lou", name="lou", roles=frozenset({"collector"}))
    assert service.queue(session, other, None, None, None, None, 50, None).items == []


def test_figures_cure_rate_roll_rates_promise_kept_rate_and_first_contact(
    session, worker, app_settings, settings
):
    cured, deep = _late_loan(session, "cured"), _late_loan(session, "deep")
    _late_loan(session, "current", periods_paid=3)  # paid ahead: never late in this story
    at(session, DUE + DAY)
    worker.run_once()
    case = next(c for c in _cases(session) if c.loan_id == cured.loan_id)
    service.log_contact(
        session, app_settings, settings, SUPERVISOR, case.id, ContactIn(channel="sms", outcome="reached")
    )
    repay(session, cured, 1, DUE + 2 * DAY)
    at(session, DUE + 40 * DAY)
    worker.run_once()
    figures = collection_figures(session, DUE + 40 * DAY, 3)
    by_tier = {c.tier: c for c in figures.cure_by_tier}
    # the cured loan was late again on its next installment by day 40: a new episode, a new case
    assert (by_tier[1].cured, by_tier[1].open, by_tier[1].cure_rate_bps) == (1, 1, 10_000)
    assert (by_tier[2].open, by_tier[2].cure_rate_bps) == (1, None)
    assert figures.contacted == 1 and figures.median_first_contact_seconds == 0
    assert figures.cases == 3 and figures.open == 2
    assert deep.loan_id in {c.loan_id for c in _cases(session) if c.state == "open"}
    months = {r.month: r for r in figures.roll_rates}
    assert list(months) == ["2027-02", "2027-03", "2027-04"]
    march = months["2027-03"]  # all three current on 1 March; the deep one 1-30 days late on 1 April
    assert (march.current, march.current_to_tier1, march.current_to_tier1_bps) == (3, 1, 3_333)
    april = months["2027-04"]  # to the chain's day 40: the deep one rolled on, the cured one late again
    assert (april.tier1, april.tier1_to_tier2, april.current, april.current_to_tier1) == (1, 1, 2, 1)


def test_a_restructured_schedule_late_on_the_same_period_number_is_a_new_episode(session, worker):
    late = _late_loan(session)
    at(session, DUE + 2 * DAY)
    worker.run_once()
    [first] = _cases(session)
    first.state, first.resolution, first.close_reason, first.closed_at = (
        "closed",
        "cured",
        "restructured",
        DUE + 3 * DAY,
    )
    late.restructurings = 1  # the new schedule's first installment is period 1 again, due at the old date
    session.commit()
    at(session, DUE + 4 * DAY)
    worker.run_once()
    cases = _cases(session)
    assert [(c.opened_period, c.state) for c in cases] == [(1, "closed"), (100_001, "open")]
    assert (
        service.queue(session, SUPERVISOR, "open", None, None, None, 50, None, late.loan_id).items[0].id
        == cases[1].id
    )


def test_slas_breach_on_the_chains_clock_and_the_legal_referral_meets_the_last(
    session, worker, app_settings, settings
):
    _late_loan(session)
    at(session, DUE + 3 * DAY)
    worker.run_once()
    at(session, DUE + 4 * DAY + 1)  # no contact within a day of opening
    worker.run_once()
    [case] = _cases(session)
    out = service.read_case(session, app_settings, SUPERVISOR, case.id)
    assert out.sla_breached and out.slas[0].breached and out.slas[0].met_at is None
    with pytest.raises(Problem) as early:
        service.refer_legal(session, app_settings, SUPERVISOR, case.id)
    assert early.value.status == 409
    at(session, DUE + 95 * DAY)
    worker.run_once()
    session.expire_all()
    referred = service.refer_legal(session, app_settings, SUPERVISOR, case.id)
    assert referred.legal_referred_at is not None
    # no block from day 4 to day 95: the loan entered 31-90 at the day-95 block, where the legal notice,
    # sent instead of the formal one, gave formal notice too
    assert [(s.tier, s.met_at is not None, s.breached) for s in referred.slas] == [
        (1, False, True),
        (2, True, False),
        (3, True, False),
    ]
    with pytest.raises(Problem) as again:
        service.refer_legal(session, app_settings, SUPERVISOR, case.id)
    assert again.value.status == 409


def test_a_tier_notice_whose_case_closed_before_it_left_is_cancelled(session, worker, keyring, hooks):
    from backend.notifications.models import NotificationDelivery
    from tests.backend.notifications.conftest import subscribe

    late = _late_loan(session)
    subscribe(session, keyring, late.borrower, webhook=hooks.url)
    at(session, DUE + 2 * DAY)
    worker.process()  # recorded, not yet sent
    repay(session, late, 1, DUE + 2 * DAY + 60)
    worker.process()  # cured: the case is closed
    worker.sender.deliver_due()
    session.expire_all()
    reasons = {d.reason for d in session.scalars(select(NotificationDelivery))}
    assert reasons == {"case_closed"} and hooks.hits == []
