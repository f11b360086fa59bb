"""Prints the private key of account N of anvil's default mnemonic (local chains only)."""

import sys

from eth_account import Account

ANVIL_MNEMONIC = "test test test test test test test test test test test junk"

Account.enable_unaudited_hdwallet_features()
key = Account.from_mnemonic(ANVIL_MNEMONIC, account_path=f"m/44'/60'/0'/0/{int(sys.argv[1])}").key.hex()
print(key if key.startswith("0x") else "0x" + key)
