"""Problem types of complaints (RFC 9457; `type` is what clients branch on)."""

from __future__ import annotations

from backend.core.problems import Problem


def complaint_not_found() -> Problem:
    # also another wallet's complaint: whether it exists is not the caller's to know
    return Problem(
        status=404, title="Complaint not found", type="complaint-not-found", detail="no such complaint"
    )


def invalid_transition(status: str, action: str) -> Problem:
    return Problem(
        status=409,
        title="Not possible in this state",
        type="complaint-invalid-transition",
        detail=f"a complaint that is {status} cannot be {action}",
        currentStatus=status,
    )


def sla_not_breached() -> Problem:
    return Problem(
        status=409,
        title="SLA not breached",
        type="complaint-sla-not-breached",
        detail="mediation may be asked for once a deadline is missed, or by rejecting the resolution",
    )


def unknown_loan(loan_id: int) -> Problem:
    return Problem(
        status=422,
        title="Unknown loan",
        type="complaint-unknown-loan",
        detail=f"loan {loan_id} is not one this wallet borrowed or held a note of",
    )


def text_too_long(limit: int) -> Problem:
    return Problem(
        status=422,
        title="Text too long",
        type="complaint-text-too-long",
        detail=f"at most {limit} characters",
    )
