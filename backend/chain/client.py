"""One web3 client for the service, the oracle, workers and scripts: contracts by name, locally signed
transactions, the chain's clock and head.

`transact(fn, private_key)` builds the transaction (estimating gas, which surfaces most reverts before
anything is sent), assigns the nonce from a per-sender counter (so concurrent senders in one process do
not collide), signs locally, sends, waits for the receipt and raises `ContractReverted` with the decoded
custom error if it failed.

A sender that must journal a transaction before the node sees it, and may send it again after a crash or
a reorganisation (the oracle's aggregator), takes the steps apart: `sign` (the hash is known, nothing is
sent), `broadcast` (the same bytes again are harmless; bytes whose nonce another transaction took raise
`NonceConsumed`), then `receipt` / `transaction_known` and `head` / `block_hash` to follow it.
"""

from __future__ import annotations

import logging
import threading
from functools import lru_cache
from pathlib import Path
from typing import Any, cast

import requests
from eth_account import Account
from eth_account.signers.local import LocalAccount
from eth_utils import keccak
from hexbytes import HexBytes
from web3 import Web3
from web3.contract import Contract
from web3.contract.contract import ContractFunction
from web3.exceptions import (
    BlockNotFound,
    ContractLogicError,
    TimeExhausted,
    TransactionNotFound,
    Web3RPCError,
)
from web3.types import TxReceipt

from backend.chain.abi import load_abi
from backend.chain.blocks import Head, Receipt, to_hex
from backend.chain.errors import (
    ChainError,
    ChainUnavailable,
    ContractReverted,
    NonceConsumed,
    TransactionFailed,
    TransactionTimeout,
)
from backend.chain.manifest import Manifest, load_manifest, parse_manifest
from backend.chain.nonces import SenderNonces, sender_nonces
from backend.chain.reverts import RevertDecoder
from backend.chain.sends import SendLog, SignedSend

logger = logging.getLogger("peerlend.chain")
_NONCE_ERRORS = (
    "nonce too low",
    "nonce too high",
    "already known",
    "replacement transaction underpriced",
    "invalid nonce",
)
# What nodes (geth, anvil, reth, hardhat) answer when handed bytes they already hold...
_ALREADY_HELD = ("already known", "already imported", "known transaction")
# ...and when the bytes' nonce is below the sender's count: mined already, or taken by another transaction.
_NONCE_USED = ("nonce too low", "nonce has already been used", "invalid nonce")
_AUTOMINE_METHODS = ("anvil_getAutomine", "hardhat_getAutomine")


class ChainClient:
    def __init__(
        self,
        rpc_url: str,
        manifest: Manifest | dict[str, Any] | str | Path,
        build_dir: str | Path,
        *,
        timeout: float = 10.0,
        tx_timeout: float = 120.0,
        poll_interval: float = 0.1,
        nonce_lag_grace: float = 15.0,
    ) -> None:
        self.rpc_url = rpc_url
        if isinstance(manifest, dict):
            manifest = parse_manifest(manifest)
        self.manifest = manifest if isinstance(manifest, Manifest) else load_manifest(manifest)
        self.build_dir = Path(build_dir)
        self.tx_timeout = tx_timeout
        self.poll_interval = poll_interval
        self.nonce_lag_grace = nonce_lag_grace
        self.w3 = Web3(Web3.HTTPProvider(rpc_url, request_kwargs={"timeout": timeout}))
        self._contracts: dict[str, Contract] = {}
        self._lock = threading.Lock()
        self._automine: bool | None = None
        self.reverts = RevertDecoder(list(self.manifest.raw.get("errors") or []), self.build_dir)

    @classmethod
    def from_settings(cls, settings: Any = None) -> ChainClient:
        from backend.core.settings import get_settings

        settings = settings or get_settings()
        if not settings.rpc_url:
            raise ChainUnavailable("no RPC URL configured (PEERLEND_RPC_URL)")
        return cls(
            settings.rpc_url,
            settings.resolved_manifest_path,
            settings.build_dir,
            timeout=settings.rpc_timeout_seconds,
            tx_timeout=settings.tx_timeout_seconds,
        )

    @property
    def chain_id(self) -> int:
        return self.manifest.chain_id

    # Reads

    def contract(self, name: str) -> Contract:
        with self._lock:
            contract = self._contracts.get(name)
            if contract is None:
                abi = load_abi(self.build_dir, self.manifest.abi_name(name))
                address = cast(Any, self.manifest.address(name))
                contract = self.w3.eth.contract(address=address, abi=cast(Any, abi))
                self._contracts[name] = contract
            return contract

    def call(
        self, fn: ContractFunction, block: int | str = "latest", *, sender: str | None = None, value: int = 0
    ) -> Any:
        """`fn.call()` (as `sender`, if given) with transport and revert errors mapped to the ChainError
        hierarchy."""
        tx: dict[str, Any] = {"value": value} if value else {}
        if sender is not None:
            tx["from"] = sender
        try:
            return fn.call(cast(Any, tx or None), block_identifier=cast(Any, block))
        except ContractLogicError as exc:
            raise self._reverted(exc, fn) from exc
        except (requests.ConnectionError, requests.Timeout) as exc:
            raise ChainUnavailable(f"RPC {self.rpc_url} unreachable: {exc}") from exc

    def estimate_gas(
        self, fn: ContractFunction, sender: str, *, value: int = 0, block: int | str = "pending"
    ) -> int:
        """The gas `fn` takes from `sender`; raises ContractReverted, decoded, if the contract refuses."""
        tx = cast(Any, {"from": sender, "value": value})
        try:
            return int(fn.estimate_gas(tx, block_identifier=cast(Any, block)))
        except ContractLogicError as exc:
            raise self._reverted(exc, fn) from exc
        except (requests.ConnectionError, requests.Timeout) as exc:
            raise ChainUnavailable(f"RPC {self.rpc_url} unreachable: {exc}") from exc
        except Web3RPCError as exc:  # not a revert: funds, gas cap
            raise TransactionFailed(f"gas estimate refused by the node: {exc}") from exc

    def block_number(self) -> int:
        return self._rpc(lambda: self.w3.eth.block_number)

    def head(self) -> Head:
        """The latest block: its time is the chain's clock (what `block.timestamp` has reached)."""
        return Head.of(self._rpc(lambda: self.w3.eth.get_block("latest")))

    def latest_timestamp(self) -> int:
        """The chain's clock: the latest block's timestamp (what `block.timestamp` is near for the next
        transaction; a local chain's clock may be far from the wall clock)."""
        return self.head().timestamp

    def block_hash(self, number: int) -> str | None:
        """Hash of the canonical block at `number`, None above the head."""
        try:
            return to_hex(self._rpc(lambda: self.w3.eth.get_block(number))["hash"])
        except BlockNotFound:
            return None

    def next_block_time(self) -> int | None:
        """Timestamp of the node's pending block, None where the node keeps none."""
        try:
            return int(self._rpc(lambda: self.w3.eth.get_block("pending"))["timestamp"])
        except (BlockNotFound, Web3RPCError, ValueError):
            return None

    def now(self) -> int:
        """Time of the block a transaction sent now would land in: the pending block's where the node has
        one (anvil stamps it with its own clock, while its latest block can be minutes old when idle),
        never before the latest block's."""
        latest = self.latest_timestamp()
        pending = self.next_block_time()
        return latest if pending is None else max(pending, latest)

    def automine(self) -> bool:
        """True on a development node that mines a block for each transaction (anvil, hardhat): there the
        block a transaction lands in is made by the transaction itself, stamped with the node's clock, so
        the latest block's time (which stands still while nobody transacts) is not when it lands.
        Asked once; a node that knows neither method is not automining."""
        if self._automine is None:
            automine = False
            for method in _AUTOMINE_METHODS:
                reply = self._rpc(lambda m=method: self.w3.provider.make_request(cast(Any, m), []))
                if isinstance(reply, dict) and reply.get("result") is not None:
                    automine = bool(reply["result"])
                    break
            self._automine = automine
        return self._automine

    def gas_limit(self) -> int:
        """The latest block's gas limit: the most one transaction can use."""
        return int(self._rpc(lambda: self.w3.eth.get_block("latest"))["gasLimit"])

    def confirmed_nonce(self, account: str) -> int:
        """Transactions of `account` mined so far: the nonce the chain will accept from it next."""
        return int(self._rpc(lambda: self.w3.eth.get_transaction_count(cast(Any, account), "latest")))

    def receipt(self, tx_hash: str) -> Receipt | None:
        """The transaction's receipt, or None while it is in no block (pending, dropped or unknown)."""
        try:
            receipt = self._rpc(lambda: self.w3.eth.get_transaction_receipt(cast(Any, to_hex(tx_hash))))
        except TransactionNotFound:
            return None
        if receipt.get("blockHash") is None:  # some nodes answer for pending transactions
            return None
        return Receipt.of(receipt)

    def transaction_known(self, tx_hash: str) -> bool:
        """The node holds the transaction, mined or waiting in its pool."""
        try:
            self._rpc(lambda: self.w3.eth.get_transaction(cast(Any, to_hex(tx_hash))))
        except TransactionNotFound:
            return False
        return True

    def is_reachable(self) -> bool:
        try:
            return self._rpc(lambda: self.w3.eth.chain_id) == self.chain_id
        except ChainError:
            return False

    # Writes

    def sign(
        self, fn: ContractFunction, private_key: str | bytes, *, value: int = 0, gas: int | None = None
    ) -> SignedSend:
        """`fn` signed by the key's account with the sender's next nonce, not sent: the caller records the
        hash (and the bytes, to send them again) first, then calls `broadcast`. Sign the sender's next
        transaction only once this one is broadcast, or both take the same nonce."""
        account = Account.from_key(private_key)
        state = sender_nonces(self.rpc_url, account.address)
        with state.lock:
            return self._sign(fn, account, self._next_nonce(account.address, state), value=value, gas=gas)

    def broadcast(self, raw: bytes | str) -> str:
        """Sends signed bytes and returns their transaction hash. Sending the same bytes again is harmless:
        bytes the node holds, or mined already, count as sent. Bytes whose nonce went to another
        transaction raise NonceConsumed (they can never be mined: treating them as sent would wait for them
        forever); any other refusal raises TransactionFailed."""
        data = HexBytes(raw)
        tx_hash = to_hex(keccak(data))
        try:
            self._rpc(lambda: self.w3.eth.send_raw_transaction(data))
        except (Web3RPCError, ValueError) as exc:
            text = str(exc).lower()
            if any(marker in text for marker in _ALREADY_HELD):
                return tx_hash
            if any(marker in text for marker in _NONCE_USED):
                if self.receipt(tx_hash) is not None:
                    return tx_hash  # it was these very bytes that used the nonce
                raise NonceConsumed(f"{tx_hash}: its nonce was used by another transaction ({exc})") from exc
            raise TransactionFailed(f"transaction {tx_hash} refused by the node: {exc}") from exc
        return tx_hash

    def transact(
        self,
        fn: ContractFunction,
        private_key: str,
        *,
        value: int = 0,
        gas: int | None = None,
        timeout: float | None = None,
        send_log: SendLog | None = None,
    ) -> TxReceipt:
        """Signs and sends `fn` from the key's account and waits for its receipt. `send_log` records the
        signed transaction before the node sees it (the outbox, see outbox.py; if recording raises,
        nothing is sent), and hears of a transaction the node refused outright."""
        account = Account.from_key(private_key)
        sender = account.address
        state = sender_nonces(self.rpc_url, sender)
        with state.lock:
            for attempt in range(2):
                nonce = self._next_nonce(sender, state)
                sent = self._sign(fn, account, nonce, value=value, gas=gas)
                if send_log is not None:
                    send_log.record(sent)
                try:
                    self.w3.eth.send_raw_transaction(sent.raw)
                except (requests.ConnectionError, requests.Timeout) as exc:
                    state.forget()
                    raise ChainUnavailable(f"RPC {self.rpc_url} unreachable: {exc}") from exc
                except (Web3RPCError, ValueError) as exc:
                    state.forget()
                    if send_log is not None:  # the node said no: this transaction will never exist
                        send_log.refused(sent.tx_hash)
                    # Unlike `broadcast`, "already known" is no success here: this call signed anew, so
                    # bytes the node already holds are another send's, which took the nonce.
                    if attempt == 0 and any(marker in str(exc).lower() for marker in _NONCE_ERRORS):
                        logger.warning("nonce %s for %s rejected, resyncing", nonce, sender)
                        continue
                    raise TransactionFailed(f"transaction refused by the node: {exc}") from exc
                state.accepted(nonce)
                break
        return self.wait(sent.tx_hash, fn=fn, sender=sender, value=value, timeout=timeout)

    def wait(
        self,
        tx_hash: str,
        *,
        fn: ContractFunction | None = None,
        sender: str | None = None,
        value: int = 0,
        timeout: float | None = None,
    ) -> TxReceipt:
        if not tx_hash.startswith("0x"):
            tx_hash = "0x" + tx_hash
        try:
            receipt = self.w3.eth.wait_for_transaction_receipt(
                cast(Any, tx_hash), timeout=timeout or self.tx_timeout, poll_latency=self.poll_interval
            )
        except TimeExhausted as exc:
            raise TransactionTimeout(f"transaction {tx_hash} not mined in time", tx_hash) from exc
        except (requests.ConnectionError, requests.Timeout) as exc:
            raise ChainUnavailable(f"RPC {self.rpc_url} unreachable: {exc}") from exc
        if receipt["status"] != 1:
            raise self._reverted_receipt(tx_hash, receipt, fn, sender, value)
        return receipt

    # Internals

    def _sign(
        self, fn: ContractFunction, account: LocalAccount, nonce: int, *, value: int, gas: int | None
    ) -> SignedSend:
        params: dict[str, Any] = {
            "from": account.address,
            "nonce": nonce,
            "chainId": self.chain_id,
            "value": value,
        }
        if gas is not None:
            params["gas"] = gas
        try:
            tx = fn.build_transaction(cast(Any, params))
        except ContractLogicError as exc:
            raise self._reverted(exc, fn) from exc
        except (requests.ConnectionError, requests.Timeout) as exc:
            raise ChainUnavailable(f"RPC {self.rpc_url} unreachable: {exc}") from exc
        signed = account.sign_transaction(cast(Any, tx))
        return SignedSend(
            tx_hash=to_hex(signed.hash),
            raw=bytes(signed.raw_transaction),
            sender=account.address,
            nonce=nonce,
            chain_id=self.chain_id,
        )

    def _next_nonce(self, sender: str, state: SenderNonces) -> int:
        pending = self._rpc(lambda: self.w3.eth.get_transaction_count(cast(Any, sender), "pending"))
        return state.next(sender, pending, self.nonce_lag_grace)

    def _rpc(self, call):
        try:
            return call()
        except (requests.ConnectionError, requests.Timeout) as exc:
            raise ChainUnavailable(f"RPC {self.rpc_url} unreachable: {exc}") from exc

    def _reverted(
        self, exc: ContractLogicError, fn: ContractFunction | None, tx_hash: str | None = None
    ) -> ContractReverted:
        return self.reverts.reverted(exc, fn, tx_hash)

    def _reverted_receipt(
        self, tx_hash: str, receipt: TxReceipt, fn: ContractFunction | None, sender: str | None, value: int
    ) -> ContractReverted:
        # A mined failure carries no revert data: replay the call at that block to recover it.
        if fn is not None and sender is not None:
            try:
                fn.call(cast(Any, {"from": sender, "value": value}), block_identifier=receipt["blockNumber"])
            except ContractLogicError as exc:
                return self._reverted(exc, fn, tx_hash)
            except Exception:  # noqa: S110 - best effort; fall through to an undecoded revert
                pass
        return ContractReverted(None, (), tx_hash=tx_hash, message="transaction reverted")


@lru_cache(maxsize=8)
def reader(rpc_url: str, manifest: Path, build_dir: Path, timeout: float) -> ChainClient:
    """A client for reads, one per deployment, timeout and process: it caches the manifest, the ABIs and
    the contracts, so a request reading the chain builds none of them again."""
    return ChainClient(rpc_url, manifest, build_dir, timeout=timeout)


def deployment_reader(settings: Any, *, interactive: bool = True) -> ChainClient:
    """`reader` for the deployment the service settings name. `interactive`: a read a request waits on,
    with the short `chain_read_timeout_seconds`; else the general `rpc_timeout_seconds`."""
    timeout = settings.chain_read_timeout_seconds if interactive else settings.rpc_timeout_seconds
    return reader(settings.rpc_url, settings.resolved_manifest_path, settings.build_dir, timeout)
