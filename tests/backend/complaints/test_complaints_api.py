"""The complaints API over HTTP: a wallet files and reads only its own complaints (another's is a 404),
the queue answers only reviewers and supervisors, escalation only supervisors, each step is audited, the
SLA runs on the service's clock (replaced here through app.state), and the figures are public."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy import select

from backend.core.models import AuditLog
from backend.core.schemas import encode_cursor
from tests.backend.factories.wallets import account
from tests.support.server import auth_headers, create_operator_key, siwe_login

ZOE, YAN = account("complaint-zoe"), account("complaint-yan")
MONDAY = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
ROLES = ("reviewer", "supervisor", "admin", "compliance", "regulator", "collector")


class Clock:
    def __init__(self) -> None:
        self.now = MONDAY

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture(scope="module")
def api(live_server):
    clock = Clock()
    live_server.app.state.complaints_clock = clock
    url = str(live_server)
    return {
        "url": url,
        "server": live_server,
        "clock": clock,
        "zoe": auth_headers(siwe_login(url, ZOE)),
        "yan": auth_headers(siwe_login(url, YAN)),
        "keys": {role: {"X-API-Key": create_operator_key(live_server, role)} for role in ROLES},
    }


def _call(api, method, path, headers, body=None):
    return httpx.request(method, f"{api['url']}/v2{path}", headers=headers, json=body, timeout=30)


def _file(api, who="zoe", **body):
    reply = _call(api, "POST", "/complaints", api[who], {"category": "fees", "text": "Charged twice", **body})
    assert reply.status_code == 201, reply.text
    return reply.json()


def test_a_complaint_is_filed_with_its_deadlines_and_read_only_by_its_wallet(api):
    filed = _file(api)
    assert filed["status"] == "open" and filed["text"] == "Charged twice"
    assert filed["sla"]["acknowledgeBy"] == "2027-03-03T09:00:00Z"  # 2 business days
    assert filed["sla"]["resolveBy"] == "2027-03-22T09:00:00Z"  # 15 business days
    own = _call(api, "GET", f"/complaints/{filed['id']}", api["zoe"])
    assert own.status_code == 200 and own.json()["id"] == filed["id"]
    other = _call(api, "GET", f"/complaints/{filed['id']}", api["yan"])
    assert other.status_code == 404 and other.json()["type"] == "complaint-not-found"
    assert filed["id"] not in [c["id"] for c in _call(api, "GET", "/complaints", api["yan"]).json()["items"]]
    assert filed["id"] in [c["id"] for c in _call(api, "GET", "/complaints", api["zoe"]).json()["items"]]
    assert _call(api, "GET", "/complaints", {}).status_code == 401
    for role in ROLES:  # an operator key is not a wallet: the complainant's routes want a signed-in wallet
        assert _call(api, "GET", f"/complaints/{filed['id']}", api["keys"][role]).status_code == 401


@pytest.mark.parametrize("role", ROLES)
def test_the_queue_answers_reviewers_and_supervisors_only(api, role):
    filed = _file(api)
    allowed = role in ("reviewer", "supervisor")
    listing = _call(api, "GET", "/admin/complaints", api["keys"][role])
    read = _call(api, "GET", f"/admin/complaints/{filed['id']}", api["keys"][role])
    ack = _call(api, "POST", f"/admin/complaints/{filed['id']}/acknowledge", api["keys"][role])
    escalate = _call(api, "POST", f"/admin/complaints/{filed['id']}/escalate", api["keys"][role])
    assert [r.status_code for r in (listing, read, ack)] == ([200, 200, 200] if allowed else [403, 403, 403])
    assert escalate.status_code == (200 if role == "supervisor" else 403)
    assert _call(api, "GET", "/admin/complaints", api["zoe"]).status_code == 401


def test_a_complaint_worked_to_a_resolution_is_audited_at_every_step_without_its_text(api):
    filed = _file(api, text="My card 6222 0200 0000 0001 was charged twice")
    reviewer, cid = api["keys"]["reviewer"], filed["id"]
    early = _call(api, "POST", f"/admin/complaints/{cid}/responses", reviewer, {"text": "Looking"})
    assert early.status_code == 409 and early.json()["type"] == "complaint-invalid-transition"
    assert _call(api, "POST", f"/admin/complaints/{cid}/acknowledge", reviewer).status_code == 200
    assert (
        _call(api, "POST", f"/admin/complaints/{cid}/responses", reviewer, {"text": "Looking"}).status_code
        == 200
    )
    resolved = _call(
        api,
        "POST",
        f"/admin/complaints/{cid}/resolution",
        reviewer,
        {"outcome": "upheld", "text": "Refunded"},
    )
    assert resolved.status_code == 200 and resolved.json()["status"] == "resolved"
    seen = _call(api, "GET", f"/complaints/{cid}", api["zoe"]).json()
    assert [(m["kind"], m["author"]) for m in seen["messages"]] == [
        ("response", "platform"),
        ("resolution", "platform"),
    ]
    accepted = _call(api, "POST", f"/complaints/{cid}/accept", api["zoe"], {})
    assert accepted.status_code == 200 and accepted.json()["status"] == "closed"
    with api["server"].session() as session:
        audit = session.scalars(select(AuditLog).where(AuditLog.object_id == cid).order_by(AuditLog.id)).all()
    assert [a.action for a in audit] == [
        "complaint.filed",
        "complaint.acknowledged",
        "complaint.responded",
        "complaint.resolved",
        "complaint.accepted",
    ]
    assert all("6222" not in f"{a.before}{a.after}" for a in audit)


def test_a_missed_deadline_opens_mediation_to_the_wallet_and_the_queue_shows_the_breach(api):
    filed = _file(api, who="yan")
    refused = _call(api, "POST", f"/complaints/{filed['id']}/mediation", api["yan"])
    assert refused.status_code == 409 and refused.json()["type"] == "complaint-sla-not-breached"
    api["clock"].now = MONDAY + timedelta(days=3)  # Thursday: the acknowledgement was due Wednesday
    try:
        breached = _call(api, "GET", "/admin/complaints?breached=true&status=open", api["keys"]["reviewer"])
        assert filed["id"] in [c["id"] for c in breached.json()["items"]]
        escalated = _call(api, "POST", f"/complaints/{filed['id']}/mediation", api["yan"])
        assert escalated.status_code == 200
        assert (escalated.json()["status"], escalated.json()["escalationReason"]) == (
            "escalated",
            "acknowledgement_overdue",
        )
    finally:
        api["clock"].now = MONDAY


def test_bad_filings_are_problems(api):
    unknown = _call(api, "POST", "/complaints", api["zoe"], {"category": "fees", "text": "x", "loanId": 999})
    assert unknown.status_code == 422 and unknown.json()["type"] == "complaint-unknown-loan"
    long = _call(api, "POST", "/complaints", api["zoe"], {"category": "fees", "text": "x" * 5001})
    assert long.status_code == 422 and long.json()["type"] == "complaint-text-too-long"
    for body in (
        {"category": "weather", "text": "x"},
        {"category": "fees", "text": ""},
        {"category": "fees"},
    ):
        assert _call(api, "POST", "/complaints", api["zoe"], body).status_code == 422
    assert _call(api, "GET", "/complaints/not-a-uuid", api["zoe"]).status_code == 422


def test_the_figures_are_public(api):
    _file(api)
    figures = httpx.get(f"{api['url']}/v2/complaints/figures", timeout=30).json()
    assert figures["received"] >= 1 and figures["byCategory"]["fees"] >= 1
    past = httpx.get(
        f"{api['url']}/v2/complaints/figures", params={"asOf": "2027-02-01T00:00:00Z"}, timeout=30
    )
    assert past.status_code == 200 and past.json()["received"] == 0


def test_a_time_without_an_offset_is_utc_and_a_forged_cursor_is_a_problem(api):
    naive = httpx.get(
        f"{api['url']}/v2/complaints/figures", params={"asOf": "2027-02-01T00:00:00"}, timeout=30
    )
    assert naive.status_code == 200 and naive.json()["asOf"] == "2027-02-01T00:00:00Z"
    forged = encode_cursor("complaints:queue:None:None", {"t": 2**62, "id": "x"})
    reply = _call(api, "GET", f"/admin/complaints?cursor={forged}", api["keys"]["reviewer"])
    assert reply.status_code == 422 and reply.json()["type"] == "invalid-cursor"
