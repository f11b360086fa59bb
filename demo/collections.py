"""The demo's collections phases: late loans worked by a collector through the operators' queue.

- Ben, 10 days late on his second installment: the collections worker (`make up` runs it) has opened a
  case (1-30 days) and sent him the gentle reminder; a supervisor assigns it to a collector, who phones
  him (his income dropped, the note is stored encrypted) and takes a promise to pay the installment
  within five days. He does not pay: the worker marks the promise broken once its day has ended, sends
  the formal notice at 31 days and the legal notice beyond 90; the case closes as settled when the
  reserve fund covers what the liquidation left.
- Rosa, three days late on the first installment of her restructured schedule (her lateness before the
  restructuring was a case of its own, cured by it): the collector reaches her and she promises to pay
  what is due by the next day; she pays it in the next phase, the promise is kept and the case cured.

The phases move no clock and send no transaction: they read and write through the API only, waiting for
the worker to catch up with the index. `CollectionsInProcess` runs the worker in a thread, for a platform
without `make up`'s processes (the end-to-end test's).
"""

from __future__ import annotations

import threading
import time
from datetime import datetime
from typing import TYPE_CHECKING, Any

from demo.chain import DAY

if TYPE_CHECKING:
    from demo.lifecycle import Lifecycle

WAIT_SECONDS = 90
BASE = "/v2/admin/collections"


class CollectionsInProcess:
    """The collections worker (backend/collections/worker.py) on a database, in a thread of this process."""

    def __init__(self, database_url: str, poll_seconds: float = 0.5) -> None:
        self.database_url = database_url
        self.poll_seconds = poll_seconds
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def __enter__(self) -> CollectionsInProcess:
        from backend.collections.config import CollectionsSettings
        from backend.collections.worker import CollectionsWorker
        from backend.core.settings import Settings
        from backend.db.session import create_db_engine, make_sessionmaker
        from backend.notifications.config import NotificationSettings
        from backend.notifications.sender import Sender
        from backend.privacy.keys import keyring_from_settings

        settings = Settings(env="test", database_url=self.database_url)
        self._engine = create_db_engine(self.database_url)
        sessions = make_sessionmaker(self._engine)
        self._sender = Sender(
            sessions,
            NotificationSettings(env="test"),
            keyring_from_settings(settings),
            guards=CollectionsWorker.guards(),
            unguarded=False,
        )
        worker = CollectionsWorker(
            sessions, CollectionsSettings(poll_seconds=self.poll_seconds), self._sender
        )
        self._thread = threading.Thread(
            target=worker.run, args=(self._stop,), name="collections", daemon=True
        )
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
        self._sender.close()
        self._engine.dispose()


def _unix(iso: str) -> int:
    return int(datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp())


def _staff(ctx: Lifecycle) -> dict[str, Any]:
    """A supervisor's key and a collector's (its key id is what a case is assigned to), made once."""
    from demo.api import Api

    if "collections-supervisor" not in ctx.operator:
        ctx.collections.setdefault("cases", {})
        for role in ("supervisor", "collector"):
            created = ctx.admin.post(
                "/v2/admin/api-keys",
                {"name": f"demo-collections-{role}-{int(time.time())}", "roles": [role]},
                expect=(201,),
            )
            ctx.operator[f"collections-{role}"] = Api.operator(ctx.stack.api_url, created["key"])
            ctx.collections[f"{role}Id"] = created["id"]
    return ctx.collections


def _case(ctx: Lifecycle, loan_id: int, ready, what: str, timeout: float = WAIT_SECONDS) -> dict:
    """The latest case of the loan once `ready(case)`, as the supervisor reads it."""
    from demo.lifecycle import wait_until

    supervisor = ctx.operator["collections-supervisor"]

    def latest() -> dict | None:
        items = supervisor.get(f"{BASE}/cases", params={"loanId": loan_id, "limit": 200})["items"]
        if not items:
            return None
        case = supervisor.get(f"{BASE}/cases/{items[-1]['id']}")
        return case if ready(case) else None

    hint = " (is the collections worker running? make up starts it; .run/logs/collections.log)"
    return wait_until(latest, timeout, what + hint)


def _work(ctx: Lifecycle, case: dict, contact: dict, amount: int, days: int) -> dict:
    """The supervisor assigns the case to the collector, who logs the contact and takes a promise to pay
    `amount` by the end of the UTC day `days` after the chain's today."""
    staff = _staff(ctx)
    supervisor, collector = ctx.operator["collections-supervisor"], ctx.operator["collections-collector"]
    supervisor.post(f"{BASE}/cases/{case['id']}/assignment", {"assignee": staff["collectorId"]})
    mine = [c["id"] for c in collector.get(f"{BASE}/cases", params={"state": "open"})["items"]]
    ctx.say(f"case #{case['id']} assigned to the collector; their queue holds cases {mine}")
    collector.post(f"{BASE}/cases/{case['id']}/contacts", contact, expect=(201,))
    day = time.strftime("%Y-%m-%d", time.gmtime(ctx.chain.now() + days * DAY))
    worked = collector.post(
        f"{BASE}/cases/{case['id']}/promises", {"amount": str(amount), "promisedFor": day}, expect=(201,)
    )
    ctx.say(
        f"collector logged a {contact['channel']} contact ({contact['outcome']}, reason "
        f"{contact.get('reason')}; note encrypted) and a promise to pay {amount / 1e6:,.2f} by {day}"
    )
    return worked


def work_bens_case(ctx: Lifecycle) -> None:
    ctx.headline("7b. Collections: Ben's case, 10 days late, worked by a collector")
    _staff(ctx)
    loan = ctx.loans["B"]
    case = _case(
        ctx,
        loan.loan_id,
        lambda c: c["state"] == "open" and c["tier"] == 1 and c["daysPastDue"] >= 10,  # seen at today's block
        "Ben's collection case",
    )
    sent = [n["kind"] for n in case["notices"] if n["status"] == "sent"]
    ctx.say(
        f"case #{case['id']} opened for loan #{loan.loan_id} at 1 day past due; {case['daysPastDue']} days "
        f"now, tier 1; notices sent: {', '.join(sent)}"
    )
    contact = {"channel": "phone", "outcome": "reached", "reason": "income_drop", "note": "Lost overtime"}
    worked = _work(ctx, case, contact, loan.schedule[1]["amount"], 5)
    ctx.collections["cases"]["B"] = worked["id"]


def work_rosas_case(ctx: Lifecycle) -> None:
    ctx.headline("13b. Collections: the restructured loan late again, a promise to pay by tomorrow")
    _staff(ctx)
    loan = ctx.restructuring["R"]["loan"]
    first_due = loan.schedule[0]["due"]  # of the new schedule: the restructuring replaced loan.schedule
    case = _case(
        ctx,
        loan.loan_id,
        # late on the new schedule: not the case of her lateness before it, should the worker lag
        lambda c: c["state"] == "open" and c["daysPastDue"] >= 3 and _unix(c["lateSince"]) >= first_due,
        "the case of Rosa's restructured loan",
    )
    cases = ctx.operator["collections-supervisor"].get(f"{BASE}/cases", params={"loanId": loan.loan_id})[
        "items"
    ]
    earlier = [f"#{c['id']} {c['closeReason']}" for c in cases if c["state"] == "closed"]
    ctx.say(
        f"case #{case['id']}: {case['daysPastDue']} days past the new schedule's first due date"
        + (f"; her earlier case closed: {', '.join(earlier)}" if earlier else "")
    )
    due = ctx.chain.call(ctx.chain.lens.functions.amountDue(loan.loan_id))
    contact = {"channel": "sms", "outcome": "reached", "reason": "forgot"}
    worked = _work(ctx, case, contact, due, 1)
    ctx.collections["cases"]["R"] = worked["id"]


def closed_cases(ctx: Lifecycle) -> None:
    ctx.headline("14b. Collections: Ben's case settled after default, Rosa's promise kept and her case cured")
    supervisor = ctx.operator["collections-supervisor"]
    for name, loan in (("B", ctx.loans["B"]), ("R", ctx.restructuring["R"]["loan"])):
        case = _case(
            ctx,
            loan.loan_id,
            lambda c: c["state"] == "closed" and all(p["status"] != "open" for p in c["promises"]),
            f"loan #{loan.loan_id}'s case to close",
        )
        promises = ", ".join(f"{p['status']} ({int(p['paid']) / 1e6:,.2f} paid)" for p in case["promises"])
        tiers = " -> ".join(str(t["toTier"]) for t in case["tiers"])
        ctx.say(
            f"case #{case['id']} (loan #{loan.loan_id}): tiers {tiers}; closed {case['resolution']} "
            f"({case['closeReason']}); promises: {promises}"
        )
        ctx.collections["cases"][name] = case["id"]
    figures = supervisor.get(f"{BASE}/metrics", params={"months": 6})
    cure = ", ".join(
        f"tier {c['tier']} {c['cured']}/{c['cured'] + c['settled']}"
        for c in figures["cureByTier"]
        if c["cases"]
    )
    ctx.say(
        f"collections figures: cured by deepest tier {cure}; promise-kept rate "
        f"{figures['promiseKeptRateBps']} bps; median time to first contact "
        f"{(figures['medianFirstContactSeconds'] or 0) / DAY:.1f} days"
    )
    ctx.collections["figures"] = figures
