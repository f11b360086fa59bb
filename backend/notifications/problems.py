"""Problem types of notifications (RFC 9457; `type` is what clients branch on)."""

from __future__ import annotations

from typing import Any

from backend.core.problems import Problem


def notification_not_found(ids: list[str] | None = None) -> Problem:
    # Another wallet's notice is answered exactly as one that does not exist: its id tells nothing.
    extensions: dict[str, Any] = {"ids": ids} if ids else {}
    return Problem(
        status=404,
        title="Notification not found",
        type="notification-not-found",
        detail="no such notification in this wallet's inbox",
        **extensions,
    )


def invalid_contact_point(field: str, message: str) -> Problem:
    return Problem(
        status=422,
        title="Invalid contact point",
        type="invalid-contact-point",
        detail=f"{field}: {message}",
        errors=[{"field": field, "code": "invalid_contact_point", "message": message}],
    )


def unknown_notice_kind(kinds: list[str], known: list[str]) -> Problem:
    return Problem(
        status=422,
        title="Unknown notice kind",
        type="unknown-notice-kind",
        detail=f"no notices of kind {', '.join(kinds)}; the kinds are {', '.join(known)}",
        errors=[{"field": "kinds", "code": "unknown_kind", "message": kind} for kind in kinds],
    )
