"""Who is who on a local chain: anvil's default mnemonic and the account index of each role.

One source for the deploy script (Brownie environment) and for the run scripts, the demo, the oracle
launcher and the tests (service environment): it needs only eth_account, which both environments have.
These keys are public; `accounts.py` uses them on local chain ids only.

    python scripts/deployment/local_accounts.py N    # prints the private key of account N
"""

from __future__ import annotations

import sys

from eth_account import Account
from eth_account.signers.local import LocalAccount

ANVIL_MNEMONIC = "test test test test test test test test test test test junk"

# Index of each role in anvil's default account list (m/44'/60'/0'/0/i).
ROLE_INDEX = {
    "deployer": 0,
    "attester": 1,
    "compliance": 2,
    "oracle1": 3,
    "oracle2": 4,
    "oracle3": 5,
    "submitter": 6,
    "offerSigner": 7,
    # Beyond the 20 accounts anvil funds (8..19 are users): the deploy gives it gas money on a local chain,
    # so the disclosure service's anchors never share a nonce with a user's transactions.
    "disclosure": 20,
}
ORACLE_SIGNER_INDEXES = (ROLE_INDEX["oracle1"], ROLE_INDEX["oracle2"], ROLE_INDEX["oracle3"])
FIRST_USER_INDEX = 8

Account.enable_unaudited_hdwallet_features()


def local_account(index: int) -> LocalAccount:
    return Account.from_mnemonic(ANVIL_MNEMONIC, account_path=f"m/44'/60'/0'/0/{index}")


def local_private_key(index: int) -> str:
    return "0x" + bytes(local_account(index).key).hex()


if __name__ == "__main__":
    print(local_private_key(int(sys.argv[1])))
