"""Problem types of collections (RFC 9457; `type` is what clients branch on)."""

from __future__ import annotations

from backend.core.problems import Problem


def case_not_found() -> Problem:
    # also a case assigned to another collector: whether it exists is not the caller's to know
    return Problem(
        status=404, title="Collection case not found", type="collection-case-not-found", detail="no such case"
    )


def case_closed(case_id: int) -> Problem:
    return Problem(
        status=409,
        title="Case closed",
        type="collection-case-closed",
        detail=f"collection case {case_id} is closed: nothing more is done on it",
    )


def promise_open(promise_id: int) -> Problem:
    return Problem(
        status=409,
        title="A promise is open",
        type="collection-promise-open",
        detail=f"promise {promise_id} is still open: it is kept or broken before another is taken",
        promiseId=promise_id,
    )


def not_in_legal_tier(tier: int) -> Problem:
    return Problem(
        status=409,
        title="Not over 90 days late",
        type="collection-not-legal-tier",
        detail=f"a case is referred for legal action only beyond 90 days past due (it is in tier {tier})",
        currentTier=tier,
    )


def already_referred() -> Problem:
    return Problem(
        status=409,
        title="Already referred",
        type="collection-already-referred",
        detail="the case was referred for legal action already",
    )


def not_a_collector(assignee: str) -> Problem:
    return Problem(
        status=422,
        title="Not a collector",
        type="collection-not-a-collector",
        detail=f"{assignee} is not an active operator key with the collector role",
    )


def bad_promise_date(earliest: str, latest: str) -> Problem:
    return Problem(
        status=422,
        title="Promise date out of range",
        type="collection-promise-date",
        detail=f"a promise falls due between {earliest} and {latest} (UTC days on the chain's clock)",
        earliest=earliest,
        latest=latest,
    )


def note_too_long(limit: int) -> Problem:
    return Problem(
        status=422,
        title="Note too long",
        type="collection-note-too-long",
        detail=f"at most {limit} characters",
    )


def no_chain_time() -> Problem:
    return Problem(
        status=503,
        title="Chain not indexed",
        type="collection-no-chain-time",
        detail="nothing is indexed yet: collections run on the chain's clock",
    )


def bad_amount() -> Problem:
    return Problem(
        status=422,
        title="Invalid amount",
        type="collection-invalid-amount",
        detail="a promise is a positive amount of base units below 2^63",
    )
