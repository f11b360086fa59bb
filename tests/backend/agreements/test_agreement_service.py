"""Agreements at the service level: rendering is deterministic for the same terms, the listing is checked
against the offer, the borrower's EIP-712 signature is verified (another signer, another hash refused as
problems), only the borrower reaches its agreement, and a loan's agreement is verified against the chain
index (binding and every acceptance)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from eth_account.messages import encode_typed_data

from backend.agreements import render, service
from backend.agreements.config import AgreementSettings
from backend.agreements.models import AgreementBindingView
from backend.core.problems import Problem
from backend.risk.config import USDC
from tests.backend.agreements.agreement_support import (
    FEES,
    accept,
    approved,
    bind,
    intended,
    sign_typed,
)
from tests.backend.factories import read_models
from tests.backend.factories.wallets import account

OPTIONS = AgreementSettings()
NOW = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)


def _fees() -> render.Fees:
    return FEES


def _prepare(session, scorecard, who, **terms):
    app = approved(session, scorecard, who.address)
    return service.prepare(session, OPTIONS, who.address, intended(app, **terms), _fees)


def test_the_same_terms_render_the_same_text_and_hash(session, scorecard):
    borrower = account("agreement-same")
    app = approved(session, scorecard, borrower.address)
    first = service.prepare(session, OPTIONS, borrower.address, intended(app), _fees)
    again = service.prepare(session, OPTIONS, borrower.address, intended(app), _fees)
    assert (again.id, again.text, again.agreement_hash) == (first.id, first.text, first.agreement_hash)
    assert first.agreement_hash == render.agreement_hash(first.text)
    assert render.render_text(session.get(service.LoanAgreement, first.id).terms) == first.text
    other = service.prepare(
        session, OPTIONS, borrower.address, intended(app, principal=str(1_500 * USDC)), _fees
    )
    assert other.agreement_hash != first.agreement_hash
    assert (
        "2,000.000000 USDC" in first.text
        and "12.00 percent" in first.text
        and "12 equal installments" in first.text
    )
    assert borrower.address in first.text and "$" not in first.text
    typed = first.typed_data
    assert (
        typed["primaryType"] == "LoanAgreement" and typed["message"]["agreementHash"] == first.agreement_hash
    )
    assert typed["message"]["principal"] == str(2_000 * USDC) and typed["message"]["templateVersion"] == "v1"
    assert (
        first.listing_params["agreementHash"] == first.agreement_hash
        and first.listing_params["minFill"] == "0"
    )


def test_a_listing_outside_the_offer_is_refused(session, scorecard):
    borrower = account("agreement-outside")
    app = approved(session, scorecard, borrower.address)
    for terms, term in (
        ({"principal": str(2_001 * USDC)}, "principal"),
        ({"numPeriods": 13}, "numPeriods"),
        ({"minFill": str(2_001 * USDC)}, "minFill"),
    ):
        with pytest.raises(Problem) as refused:
            service.prepare(session, OPTIONS, borrower.address, intended(app, **terms), _fees)
        assert (refused.value.status, refused.value.extensions["term"]) == (422, term)


def test_another_wallets_application_is_not_found(session, scorecard):
    app = approved(session, scorecard, account("agreement-owner").address)
    with pytest.raises(Problem) as missing:
        service.prepare(session, OPTIONS, account("agreement-stranger").address, intended(app), _fees)
    assert missing.value.type == "agreement-application-not-found"


def test_the_borrowers_signature_is_verified_and_stored(session, scorecard):
    borrower = account("agreement-signs")
    draft = _prepare(session, scorecard, borrower)
    signed = service.sign(session, borrower.address, draft.id, sign_typed(borrower, draft.typed_data), NOW)
    assert signed.status == "signed" and signed.signed_at == NOW
    assert service.recover(session.get(service.LoanAgreement, draft.id), signed.signature) == borrower.address


def test_a_signature_by_another_wallet_or_of_another_hash_is_refused(session, scorecard):
    borrower, mallory = account("agreement-victim"), account("agreement-mallory")
    draft = _prepare(session, scorecard, borrower)
    with pytest.raises(Problem) as wrong:
        service.sign(session, borrower.address, draft.id, sign_typed(mallory, draft.typed_data), NOW)
    assert (wrong.value.status, wrong.value.type) == (422, "agreement-wrong-signer")
    assert wrong.value.extensions["recovered"] == mallory.address
    tampered = {
        **draft.typed_data,
        "message": {**draft.typed_data["message"], "agreementHash": "0x" + "00" * 32},
    }
    with pytest.raises(Problem) as other_hash:
        service.sign(session, borrower.address, draft.id, sign_typed(borrower, tampered), NOW)
    assert other_hash.value.type == "agreement-wrong-signer"
    with pytest.raises(Problem) as garbage:
        service.sign(session, borrower.address, draft.id, "0x" + "00" * 65, NOW)
    assert garbage.value.type == "agreement-bad-signature"
    assert service.get_own(session, borrower.address, draft.id).status == "draft"


def test_only_the_borrower_may_sign_or_read_its_agreement(session, scorecard):
    borrower, other = account("agreement-mine"), account("agreement-not-mine")
    draft = _prepare(session, scorecard, borrower)
    for call in (
        lambda: service.sign(session, other.address, draft.id, sign_typed(other, draft.typed_data), NOW),
        lambda: service.get_own(session, other.address, draft.id),
    ):
        with pytest.raises(Problem) as hidden:
            call()
        assert (hidden.value.status, hidden.value.type) == (404, "agreement-not-found")


def test_a_loans_agreement_is_verified_against_the_binding_and_every_acceptance(session, scorecard):
    borrower, lenders = (
        account("agreement-listed"),
        [account("agreement-lender-a"), account("agreement-lender-b")],
    )
    draft = _prepare(session, scorecard, borrower)
    service.sign(session, borrower.address, draft.id, sign_typed(borrower, draft.typed_data), NOW)
    loan = read_models.loan(session, borrower.address, status="listed", principal=2_000 * USDC)
    session.commit()
    bind(session, loan.loan_id, draft.agreement_hash)
    assert session.get(AgreementBindingView, loan.loan_id).agreement_hash == draft.agreement_hash
    for i, lender in enumerate(lenders):
        accept(session, loan.loan_id, (loan.loan_id << 32) | i, lender.address, draft.agreement_hash)
    view = service.loan_agreement(session, loan.loan_id)
    assert view.verified and view.borrower_signature.verified
    assert view.borrower_signature.recovered == borrower.address
    assert [a.lender for a in view.acceptances] == [lender.address for lender in lenders]
    assert all(a.verified for a in view.acceptances)

    accept(session, loan.loan_id, (loan.loan_id << 32) | 2, lenders[0].address, "0x" + "ee" * 32)
    assert not service.loan_agreement(session, loan.loan_id).verified


def test_a_hash_no_signed_agreement_has_does_not_match(session, scorecard):
    borrower = account("agreement-unsigned")
    draft = _prepare(session, scorecard, borrower)  # never signed
    loan = read_models.loan(session, borrower.address, status="listed")
    session.commit()
    bind(session, loan.loan_id, draft.agreement_hash)
    view = service.loan_agreement(session, loan.loan_id)
    assert not view.binding.matches_signed and not view.verified and not view.borrower_signature.verified
    with pytest.raises(Problem) as missing:
        service.loan_agreement(session, loan.loan_id + 1000)
    assert missing.value.type == "loan-agreement-not-found"


def test_the_typed_data_is_what_eth_account_encodes(session, scorecard):
    borrower = account("agreement-encode")
    draft = _prepare(session, scorecard, borrower)
    agreement = session.get(service.LoanAgreement, draft.id)
    encoded = encode_typed_data(
        full_message=render.typed_data(agreement.terms, agreement.agreement_hash, wire=False)
    )
    assert len(encoded.body) == 32
