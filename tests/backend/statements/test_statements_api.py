"""The statements API over HTTP: who may read a wallet's statement, in which format, and what a bad
period or Accept header gets; the PDF parses and says the JSON's figures."""

from __future__ import annotations

import csv
import io

import httpx
import pytest
from pypdf import PdfReader
from sqlalchemy import select

from backend.core.models import AuditLog
from backend.statements.pdf import units
from tests.backend.factories.wallets import account
from tests.backend.statements.test_monthly_statement import ANA, tell
from tests.support.server import auth_headers, create_operator_key, siwe_login

ANA_ACCOUNT = account("statement-ana")
assert ANA_ACCOUNT.address == ANA
OTHER = account("statement-other")
MARCH = f"/v2/wallets/{ANA}/statements/2027-03"


@pytest.fixture(scope="module")
def api(live_server):
    with live_server.session() as session:
        tell(session)
    keys = {role: create_operator_key(live_server, role) for role in ("reviewer", "admin", "regulator")}
    return {
        "url": str(live_server),
        "server": live_server,
        "ana": auth_headers(siwe_login(str(live_server), ANA_ACCOUNT)),
        "other": auth_headers(siwe_login(str(live_server), OTHER)),
        "keys": keys,
    }


def _get(api, path, headers=None, **params):
    return httpx.get(f"{api['url']}{path}", headers=headers or {}, params=params, timeout=30)


def test_the_wallet_reads_its_own_statement_and_another_wallet_is_forbidden(api):
    own = _get(api, MARCH, api["ana"])
    assert own.status_code == 200 and own.headers["content-type"].startswith("application/json")
    body = own.json()
    assert body["period"] == "2027-03" and body["final"] is True and body["wallet"] == ANA
    assert isinstance(body["totals"]["repayments"], str) and int(body["totals"]["repayments"]) > 0
    other = _get(api, MARCH, api["other"])
    assert other.status_code == 403 and other.json()["type"] == "forbidden"
    assert _get(api, MARCH).status_code == 401


def test_a_reviewer_may_read_any_wallets_statement_and_the_read_is_audited_other_roles_may_not(api):
    reviewer = _get(api, MARCH, {"X-API-Key": api["keys"]["reviewer"]})
    assert reviewer.status_code == 200
    with api["server"].session() as session:
        reads = session.scalars(select(AuditLog).where(AuditLog.action == "statement.read")).all()
    assert [r.object_id for r in reads] == [f"{ANA}:2027-03"]
    for role in ("admin", "regulator"):
        refused = _get(api, MARCH, {"X-API-Key": api["keys"][role]})
        assert refused.status_code == 403, role


def test_csv_by_accept_or_format_has_one_row_per_entry_and_the_totals(api):
    by_accept = _get(api, MARCH, {**api["ana"], "Accept": "text/csv"})
    by_query = _get(api, MARCH, api["ana"], format="csv")
    assert by_accept.text == by_query.text and by_accept.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(by_accept.text)))
    body = _get(api, MARCH, api["ana"]).json()
    totals = {r["name"]: r["amount"] for r in rows if r["record"] == "total"}
    assert totals["totals.repayments"] == body["totals"]["repayments"]
    assert totals["positions.closingPrincipal"] == body["positions"]["closingPrincipal"]
    assert len([r for r in rows if r["record"] == "entry"]) == len(body["entries"])


def test_the_pdf_parses_and_writes_the_figures_exactly(api):
    reply = _get(api, MARCH, {**api["ana"], "Accept": "application/pdf"})
    assert reply.status_code == 200 and reply.headers["content-type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(reply.content)).pages)
    body = _get(api, MARCH, api["ana"]).json()
    assert "Monthly statement 2027-03" in text and ANA in text
    for figure in (
        body["positions"]["closingPrincipal"],
        body["totals"]["repayments"],
        body["totals"]["interest"],
    ):
        assert units(int(figure), 6) in text
    annual = _get(api, f"/v2/wallets/{ANA}/statements/annual/2027", api["ana"], format="pdf")
    annual_text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(annual.content)).pages)
    assert "Net annualised return (XIRR)" in annual_text


def test_the_annual_summary_carries_its_xirr_and_cash_flows(api):
    body = _get(api, f"/v2/wallets/{ANA}/statements/annual/2027", api["ana"]).json()
    assert isinstance(body["xirrBps"], int) and body["cashFlows"][0]["amount"].startswith("-")
    assert body["final"] is False  # the index is in August


@pytest.mark.parametrize(
    ("path", "headers", "status", "kind"),
    [
        ("/statements/2027-13", {}, 422, "validation-error"),
        ("/statements/27-03", {}, 422, "validation-error"),
        ("/statements/2031-01", {}, 422, "statement-period-not-started"),
        ("/statements/annual/1969", {}, 422, "validation-error"),
        ("/statements/9999-12", {}, 422, "validation-error"),
        ("/statements/2027-03", {"Accept": "image/png"}, 406, "not-acceptable"),
        ("/statements/2027-03?format=xml", {}, 422, "validation-error"),
    ],
)
def test_bad_periods_and_formats_are_problems(api, path, headers, status, kind):
    reply = httpx.get(f"{api['url']}/v2/wallets/{ANA}{path}", headers={**api["ana"], **headers}, timeout=30)
    assert reply.status_code == status and reply.json()["type"] == kind, reply.text
