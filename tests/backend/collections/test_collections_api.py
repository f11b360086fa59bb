"""The collections API over HTTP: only collectors and supervisors reach it; a collector lists and works
only the cases assigned to it (another's is a 404), a supervisor sees every case and assigns them (to
collectors only); bad input is a problem document, never a 500; the contact note is encrypted at rest."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import select

from backend.collections import service
from backend.collections.config import CollectionsSettings
from backend.collections.models import CollectionCase, CollectionContact
from backend.core.models import AuditLog
from backend.servicing.clock import DAY
from tests.backend.factories.clock import CHAIN_NOW
from tests.backend.factories.read_models import chain_block, loan
from tests.backend.factories.wallets import wallet

ROLES = ("collector", "supervisor", "admin", "reviewer", "compliance", "regulator")
DUE = CHAIN_NOW + 3 * DAY
NOW = DUE + 2 * DAY


def _key(server, *roles: str) -> tuple[str, str]:
    reply = httpx.post(
        f"{server}/v2/admin/api-keys",
        headers={"X-API-Key": server.admin_key},
        json={"name": f"collections-{'-'.join(roles)}", "roles": list(roles)},
        timeout=30,
    )
    assert reply.status_code == 201, reply.text
    return reply.json()["id"], reply.json()["key"]


@pytest.fixture(scope="module")
def api(live_server):
    with live_server.session() as session:
        chain_block(session, CHAIN_NOW)
        loans = [loan(session, wallet(f"collections-api-{i}"), first_due_at=DUE, term=6) for i in range(6)]
        chain_block(session, NOW)
        session.commit()
        service.process(session, CollectionsSettings())
        cases = [c.id for c in session.scalars(select(CollectionCase).order_by(CollectionCase.id))]
    assert len(cases) == len(loans)
    keys = {role: _key(live_server, role) for role in ROLES}
    kim_id, kim = keys["collector"]
    lou_id, lou = _key(live_server, "collector")
    return {
        "url": str(live_server),
        "server": live_server,
        "cases": cases,
        "keys": {role: {"X-API-Key": key} for role, (_, key) in keys.items()},
        "kim": ({"X-API-Key": kim}, kim_id),
        "lou": ({"X-API-Key": lou}, lou_id),
    }


def _call(api, method, path, headers, body=None):
    return httpx.request(
        method, f"{api['url']}/v2/admin/collections{path}", headers=headers, json=body, timeout=30
    )


def _assign(api, case_id, assignee):
    reply = _call(
        api, "POST", f"/cases/{case_id}/assignment", api["keys"]["supervisor"], {"assignee": assignee}
    )
    assert reply.status_code == 200, reply.text
    return reply.json()


@pytest.mark.parametrize("role", ROLES)
def test_only_collectors_and_supervisors_reach_the_queue(api, role):
    case_id = api["cases"][0]
    headers = api["keys"][role]
    listing = _call(api, "GET", "/cases", headers)
    read = _call(api, "GET", f"/cases/{case_id}", headers)
    figures = _call(api, "GET", "/metrics", headers)
    assign = _call(api, "POST", f"/cases/{case_id}/assignment", headers, {"assignee": None})
    if role == "supervisor":
        assert [r.status_code for r in (listing, read, figures, assign)] == [200, 200, 200, 200]
        assert {c["id"] for c in listing.json()["items"]} >= set(api["cases"])
    elif role == "collector":  # no case assigned to this key: an empty queue, and a 404 for the case
        assert (listing.status_code, listing.json()["items"], read.status_code) == (200, [], 404)
        assert read.json()["type"] == "collection-case-not-found"
        assert (figures.status_code, assign.status_code) == (200, 403)
    else:
        assert [r.status_code for r in (listing, read, figures, assign)] == [403, 403, 403, 403]
    assert _call(api, "GET", "/cases", {}).status_code == 401


def test_a_collector_works_only_its_assigned_cases(api):
    (kim, kim_id), (lou, _) = api["kim"], api["lou"]
    mine, other = api["cases"][1], api["cases"][2]
    assigned = _assign(api, mine, kim_id)
    assert assigned["assignee"] == kim_id and assigned["assignedAt"] is not None
    assert [c["id"] for c in _call(api, "GET", "/cases", kim).json()["items"]] == [mine]
    assert _call(api, "GET", "/cases", lou).json()["items"] == []
    contact = {
        "channel": "phone",
        "outcome": "reached",
        "reason": "illness",
        "note": "In hospital until Friday",
    }
    logged = _call(api, "POST", f"/cases/{mine}/contacts", kim, contact)
    assert logged.status_code == 201, logged.text
    assert logged.json()["contacts"][0]["note"] == "In hospital until Friday"
    assert logged.json()["slas"][0]["metAt"] is not None
    promise = {"amount": "100000000", "promisedFor": "2027-03-08"}
    made = _call(api, "POST", f"/cases/{mine}/promises", kim, promise)
    assert made.status_code == 201, made.text
    assert (
        made.json()["promises"][0]["status"] == "open" and made.json()["promises"][0]["amount"] == "100000000"
    )
    for method, path, body in (
        ("GET", f"/cases/{mine}", None),
        ("POST", f"/cases/{mine}/contacts", contact),
        ("POST", f"/cases/{other}/contacts", contact),
        ("GET", f"/cases/{other}", None),
    ):
        assert _call(api, method, path, lou, body).status_code == 404  # another's case is not found
    assert _call(api, "POST", f"/cases/{other}/contacts", kim, contact).status_code == 404
    assert _call(api, "POST", f"/cases/{mine}/assignment", kim, {"assignee": None}).status_code == 403
    with api["server"].session() as session:
        stored = session.scalars(select(CollectionContact).where(CollectionContact.case_id == mine)).one()
        assert "hospital" not in (stored.note_ciphertext or "")
        audit = session.scalars(select(AuditLog).where(AuditLog.object_type == "collection_case")).all()
        assert "collections.case.contacted" in {a.action for a in audit}
        assert all("hospital" not in f"{a.before}{a.after}" for a in audit)


def test_bad_input_is_a_problem(api):
    supervisor = api["keys"]["supervisor"]
    case_id = api["cases"][3]
    reviewer_id = _key(api["server"], "reviewer")[0]
    cases = [
        (
            "POST",
            f"/cases/{case_id}/assignment",
            {"assignee": reviewer_id},
            422,
            "collection-not-a-collector",
        ),
        ("POST", f"/cases/{case_id}/assignment", {"assignee": "x", "extra": 1}, 422, None),
        ("POST", f"/cases/{case_id}/promises", {"amount": 100, "promisedFor": "2027-03-08"}, 422, None),
        (
            "POST",
            f"/cases/{case_id}/promises",
            {"amount": "100", "promisedFor": "2027-05-01"},
            422,
            "collection-promise-date",
        ),
        (
            "POST",
            f"/cases/{case_id}/promises",
            {"amount": "0", "promisedFor": "2027-03-08"},
            422,
            "collection-invalid-amount",
        ),
        ("POST", f"/cases/{case_id}/promises", {"amount": "10", "promisedFor": "March"}, 422, None),
        ("POST", f"/cases/{case_id}/contacts", {"channel": "pigeon", "outcome": "reached"}, 422, None),
        ("POST", f"/cases/{case_id}/legal-referral", None, 409, "collection-not-legal-tier"),
        ("GET", "/cases/0", None, 422, None),
        ("GET", "/cases/99999999", None, 404, "collection-case-not-found"),
        ("GET", "/cases?cursor=forged", None, 422, None),
        ("GET", "/cases?tier=4", None, 422, None),
        ("GET", "/metrics?months=0", None, 422, None),
    ]
    for method, path, body, status, kind in cases:
        reply = _call(api, method, path, supervisor, body)
        assert reply.status_code == status, (path, body, reply.text)
        assert reply.headers["content-type"].startswith("application/problem+json")
        if kind:
            assert reply.json()["type"] == kind
    first = _call(
        api, "POST", f"/cases/{case_id}/promises", supervisor, {"amount": "10", "promisedFor": "2027-03-08"}
    )
    assert first.status_code == 201
    again = _call(
        api, "POST", f"/cases/{case_id}/promises", supervisor, {"amount": "10", "promisedFor": "2027-03-08"}
    )
    assert again.status_code == 409 and again.json()["type"] == "collection-promise-open"


def test_the_figures_are_answered_at_the_chains_time(api):
    reply = _call(api, "GET", "/metrics?months=2", api["keys"]["supervisor"])
    assert reply.status_code == 200
    body = reply.json()
    assert body["asOf"].startswith("2027-03-06") and len(body["rollRates"]) == 2
    assert [c["tier"] for c in body["cureByTier"]] == [1, 2, 3] and body["open"] >= len(api["cases"])


def test_metrics_carry_the_collection_families(api):
    scrape = httpx.get(f"{api['url']}/metrics", headers={"X-API-Key": api["server"].admin_key}, timeout=30)
    assert scrape.status_code == 200
    text = scrape.text
    assert 'peerlend_collections_open_cases{tier="1"}' in text
    assert "peerlend_collections_cases_opened_total" in text
    assert 'peerlend_collections_notices_total{status="sent",tier="1"}' in text
