"""POST /v2/kyc/applications over HTTP: a validation failure is a 422 problem naming the fields and the rules
(each rule: test_kyc_decision_service.py), refusals are problems, and retries, limits and races are safe."""

from datetime import date

import pytest

from tests.backend.kyc.kyc_support import Wallet, cn_id, submission

PROBLEM = "application/problem+json"
DOB = date(1990, 5, 17)
GOOD_ID = cn_id(DOB)


def wrong_check_digit(number: str) -> str:
    return number[:17] + ("0" if number[17] != "0" else "1")


@pytest.fixture(scope="module")
def wallet(kyc_server):
    w = Wallet(kyc_server)
    w.answer()
    return w


def test_a_validation_failure_is_a_problem_naming_the_fields_and_the_codes(wallet):
    # every rule and its code: test_kyc_decision_service.py
    body = submission(dob=DOB, national_id_number=wrong_check_digit(GOOD_ID), phone="12345")
    reply = wallet.apply(body)
    assert reply.status_code == 422, reply.text
    assert reply.headers["content-type"].startswith(PROBLEM)
    problem = reply.json()
    assert problem["type"] == "invalid-kyc-submission" and problem["status"] == 422
    assert {(e["field"], e["code"]) for e in problem["errors"]} == {
        ("nationalIdNumber", "checksum_mismatch"),
        ("phone", "invalid_format"),
    }
    assert all(e["message"] for e in problem["errors"])


def test_problem_never_echoes_the_submitted_values(wallet):
    body = submission(
        dob=DOB, national_id_number=wrong_check_digit(GOOD_ID), bank_card_number="6212345678901266"
    )
    text = wallet.apply(body).text
    for value in (body["national_id_number"], body["bank_card_number"], body["full_name"], body["phone"]):
        assert value not in text


def test_missing_and_unknown_fields_are_problems(wallet):
    body = submission()
    del body["phone"]
    reply = wallet.apply(body)
    assert reply.status_code == 422 and reply.headers["content-type"].startswith(PROBLEM)
    assert reply.json()["type"] == "validation-error"
    assert wallet.apply({**submission(), "ssn_extra": "1"}).status_code == 422


def test_submission_requires_sign_in(kyc_server):
    import httpx

    reply = httpx.post(f"{kyc_server}/v2/kyc/applications", json=submission())
    assert reply.status_code == 401 and reply.headers["content-type"].startswith(PROBLEM)


def test_submission_requires_a_suitability_assessment(kyc_server):
    fresh = Wallet(kyc_server)
    reply = fresh.apply()
    assert reply.status_code == 409
    assert reply.json()["type"] == "suitability-required"


def test_second_active_application_is_a_conflict(kyc_server):
    w = Wallet(kyc_server)
    w.answer()
    first = w.apply()
    assert first.status_code == 201, first.text
    again = w.apply()
    assert again.status_code == 409
    assert again.json()["type"] == "kyc-application-exists"
    assert again.json()["applicationId"] == first.json()["id"]


def test_idempotency_key_replays_the_same_application(kyc_server):
    w = Wallet(kyc_server)
    w.answer()
    body = submission()
    first = w.apply(body, **{"Idempotency-Key": "kyc-1"})
    replay = w.apply(body, **{"Idempotency-Key": "kyc-1"})
    assert first.status_code == replay.status_code == 201
    assert replay.json()["id"] == first.json()["id"]
    assert replay.headers.get("Idempotent-Replayed") == "true"
    with kyc_server.session() as session:
        from sqlalchemy import func, select

        from backend.kyc.models import KycApplication

        count = session.scalar(
            select(func.count()).select_from(KycApplication).where(KycApplication.wallet == w.address)
        )
    assert count == 1


def test_submissions_are_rate_limited(module_server_factory):
    server = module_server_factory(
        rate_limits={"submit": "3/minute", "signin": "100/minute", "default": "1000/minute"}
    )
    w = Wallet(server)
    w.answer()  # one token from the same "submit" bucket
    statuses = [w.apply(submission(jurisdiction="XX")).status_code for _ in range(3)]
    assert statuses[:2] == [422, 422]
    assert statuses[2] == 429
    last = w.apply(submission(jurisdiction="XX"))
    assert last.headers["content-type"].startswith(PROBLEM) and int(last.headers["Retry-After"]) >= 1


def test_concurrent_submissions_from_one_wallet_create_one_application(kyc_server):
    from concurrent.futures import ThreadPoolExecutor

    w = Wallet(kyc_server)
    w.answer()
    bodies = [submission(full_name="Viktor Drozdov") for _ in range(6)]  # review: no chain call to slow it
    with ThreadPoolExecutor(max_workers=6) as pool:
        statuses = sorted(pool.map(lambda body: w.apply(body).status_code, bodies))
    assert statuses == [201] + [409] * 5
