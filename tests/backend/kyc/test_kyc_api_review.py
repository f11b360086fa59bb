"""The KYC review over HTTP: what the queue and the reviewer's view show, the problems a decision can
meet, and who may see and decide (the decision rules: test_kyc_decision_service.py and
test_kyc_review_service.py)."""

import httpx
import pytest

from tests.backend.factories.identity import sanctioned
from tests.backend.kyc.kyc_support import Wallet, submission

PROBLEM = "application/problem+json"


def applied(server, body=None) -> tuple[Wallet, dict]:
    wallet = Wallet(server)
    wallet.answer()
    reply = wallet.apply(body or submission())
    assert reply.status_code == 201, reply.text
    return wallet, reply.json()


def queue_ids(server) -> list[str]:
    reply = server.operators.http("reviewer").get("/v2/kyc/review-queue", params={"limit": 200})
    assert reply.status_code == 200, reply.text
    return [item["applicationId"] for item in reply.json()["items"]]


def test_an_application_in_review_shows_its_decision_and_the_queue_lists_it(kyc_server):
    # the decision rules themselves: test_kyc_decision_service.py
    _, app = applied(kyc_server, sanctioned())
    assert app["status"] == "in_review"
    assert app["screeningOutcome"] == "hit"
    assert "sanctions_hit" in app["reviewReasons"]
    assert app["riskLevel"] == "high" and app["eddRequired"] is True
    assert app["attestation"]["status"] == "none"
    item = next(
        i
        for i in kyc_server.operators.http("reviewer").get("/v2/kyc/review-queue").json()["items"]
        if i["applicationId"] == app["id"]
    )
    assert item["screeningMatches"][0]["entryId"] == "SAMPLE-UN-0001"
    assert item["screeningMatches"][0]["kind"] == "hit"
    assert app["id"] in queue_ids(kyc_server)


def test_reviewer_sees_decrypted_details_with_the_card_masked(kyc_server):
    body = sanctioned()
    _, app = applied(kyc_server, body)
    detail = kyc_server.operators.http("reviewer").get(f"/v2/kyc/review-queue/{app['id']}")
    assert detail.status_code == 200, detail.text
    applicant = detail.json()["applicant"]
    assert (
        applicant["fullName"] == "Viktor Drozdov"
        and applicant["nationalIdNumber"] == body["national_id_number"]
    )
    assert applicant["bankCardNumber"] == "*" * 12 + body["bank_card_number"][-4:]
    assert detail.json()["duplicateWallets"] == []
    with kyc_server.session() as session:
        from sqlalchemy import select

        from backend.core.models import AuditLog

        actions = set(session.scalars(select(AuditLog.action).where(AuditLog.object_id == app["id"])))
    assert {"kyc.application.submitted", "kyc.application.pii_viewed"} <= actions


def test_a_decision_on_a_closed_application_is_a_conflict(kyc_server):
    # what a rejection changes: test_kyc_review_service.py
    _, app = applied(kyc_server, submission(full_name="Viktor Drozdov"))
    reply = kyc_server.operators.http("reviewer").post(
        f"/v2/kyc/applications/{app['id']}/reject", json={"reason": "true_match", "note": "confirmed"}
    )
    assert reply.status_code == 200, reply.text
    assert reply.json()["status"] == "rejected" and "true_match" in reply.json()["rejectReasons"]
    again = kyc_server.operators.http("reviewer").post(
        f"/v2/kyc/applications/{app['id']}/approve", json={"reason": "oops"}
    )
    assert again.status_code == 409 and again.json()["type"] == "kyc-not-in-review"
    assert again.headers["content-type"].startswith(PROBLEM)


# ------------------------------------------------------------------------------------------ authorization


def test_wallet_reads_its_own_application(kyc_server):
    wallet, app = applied(kyc_server)
    assert wallet.http.get("/v2/kyc/application").json()["id"] == app["id"]
    assert wallet.http.get(f"/v2/kyc/applications/{app['id']}").status_code == 200


def test_another_wallet_gets_404_not_403(kyc_server):
    _, app = applied(kyc_server)
    other = Wallet(kyc_server)
    reply = other.http.get(f"/v2/kyc/applications/{app['id']}")
    assert reply.status_code == 404 and reply.headers["content-type"].startswith(PROBLEM)
    unknown = other.http.get("/v2/kyc/applications/00000000-0000-0000-0000-000000000000")
    assert unknown.status_code == 404 and unknown.json()["type"] == reply.json()["type"]
    assert other.http.get("/v2/kyc/application").status_code == 404


@pytest.mark.parametrize(
    ("role", "status"), [("reviewer", 200), ("compliance", 200), ("oracle", 403), ("admin", 403)]
)
def test_operators_reading_an_application(kyc_server, role, status):
    _, app = applied(kyc_server)
    assert kyc_server.operators.http(role).get(f"/v2/kyc/applications/{app['id']}").status_code == status


def test_reading_requires_credentials(kyc_server):
    _, app = applied(kyc_server)
    assert httpx.get(f"{kyc_server}/v2/kyc/applications/{app['id']}").status_code == 401
    bad_key = httpx.get(f"{kyc_server}/v2/kyc/applications/{app['id']}", headers={"X-API-Key": "plk_nope"})
    assert bad_key.status_code == 401


@pytest.mark.parametrize("role", ["compliance", "oracle", "admin"])
def test_reviewer_routes_refuse_other_roles(kyc_server, role):
    _, app = applied(kyc_server, submission(full_name="Viktor Drozdov"))
    client = kyc_server.operators.http(role)
    for path in (f"/v2/kyc/applications/{app['id']}/approve", f"/v2/kyc/applications/{app['id']}/reject"):
        reply = client.post(path, json={"reason": "looks_fine"})
        assert reply.status_code == 403 and reply.json()["type"] == "forbidden"
    assert client.get(f"/v2/kyc/review-queue/{app['id']}").status_code == 403
    if role != "compliance":
        assert client.get("/v2/kyc/review-queue").status_code == 403


def test_reviewer_routes_refuse_wallets(kyc_server):
    wallet, app = applied(kyc_server, submission(full_name="Viktor Drozdov"))
    assert wallet.http.get("/v2/kyc/review-queue").status_code == 401
    assert (
        wallet.http.post(f"/v2/kyc/applications/{app['id']}/approve", json={"reason": "self"}).status_code
        == 401
    )
    assert wallet.http.get("/v2/kyc/application").json()["status"] == "in_review"


def test_compliance_routes_refuse_reviewers(kyc_server):
    _, app = applied(kyc_server)
    reply = kyc_server.operators.http("reviewer").post(
        f"/v2/kyc/applications/{app['id']}/revoke", json={"reason": "fraud"}
    )
    assert reply.status_code == 403


def test_a_high_risk_approval_without_a_due_diligence_note_is_a_problem(kyc_server):
    # the note rule and the masking of notes: test_kyc_review_service.py
    _, app = applied(kyc_server, sanctioned())
    assert app["eddRequired"]
    reviewer = kyc_server.operators.http("reviewer")
    refused = reviewer.post(
        f"/v2/kyc/applications/{app['id']}/approve", json={"reason": "false_positive", "note": "ok"}
    )
    assert refused.status_code == 422 and refused.headers["content-type"].startswith(PROBLEM)
    assert refused.json()["type"] == "edd-note-required"
    assert [e["field"] for e in refused.json()["errors"]] == ["note"]
