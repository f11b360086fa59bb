"""Problem types of AML monitoring (RFC 9457; `type` is what clients branch on)."""

from __future__ import annotations

from backend.core.problems import Problem


def _not_found(what: str, kind: str) -> Problem:
    return Problem(
        status=404, title=f"{what} not found", type=f"aml-{kind}-not-found", detail=f"no such {kind}"
    )


def case_not_found() -> Problem:
    return _not_found("Case", "case")


def alert_not_found() -> Problem:
    return _not_found("Alert", "alert")


def disposition_not_found() -> Problem:
    return _not_found("Disposition", "disposition")


def report_not_found() -> Problem:
    return _not_found("Report", "report")


def list_not_found() -> Problem:
    return _not_found("Sanctions list", "sanctions-list")


def case_closed(status: str) -> Problem:
    return Problem(
        status=409,
        title="Case closed",
        type="aml-case-closed",
        detail=f"the case is {status}: nothing more to decide",
    )


def action_not_allowed(action: str, status: str) -> Problem:
    return Problem(
        status=409,
        title="Action not allowed",
        type="aml-action-not-allowed",
        detail=f"a case that is {status} cannot be given '{action}'",
    )


def disposition_pending() -> Problem:
    return Problem(
        status=409,
        title="A disposition is waiting",
        type="aml-disposition-pending",
        detail="the case has a proposal waiting for a second officer; approve or reject it first",
    )


def not_pending(status: str) -> Problem:
    return Problem(
        status=409,
        title="Nothing to decide",
        type="aml-disposition-not-pending",
        detail=f"the disposition is {status}, not waiting for a second officer",
    )


def four_eyes() -> Problem:
    return Problem(
        status=403,
        title="Four eyes",
        type="aml-four-eyes",
        detail="a freeze or a report takes effect only when a second, different compliance officer decides",
    )


def narrative_required() -> Problem:
    return Problem(
        status=422,
        title="Narrative required",
        type="aml-narrative-required",
        detail="a report proposal carries the narrative the report is filed with",
    )


def invalid_list(detail: str) -> Problem:
    return Problem(
        status=422, title="Invalid sanctions list", type="aml-invalid-sanctions-list", detail=detail
    )
