"""The /v2/aml HTTP contract on a live server: status codes, problem types, bodies, and authorization per
role (compliance only, regulators for filed reports), with four eyes enforced on every other role."""

from __future__ import annotations

import csv
import io
import json

import httpx
import pytest

from backend.aml.signing import verify_export
from tests.backend.aml.script import USD, Script
from tests.backend.factories.wallets import wallet
from tests.support.server import create_operator_key

LARGE = 50_000 * USD
OTHER_ROLES = ("admin", "reviewer", "oracle", "collector", "supervisor", "regulator")
NARRATIVE = "Two large fundings a day apart by one lender with no income on file."


@pytest.fixture(scope="module")
def server(live_server):
    """The live server's database with two cases: two large fundings by one lender, one by another."""
    with live_server.session() as session:
        chain = Script(session)
        borrower, lender, other = wallet(), wallet(), wallet()
        for n, w in enumerate((borrower, lender, other)):
            chain.attest(w, "0x" + f"{n + 1:064x}")
        loan = chain.list_loan(borrower, 3 * LARGE)
        chain.fund(loan, lender, LARGE)
        chain.later(86_400)
        chain.fund(loan, lender, LARGE)
        chain.fund(loan, other, LARGE)
        session.commit()
    return live_server


@pytest.fixture(scope="module")
def keys(server) -> dict[str, str]:
    roles = {role: create_operator_key(server, role) for role in OTHER_ROLES}
    roles["compliance"] = create_operator_key(server, "compliance")
    roles["compliance2"] = create_operator_key(server, "compliance")
    return roles


def client(server, keys, role: str) -> httpx.Client:
    return server.client(headers={"X-API-Key": keys[role]})


def cases(server, keys) -> list[dict]:
    return client(server, keys, "compliance").get("/v2/aml/cases").json()["items"]


def test_alerts_and_cases_need_an_operator_key(server):
    for path in ("/v2/aml/alerts", "/v2/aml/cases", "/v2/aml/cases/1", "/v2/aml/reports/1"):
        reply = httpx.get(f"{server}{path}")
        assert reply.status_code == 401 and reply.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize("role", OTHER_ROLES)
def test_only_compliance_reads_alerts_and_cases(server, keys, role):
    http = client(server, keys, role)
    for path in ("/v2/aml/alerts", "/v2/aml/cases", "/v2/aml/cases/1", "/v2/aml/cases/1/report"):
        reply = http.get(path)
        assert reply.status_code == 403 and reply.json()["type"] == "forbidden", (role, path)


def test_alerts_carry_their_rule_transactions_amounts_and_score_in_pages(server, keys):
    http = client(server, keys, "compliance")
    first = http.get("/v2/aml/alerts", params={"limit": 2}).json()
    assert len(first["items"]) == 2 and first["nextCursor"]
    rest = http.get("/v2/aml/alerts", params={"limit": 2, "cursor": first["nextCursor"]}).json()
    alerts = first["items"] + rest["items"]
    assert rest["nextCursor"] is None and len(alerts) == 3
    alert = alerts[0]
    assert alert["rule"] == "large_transaction" and alert["amount"] == str(LARGE) and alert["score"] == 50
    [tx] = alert["transactions"]
    assert set(tx) == {"txHash", "logIndex", "blockNumber", "wallet", "kind", "amount", "timestamp"}
    assert (tx["txHash"], tx["amount"], tx["timestamp"].endswith("Z")) == (alert["txHash"], str(LARGE), True)
    assert http.get(f"/v2/aml/alerts/{alert['id']}").json() == alert
    assert http.get("/v2/aml/alerts", params={"rule": "structuring"}).json()["items"] == []


def test_bad_queries_and_ids_are_problems(server, keys):
    http = client(server, keys, "compliance")
    assert http.get("/v2/aml/alerts", params={"cursor": "nonsense"}).json()["type"] == "invalid-cursor"
    wrong_list = http.get("/v2/aml/cases", params={"limit": 1}).json()["nextCursor"]
    assert http.get("/v2/aml/alerts", params={"cursor": wrong_list}).status_code == 422
    assert http.get("/v2/aml/alerts", params={"rule": "gossip"}).json()["type"] == "validation-error"
    assert http.get("/v2/aml/alerts", params={"limit": 0}).status_code == 422
    missing = http.get("/v2/aml/alerts/999999")
    assert missing.status_code == 404 and missing.json()["type"] == "aml-alert-not-found"
    assert http.get("/v2/aml/cases/0").status_code == 422
    assert http.get("/v2/aml/cases/999999").json()["type"] == "aml-case-not-found"
    assert http.get("/v2/aml/reports/999999").json()["type"] == "aml-report-not-found"


def test_alerts_about_one_lender_are_one_case(server, keys):
    found = cases(server, keys)
    assert sorted(c["alertCount"] for c in found) == [1, 2]
    detail = client(server, keys, "compliance").get(f"/v2/aml/cases/{found[-1]['id']}").json()
    assert [a["rule"] for a in detail["alerts"]] == ["large_transaction"] * detail["alertCount"]
    assert detail["wallets"] and detail["wallets"][0]["frozen"] is False and detail["narrative"] is None


def test_a_disposition_body_is_validated(server, keys):
    http, case = client(server, keys, "compliance"), cases(server, keys)[0]
    path = f"/v2/aml/cases/{case['id']}/dispositions"
    for body in (
        {"action": "escalate", "reason": "short"},
        {"action": "bury", "reason": "a long enough reason"},
        {"action": "escalate", "reason": "a long enough reason", "note": "unknown key"},
        {"action": "escalate"},
    ):
        reply = http.post(path, json=body)
        assert reply.status_code == 422 and reply.json()["type"] == "validation-error", body
    assert (
        http.post(
            "/v2/aml/cases/999999/dispositions", json={"action": "escalate", "reason": "x" * 12}
        ).status_code
        == 404
    )


@pytest.mark.parametrize("role", OTHER_ROLES)
def test_no_other_role_may_propose_approve_or_reject(server, keys, role):
    http = client(server, keys, role)
    assert (
        http.post("/v2/aml/cases/1/dispositions", json={"action": "escalate", "reason": "x" * 12}).status_code
        == 403
    )
    for decision in ("approve", "reject"):
        reply = http.post(f"/v2/aml/dispositions/1/{decision}", json={"reason": "x" * 12})
        assert reply.status_code == 403 and reply.json()["type"] == "forbidden", (role, decision)


def test_four_eyes_the_proposer_cannot_decide_and_a_second_officer_can(server, keys):
    first, second = client(server, keys, "compliance"), client(server, keys, "compliance2")
    case = cases(server, keys)[0]
    proposed = first.post(
        f"/v2/aml/cases/{case['id']}/dispositions",
        json={"action": "freeze", "reason": "two large fundings in a day"},
    )
    assert proposed.status_code == 201 and proposed.json()["status"] == "proposed"
    assert proposed.json()["reason"] == "two large fundings in a day"
    disposition = proposed.json()["id"]
    again = first.post(
        f"/v2/aml/cases/{case['id']}/dispositions", json={"action": "escalate", "reason": "x" * 12}
    )
    assert again.status_code == 409 and again.json()["type"] == "aml-disposition-pending"
    for decision in ("approve", "reject"):
        own = first.post(f"/v2/aml/dispositions/{disposition}/{decision}", json={"reason": "my own proposal"})
        assert own.status_code == 403 and own.json()["type"] == "aml-four-eyes"
    # The second officer gets past four eyes; this server holds no compliance key to send a freeze with.
    unsendable = second.post(f"/v2/aml/dispositions/{disposition}/approve", json={"reason": "agreed, freeze"})
    assert unsendable.status_code == 409 and unsendable.json()["type"] == "compliance-signer-missing"
    rejected = second.post(f"/v2/aml/dispositions/{disposition}/reject", json={"reason": "not without a key"})
    assert rejected.status_code == 200 and rejected.json()["status"] == "rejected"
    assert rejected.json()["decidedBy"].startswith("operator:")
    twice = second.post(f"/v2/aml/dispositions/{disposition}/reject", json={"reason": "not without a key"})
    assert twice.status_code == 409 and twice.json()["type"] == "aml-disposition-not-pending"
    assert second.post("/v2/aml/dispositions/999999/approve", json={"reason": "x" * 12}).status_code == 404


def test_case_reports_export_signed_as_json_and_csv(server, keys):
    http, case = client(server, keys, "compliance"), cases(server, keys)[-1]
    as_json = http.get(f"/v2/aml/cases/{case['id']}/report")
    assert as_json.status_code == 200 and as_json.headers["content-type"] == "application/json"
    sig = (as_json.headers[h] for h in ("X-Report-Signature", "X-Report-Signer", "X-Report-SHA256"))
    signature, signer, sha256 = sig
    assert verify_export(as_json.content, signature, signer, sha256)
    doc = json.loads(as_json.content)
    assert doc["caseId"] == case["id"] and doc["rules"] == ["large_transaction"] and doc["transactions"]
    as_csv = http.get(f"/v2/aml/cases/{case['id']}/report", params={"format": "csv"})
    assert (
        as_csv.headers["content-type"].startswith("text/csv")
        and "attachment" in as_csv.headers["content-disposition"]
    )
    assert verify_export(as_csv.content, as_csv.headers["X-Report-Signature"], signer)
    rows = list(csv.DictReader(io.StringIO(as_csv.text)))
    assert {r["record"] for r in rows} == {"case", "wallet", "alert", "transaction", "narrative"}
    assert http.get(f"/v2/aml/cases/{case['id']}/report", params={"format": "xml"}).status_code == 422


def test_a_filed_report_is_read_by_compliance_and_regulators_only(server, keys):
    first, second = client(server, keys, "compliance"), client(server, keys, "compliance2")
    case = cases(server, keys)[-1]
    path = f"/v2/aml/cases/{case['id']}/dispositions"
    assert (
        first.post(path, json={"action": "report", "reason": "x" * 12}).json()["type"]
        == "aml-narrative-required"
    )
    proposed = first.post(
        path, json={"action": "report", "reason": "large fundings, no income", "narrative": NARRATIVE}
    )
    approved = second.post(
        f"/v2/aml/dispositions/{proposed.json()['id']}/approve", json={"reason": "file it today"}
    )
    assert approved.status_code == 200 and approved.json()["status"] == "effective", approved.text
    report_id = approved.json()["outcome"]["reportId"]
    for role in ("compliance", "regulator"):
        filed = client(server, keys, role).get(f"/v2/aml/reports/{report_id}")
        assert filed.status_code == 200
        assert verify_export(
            filed.content, filed.headers["X-Report-Signature"], filed.headers["X-Report-Signer"]
        )
        assert json.loads(filed.content)["narrative"] == NARRATIVE
    assert client(server, keys, "collector").get(f"/v2/aml/reports/{report_id}").status_code == 403
    closed = first.post(path, json={"action": "escalate", "reason": "x" * 12})
    assert closed.status_code == 409 and closed.json()["type"] == "aml-case-closed"
    assert first.get(f"/v2/aml/cases/{case['id']}").json()["status"] == "reported"


def test_a_sanctions_list_upload_queues_every_identity(server, keys):
    http = client(server, keys, "compliance")
    body = {
        "version": "2027-03",
        "entries": [{"id": "X-1", "list": "UN", "name": "Nobody Atall", "dob": "1970-01-01"}],
    }
    uploaded = http.post("/v2/aml/sanctions-lists", json=body)
    assert uploaded.status_code == 202, uploaded.text
    listed = uploaded.json()
    assert (listed["entries"], listed["overdue"], listed["pending"]) == (1, False, listed["identities"])
    assert http.get(f"/v2/aml/sanctions-lists/{listed['id']}").json()["dueAt"] == listed["dueAt"]
    assert http.get("/v2/aml/sanctions-lists/999999").json()["type"] == "aml-sanctions-list-not-found"
    for bad in (
        {"version": "v", "entries": []},
        {**body, "entries": [{"id": "X", "list": "UN", "name": "N", "dob": "70"}]},
    ):
        assert http.post("/v2/aml/sanctions-lists", json=bad).status_code == 422
    assert client(server, keys, "reviewer").post("/v2/aml/sanctions-lists", json=body).status_code == 403


def test_metrics_count_open_alerts_and_cases(server):
    text = httpx.get(f"{server}/metrics").text
    assert 'peerlend_aml_cases{status="' in text and "peerlend_aml_screening_pending" in text
