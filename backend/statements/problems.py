"""Problem types of wallet statements (RFC 9457; `type` is what clients branch on)."""

from __future__ import annotations

from backend.core.problems import Problem, forbidden


def period_not_started(period: str) -> Problem:
    return Problem(
        status=422,
        title="Statement period not started",
        type="statement-period-not-started",
        detail=f"the chain's clock (as indexed) has not reached {period} yet",
    )


def not_your_wallet() -> Problem:
    # 403, not 404: a wallet's address and its on-chain activity are public; its statement is not.
    return forbidden("a wallet may only read its own statements")


def not_acceptable(accept: str) -> Problem:
    return Problem(
        status=406,
        title="Not acceptable",
        type="not-acceptable",
        detail=f"a statement is application/json, text/csv or application/pdf, not {accept[:80]!r}",
    )
