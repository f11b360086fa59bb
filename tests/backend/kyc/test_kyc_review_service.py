"""The reviewer's side of KYC: a duplicate identity is flagged with the other wallets, decisions move an
application out of review and close its queue item, high risk needs a due-diligence note, notes are
masked, and an expired questionnaire holds the approval back."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from backend.core.models import AuditLog
from backend.core.problems import Problem
from backend.kyc import service, views
from backend.kyc.models import KycReviewItem
from backend.kyc.schemas import KycSubmission
from tests.backend.factories.identity import SANCTIONED_NAME, same_identity, sanctioned, submission
from tests.backend.factories.suitability import CLASS_5, assessment
from tests.backend.factories.wallets import wallet as new_wallet

REVIEWER = "operator:reviewer-1"


@pytest.fixture
def apply(session, app_settings, kyc_settings, clock):
    """Submit `body` for a new wallet with a current class 3 suitability assessment."""

    def apply(body):
        wallet = new_wallet()
        assessment(session, app_settings, wallet)
        app, _ = service.submit(
            session, app_settings, kyc_settings, wallet, KycSubmission.model_validate(body), clock()
        )
        return app

    return apply


@pytest.fixture
def approve(session, app_settings, kyc_settings):
    def approve(app, reason="false_positive", note=None):
        return service.approve(session, app_settings, kyc_settings, app, REVIEWER, reason, note)

    return approve


def item_of(session, app) -> KycReviewItem:
    return session.scalars(select(KycReviewItem).where(KycReviewItem.application_id == app.id)).one()


def queued(session) -> list[str]:
    return [app.id for _, app in service.open_review_items(session, 200, 0)]


def test_the_same_identity_on_another_wallet_goes_to_review_naming_that_wallet(
    session, app_settings, kyc_settings, apply
):
    body = submission()
    first = apply(body)
    assert first.status == "approved"
    second = apply(same_identity(body))  # another name on the form, phone and card
    assert second.status == "in_review" and "duplicate_identity" in second.review_reasons
    assert second.risk_factors["duplicate_identity"] == 3

    item, app, applicant, duplicates = service.read_for_review(session, app_settings, second.id, REVIEWER)
    assert duplicates == [first.wallet]
    assert views.review_item_detail(item, app, applicant, duplicates, kyc_settings).duplicate_wallets == [
        first.wallet
    ]
    # the reviewer read the personal data: that read is on the audit trail
    actions = session.scalars(select(AuditLog.action).where(AuditLog.object_id == second.id)).all()
    assert {"kyc.application.submitted", "kyc.application.pii_viewed"} <= set(actions)


def test_a_rejection_closes_the_review_and_the_application_stays_rejected(session, apply, approve):
    app = apply(submission(full_name=SANCTIONED_NAME))  # a namesake: review
    service.reject(session, app, REVIEWER, "true_match", "confirmed")
    assert app.status == "rejected" and "true_match" in app.reject_reasons
    assert (app.decided_by, app.decision_note) == (REVIEWER, "true_match: confirmed")
    item = item_of(session, app)
    assert (item.status, item.outcome, item.closed_by) == ("closed", "rejected", REVIEWER)
    assert app.id not in queued(session)
    assert service.latest_for_wallet(session, app.wallet).status == "rejected"
    with pytest.raises(Problem) as again:
        approve(app, "oops")
    assert (again.value.status, again.value.type) == (409, "kyc-not-in-review")


def test_a_reviewer_approval_closes_the_review_and_records_the_attestation(session, apply, approve):
    app = apply(submission(full_name=SANCTIONED_NAME))
    approve(app, "false_positive", "DOB differs")
    assert (app.status, app.decided_by) == ("approved", REVIEWER)
    assert app.decision_note == "false_positive: DOB differs"
    assert (item_of(session, app).outcome, app.id in queued(session)) == ("approved", False)
    # the attestation carries the questionnaire's class; without a node it waits for a retry
    assert (app.attestation_risk_class, app.attestation_status) == (3, "failed")


def test_a_high_risk_approval_needs_a_due_diligence_note_and_notes_are_masked(session, apply, approve):
    body = sanctioned()
    app = apply(body)
    assert app.edd_required
    with pytest.raises(Problem) as refused:
        approve(app, "false_positive", "ok")
    assert (refused.value.status, refused.value.type) == (422, "edd-note-required")
    assert app.status == "in_review" and app.id in queued(session)

    note = f"source of funds checked; ID {body['national_id_number']} matches the list entry"
    service.reject(session, app, REVIEWER, "true_match", note)
    session.expire_all()
    stored, item_note = app.decision_note, item_of(session, app).note
    assert body["national_id_number"] not in stored and body["national_id_number"] not in item_note
    assert "source of funds checked" in stored


def test_an_expired_questionnaire_holds_the_approval_until_answered_again(
    session, app_settings, apply, approve, clock
):
    app = apply(submission(full_name=SANCTIONED_NAME))
    clock.advance(days=366)
    with pytest.raises(Problem) as refused:
        approve(app)
    assert (refused.value.status, refused.value.type) == (409, "suitability-expired")
    assert app.status == "in_review" and app.id in queued(session)

    renewed = assessment(session, app_settings, app.wallet, CLASS_5, assessed_at=clock())
    approve(app)
    assert app.status == "approved"
    assert (app.attestation_risk_class, app.attestation_suitability_id) == (5, renewed.id)
