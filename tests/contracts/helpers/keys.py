"""Private keys for EIP-712 signing in tests: anvil's default accounts, and fixed keys of wallets that
hold nothing on the chain.

Brownie's dev `accounts` are unlocked on the node but hold no key in Python; signatures need one. No test
draws a key at random: a failure must replay with the same addresses.
"""

from functools import cache

from eth_account import Account
from eth_utils import keccak

from scripts.deployment.local_accounts import local_account


@cache
def dev_key(index):
    """eth_account LocalAccount of anvil account `index` (same address as brownie `accounts[index]`)."""
    return local_account(index)


@cache
def labelled_key(label):
    """A LocalAccount whose key is keccak256(label): the same wallet in every run, and none of anvil's."""
    return Account.from_key(keccak(text=f"peerlend test key: {label}"))
