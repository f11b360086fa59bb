"""Problem types of the disclosure API (RFC 9457; `type` is what clients branch on)."""

from __future__ import annotations

from backend.core.problems import Problem


def invalid_period(detail: str) -> Problem:
    return Problem(status=422, title="Invalid period", type="invalid-period", detail=detail)


def period_not_ended(period: str, ends_at: int, reached: int, clock: str = "chain") -> Problem:
    # 409: the request is well formed; the month's figures are not final until the clock they are
    # counted by passes its end (the index's for chain figures, the service's for its own records).
    where = "the index has reached" if clock == "chain" else "the service's clock reads"
    return Problem(
        status=409,
        title="Period not ended",
        type="disclosure-period-not-ended",
        detail=f"{period} ends at {ends_at} (unix seconds, {clock} time); {where} {reached}",
        periodEnd=ends_at,
        clock=clock,
        reached=reached,
    )


def snapshot_not_found(period: str) -> Problem:
    return Problem(
        status=404,
        title="Snapshot not found",
        type="disclosure-snapshot-not-found",
        detail=f"no disclosure has been published for {period} yet",
    )


def loan_not_found(loan_id: int) -> Problem:
    return Problem(status=404, title="Loan not found", type="not-found", detail=f"no loan {loan_id} indexed")


def unknown_export(kind: str) -> Problem:
    return Problem(status=404, title="Unknown export", type="not-found", detail=f"no export named {kind!r}")


def chain_not_configured() -> Problem:
    return Problem(
        status=409,
        title="No chain configured",
        type="chain-not-configured",
        detail="anchoring a snapshot sends a transaction: set PEERLEND_RPC_URL",
    )
