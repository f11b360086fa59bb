"""The deployed contracts as a wallet sees them: calls signed locally with each wallet's key through the
shared chain client, balances, and the local chain's clock (anvil: evm_increaseTime / evm_mine /
evm_setNextBlockTimestamp, evm_snapshot / evm_revert, anvil_setBalance for gas money)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx
from eth_utils import to_checksum_address
from web3.exceptions import ContractLogicError

from backend.chain.abi import load_abi
from backend.chain.client import ChainClient
from demo.stack import Stack

DAY = 86_400
USD = 10**6  # base units per whole unit of the 6-decimal stablecoin

# Local mocks are only known by what they do; these fragments are all the demo calls on them.
MINTABLE_ERC20_ABI = [
    {
        "type": "function",
        "name": "mint",
        "stateMutability": "nonpayable",
        "outputs": [],
        "inputs": [{"name": "to", "type": "address"}, {"name": "amount", "type": "uint256"}],
    },
    {
        "type": "function",
        "name": "balanceOf",
        "stateMutability": "view",
        "outputs": [{"name": "", "type": "uint256"}],
        "inputs": [{"name": "account", "type": "address"}],
    },
    {
        "type": "function",
        "name": "approve",
        "stateMutability": "nonpayable",
        "outputs": [{"name": "", "type": "bool"}],
        "inputs": [{"name": "spender", "type": "address"}, {"name": "amount", "type": "uint256"}],
    },
    {
        "type": "function",
        "name": "decimals",
        "stateMutability": "view",
        "outputs": [{"name": "", "type": "uint8"}],
        "inputs": [],
    },
    {
        "type": "function",
        "name": "symbol",
        "stateMutability": "view",
        "outputs": [{"name": "", "type": "string"}],
        "inputs": [],
    },
]
MOCK_FEED_ABI = [
    {
        "type": "function",
        "name": "setPrice",
        "stateMutability": "nonpayable",
        "outputs": [],
        "inputs": [{"name": "answer", "type": "int256"}],
    },
    {
        "type": "function",
        "name": "decimals",
        "stateMutability": "view",
        "outputs": [{"name": "", "type": "uint8"}],
        "inputs": [],
    },
    {
        "type": "function",
        "name": "latestRoundData",
        "stateMutability": "view",
        "inputs": [],
        "outputs": [
            {"name": "roundId", "type": "uint80"},
            {"name": "answer", "type": "int256"},
            {"name": "startedAt", "type": "uint256"},
            {"name": "updatedAt", "type": "uint256"},
            {"name": "answeredInRound", "type": "uint80"},
        ],
    },
]
CONFIGURED_EVENT = "CollateralTypeConfigured"


@dataclass
class CollateralType:
    token: Any  # web3 contract (mintable mock on a local chain)
    feed: Any  # web3 contract (settable mock feed on a local chain)
    symbol: str
    decimals: int
    feed_decimals: int


class Chain:
    def __init__(self, stack: Stack):
        self.stack = stack
        self.client = ChainClient(stack.rpc_url, stack.manifest_path, stack.build_dir, tx_timeout=60)
        self.w3 = self.client.w3
        self.manifest = stack.manifest
        names = self.manifest["contracts"]
        self.token: Any = self.client.contract("MockStablecoin") if "MockStablecoin" in names else None
        self.registry: Any = self.client.contract("IdentityRegistry")
        self.oracle: Any = self.client.contract("CreditOracle")
        self.market: Any = self.client.contract("LoanMarket") if "LoanMarket" in names else None
        self.note: Any = self.client.contract("LoanNote") if "LoanNote" in names else None
        self.reserve: Any = self.client.contract("ReserveFund") if "ReserveFund" in names else None
        self.vault: Any = self.client.contract("CollateralVault") if "CollateralVault" in names else None
        self.lens: Any = self.client.contract("LoanMarketLens") if "LoanMarketLens" in names else None
        self.auto_invest: Any = self.client.contract("AutoInvest") if "AutoInvest" in names else None
        if self.token is None and self.market is not None:
            stable = self.market.functions.stablecoin().call()
            self.token = self.w3.eth.contract(address=stable, abi=MINTABLE_ERC20_ABI)

    # ------------------------------------------------------------------ wallets

    def send(self, fn, account, gas: int | None = None) -> Any:
        """Signs `fn` with the wallet's own key and waits for it; reverts raise ContractReverted (decoded).

        Gas is the node's estimate plus a margin: the estimate is taken against the pending block, and the
        block the transaction lands in can differ (another timestamp, storage slots already warm or not)."""
        key = "0x" + bytes(account.key).hex()
        if gas is None:
            try:
                gas = fn.estimate_gas({"from": account.address}) * 5 // 4 + 20_000
            except (ContractLogicError, ValueError):
                gas = None  # let the client estimate again and raise the decoded revert
        return self.client.transact(fn, key, gas=gas)

    def call(self, fn) -> Any:
        return self.client.call(fn)

    def give_gas_money(self, address: str, ether: int = 10) -> None:
        self.rpc("anvil_setBalance", [address, hex(ether * 10**18)])

    def balance(self, address: str) -> int:
        return self.token.functions.balanceOf(to_checksum_address(address)).call()

    def balances(self, named: dict[str, str]) -> dict[str, int]:
        return {name: self.balance(address) for name, address in named.items()}

    def abi(self, name: str) -> list:
        """The ABI to call deployed contract `name` through: the one the manifest names (the merged
        `ILoanMarket` for the three-part loan market), else the contract's own."""
        return load_abi(self.stack.build_dir, self.client.manifest.abi_name(name))

    # ------------------------------------------------------------------ collateral

    def collateral_types(self) -> list[CollateralType]:
        """Collateral tokens the vault accepts, from its configuration events (no address book needed)."""
        if self.vault is None:
            return []
        event = getattr(self.vault.events, CONFIGURED_EVENT)
        start = self.manifest["contracts"]["CollateralVault"].get("block") or 0
        found: dict[str, CollateralType] = {}
        for log in event.get_logs(from_block=start, to_block="latest"):
            token = self.w3.eth.contract(address=log["args"]["token"], abi=MINTABLE_ERC20_ABI)
            feed = self.w3.eth.contract(address=log["args"]["feed"], abi=MOCK_FEED_ABI)
            found[token.address] = CollateralType(
                token=token,
                feed=feed,
                symbol=token.functions.symbol().call(),
                decimals=token.functions.decimals().call(),
                feed_decimals=feed.functions.decimals().call(),
            )
        return list(found.values())

    # ------------------------------------------------------------------ time

    def rpc(self, method: str, params: list | None = None) -> Any:
        reply = httpx.post(
            self.stack.rpc_url,
            json={"jsonrpc": "2.0", "id": 1, "method": method, "params": params or []},
            timeout=30,
        )
        body = reply.json()
        if "error" in body:
            raise RuntimeError(f"{method}: {body['error']}")
        return body["result"]

    def now(self) -> int:
        return self.w3.eth.get_block("latest")["timestamp"]

    def advance(self, seconds: int) -> int:
        """Moves the chain clock forward and mines a block; returns the new time."""
        self.rpc("evm_increaseTime", [int(seconds)])
        self.rpc("evm_mine")
        return self.now()

    def advance_to(self, timestamp: int) -> int:
        """Mines an empty block at exactly `timestamp` (must be ahead of the chain)."""
        self.rpc("evm_mine", [int(timestamp)])
        return self.now()

    def next_block_at(self, timestamp: int) -> None:
        """The next transaction is mined at exactly `timestamp` (e.g. a repayment on its due date)."""
        if timestamp <= self.now():
            raise ValueError(f"chain is already at {self.now()}, cannot go back to {timestamp}")
        self.rpc("evm_setNextBlockTimestamp", [int(timestamp)])

    def snapshot(self) -> str:
        return self.rpc("evm_snapshot")

    def revert(self, snapshot_id: str) -> bool:
        return bool(self.rpc("evm_revert", [snapshot_id]))
