"""AML monitoring as observers of the indexer (backend/chain/indexer/registry.py): each indexed event the
rules care about is judged in the range's own transaction, after the projections have folded it, so an
alert commits with the checkpoint that covers its event: once, and never lost across a restart. A
reorganisation rolls back the read models the rules read; an alert whose event left the chain is
withdrawn by the worker (`service.withdraw_orphaned`). `peerlend aml backfill` replays stored events
through the same functions.

  LoanMarket.LoanFunded             large, structuring (lender), jurisdiction (lender, borrower)
  LoanMarket.LoanRepaid             large, structuring (payer); by a third party: third-party repayment,
                                    jurisdiction (payer, borrower)
  LoanMarket.Claimed                large
  LoanMarket.NoteSold               large, structuring (buyer), jurisdiction (seller, buyer)
  LoanMarket.FundingWithdrawn       fast in-out (a funding taken back within the window)
  CollateralVault.CollateralPledged large (the value the vault's feed gave it)
  CollateralVault.CollateralAdded   large (at the pledge's price per unit)
  <stablecoin>.Transfer             between a customer and an outside address: fast in-out (sender),
                                    shared source (sender, when the recipient is KYC'd)
  IdentityRegistry.IdentityAttested person wallets (subject); shared source (whoever funded the wallet)
"""

from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.aml import rules
from backend.aml.config import aml_settings
from backend.aml.platform import STABLECOINS, platform_addresses
from backend.chain.indexer.decoders import DecodedEvent
from backend.chain.indexer.models import ChainEvent
from backend.chain.indexer.registry import Handler, HandlerKey
from backend.loans.models import LoanView


def funded(session: Session, e: DecodedEvent) -> None:
    settings, lender, amount = aml_settings(), e.args["lender"], e.args["amount"]
    rules.large_transaction(session, settings, e, lender, "fund", amount)
    rules.structuring(session, settings, e, lender, amount)
    loan = session.get(LoanView, e.args["loanId"])
    if loan is not None:
        rules.jurisdiction(session, e, [(lender, loan.borrower), (loan.borrower, lender)], "fund", amount)


def repaid(session: Session, e: DecodedEvent) -> None:
    a, settings = e.args, aml_settings()
    payer, total = a["payer"], a["lateFee"] + a["interest"] + a["principal"]
    if payer in platform_addresses():  # liquidation proceeds, paid by the vault
        return
    rules.large_transaction(session, settings, e, payer, "repay", total)
    rules.structuring(session, settings, e, payer, total)
    loan = session.get(LoanView, a["loanId"])
    if loan is not None and loan.borrower != payer:
        rules.third_party_repayment(session, settings, e, payer)
        rules.jurisdiction(session, e, [(payer, loan.borrower), (loan.borrower, payer)], "repay", total)


def claimed(session: Session, e: DecodedEvent) -> None:
    rules.large_transaction(session, aml_settings(), e, e.args["holder"], "claim", e.args["amount"])


def note_sold(session: Session, e: DecodedEvent) -> None:
    settings, buyer, seller, price = aml_settings(), e.args["buyer"], e.args["seller"], e.args["price"]
    rules.large_transaction(session, settings, e, buyer, "note_buy", price)
    rules.structuring(session, settings, e, buyer, price)
    rules.jurisdiction(session, e, [(seller, buyer), (buyer, seller)], "note_sale", price)


def funding_withdrawn(session: Session, e: DecodedEvent) -> None:
    rules.funding_withdrawn(session, aml_settings(), e)


def collateral_pledged(session: Session, e: DecodedEvent) -> None:
    rules.large_transaction(session, aml_settings(), e, e.args["borrower"], "pledge", e.args["value"])


def _pledge(session: Session, loan_id: int) -> dict[str, int] | None:
    """The loan's CollateralPledged event (args in declaration order: loanId first)."""
    args = session.scalar(
        select(ChainEvent.args)
        .where(
            ChainEvent.contract == "CollateralVault",
            ChainEvent.event == "CollateralPledged",
            ChainEvent.args.like(f'{{"loanId": {int(loan_id)},%'),
        )
        .order_by(ChainEvent.block_number.desc())
        .limit(1)
    )
    return json.loads(args) if args else None


def collateral_added(session: Session, e: DecodedEvent) -> None:
    pledge = _pledge(session, e.args["loanId"])
    if pledge is None or not pledge["amount"]:
        return
    value = e.args["amount"] * pledge["value"] // pledge["amount"]
    rules.large_transaction(session, aml_settings(), e, e.args["from"], "collateral_add", value)


def transfer(session: Session, e: DecodedEvent) -> None:
    if e.contract not in STABLECOINS or "value" not in e.args:
        return
    sender, receiver = e.args["from"], e.args["to"]
    platform = platform_addresses() | {e.address}
    if sender == receiver or sender in platform or receiver in platform:
        return  # mints, burns and the platform's own legs of fundings, claims and repayments
    settings = aml_settings()
    recipient = rules.identity(session, receiver)
    if recipient is not None and recipient.status == "attested":
        rules.shared_source(session, settings, e, sender)
    if rules.identity(session, sender) is not None:  # only KYC'd wallets are paid claims and sales
        rules.fast_out(session, settings, e, sender, platform)


def attested(session: Session, e: DecodedEvent) -> None:
    settings, wallet = aml_settings(), e.args["wallet"]
    rules.forget(session, wallet)
    rules.person_wallets(session, settings, e, e.args["subject"])
    for source in rules.sources_of(session, wallet, platform_addresses()):
        rules.shared_source(session, settings, e, source)


OBSERVERS: dict[HandlerKey, Handler] = {
    ("LoanMarket", "LoanFunded"): funded,
    ("LoanMarket", "LoanRepaid"): repaid,
    ("LoanMarket", "Claimed"): claimed,
    ("LoanMarket", "NoteSold"): note_sold,
    ("LoanMarket", "FundingWithdrawn"): funding_withdrawn,
    ("CollateralVault", "CollateralPledged"): collateral_pledged,
    ("CollateralVault", "CollateralAdded"): collateral_added,
    (None, "Transfer"): transfer,
    ("IdentityRegistry", "IdentityAttested"): attested,
}
