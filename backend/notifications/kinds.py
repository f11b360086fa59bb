"""The catalogue of notice kinds: what a wallet can set channels for (README "Notifications").

A domain that sends a new kind of notice adds it here, one line, so preferences can name it before the
first notice of that kind exists.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Audience = Literal["borrower", "lender"]
CHANNELS = ("email", "webhook", "inbox")


@dataclass(frozen=True)
class Kind:
    name: str
    audience: Audience
    description: str


KINDS: dict[str, Kind] = {
    k.name: k
    for k in (
        Kind("repayment_reminder", "borrower", "an installment falls due in 7, 3 or 1 days, or today"),
        Kind("loan_repaid", "lender", "a loan you hold a note of received a repayment"),
        Kind("loan_late", "lender", "a loan you hold a note of is 1-30, 31-90 or more than 90 days late"),
        Kind("loan_defaulted", "lender", "a loan you hold a note of was marked defaulted"),
        Kind("default_covered", "lender", "the reserve fund covered principal of a defaulted loan you hold"),
        Kind("restructure_proposed", "lender", "the borrower of a loan you hold proposed a new schedule"),
        Kind("restructure_executed", "lender", "a loan you hold was restructured: its new schedule"),
        Kind(
            "loan_recovery",
            "lender",
            "money was recovered on a defaulted loan you hold (collateral, payments)",
        ),
        Kind("collections_reminder", "borrower", "a payment of your loan is 1-30 days late"),
        Kind("collections_formal_notice", "borrower", "formal notice: your loan is more than 30 days late"),
        Kind("collections_legal_notice", "borrower", "your loan is more than 90 days late: legal action"),
    )
}
