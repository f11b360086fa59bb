"""Screening and duplicate identities route applications to the reviewer queue; who may see and decide."""

from datetime import date

import httpx
import pytest

from tests.backend.kyc.kyc_support import Wallet, cn_id, submission

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


def test_sanctions_hit_goes_to_review_with_enhanced_due_diligence(kyc_server):
    dob = date(1968, 3, 14)
    _, app = applied(
        kyc_server, submission(full_name="Viktor Drozdov", dob=dob, national_id_number=cn_id(dob))
    )
    assert app["status"] == "in_review"
    assert app["screeningOutcome"] == "hit"
    assert "sanctions_hit" in app["reviewReasons"]
    assert app["riskLevel"] == "high" and app["eddRequired"] is True
    assert app["attestation"]["status"] == "none"
    assert app["id"] in queue_ids(kyc_server)


def test_near_match_goes_to_review(kyc_server):
    dob = date(1968, 3, 14)
    _, app = applied(kyc_server, submission(full_name="Wiktor Drozd", dob=dob, national_id_number=cn_id(dob)))
    assert app["status"] == "in_review"
    assert app["screeningOutcome"] == "near_match"
    assert app["reviewReasons"][0] == "sanctions_near_match"
    item = next(
        i
        for i in kyc_server.operators.http("reviewer").get("/v2/kyc/review-queue").json()["items"]
        if i["applicationId"] == app["id"]
    )
    assert item["screeningMatches"][0]["entryId"] == "SAMPLE-UN-0001"
    assert item["screeningMatches"][0]["kind"] == "near_match"


def test_namesake_with_a_different_birth_date_is_a_near_match(kyc_server):
    _, app = applied(kyc_server, submission(full_name="Viktor Drozdov"))
    assert (app["status"], app["screeningOutcome"]) == ("in_review", "near_match")


def test_clean_applicant_is_approved_without_review(kyc_server):
    _, app = applied(kyc_server)
    assert app["status"] == "approved" and app["reviewReasons"] == [] and app["riskLevel"] == "low"
    assert app["id"] not in queue_ids(kyc_server)


def test_high_risk_jurisdiction_goes_to_review(kyc_server):
    _, app = applied(
        kyc_server, submission(jurisdiction="NG", national_id_number="NG12345678", phone="+2348031234567")
    )
    assert app["status"] == "in_review" and app["eddRequired"] and "high_risk" in app["reviewReasons"]


def test_provider_failures_reject_and_outage_goes_to_review(kyc_server):
    failed_liveness = submission(liveness_token="sandbox-fail")  # noqa: S106 - a sandbox trigger, not a secret
    assert applied(kyc_server, failed_liveness)[1]["rejectReasons"] == ["liveness_failed"]
    outage = applied(kyc_server, submission(full_name="Carol Unavailable"))[1]
    assert outage["status"] == "in_review" and outage["reviewReasons"] == ["provider_unavailable"]


def test_duplicate_identity_on_another_wallet_is_flagged(kyc_server):
    body = submission()
    first_wallet, first = applied(kyc_server, body)
    assert first["status"] == "approved"
    _, second = applied(
        kyc_server,
        {
            **submission(),
            "national_id_number": body["national_id_number"],
            "date_of_birth": body["date_of_birth"],
        },
    )
    assert second["status"] == "in_review"
    assert "duplicate_identity" in second["reviewReasons"]
    detail = kyc_server.operators.http("reviewer").get(f"/v2/kyc/review-queue/{second['id']}").json()
    assert detail["duplicateWallets"] == [first_wallet.address]


def test_reviewer_sees_decrypted_details_with_the_card_masked(kyc_server):
    dob = date(1968, 3, 14)
    body = submission(full_name="Viktor Drozdov", dob=dob, national_id_number=cn_id(dob))
    _, app = applied(kyc_server, body)
    detail = kyc_server.operators.http("reviewer").get(f"/v2/kyc/review-queue/{app['id']}")
    assert detail.status_code == 200, detail.text
    applicant = detail.json()["applicant"]
    assert (
        applicant["fullName"] == "Viktor Drozdov"
        and applicant["nationalIdNumber"] == body["national_id_number"]
    )
    assert applicant["bankCardNumber"] == "*" * 12 + body["bank_card_number"][-4:]
    with kyc_server.session() as session:
        from sqlalchemy import select

        from backend.core.models import AuditLog

        actions = set(session.scalars(select(AuditLog.action).where(AuditLog.object_id == app["id"])))
    assert {"kyc.application.submitted", "kyc.application.pii_viewed"} <= actions


def test_reviewer_rejects_with_a_reason(kyc_server):
    wallet, app = applied(kyc_server, submission(full_name="Viktor Drozdov"))
    reply = kyc_server.operators.http("reviewer").post(
        f"/v2/kyc/applications/{app['id']}/reject", json={"reason": "true_match", "note": "confirmed"}
    )
    assert reply.status_code == 200, reply.text
    assert reply.json()["status"] == "rejected" and "true_match" in reply.json()["rejectReasons"]
    assert app["id"] not in queue_ids(kyc_server)
    assert wallet.http.get("/v2/kyc/application").json()["status"] == "rejected"
    again = kyc_server.operators.http("reviewer").post(
        f"/v2/kyc/applications/{app['id']}/approve", json={"reason": "oops"}
    )
    assert again.status_code == 409 and again.json()["type"] == "kyc-not-in-review"


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


def test_high_risk_approval_needs_a_due_diligence_note_and_notes_are_masked(kyc_server):
    dob = date(1968, 3, 14)
    body = submission(full_name="Viktor Drozdov", dob=dob, national_id_number=cn_id(dob))
    _, app = applied(kyc_server, body)
    assert app["eddRequired"]
    reviewer = kyc_server.operators.http("reviewer")
    path = f"/v2/kyc/applications/{app['id']}/reject"
    approve = f"/v2/kyc/applications/{app['id']}/approve"
    refused = reviewer.post(approve, json={"reason": "false_positive", "note": "ok"})
    assert refused.status_code == 422 and refused.json()["type"] == "edd-note-required"
    note = f"source of funds checked; ID {body['national_id_number']} matches the list entry"
    assert reviewer.post(path, json={"reason": "true_match", "note": note}).status_code == 200
    with kyc_server.session() as session:
        from backend.kyc.models import KycApplication, KycReviewItem

        stored = session.get(KycApplication, app["id"]).decision_note
        item_note = session.query(KycReviewItem).filter_by(application_id=app["id"]).one().note
    assert body["national_id_number"] not in stored and body["national_id_number"] not in item_note
    assert "source of funds checked" in stored
