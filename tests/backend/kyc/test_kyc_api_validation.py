"""Every validation failure of POST /v2/kyc/applications is a 422 problem naming the field and the rule."""

from datetime import date, timedelta

import pytest
from pydantic.alias_generators import to_camel

from tests.backend.kyc.kyc_support import Wallet, cn_id, submission

PROBLEM = "application/problem+json"
DOB = date(1990, 5, 17)
GOOD_ID = cn_id(DOB)


def wrong_check_digit(number: str) -> str:
    return number[:17] + ("0" if number[17] != "0" else "1")


CASES = [
    # (overrides, field, code)
    ({"national_id_number": wrong_check_digit(GOOD_ID)}, "national_id_number", "checksum_mismatch"),
    ({"national_id_number": GOOD_ID[:17]}, "national_id_number", "invalid_format"),
    ({"national_id_number": cn_id(DOB, region="990101")}, "national_id_number", "invalid_region"),
    ({"national_id_number": cn_id(date(1991, 5, 17))}, "national_id_number", "birth_date_mismatch"),
    (
        {"jurisdiction": "NL", "national_id_number": "111222334", "phone": "+31612345678"},
        "national_id_number",
        "checksum_mismatch",
    ),
    (
        {"jurisdiction": "US", "national_id_number": "666-12-3456", "phone": "+14155552671"},
        "national_id_number",
        "invalid_number",
    ),
    (
        {"jurisdiction": "DE", "national_id_number": "x", "phone": "+4915112345678"},
        "national_id_number",
        "invalid_format",
    ),
    ({"date_of_birth": "17/05/1990"}, "date_of_birth", "invalid_format"),
    ({"date_of_birth": "1990-02-30"}, "date_of_birth", "invalid_format"),
    ({"bank_card_number": "6212345678901266"}, "bank_card_number", "checksum_mismatch"),
    ({"bank_card_number": "621234567890"}, "bank_card_number", "invalid_length"),
    ({"bank_card_number": "6212 3456 7890 126a"}, "bank_card_number", "not_numeric"),
    ({"phone": "13800138000"}, "phone", "invalid_format"),
    ({"phone": "+4915112345678"}, "phone", "country_mismatch"),
    ({"jurisdiction": "XX"}, "jurisdiction", "unsupported_jurisdiction"),
    ({"jurisdiction": "China"}, "jurisdiction", "unsupported_jurisdiction"),
    ({"jurisdiction": "KP", "phone": "+850212345678"}, "jurisdiction", "prohibited_jurisdiction"),
    ({"full_name": "R2-D2"}, "full_name", "invalid_format"),
]


@pytest.fixture(scope="module")
def wallet(kyc_server):
    w = Wallet(kyc_server)
    w.answer()
    return w


@pytest.mark.parametrize(("overrides", "field", "code"), CASES, ids=[f"{c[1]}-{c[2]}" for c in CASES])
def test_validation_failure_is_a_problem_with_field_and_code(wallet, overrides, field, code):
    body = submission(dob=DOB, national_id_number=GOOD_ID)
    body.update(overrides)
    reply = wallet.apply(body)
    assert reply.status_code == 422, reply.text
    assert reply.headers["content-type"].startswith(PROBLEM)
    problem = reply.json()
    assert problem["type"] == "invalid-kyc-submission" and problem["status"] == 422
    assert {"field": to_camel(field), "code": code} in [
        {"field": e["field"], "code": e["code"]} for e in problem["errors"]
    ]
    assert all(e["message"] for e in problem["errors"])


def test_underage_applicant_is_refused(wallet):
    dob = date.today().replace(year=date.today().year - 18) + timedelta(days=1)
    reply = wallet.apply(submission(dob=dob))
    assert reply.status_code == 422
    assert [(e["field"], e["code"]) for e in reply.json()["errors"]] == [("dateOfBirth", "underage")]


def test_date_of_birth_in_the_future(wallet):
    dob = date.today() + timedelta(days=30)
    reply = wallet.apply(submission(dob=dob))
    assert ("dateOfBirth", "in_future") in [(e["field"], e["code"]) for e in reply.json()["errors"]]


def test_all_failures_are_reported_at_once(wallet):
    body = submission(
        dob=DOB,
        national_id_number=wrong_check_digit(GOOD_ID),
        bank_card_number="4111111111111112",
        phone="12345",
    )
    errors = {(e["field"], e["code"]) for e in wallet.apply(body).json()["errors"]}
    assert errors == {
        ("nationalIdNumber", "checksum_mismatch"),
        ("bankCardNumber", "checksum_mismatch"),
        ("phone", "invalid_format"),
    }


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


def test_rejected_wallet_may_apply_again(kyc_server):
    w = Wallet(kyc_server)
    w.answer()
    rejected = w.apply(submission(full_name="Bob Mismatch"))
    assert rejected.json()["status"] == "rejected"
    assert rejected.json()["rejectReasons"] == ["four_element_mismatch"]
    assert w.apply().status_code == 201


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
