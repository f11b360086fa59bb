"""Brownie waits for receipts in a way that can misread a mined anvil transaction as dropped.

Brownie declares a transaction dropped when the sender's nonce has moved past it and its receipt
cannot be found. Anvil makes the new nonce visible a moment before it stores the block's receipts;
on a loaded machine a request can fall in between, and Brownie then raises "Tx dropped without known
replacement" for a transaction that was mined. `install()` makes Brownie first wait, briefly, for the
receipt of any transaction whose nonce is already used, then hands over to its own logic unchanged.
"""

from __future__ import annotations

import time

from brownie import web3
from brownie.network.transaction import TransactionReceipt
from web3.exceptions import TransactionNotFound

RECEIPT_WAIT_SECONDS = 5.0
POLL_SECONDS = 0.05


def _receipt_stored(txid: str) -> bool:
    try:
        return web3.eth.get_transaction_receipt(txid) is not None
    except TransactionNotFound:
        return False


def _wait_for_stored_receipt(tx: TransactionReceipt) -> None:
    if tx.nonce is None:
        return
    deadline = time.monotonic() + RECEIPT_WAIT_SECONDS
    while time.monotonic() < deadline:
        if _receipt_stored(tx.txid):
            return
        if web3.eth.get_transaction_count(str(tx.sender)) <= tx.nonce:
            return  # still pending: Brownie's own wait applies
        time.sleep(POLL_SECONDS)


def install() -> None:
    original = TransactionReceipt._await_confirmation
    if getattr(original, "_waits_for_stored_receipt", False):
        return

    def _await_confirmation(self, block_number=None, required_confs=1):
        _wait_for_stored_receipt(self)
        return original(self, block_number, required_confs)

    _await_confirmation._waits_for_stored_receipt = True  # type: ignore[attr-defined]
    TransactionReceipt._await_confirmation = _await_confirmation
