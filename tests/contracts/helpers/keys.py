"""Private keys of anvil's default accounts, for EIP-712 signing in tests.

Brownie's dev `accounts` are unlocked on the node but hold no key in Python; signatures need one.
"""

from functools import lru_cache

from eth_account import Account

ANVIL_MNEMONIC = "test test test test test test test test test test test junk"

Account.enable_unaudited_hdwallet_features()


@lru_cache(maxsize=None)
def dev_key(index):
    """eth_account LocalAccount of anvil account `index` (same address as brownie `accounts[index]`)."""
    return Account.from_mnemonic(ANVIL_MNEMONIC, account_path=f"m/44'/60'/0'/0/{index}")
