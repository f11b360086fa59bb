"""One web3 client for the service, workers and scripts: contracts by name, locally signed transactions.

`transact(fn, private_key)` builds the transaction (estimating gas, which surfaces most reverts before
anything is sent), assigns the nonce from a per-sender counter (so concurrent senders in one process do
not collide), signs locally, sends, waits for the receipt and raises `ContractReverted` with the decoded
custom error if it failed.
"""

from __future__ import annotations

import logging
import threading
import time
from functools import lru_cache
from pathlib import Path
from typing import Any, cast

import requests
from eth_account import Account
from web3 import Web3
from web3.contract import Contract
from web3.contract.contract import ContractFunction
from web3.exceptions import ContractLogicError, TimeExhausted, Web3RPCError
from web3.types import TxReceipt

from backend.chain.abi import (
    all_error_selectors,
    decode_revert,
    error_selectors,
    load_abi,
    normalize_revert_data,
)
from backend.chain.errors import (
    ChainError,
    ChainUnavailable,
    ContractReverted,
    TransactionFailed,
    TransactionTimeout,
)
from backend.chain.manifest import Manifest, load_manifest
from backend.chain.outbox import SendLog, SignedSend

logger = logging.getLogger("peerlend.chain")
_NONCE_ERRORS = (
    "nonce too low",
    "nonce too high",
    "already known",
    "replacement transaction underpriced",
    "invalid nonce",
)


class _SenderState:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.next_nonce = 0
        self.sent_at = 0.0  # time.monotonic() of the last transaction the node accepted


# Process-wide, keyed by node and sender: every ChainClient instance signing for the same account
# (the API's attester, a worker, a script in the same process) shares one nonce sequence.
_senders: dict[tuple[str, str], _SenderState] = {}
_senders_lock = threading.Lock()


def _sender_state(rpc_url: str, sender: str) -> _SenderState:
    with _senders_lock:
        return _senders.setdefault((rpc_url, sender), _SenderState())


class ChainClient:
    def __init__(
        self,
        rpc_url: str,
        manifest: Manifest | str | Path,
        build_dir: str | Path,
        *,
        timeout: float = 10.0,
        tx_timeout: float = 120.0,
        poll_interval: float = 0.1,
        nonce_lag_grace: float = 15.0,
    ) -> None:
        self.rpc_url = rpc_url
        self.manifest = manifest if isinstance(manifest, Manifest) else load_manifest(manifest)
        self.build_dir = Path(build_dir)
        self.tx_timeout = tx_timeout
        self.poll_interval = poll_interval
        self.nonce_lag_grace = nonce_lag_grace
        self.w3 = Web3(Web3.HTTPProvider(rpc_url, request_kwargs={"timeout": timeout}))
        self._contracts: dict[str, Contract] = {}
        self._lock = threading.Lock()

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

    def call(self, fn: ContractFunction, block: int | str = "latest") -> Any:
        """`fn.call()` with transport and revert errors mapped to the ChainError hierarchy."""
        try:
            return fn.call(block_identifier=cast(Any, block))
        except ContractLogicError as exc:
            raise self._reverted(exc, fn) from exc
        except (requests.ConnectionError, requests.Timeout) as exc:
            raise ChainUnavailable(f"RPC {self.rpc_url} unreachable: {exc}") from exc

    def block_number(self) -> int:
        return self._rpc(lambda: self.w3.eth.block_number)

    def latest_timestamp(self) -> int:
        """The chain's clock: the latest block's timestamp (what `block.timestamp` is near for the next
        transaction; a local chain's clock may be far from the wall clock)."""
        return int(self._rpc(lambda: self.w3.eth.get_block("latest"))["timestamp"])

    def is_reachable(self) -> bool:
        try:
            return self._rpc(lambda: self.w3.eth.chain_id) == self.chain_id
        except ChainError:
            return False

    # Writes

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
        state = _sender_state(self.rpc_url, sender)
        with state.lock:
            for attempt in range(2):
                nonce = self._next_nonce(sender, state)
                params: dict[str, Any] = {
                    "from": sender,
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
                signed = account.sign_transaction(tx)
                sent = SignedSend(
                    tx_hash="0x" + bytes(signed.hash).hex(),
                    raw=bytes(signed.raw_transaction),
                    sender=sender,
                    nonce=nonce,
                    chain_id=self.chain_id,
                )
                if send_log is not None:
                    send_log.record(sent)
                try:
                    tx_hash = self.w3.eth.send_raw_transaction(signed.raw_transaction)
                except (requests.ConnectionError, requests.Timeout) as exc:
                    state.next_nonce = 0
                    raise ChainUnavailable(f"RPC {self.rpc_url} unreachable: {exc}") from exc
                except (Web3RPCError, ValueError) as exc:
                    state.next_nonce = 0
                    if send_log is not None:  # the node said no: this transaction will never exist
                        send_log.refused(sent.tx_hash)
                    if attempt == 0 and any(marker in str(exc).lower() for marker in _NONCE_ERRORS):
                        logger.warning("nonce %s for %s rejected, resyncing", nonce, sender)
                        continue
                    raise TransactionFailed(f"transaction refused by the node: {exc}") from exc
                state.next_nonce, state.sent_at = nonce + 1, time.monotonic()
                break
        return self.wait(
            tx_hash.hex() if isinstance(tx_hash, bytes) else str(tx_hash),
            fn=fn,
            sender=sender,
            value=value,
            timeout=timeout,
        )

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

    def _next_nonce(self, sender: str, state: _SenderState) -> int:
        pending = self._rpc(lambda: self.w3.eth.get_transaction_count(cast(Any, sender), "pending"))
        # The node's pending count can lag a just-sent transaction, so for a moment never go below what
        # we already used. Later, a count still below it means a transaction of ours left the node
        # (dropped from the pool, or a reorg took its block): reuse the nonce, or every later
        # transaction would wait forever behind the gap.
        if state.next_nonce > pending and time.monotonic() - state.sent_at > self.nonce_lag_grace:
            lost = f"{pending}..{state.next_nonce - 1}"
            logger.warning("nonces %s of %s never reached the chain; reusing them", lost, sender)
            state.next_nonce = pending
        return max(pending, state.next_nonce)

    def _rpc(self, call):
        try:
            return call()
        except (requests.ConnectionError, requests.Timeout) as exc:
            raise ChainUnavailable(f"RPC {self.rpc_url} unreachable: {exc}") from exc

    def _selector_maps(self, fn: ContractFunction | None) -> list[dict[str, dict[str, Any]]]:
        """Where a revert's selector is looked up, in order: the called contract's ABI, the deployment's
        merged errors ABI (the manifest's `errors`: every error the system can revert with, the
        stablecoin's and the vault's included, whichever contract is called), then every build artifact."""
        maps = []
        if fn is not None and getattr(fn, "contract_abi", None):
            maps.append(error_selectors(cast(Any, list(fn.contract_abi))))
        maps.append(self._manifest_errors)
        maps.append(all_error_selectors(self.build_dir))
        return maps

    @property
    def _manifest_errors(self) -> dict[str, dict[str, Any]]:
        cached = getattr(self, "_manifest_error_map", None)
        if cached is None:
            cached = self._manifest_error_map = error_selectors(list(self.manifest.raw.get("errors") or []))
        return cached

    def _reverted(
        self, exc: ContractLogicError, fn: ContractFunction | None, tx_hash: str | None = None
    ) -> ContractReverted:
        data = normalize_revert_data(getattr(exc, "data", None))
        name, args, selector = decode_revert(data, *self._selector_maps(fn))
        if name is None and data is None:
            message = getattr(exc, "message", None) or str(exc)
            marker = "execution reverted:"
            reason = message.split(marker, 1)[1].strip() if marker in message else None
            if reason:
                return ContractReverted("Error", (reason,), tx_hash=tx_hash, message=message)
        return ContractReverted(name, args, data=data, selector=selector, tx_hash=tx_hash, message=str(exc))

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
