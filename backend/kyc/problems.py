"""Problem types of KYC (RFC 9457; `type` is what clients branch on)."""

from __future__ import annotations

from typing import Any

from pydantic.alias_generators import to_camel

from backend.core.problems import Problem


def application_not_found(detail: str = "no such application") -> Problem:
    return Problem(status=404, title="Application not found", type="kyc-application-not-found", detail=detail)


def no_application_yet() -> Problem:
    return application_not_found("this wallet has not applied yet")


def review_item_not_found() -> Problem:
    return Problem(
        status=404,
        title="Review item not found",
        type="kyc-review-item-not-found",
        detail="no open review item for this application",
    )


def signed_attestation_not_found(detail: str) -> Problem:
    return Problem(
        status=404, title="No signed attestation", type="kyc-signed-attestation-not-found", detail=detail
    )


def invalid_submission(errors: list[dict]) -> Problem:
    """Each error names the request field in the API's camelCase (`dateOfBirth`)."""
    errors = [{**e, "field": to_camel(e["field"])} if "field" in e else e for e in errors]
    return Problem(
        status=422,
        title="Invalid KYC submission",
        type="invalid-kyc-submission",
        detail="; ".join(f"{e.get('field')}: {e.get('code')}" for e in errors),
        errors=errors,
    )


def application_exists(status: str | None = None, application_id: str | None = None) -> Problem:
    extensions: dict[str, Any] = {"applicationId": application_id} if application_id else {}
    return Problem(
        status=409,
        title="Application already exists",
        type="kyc-application-exists",
        detail=f"this wallet already has an application that is {status}"
        if status
        else "this wallet already has an application in progress",
        **extensions,
    )


def identity_revoked() -> Problem:
    return Problem(
        status=409,
        title="Identity revoked",
        type="kyc-identity-revoked",
        detail="this wallet's identity was revoked by compliance; contact support",
    )


def not_in_review(status: str) -> Problem:
    return Problem(
        status=409,
        title="Application is not in review",
        type="kyc-not-in-review",
        detail=f"the application is {status}",
    )


def not_approved(detail: str) -> Problem:
    return Problem(status=409, title="Application is not approved", type="kyc-not-approved", detail=detail)


def edd_note_required() -> Problem:
    return Problem(
        status=422,
        title="Due diligence note required",
        type="edd-note-required",
        detail="high-risk applications need a note (20+ characters) recording the enhanced due diligence",
        errors=[{"field": "note", "code": "edd_note_required", "message": "describe the checks performed"}],
    )


def suitability_required(expired: bool) -> Problem:
    return Problem(
        status=409,
        title="Suitability assessment required",
        type="suitability-expired" if expired else "suitability-required",
        detail="the suitability assessment is older than a year; answer POST /v2/suitability again"
        if expired
        else "answer the suitability questionnaire (POST /v2/suitability) first",
    )


def compliance_signer_missing() -> Problem:
    # 409, not 5xx: nothing is wrong with the server or a retry away; this deployment does not offer it.
    return Problem(
        status=409,
        title="Compliance signer not configured",
        type="compliance-signer-missing",
        detail="set PEERLEND_KYC_COMPLIANCE_PRIVATE_KEY to freeze wallets through the API",
    )


def nothing_to_change(frozen: bool) -> Problem:
    return Problem(
        status=409,
        title="Nothing to change",
        type="wallet-already-frozen" if frozen else "wallet-not-frozen",
        detail=f"the wallet is {'already' if frozen else 'not'} frozen",
    )
