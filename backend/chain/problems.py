"""Chain failures as problem details: a revert names its custom error, decoded with the deployment's merged
errors ABI (the manifest's `errors`, which holds the market's, the vault's, the stablecoin's...)."""

from __future__ import annotations

from backend.chain.errors import ChainError, ContractReverted
from backend.core.problems import Problem, chain_unavailable, contract_reverted


def _reverted_cause(exc: BaseException | None) -> ContractReverted | None:
    while exc is not None:
        if isinstance(exc, ContractReverted):
            return exc
        exc = exc.__cause__
    return None


def chain_problem(exc: ChainError) -> Problem:
    reverted = _reverted_cause(exc)
    if reverted is not None:
        return contract_reverted(reverted.error_name, reverted.args, reverted.selector, str(exc))
    return chain_unavailable(str(exc))
