"""The CreditOracle contract as the oracle processes see it: reads, submission, custom-error decoding."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from eth_abi import decode as abi_decode
from eth_account import Account
from eth_typing import HexStr
from eth_utils import keccak, to_checksum_address
from web3 import Web3
from web3.exceptions import BlockNotFound, ContractCustomError, ContractLogicError, TransactionNotFound

from oracle.retry import retry_call
from oracle.signing import ScoreBatch

# errors that name the one report the contract refused (first argument = borrower)
REPORT_ERRORS = {"AsOfNotIncreasing", "AsOfInFuture", "InvalidReportGrade", "InvalidPd"}


@dataclass(frozen=True)
class DecodedError:
    name: str
    args: tuple
    raw: str

    @property
    def borrower(self) -> str | None:
        if self.name in REPORT_ERRORS and self.args:
            return to_checksum_address(self.args[0])
        return None

    def __str__(self) -> str:
        return f"{self.name}({', '.join(str(a) for a in self.args)})" if self.name else f"revert {self.raw}"


class Reverted(Exception):
    def __init__(self, error: DecodedError):
        super().__init__(str(error))
        self.error = error


class NonceConsumed(Exception):
    """The node refuses a transaction because its nonce was used by another transaction of the sender:
    those bytes can never be mined."""


@dataclass(frozen=True)
class Head:
    """A block as the aggregator tracks it: enough to tell a reorg from progress."""

    number: int
    hash: str
    timestamp: int


def _hex(value) -> str:
    if isinstance(value, str):
        return value if value.startswith("0x") else "0x" + value
    return "0x" + bytes(value).hex()


def load_abi(build_dir: Path, name: str = "CreditOracle") -> list:
    """The contract's ABI from `build_dir` (build/contracts), else its interface's, there or in the
    sibling build/interfaces (where the compiler puts interfaces)."""
    build = Path(build_dir)
    for directory in (build, build.parent / "interfaces"):
        for candidate in (name, f"I{name}"):
            path = directory / f"{candidate}.json"
            if path.exists():
                return json.loads(path.read_text())["abi"]
    raise FileNotFoundError(f"no ABI for {name} in {build_dir} (run `make compile`)")


class ErrorDecoder:
    def __init__(self, abi: list):
        self._errors: dict[bytes, tuple[str, list[str]]] = {}
        for item in abi:
            if item.get("type") == "error":
                types = [i["type"] for i in item["inputs"]]
                self._errors[keccak(text=f"{item['name']}({','.join(types)})")[:4]] = (item["name"], types)

    def decode(self, data) -> DecodedError:
        raw = data if isinstance(data, str) else "0x" + bytes(data or b"").hex()
        blob = bytes.fromhex(raw[2:]) if raw.startswith("0x") else b""
        known = self._errors.get(blob[:4])
        if known is None:
            return DecodedError("", (), raw)
        name, types = known
        try:
            return DecodedError(name, tuple(abi_decode(types, blob[4:])), raw)
        except Exception:  # malformed payload: keep the raw bytes for the reason
            return DecodedError(name, (), raw)


def revert_data(exc: Exception) -> str | None:
    data = getattr(exc, "data", None)
    if isinstance(data, dict):
        data = data.get("data")
    if isinstance(data, str) and data.startswith("0x"):
        return data
    for arg in exc.args:
        if isinstance(arg, str) and arg.startswith("0x"):
            return arg
        if isinstance(arg, dict) and isinstance(arg.get("data"), str):
            return arg["data"]
    return None


class OracleChain:
    def __init__(
        self,
        rpc_url: str,
        address: str,
        abi: list,
        *,
        timeout: float = 10.0,
        attempts: int = 5,
        backoff: float = 0.5,
    ):
        self.w3 = Web3(Web3.HTTPProvider(rpc_url, request_kwargs={"timeout": timeout}))
        self.address = to_checksum_address(address)
        self.contract = self.w3.eth.contract(address=self.address, abi=abi)
        self.errors = ErrorDecoder(abi)
        self._attempts = attempts
        self._backoff = backoff
        self._chain_id: int | None = None
        self._automine: bool | None = None

    @classmethod
    def from_manifest(cls, rpc_url: str, manifest: dict, build_dir: Path, **kwargs) -> OracleChain:
        entry = manifest["contracts"]["CreditOracle"]
        # the manifest names the ABI to call a contract through when it is not the contract's own
        abi = load_abi(build_dir, entry.get("abi") or "CreditOracle")
        return cls(rpc_url, entry["address"], abi, **kwargs)

    def _call(self, what: str, fn):
        return retry_call(fn, what=what, attempts=self._attempts, base_delay=self._backoff)

    # -- reads

    @property
    def chain_id(self) -> int:
        if self._chain_id is None:
            self._chain_id = self._call("eth_chainId", lambda: self.w3.eth.chain_id)
        return self._chain_id

    def now(self) -> int:
        """Time of the block a transaction sent now would land in: the pending block where the node has
        one (anvil stamps it with the wall clock; its latest block can be minutes old when idle)."""

        def read() -> int:
            try:
                return max(
                    self.w3.eth.get_block("pending")["timestamp"],
                    self.w3.eth.get_block("latest")["timestamp"],
                )
            except ValueError:  # nodes without a pending block
                return self.w3.eth.get_block("latest")["timestamp"]

        return self._call("block time", read)

    def head(self) -> Head:
        """The latest block: its time is the chain's clock (what `block.timestamp` has reached)."""
        block = self._call("latest block", lambda: self.w3.eth.get_block("latest"))
        return Head(int(block["number"]), _hex(block["hash"]), int(block["timestamp"]))

    def block_hash(self, number: int) -> str | None:
        """Hash of the canonical block at `number`, None above the head."""

        def read():
            try:
                return self.w3.eth.get_block(number)
            except BlockNotFound:
                return None

        block = self._call(f"block {number}", read)
        return _hex(block["hash"]) if block is not None else None

    def automine(self) -> bool:
        """True on a development node that mines a block for each transaction (anvil, hardhat): there
        the block a batch lands in is made by the batch itself, stamped with the node's clock, so the
        latest block's time (which stands still while nobody transacts) is not when it will land."""
        if self._automine is None:
            self._automine = False
            for method in ("anvil_getAutomine", "hardhat_getAutomine"):
                try:
                    reply = self._call(method, lambda m=method: self.w3.provider.make_request(m, []))
                except (ValueError, OSError):
                    continue
                if isinstance(reply, dict) and reply.get("result") is not None:
                    self._automine = bool(reply["result"])
                    break
        return self._automine

    def next_block_time(self) -> int | None:
        """Timestamp of the node's pending block, None where the node has none."""
        try:
            return int(self._call("pending block", lambda: self.w3.eth.get_block("pending"))["timestamp"])
        except (ValueError, BlockNotFound):
            return None

    def confirmed_nonce(self, account: str) -> int:
        """Transactions of `account` mined so far (the next nonce the chain will accept from it)."""
        return self._call("nonce", lambda: self.w3.eth.get_transaction_count(account, "latest"))

    def gas_limit(self) -> int:
        return self._call("latest block", lambda: self.w3.eth.get_block("latest")["gasLimit"])

    def last_round(self) -> int:
        return self._call("lastRound", self.contract.functions.lastRound().call)

    def threshold(self) -> int:
        return self._call("threshold", self.contract.functions.threshold().call)

    def max_age(self) -> int:
        return self._call("maxAge", self.contract.functions.maxAge().call)

    def signers(self) -> list[str]:
        return [to_checksum_address(s) for s in self._call("signers", self.contract.functions.signers().call)]

    def is_signer(self, account: str) -> bool:
        return self._call("isSigner", self.contract.functions.isSigner(to_checksum_address(account)).call)

    def record_of(self, borrower: str) -> dict:
        score, grade, pd_bps, model_version, as_of = self._call(
            "recordOf", self.contract.functions.recordOf(to_checksum_address(borrower)).call
        )
        return {"score": score, "grade": grade, "pdBps": pd_bps, "modelVersion": model_version, "asOf": as_of}

    # -- submission

    def _fn(self, batch: ScoreBatch, signatures: list[bytes]):
        return self.contract.functions.submitBatch(
            batch.round, batch.deadline, batch.packed_records(), signatures
        )

    def simulate(self, batch: ScoreBatch, signatures: list[bytes], sender: str) -> int:
        """Gas estimate; raises Reverted with the decoded custom error if the contract would refuse."""
        fn = self._fn(batch, signatures)
        try:
            return self._call(
                "estimateGas", lambda: fn.estimate_gas({"from": sender}, block_identifier="pending")
            )
        except (ContractCustomError, ContractLogicError, ValueError) as exc:
            raise Reverted(self.errors.decode(revert_data(exc) or "0x")) from None

    def replay_failure(
        self, batch: ScoreBatch, signatures: list[bytes], sender: str, block: int
    ) -> DecodedError:
        """Why a mined transaction reverted: the same call against the state before its block."""
        fn = self._fn(batch, signatures)
        try:
            fn.call({"from": sender}, block_identifier=max(0, block - 1))
        except (ContractCustomError, ContractLogicError, ValueError) as exc:
            return self.errors.decode(revert_data(exc) or "0x")
        return DecodedError("", (), "0x")

    def signed_submission(
        self, batch: ScoreBatch, signatures: list[bytes], private_key, gas: int
    ) -> tuple[str, str, int]:
        """(tx hash, raw tx, nonce): the hash is known, and persisted, before anything is broadcast."""
        sender = Account.from_key(private_key).address
        nonce = self._call("nonce", lambda: self.w3.eth.get_transaction_count(sender, "pending"))
        base = self._call("fees", lambda: self.w3.eth.get_block("latest").get("baseFeePerGas", 0))
        tip = Web3.to_wei(1, "gwei")
        tx = self._fn(batch, signatures).build_transaction(
            {
                "from": sender,
                "nonce": nonce,
                "gas": gas,
                "chainId": self.chain_id,
                "maxFeePerGas": 2 * base + tip,
                "maxPriorityFeePerGas": tip,
            }
        )
        signed = Account.sign_transaction(tx, private_key)
        return "0x" + bytes(signed.hash).hex(), "0x" + bytes(signed.raw_transaction).hex(), nonce

    def broadcast(self, raw_tx: str) -> None:
        """Send signed bytes. The same bytes again are fine (the node already has them); a nonce the
        chain has used for ANOTHER transaction raises NonceConsumed (not swallowed: those bytes can
        never land, and treating them as sent would wait for them forever)."""
        try:
            self._call("sendRawTransaction", lambda: self.w3.eth.send_raw_transaction(HexStr(raw_tx)))
        except ValueError as exc:
            text = str(exc).lower()
            if "already known" in text or "already imported" in text:
                return
            if "nonce too low" in text or "nonce has already been used" in text:
                tx_hash = "0x" + keccak(hexstr=raw_tx).hex()
                if self.receipt(tx_hash) is not None:
                    return  # it was these very bytes that used the nonce
                raise NonceConsumed(str(exc)) from None
            raise

    def receipt(self, tx_hash: str) -> dict | None:
        """The receipt with `blockHash` as 0x hex, or None while the transaction is not in a block."""
        try:
            receipt = dict(
                self._call("receipt", lambda: self.w3.eth.get_transaction_receipt(HexStr(tx_hash)))
            )
        except TransactionNotFound:
            return None
        if receipt.get("blockHash") is None:  # some nodes answer for pending transactions
            return None
        receipt["blockHash"] = _hex(receipt["blockHash"])
        return receipt

    def tx_known(self, tx_hash: str) -> bool:
        try:
            self._call("getTransaction", lambda: self.w3.eth.get_transaction(HexStr(tx_hash)))
            return True
        except TransactionNotFound:
            return False
