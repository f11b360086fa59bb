"""Problem types of sign-in and operator keys (RFC 9457; `type` is what clients branch on)."""

from __future__ import annotations

from backend.core.problems import Problem


def signin_refused(kind: str, detail: str) -> Problem:
    """`siwe-<kind>`: malformed-message, wrong-domain, wrong-chain, bad-signature, expired, not-yet-valid,
    unknown-nonce, nonce-used."""
    return Problem(
        status=401,
        title="Sign-in refused",
        detail=detail,
        type=f"siwe-{kind}",
        headers={"WWW-Authenticate": "Bearer"},
    )


def invalid_roles(allowed, unknown) -> Problem:
    return Problem(
        status=422,
        title="Invalid roles",
        type="invalid-roles",
        detail=f"roles must be a non-empty subset of {sorted(allowed)}; unknown: {unknown}",
    )


def api_key_not_found(key_id: str) -> Problem:
    return Problem(status=404, title="API key not found", type="api-key-not-found", detail=f"no key {key_id}")
