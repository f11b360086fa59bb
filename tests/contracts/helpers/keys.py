"""Private keys of anvil's default accounts, for EIP-712 signing in tests.

Brownie's dev `accounts` are unlocked on the node but hold no key in Python; signatures need one.
"""

from functools import cache

from scripts.deployment.local_accounts import local_account


@cache
def dev_key(index):
    """eth_account LocalAccount of anvil account `index` (same address as brownie `accounts[index]`)."""
    return local_account(index)
