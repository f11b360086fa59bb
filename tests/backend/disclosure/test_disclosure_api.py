"""The disclosure API over HTTP on a live server whose index holds the scripted book (book_story.py):
public figures cached until the index moves, snapshots and their exact bytes, the loan page, the admin's
publishing pass, and the regulator's exports, which only the regulator role may take."""

from __future__ import annotations

import hashlib
import json
import time

import httpx
import pytest
from fastapi.routing import APIRoute
from sqlalchemy import select

from backend.api import ROUTERS
from backend.core.models import AuditLog
from backend.disclosure.canonical import canonical_bytes
from backend.disclosure.config import DisclosureSettings
from backend.disclosure.publishing import publish_due
from backend.disclosure.signing import verify_export
from tests.backend.disclosure.book_story import DAY, MAR_1, store
from tests.backend.factories.wallets import account
from tests.support.server import auth_headers, create_operator_key, siwe_login

ROLES = ("admin", "reviewer", "compliance", "oracle", "collector", "supervisor", "regulator")
AS_OF = MAR_1 + 2 * DAY
INTERVAL = 0.05


def _until(condition, timeout: float = 10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := condition():
            return value
        time.sleep(INTERVAL)
    raise AssertionError("condition not met in time")


@pytest.fixture(scope="module")
def api(module_server_factory):
    server = module_server_factory(rate_limit_enabled=False, read_cache_interval_seconds=INTERVAL)
    with server.session() as session:
        store(session, AS_OF)
        session.commit()
    sessions = server.app.state.sessionmaker
    published = publish_due(sessions, server.app.state.engine, 31337, DisclosureSettings(env="test"), None)
    url = str(server)
    return {
        "url": url,
        "server": server,
        "published": published,
        "keys": {role: {"X-API-Key": create_operator_key(server, role)} for role in ROLES},
        "wallet": auth_headers(siwe_login(url, account("disclosure-reader"))),
    }


def _get(api, path, headers=None, **params):
    return httpx.get(f"{api['url']}/v2{path}", headers=headers or {}, params=params, timeout=30)


def test_the_platform_figures_are_public_and_kept_until_the_index_moves(api):
    first = _get(api, "/disclosure/platform")
    assert first.status_code == 200 and first.headers["cache-control"] == "no-cache"
    body = first.json()
    assert body["schemaVersion"] == "platform-disclosure/1" and body["asOf"] == "2027-03-03T00:00:00Z"
    assert body["volume"]["cumulative"] == {"loans": 4, "principal": "3800000000"}  # decimal strings
    hit = _until(lambda: (r := _get(api, "/disclosure/platform")).headers.get("x-read-cache") == "hit" and r)
    assert hit.content == first.content
    again = _get(api, "/disclosure/platform", {"If-None-Match": hit.headers["etag"]})
    assert again.status_code == 304 and again.content == b""


def test_publishing_without_a_chain_stores_the_ended_months_and_waits_to_anchor_them(api):
    # January and February 2027 have ended on the index's clock; March has not
    assert api["published"].computed == ["2027-01", "2027-02"] and api["published"].sent == []
    january = _get(api, "/disclosure/snapshots/2027-01")
    assert january.status_code == 200
    snapshot = january.json()
    assert (snapshot["status"], snapshot["anchor"], snapshot["period"]) == ("computed", None, "2027-01")
    document = snapshot["document"]
    assert (document["period"], document["chainId"], document["schemaVersion"]) == (
        "2027-01",
        31337,
        "disclosure-snapshot/1",
    )
    assert document["figures"]["asOf"] == "2027-02-01T00:00:00Z"


def test_the_snapshot_document_is_the_bytes_whose_hash_is_published(api):
    snapshot = _get(api, "/disclosure/snapshots/2027-02").json()
    raw = _get(api, "/disclosure/snapshots/2027-02/document")
    assert raw.status_code == 200 and raw.headers["content-type"] == "application/json"
    digest = hashlib.sha256(raw.content).hexdigest()
    assert digest == snapshot["sha256"] == raw.headers["x-content-sha256"]
    # canonical: what anyone writes out again from the parsed document (keys sorted, no whitespace)
    assert canonical_bytes(raw.json()) == raw.content and json.loads(raw.content) == snapshot["document"]
    assert raw.content.startswith(b'{"chainId":31337,"figures":{"asOf":"2027-03-01T00:00:00Z"')


@pytest.mark.parametrize(
    ("period", "status", "kind"),
    [
        ("2027-03", 409, "disclosure-period-not-ended"),  # the index's current month
        ("2031-07", 409, "disclosure-period-not-ended"),  # a month to come
        ("9999-12", 409, "disclosure-period-not-ended"),
        ("2026-12", 404, "disclosure-snapshot-not-found"),  # ended, before the first indexed event
        ("1969-12", 422, "invalid-period"),
        ("0000-01", 422, "invalid-period"),
        ("2027-13", 422, "validation-error"),
        ("2027-00", 422, "validation-error"),
        ("2027-1", 422, "validation-error"),
        ("2027-01-01", 422, "validation-error"),
        ("27-01", 422, "validation-error"),
        ("２０２７-01", 422, "validation-error"),  # ASCII digits only
    ],
)
def test_a_month_not_published_or_not_a_month_is_a_problem(api, period, status, kind):
    for path in (f"/disclosure/snapshots/{period}", f"/disclosure/snapshots/{period}/document"):
        reply = _get(api, path)
        assert (reply.status_code, reply.json()["type"]) == (status, kind), path
        assert reply.headers["content-type"] == "application/problem+json"
    if status == 409:
        assert reply.json()["clock"] == "chain" and reply.json()["reached"] == AS_OF


@pytest.mark.parametrize(
    ("period", "status", "kind"),
    [
        ("2027-03", 409, "disclosure-period-not-ended"),
        ("9999-12", 409, "disclosure-period-not-ended"),
        ("1969-12", 422, "invalid-period"),
        ("2027-13", 422, "validation-error"),
        ("2027-1", 422, "validation-error"),
    ],
)
@pytest.mark.parametrize("kind_of_export", ["loans", "positions", "aml-cases"])
def test_an_export_of_a_month_not_ended_or_not_a_month_is_a_problem(
    api, period, status, kind, kind_of_export
):
    reply = _get(api, f"/disclosure/exports/{kind_of_export}/{period}", api["keys"]["regulator"])
    assert (reply.status_code, reply.json()["type"]) == (status, kind)
    assert reply.headers["content-type"] == "application/problem+json"


def test_the_loan_page_is_public_and_an_unknown_loan_a_404(api):
    page = _get(api, "/disclosure/loans/1")
    assert page.status_code == 200 and page.json()["borrower"]["creditGrade"] == "B"
    assert page.json()["riskNotice"]["version"] == "risk-notice/1"
    missing = _get(api, "/disclosure/loans/999")
    assert (missing.status_code, missing.json()["type"]) == (404, "not-found")
    assert _get(api, f"/disclosure/loans/{2**53}").status_code == 422


@pytest.mark.parametrize("role", ROLES)
def test_only_an_admin_runs_a_publishing_pass(api, role):
    reply = httpx.post(f"{api['url']}/v2/disclosure/snapshots/publish", headers=api["keys"][role], timeout=30)
    if role == "admin":  # allowed, but this server has no chain to anchor on
        assert (reply.status_code, reply.json()["type"]) == (409, "chain-not-configured")
    else:
        assert (reply.status_code, reply.json()["type"]) == (403, "forbidden")


@pytest.mark.parametrize("role", ROLES)
def test_only_the_regulator_takes_an_export(api, role):
    reply = _get(api, "/disclosure/exports/loans/2027-01", api["keys"][role])
    if role == "regulator":
        assert reply.status_code == 200
    else:
        assert (reply.status_code, reply.json()["type"]) == (403, "forbidden")


def test_an_export_wants_an_operator_key(api):
    assert _get(api, "/disclosure/exports/loans/2027-01").status_code == 401
    assert _get(api, "/disclosure/exports/loans/2027-01", api["wallet"]).status_code == 401


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_an_export_is_signed_reproducible_and_audited(api, fmt):
    regulator = api["keys"]["regulator"]
    first = _get(api, "/disclosure/exports/positions/2027-02", regulator, format=fmt)
    second = _get(api, "/disclosure/exports/positions/2027-02", regulator, format=fmt)
    assert first.status_code == 200 and first.content == second.content
    h = first.headers
    assert h["x-export-signature"] == second.headers["x-export-signature"]
    assert h["x-export-schema"] == "regulator-export/positions/1" and h["cache-control"] == "no-store"
    assert h["x-export-sha256"] == hashlib.sha256(first.content).hexdigest()
    assert h["content-disposition"] == f'attachment; filename="peerlend-positions-2027-02.{fmt}"'
    assert verify_export(first.content, h["x-export-signature"], h["x-export-signer"], h["x-export-sha256"])
    assert h["x-export-signer"] == DisclosureSettings(env="test").publisher
    with api["server"].session() as session:
        audits = session.scalars(
            select(AuditLog).where(
                AuditLog.action == "disclosure.export", AuditLog.object_id == f"positions/2027-02.{fmt}"
            )
        ).all()
    assert len(audits) == 2 and all(a.after["sha256"] == h["x-export-sha256"] for a in audits)
    assert all(a.actor.startswith("operator:") for a in audits)


def test_an_export_of_a_month_not_ended_or_of_no_kind_is_refused(api):
    regulator = api["keys"]["regulator"]
    open_month = _get(api, "/disclosure/exports/loans/2027-03", regulator)
    assert (open_month.status_code, open_month.json()["type"]) == (409, "disclosure-period-not-ended")
    assert open_month.json()["clock"] == "chain"
    assert _get(api, "/disclosure/exports/narratives/2027-01", regulator).status_code == 422
    assert _get(api, "/disclosure/exports/loans/2027-01", regulator, format="xml").status_code == 422


def _role_checks(dependant) -> set[str]:
    """The roles the route's role checks admit (backend/auth/dependencies.py names each check after them)."""
    found: set[str] = set()
    for dependency in dependant.dependencies:
        name = getattr(dependency.call, "__name__", "")
        if name.startswith("require_roles_"):
            found.update(name.removeprefix("require_roles_").split("_"))
        found |= _role_checks(dependency)
    return found


def test_the_regulator_role_is_read_only_across_the_whole_api():
    admitted = {
        (method, route.path)
        for router in ROUTERS
        for route in router.routes
        if isinstance(route, APIRoute) and "regulator" in _role_checks(route.dependant)
        for method in route.methods
    }
    assert ("GET", "/disclosure/exports/{kind}/{period}") in admitted
    assert {method for method, _ in admitted} == {"GET"}, sorted(admitted)


@pytest.mark.parametrize(
    "path",
    [
        "/aml/cases",  # case narratives: compliance only; the regulator sees counts in the export
        "/aml/alerts",
        "/admin/audit",
        "/admin/complaints",
        "/kyc/review-queue",
        f"/wallets/{account('disclosure-reader').address}/statements/2027-01",
    ],
)
def test_the_regulator_key_reaches_no_case_person_or_wallet_record(api, path):
    reply = _get(api, path, api["keys"]["regulator"])
    assert (reply.status_code, reply.json()["type"]) == (403, "forbidden"), path


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/disclosure/snapshots/publish"),
        ("POST", "/admin/api-keys"),
        ("POST", "/kyc/wallets/0x0000000000000000000000000000000000000001/freeze"),
    ],
)
def test_the_regulator_key_writes_nothing(api, method, path):
    reply = httpx.request(
        method, f"{api['url']}/v2{path}", headers=api["keys"]["regulator"], json={}, timeout=30
    )
    assert (reply.status_code, reply.json()["type"]) == (403, "forbidden"), path
    with api["server"].session() as session:
        assert session.scalars(select(AuditLog).where(AuditLog.action.like("kyc.%"))).first() is None
