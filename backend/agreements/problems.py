"""Problem types of loan agreements (RFC 9457; `type` is what clients branch on)."""

from __future__ import annotations

from backend.core.problems import Problem


def agreement_not_found() -> Problem:
    # also another wallet's agreement: whether it exists is not the caller's to know
    return Problem(
        status=404, title="Agreement not found", type="agreement-not-found", detail="no such agreement"
    )


def application_not_found() -> Problem:
    return Problem(
        status=404,
        title="Application not found",
        type="agreement-application-not-found",
        detail="no approved application of this wallet with that id",
    )


def offer_not_signed() -> Problem:
    return Problem(
        status=409,
        title="Offer not signed",
        type="agreement-offer-not-signed",
        detail="the application has no signed offer to list with yet",
    )


def outside_offer(term: str, detail: str) -> Problem:
    return Problem(
        status=422,
        title="Listing outside the offer",
        type="agreement-outside-offer",
        detail=detail,
        term=term,
    )


def bad_signature(detail: str) -> Problem:
    return Problem(status=422, title="Invalid signature", type="agreement-bad-signature", detail=detail)


def wrong_signer(expected: str, recovered: str) -> Problem:
    return Problem(
        status=422,
        title="Signed by another wallet",
        type="agreement-wrong-signer",
        detail="the signature does not recover to the agreement's borrower",
        expected=expected,
        recovered=recovered,
    )


def already_signed() -> Problem:
    return Problem(
        status=409,
        title="Already signed",
        type="agreement-already-signed",
        detail="the agreement carries the borrower's signature already",
    )


def loan_agreement_not_found(loan_id: int) -> Problem:
    return Problem(
        status=404,
        title="No agreement for this loan",
        type="loan-agreement-not-found",
        detail=f"the index holds no agreement bound to loan {loan_id}",
    )


def unknown_template(version: str) -> Problem:
    return Problem(
        status=500,
        title="Unknown template",
        type="agreement-unknown-template",
        detail=f"no template {version}",
    )


def fees_unavailable(detail: str) -> Problem:
    return Problem(status=503, title="Chain unavailable", type="agreement-chain-unavailable", detail=detail)


def not_acceptable(accept: str) -> Problem:
    return Problem(
        status=406,
        title="Not acceptable",
        type="not-acceptable",
        detail=f"offered: text/html, application/pdf, application/json; asked for {accept}"[:300],
    )
