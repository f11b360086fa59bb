"""Problem types of the note market and auto-invest API."""

from __future__ import annotations

from backend.core.problems import Problem


def note_not_found(note_id: int) -> Problem:
    return Problem(status=404, title="Note not found", type="not-found", detail=f"no note {note_id} on-chain")


def chain_not_configured() -> Problem:
    # 409, not 5xx: nothing is wrong with the server or a retry away; this deployment reads no chain.
    return Problem(
        status=409,
        title="No chain configured",
        type="chain-not-configured",
        detail="quotes, early-exit estimates and mandates are read from the chain: set PEERLEND_RPC_URL",
    )
