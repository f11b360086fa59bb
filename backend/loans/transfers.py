"""ERC-20 Transfer events of tokens in the manifest -> chain_wallet_transactions.

ERC-721 notes also emit `Transfer(from, to, tokenId)` with the id indexed; that one is handled by the
loans projection (it is registered for the LoanNote contract explicitly and so takes precedence).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from backend.chain.indexer.decoders import DecodedEvent
from backend.chain.indexer.registry import Handler, HandlerKey
from backend.loans.models import WalletTransactionView

ZERO = "0x0000000000000000000000000000000000000000"


def wallet_tx(
    session: Session,
    e: DecodedEvent,
    wallet: str,
    kind: str,
    amount: int,
    *,
    counterparty: str | None = None,
    loan_id: int | None = None,
    note_id: int | None = None,
) -> None:
    session.add(
        WalletTransactionView(
            block_number=e.block_number,
            log_index=e.log_index,
            wallet=wallet,
            kind=kind,
            contract=e.contract,
            counterparty=counterparty,
            loan_id=loan_id,
            note_id=note_id,
            amount=str(amount),
            timestamp=e.timestamp,
            tx_hash=e.tx_hash,
        )
    )


def transfer(session: Session, e: DecodedEvent) -> None:
    a = e.args
    if "value" not in a:  # an ERC-721 Transfer on a contract without its own handler
        return
    sender, receiver, value = a["from"], a["to"], a["value"]
    if sender != ZERO:
        wallet_tx(session, e, sender, "transfer_out", value, counterparty=receiver)
    if receiver != ZERO and receiver != sender:
        wallet_tx(
            session, e, receiver, "mint" if sender == ZERO else "transfer_in", value, counterparty=sender
        )


HANDLERS: dict[HandlerKey, Handler] = {(None, "Transfer"): transfer}
