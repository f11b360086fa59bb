"""Per-request context (request id, acting principal) readable from logs, audit and problems."""

from __future__ import annotations

import contextvars

request_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "peerlend_request_id", default=None
)


def get_request_id() -> str | None:
    return request_id_var.get()
