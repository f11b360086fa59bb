"""The CreditOracle contract as the oracle processes see it, through the shared chain client.

Web3, the manifest, ABIs, nonces, signing, broadcasting and revert decoding are ChainClient's
(backend/chain/); what is here is CreditOracle's: its typed reads, the submitBatch call, which custom
errors name one refused report. Every RPC is retried with backoff (oracle/retry.py): a node outage is
expected, and each call here is safe to repeat (`broadcast` sends the same bytes, which land once).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from eth_utils import to_checksum_address

from backend.chain.blocks import Head, Receipt
from backend.chain.client import ChainClient
from backend.chain.errors import ContractReverted
from backend.chain.manifest import Manifest
from backend.chain.sends import SignedSend
from oracle.retry import retry_call
from oracle.signing import ScoreBatch

T = TypeVar("T")

# errors that name the one report the contract refused (first argument = borrower)
REPORT_ERRORS = {"AsOfNotIncreasing", "AsOfInFuture", "InvalidReportGrade", "InvalidPd"}


def refused_borrower(error: ContractReverted) -> str | None:
    """The borrower whose report a revert names, None if the revert is about the batch as a whole."""
    if error.error_name in REPORT_ERRORS and error.args:
        return to_checksum_address(error.args[0])
    return None


class OracleChain:
    def __init__(self, client: ChainClient, *, attempts: int = 5, backoff: float = 0.5):
        self.client = client
        self.contract = client.contract("CreditOracle")
        self.address: str = self.contract.address
        self._attempts = attempts
        self._backoff = backoff

    @classmethod
    def from_manifest(
        cls,
        rpc_url: str,
        manifest: Manifest | dict[str, Any] | str | Path,
        build_dir: str | Path,
        *,
        timeout: float = 10.0,
        **kwargs: Any,
    ) -> OracleChain:
        return cls(ChainClient(rpc_url, manifest, build_dir, timeout=timeout), **kwargs)

    @classmethod
    def from_settings(cls, settings: Any) -> OracleChain:
        """The chain the oracle settings (oracle/settings.py) name: RPC, deployment manifest, build ABIs."""
        return cls.from_manifest(
            settings.rpc_url,
            settings.resolved_manifest_path,
            settings.build_dir,
            timeout=settings.http_timeout_seconds,
        )

    def _call(self, what: str, fn: Callable[[], T]) -> T:
        return retry_call(fn, what=what, attempts=self._attempts, base_delay=self._backoff)

    # -- the chain

    @property
    def chain_id(self) -> int:
        return self.client.chain_id

    def now(self) -> int:
        return self._call("block time", self.client.now)

    def head(self) -> Head:
        return self._call("latest block", self.client.head)

    def block_hash(self, number: int) -> str | None:
        return self._call(f"block {number}", lambda: self.client.block_hash(number))

    def automine(self) -> bool:
        return self._call("automine", self.client.automine)

    def next_block_time(self) -> int | None:
        return self._call("pending block", self.client.next_block_time)

    def confirmed_nonce(self, account: str) -> int:
        return self._call("nonce", lambda: self.client.confirmed_nonce(account))

    def gas_limit(self) -> int:
        return self._call("gas limit", self.client.gas_limit)

    def receipt(self, tx_hash: str) -> Receipt | None:
        return self._call("receipt", lambda: self.client.receipt(tx_hash))

    def tx_known(self, tx_hash: str) -> bool:
        return self._call("getTransaction", lambda: self.client.transaction_known(tx_hash))

    # -- CreditOracle reads

    def _read(self, name: str, *args: Any) -> Any:
        fn = getattr(self.contract.functions, name)(*args)
        return self._call(name, lambda: self.client.call(fn))

    def last_round(self) -> int:
        return self._read("lastRound")

    def threshold(self) -> int:
        return self._read("threshold")

    def max_age(self) -> int:
        return self._read("maxAge")

    def signers(self) -> list[str]:
        return [to_checksum_address(s) for s in self._read("signers")]

    def is_signer(self, account: str) -> bool:
        return self._read("isSigner", to_checksum_address(account))

    def record_of(self, borrower: str) -> dict:
        score, grade, pd_bps, model_version, as_of = self._read("recordOf", to_checksum_address(borrower))
        return {"score": score, "grade": grade, "pdBps": pd_bps, "modelVersion": model_version, "asOf": as_of}

    # -- submission

    def submit_batch(self, batch: ScoreBatch, signatures: list[bytes]):
        """The submitBatch call for a signed batch (signatures ordered by signer, as the contract wants)."""
        return self.contract.functions.submitBatch(
            batch.round, batch.deadline, batch.packed_records(), signatures
        )

    def simulate(self, batch: ScoreBatch, signatures: list[bytes], sender: str) -> int:
        """Gas estimate; raises ContractReverted, its custom error decoded, if the contract would refuse."""
        fn = self.submit_batch(batch, signatures)
        return self._call("estimateGas", lambda: self.client.estimate_gas(fn, sender))

    def replay_failure(
        self, batch: ScoreBatch, signatures: list[bytes], sender: str, block: int
    ) -> ContractReverted:
        """Why a mined transaction reverted: the same call against the state before its block."""
        fn = self.submit_batch(batch, signatures)
        try:
            self._call("replay", lambda: self.client.call(fn, max(0, block - 1), sender=sender))
        except ContractReverted as exc:
            return exc
        return ContractReverted(None, message=f"batch reverted in block {block}; its replay does not")

    def sign_submission(
        self, batch: ScoreBatch, signatures: list[bytes], private_key: str | bytes, gas: int
    ) -> SignedSend:
        """The signed submitBatch transaction, not sent: its hash is known, and persisted, first."""
        fn = self.submit_batch(batch, signatures)
        return self._call("sign", lambda: self.client.sign(fn, private_key, gas=gas))

    def broadcast(self, raw: bytes | str) -> str:
        """Send signed bytes (again); raises NonceConsumed if another transaction took their nonce."""
        return self._call("sendRawTransaction", lambda: self.client.broadcast(raw))
