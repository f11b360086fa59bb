"""The suitability service: the class the answers give, the latest assessment standing for the wallet,
and the year it stays valid for KYC."""

from __future__ import annotations

import pytest

from backend.core.problems import Problem
from backend.kyc import service as kyc_service
from backend.kyc.schemas import KycSubmission
from backend.suitability import service
from backend.suitability.schemas import Questionnaire
from tests.backend.factories.identity import submission
from tests.backend.factories.suitability import CAUTIOUS, CLASS_3, CLASS_5
from tests.backend.factories.wallets import wallet as new_wallet


@pytest.fixture
def answer(session, app_settings):
    def answer(wallet: str, answers: dict):
        return service.assess(session, app_settings, wallet, Questionnaire.model_validate(answers))

    return answer


@pytest.mark.parametrize(
    ("answers", "risk_class", "points"),
    [
        (CAUTIOUS, 1, 0),
        (CLASS_3, 3, 9),
        (CLASS_5, 5, 17),
        ({**CLASS_5, "loss_tolerance": "none"}, 1, 13),  # the cap on no loss tolerance
    ],
)
def test_the_answers_give_the_class_of_the_table(session, app_settings, answer, answers, risk_class, points):
    wallet = new_wallet()
    record = answer(wallet, answers)
    assert (record.risk_class, record.points) == (risk_class, points)
    stored = service.view(record)
    assert stored.current is True and stored.answers is None  # what the POST answers: no answers
    assert service.view(service.latest(session, wallet), app_settings).answers == Questionnaire(**answers)


def test_the_answers_are_stored_encrypted(session, answer):
    record = answer(new_wallet(), CLASS_5)
    assert "over_250k" not in record.answers_ciphertext and "extensive" not in record.answers_ciphertext


def test_the_latest_assessment_stands_for_the_wallet(session, answer):
    wallet, other = new_wallet(), new_wallet()
    answer(wallet, CLASS_5)
    again = answer(wallet, CAUTIOUS)
    answer(other, CLASS_5)
    assert service.latest(session, wallet).id == again.id
    assert service.current(session, wallet).risk_class == 1


def test_an_assessment_is_current_for_a_year_and_kyc_then_asks_for_a_new_one(
    session, app_settings, kyc_settings, answer, clock
):
    wallet = new_wallet()
    record = answer(wallet, CLASS_3)
    clock.advance(days=364)
    assert service.current(session, wallet) is not None and service.view(record).current is True
    clock.advance(days=2)
    assert service.current(session, wallet) is None and service.view(record).current is False
    assert service.latest(session, wallet).id == record.id  # still there, as history

    with pytest.raises(Problem) as refused:
        kyc_service.submit(
            session, app_settings, kyc_settings, wallet, KycSubmission.model_validate(submission()), clock()
        )
    assert (refused.value.status, refused.value.type) == (409, "suitability-expired")
    answer(wallet, CLASS_3)
    assert service.current(session, wallet) is not None
