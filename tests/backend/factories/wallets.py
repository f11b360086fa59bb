"""Wallets: eth_account keys derived from a counter, so every test run signs with the same keys and no
two wallets of one test process are the same."""

from __future__ import annotations

import itertools

from eth_account import Account
from eth_account.signers.local import LocalAccount
from eth_utils import keccak

_next = itertools.count(1)


def account(label: str | int | None = None) -> LocalAccount:
    """The account named `label` (the same one every time), or the next one of the process's sequence."""
    name = f"seq:{next(_next)}" if label is None else f"label:{label}"
    return Account.from_key(keccak(text=f"peerlend-test-wallet:{name}"))


def wallet(label: str | int | None = None) -> str:
    """The checksum address of `account(label)`."""
    return account(label).address
