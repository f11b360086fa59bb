"""Reviewer queue, model card, batch scoring and population stability over real HTTP (the reviewer's
decisions: test_risk_review_service.py)."""

from __future__ import annotations

import pytest

from backend.risk.config import DEFAULT_MODEL_DIR
from backend.risk.scorecard import Scorecard
from tests.backend.factories.identity import submission
from tests.backend.risk.risk_support import BAD_ATTRIBUTES, GOOD_ATTRIBUTES, Borrower, application, operator


@pytest.fixture(scope="module")
def reviewer(live_server):
    return operator(live_server, "reviewer")


def _in_review(live_server) -> dict:
    """An application of a wallet whose phone another wallet verified too: manual review."""
    first = submission()
    Borrower(live_server, body=first)
    other = Borrower(live_server, body={**submission(), "phone": first["phone"]})
    app = other.apply(application()).json()
    assert app["status"] == "review"
    return app


def test_review_queue_needs_the_reviewer_role(live_server):
    import httpx

    assert httpx.get(f"{live_server}/v2/risk/reviews").status_code == 401
    compliance = operator(live_server, "compliance")
    reply = compliance.get("/v2/risk/reviews")
    assert reply.status_code == 403 and reply.headers["content-type"].startswith("application/problem+json")


def test_the_queue_shows_the_rules_that_fired_and_a_decision_answers_with_the_review(live_server, reviewer):
    # what a decision changes (the oracle queue, the review queue): test_risk_review_service.py
    app = _in_review(live_server)
    queue = reviewer.get("/v2/risk/reviews").json()["items"]
    item = next(i for i in queue if i["id"] == app["id"])
    assert [h["rule_id"] for h in item["fraudHits"]] == ["shared_contact"] and item["attributes"]
    reply = reviewer.post(
        f"/v2/risk/reviews/{app['id']}", json={"decision": "approve", "note": "same household"}
    )
    assert reply.status_code == 200, reply.text
    assert reply.json()["status"] == "approved" and reply.json()["reviewedBy"]
    again = reviewer.post(f"/v2/risk/reviews/{app['id']}", json={"decision": "decline", "note": "x"})
    assert again.status_code == 409 and again.headers["content-type"].startswith("application/problem+json")
    assert again.json()["type"] == "loan-application-not-in-review"


def test_review_decision_validation(live_server, reviewer):
    app = _in_review(live_server)
    reply = reviewer.post(f"/v2/risk/reviews/{app['id']}", json={"decision": "maybe", "note": ""})
    assert reply.status_code == 422 and reply.json()["type"] == "validation-error"
    assert (
        reviewer.post("/v2/risk/reviews/nope", json={"decision": "approve", "note": "n"}).status_code == 404
    )


def test_model_card(live_server):
    import httpx

    card = httpx.get(f"{live_server}/v2/risk/model").json()
    assert card["version"] == 1 and card["name"] == "german-credit"
    assert {"auc", "gini", "ks", "psi", "expected_cost", "cutoff_pd"} <= set(card["metrics"])
    assert [g["letter"] for g in card["grades"]] == list("ABCDEFG")
    assert card["scorecard"] and {"feature", "attribute", "points"} <= set(card["scorecard"][0])
    assert card["decision"]["cutoff_pd"] == pytest.approx(1 / 6)


def test_batch_scoring_matches_single_scoring_and_isolates_bad_items(live_server):
    admin = operator(live_server, "admin")
    card = Scorecard.load(DEFAULT_MODEL_DIR)
    good = dict(GOOD_ATTRIBUTES, credit_amount=2000, duration_in_month=12, purpose="car (used)")
    bad = dict(BAD_ATTRIBUTES, credit_amount=9000, duration_in_month=48, purpose="education")
    items = [
        {"ref": "g", "attributes": good},
        {"ref": "x", "attributes": {"housing": "castle"}},
        {"ref": "b", "attributes": bad},
    ] * 200
    reply = admin.post("/v2/risk/score/batch", json={"items": items})
    assert reply.status_code == 200, reply.text
    body = reply.json()
    assert body["scored"] == 400 and body["failed"] == 200 and len(body["results"]) == 600
    g, x, b = body["results"][:3]
    assert g["score"] == card.score(good).score and g["pdBps"] == card.score(good).pd_bps
    assert g["creditOutcome"] == "approve" and b["creditOutcome"] == "decline"
    assert x["errors"] and x["score"] is None and x["ref"] == "x"
    assert [r["index"] for r in body["results"]] == list(range(600))


def test_batch_scoring_is_for_operators(live_server):
    borrower = Borrower(live_server)
    assert borrower.http.post("/v2/risk/score/batch", json={"items": [{"attributes": {}}]}).status_code == 401
    compliance = operator(live_server, "compliance")
    assert compliance.post("/v2/risk/score/batch", json={"items": [{"attributes": {}}]}).status_code == 403
    reviewer = operator(live_server, "reviewer")
    assert reviewer.post("/v2/risk/score/batch", json={"items": []}).status_code == 422


def test_population_stability_of_recent_applications(live_server, reviewer):
    before = reviewer.get("/v2/risk/monitoring/psi").json()
    Borrower(live_server).apply(application())
    report = reviewer.get("/v2/risk/monitoring/psi", params={"days": 7}).json()
    assert report["count"] >= 1 and report["count"] >= before["count"]
    # Fewer than 100 applications: no index yet, rather than drift alarms on noise.
    assert report["count"] < report["minSamples"] == 100 and report["referenceCount"] == 700
    assert report["scorePsi"] is None and report["status"] == "insufficient_data"
    assert set(report["features"]) == {f.name for f in Scorecard.load(DEFAULT_MODEL_DIR).features}
    assert {f["psi"] for f in report["features"].values()} == {None}
    assert operator(live_server, "compliance").get("/v2/risk/monitoring/psi").status_code == 403


def test_population_stability_needs_100_samples_per_side():
    from backend.risk.monitoring import MIN_SAMPLES, population_stability

    card = Scorecard.load(DEFAULT_MODEL_DIR)
    shares = card.artifact["monitoring"]["score_shares"]
    edges = card.artifact["monitoring"]["score_edges"]
    # scores spread over the bins as the training population was: stable, once there are enough of them
    scores = []
    for i, share in enumerate(shares):
        value = edges[0] - 1 if i == 0 else edges[i - 1]
        scores += [value] * round(share * 400)
    few = population_stability(card, scores[: MIN_SAMPLES - 1], [{}] * (MIN_SAMPLES - 1))
    assert few["score_psi"] is None and few["status"] == "insufficient_data"
    two = population_stability(card, [edges[0] - 1] * 2, [{}] * 2)  # two alike: drift, if it were read
    assert two["status"] == "insufficient_data"
    enough = population_stability(card, scores, [{}] * len(scores))
    assert len(scores) >= MIN_SAMPLES and enough["score_psi"] < 0.1 and enough["status"] == "stable"
