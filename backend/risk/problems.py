"""Problem types of loan applications and credit risk."""

from __future__ import annotations

from backend.core.problems import Problem


def application_not_found() -> Problem:
    return Problem(
        status=404,
        title="Loan application not found",
        type="loan-application-not-found",
        detail="no such loan application",
    )


def not_in_review(status: str) -> Problem:
    return Problem(
        status=409,
        title="Not in review",
        type="loan-application-not-in-review",
        detail=f"the application is {status}; only applications in review can be decided",
    )


def no_offer_to_approve() -> Problem:
    return Problem(
        status=409,
        title="No offer to approve",
        type="loan-application-no-offer",
        detail="the grade or income admits no loan; decline it instead",
    )


def invalid_application(errors: list[dict]) -> Problem:
    """Terms outside the lending limits or attributes the scorecard cannot use: the request has the
    schema's shape, the lending policy refuses it (schema violations are `validation-error`)."""
    return Problem(
        status=422,
        title="Loan application refused",
        type="invalid-loan-application",
        detail=f"{len(errors)} field(s) outside what the lending policy accepts",
        errors=errors,
    )
