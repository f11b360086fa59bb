"""Problem types of the restructuring API (RFC 9457; `type` is what clients branch on)."""

from __future__ import annotations

from backend.core.problems import Problem


def loan_not_found(loan_id: int) -> Problem:
    return Problem(status=404, title="Loan not found", type="not-found", detail=f"no loan {loan_id} indexed")


def no_open_proposal(loan_id: int) -> Problem:
    return Problem(
        status=422,
        title="No open restructuring proposal",
        type="restructure-not-proposed",
        detail=f"loan {loan_id} has no open restructuring proposal to approve",
    )


def not_a_note_holder(holder: str, loan_id: int) -> Problem:
    return Problem(
        status=422,
        title="Not a note holder",
        type="not-a-note-holder",
        detail=f"{holder} holds no note of loan {loan_id}: only note holders approve a restructuring",
    )


def chain_not_configured() -> Problem:
    # 409, not 5xx: nothing is wrong with the server or a retry away; this deployment reads no chain.
    return Problem(
        status=409,
        title="No chain configured",
        type="chain-not-configured",
        detail="approval typed data is read from the chain (nonce, clock): set PEERLEND_RPC_URL",
    )
