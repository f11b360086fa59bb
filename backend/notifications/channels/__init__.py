"""How a delivery leaves the platform: SMTP (email.py) and signed HTTP POSTs (webhook.py).

Each channel answers a delivery attempt with an `Outcome`: sent; retry (nothing was delivered, try again
later); failed (the receiver refused it for good); or unconfirmed (email only: the message was handed to
the SMTP server and its answer never came, so it may or may not have been accepted). The sender adds
cancelled: a guard found the notice no longer relevant, or the contact point is gone.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Result = Literal["sent", "retry", "failed", "unconfirmed", "cancelled"]


@dataclass(frozen=True)
class Outcome:
    result: Result
    # a class and a code, never a server's reply text (it may quote the address) nor a contact point
    error: str | None = None

    @classmethod
    def sent(cls) -> Outcome:
        return cls("sent")
