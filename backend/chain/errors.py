"""Exception hierarchy of the chain client; every failure it raises is a `ChainError`."""

from __future__ import annotations

from typing import Any


class ChainError(Exception):
    """Base of every chain client failure."""


class ChainUnavailable(ChainError, ConnectionError):
    """The RPC node cannot be reached or answers with a transport error."""


class ContractNotFound(ChainError, LookupError):
    """No address in the manifest or no ABI in the build directory for a contract name."""


class TransactionTimeout(ChainError, TimeoutError):
    """A sent transaction was not mined in time; it may still be mined later (same nonce)."""

    def __init__(self, message: str, tx_hash: str | None = None) -> None:
        super().__init__(message)
        self.tx_hash = tx_hash


class TransactionFailed(ChainError):
    """The node refused the transaction (nonce, funds, gas) before it reached a contract."""


class NonceConsumed(TransactionFailed):
    """Signed bytes the node refuses because their nonce went to another transaction of the sender: those
    bytes can never be mined, so whoever waits for them must give up on them (and sign anew)."""


class RpcError(ChainError):
    """The node answered a raw JSON-RPC request with an error: the request itself is wrong (not retried)."""


class RpcUnavailable(ChainUnavailable):
    """The raw JSON-RPC transport gave up on the node after its retries."""


class ContractReverted(ChainError):
    """A call or transaction reverted.

    `error_name` is the custom error's name decoded with the ABIs ("ERC20InsufficientBalance"),
    "Error" for `require(.., "reason")`, "Panic" for assertion failures, or None if undecodable.
    `args` holds the decoded error arguments (a tuple, as for any exception); `data` the raw revert data.
    """

    def __init__(
        self,
        error_name: str | None,
        args: tuple[Any, ...] = (),
        *,
        data: str | None = None,
        selector: str | None = None,
        tx_hash: str | None = None,
        message: str | None = None,
    ) -> None:
        super().__init__(*args)
        self.error_name = error_name
        self.args = tuple(args)
        self.data = data
        self.selector = selector
        self.tx_hash = tx_hash
        self.message = message

    @property
    def reason(self) -> str | None:
        """The revert string of `require(cond, "reason")`, if that is what reverted."""
        return self.args[0] if self.error_name == "Error" and self.args else None

    def __str__(self) -> str:
        name = self.error_name or f"unknown error {self.selector or ''}".strip()
        rendered = ", ".join(repr(a) for a in self.args)
        where = f" (tx {self.tx_hash})" if self.tx_hash else ""
        return f"reverted with {name}({rendered}){where}"

    def __reduce__(self):
        return (_rebuild_reverted, (self.error_name, self.args, self.__dict__.copy()))


def _rebuild_reverted(error_name, args, state) -> ContractReverted:
    exc = ContractReverted(error_name, args)
    exc.__dict__.update(state)
    return exc
