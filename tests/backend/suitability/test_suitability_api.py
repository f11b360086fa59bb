"""POST/GET /v2/suitability over HTTP, and the one-year validity as the KYC flow enforces it on-chain (the
service's rules: test_suitability_service.py)."""

from datetime import timedelta

import httpx
from sqlalchemy import update

from backend.suitability.models import SuitabilityAssessment
from tests.backend.kyc.kyc_support import CLASS_3_ANSWERS, CLASS_5_ANSWERS, Wallet, submission


def backdate(server, wallet: str, days: int) -> None:
    """Age every assessment of `wallet` by `days` (the server's clock cannot be moved, its data can)."""
    with server.session() as session:
        for record in session.query(SuitabilityAssessment).filter_by(wallet=wallet):
            session.execute(
                update(SuitabilityAssessment)
                .where(SuitabilityAssessment.id == record.id)
                .values(
                    assessed_at=record.assessed_at - timedelta(days=days),
                    expires_at=record.expires_at - timedelta(days=days),
                )
            )
        session.commit()


def test_the_assessment_answers_with_the_class_and_shows_the_answers_to_the_wallet(kyc_server):
    # the scoring table and its caps: test_suitability_scoring.py, test_suitability_service.py
    wallet = Wallet(kyc_server)
    answers = {**CLASS_5_ANSWERS, "lossTolerance": "none"}
    body = wallet.answer(answers).json()
    assert (body["riskClass"], body["points"], body["current"]) == (1, 13, True)
    assert body["capsApplied"] == ["loss_tolerance=none"]
    assert body["answers"] is None  # the stored POST response carries no answers
    mine = wallet.http.get("/v2/suitability").json()
    assert mine["id"] == body["id"] and mine["answers"] == answers


def test_invalid_answers_are_problems(kyc_server):
    wallet = Wallet(kyc_server)
    reply = wallet.http.post("/v2/suitability", json={**CLASS_3_ANSWERS, "horizon": "forever"})
    assert reply.status_code == 422 and reply.headers["content-type"].startswith("application/problem+json")
    assert reply.json()["errors"][0]["loc"][-1] == "horizon"


def test_suitability_is_per_wallet(kyc_server):
    wallet = Wallet(kyc_server)
    wallet.answer(CLASS_5_ANSWERS)
    other = Wallet(kyc_server)
    assert other.http.get("/v2/suitability").status_code == 404
    assert httpx.get(f"{kyc_server}/v2/suitability").status_code == 401


def test_an_assessment_older_than_a_year_is_not_current_and_kyc_says_so(kyc_server):
    # the year's boundary: test_suitability_service.py
    wallet = Wallet(kyc_server)
    wallet.answer()
    backdate(kyc_server, wallet.address, 366)
    assert wallet.http.get("/v2/suitability").json()["current"] is False
    reply = wallet.apply()
    assert reply.status_code == 409 and reply.json()["type"] == "suitability-expired"
    assert reply.headers["content-type"].startswith("application/problem+json")


def test_expired_assessment_blocks_approval_until_answered_again(kyc_server, deployed_chain):
    registry = deployed_chain.contract("IdentityRegistry")
    wallet = Wallet(kyc_server)
    wallet.answer(CLASS_3_ANSWERS)
    app = wallet.apply(submission(full_name="Viktor Drozdov")).json()  # namesake → manual review
    assert app["status"] == "in_review"
    backdate(kyc_server, wallet.address, 366)

    reviewer = kyc_server.operators.http("reviewer")
    refused = reviewer.post(f"/v2/kyc/applications/{app['id']}/approve", json={"reason": "false_positive"})
    assert refused.status_code == 409 and refused.json()["type"] == "suitability-expired"
    assert wallet.http.get("/v2/kyc/application").json()["status"] == "in_review"

    wallet.answer(CLASS_5_ANSWERS)
    approved = reviewer.post(f"/v2/kyc/applications/{app['id']}/approve", json={"reason": "false_positive"})
    assert approved.status_code == 200, approved.text
    assert approved.json()["attestation"]["riskClass"] == 5
    assert registry.functions.riskClassOf(wallet.address).call() == 5


def test_attestation_never_outlives_the_assessment(kyc_server, deployed_chain):
    registry = deployed_chain.contract("IdentityRegistry")
    wallet = Wallet(kyc_server)
    wallet.answer()
    backdate(kyc_server, wallet.address, 300)  # 65 days of validity left
    app = wallet.apply().json()
    assert app["status"] == "approved"
    with kyc_server.session() as session:
        assessment = session.query(SuitabilityAssessment).filter_by(wallet=wallet.address).one()
    expires_at = registry.functions.identityOf(wallet.address).call()[3]
    # On the chain's clock (which runs with the wall clock here): what was left of the assessment.
    assert abs(expires_at - int(assessment.expires_at.timestamp())) <= 5

    # Renewal after the year is refused until the investor answers again.
    backdate(kyc_server, wallet.address, 70)
    refused = wallet.http.post("/v2/kyc/application/attestation", json={})
    assert refused.status_code == 409 and refused.json()["type"] == "suitability-expired"
    wallet.answer(CLASS_3_ANSWERS)
    renewed = wallet.http.post("/v2/kyc/application/attestation", json={})
    assert renewed.status_code == 200, renewed.text
    assert registry.functions.identityOf(wallet.address).call()[3] > expires_at
