"""Names a revert: the custom error and its arguments, from every ABI that may know its selector."""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

from web3.contract.contract import ContractFunction
from web3.exceptions import ContractLogicError

from backend.chain.abi import all_error_selectors, decode_revert, error_selectors, normalize_revert_data
from backend.chain.errors import ContractReverted


class RevertDecoder:
    def __init__(self, manifest_errors: list[dict[str, Any]], build_dir: Path) -> None:
        self._manifest_errors = error_selectors(manifest_errors)
        self.build_dir = build_dir

    def selector_maps(self, fn: ContractFunction | None) -> list[dict[str, dict[str, Any]]]:
        """Where a revert's selector is looked up, in order: the called contract's ABI, the deployment's
        merged errors ABI (the manifest's `errors`: every error the system can revert with, the
        stablecoin's and the vault's included, whichever contract is called), then every build artifact."""
        maps = []
        if fn is not None and getattr(fn, "contract_abi", None):
            maps.append(error_selectors(cast(Any, list(fn.contract_abi))))
        maps.append(self._manifest_errors)
        maps.append(all_error_selectors(self.build_dir))
        return maps

    def reverted(
        self, exc: ContractLogicError, fn: ContractFunction | None = None, tx_hash: str | None = None
    ) -> ContractReverted:
        data = normalize_revert_data(getattr(exc, "data", None))
        name, args, selector = decode_revert(data, *self.selector_maps(fn))
        if name is None and data is None:
            message = getattr(exc, "message", None) or str(exc)
            marker = "execution reverted:"
            reason = message.split(marker, 1)[1].strip() if marker in message else None
            if reason:
                return ContractReverted("Error", (reason,), tx_hash=tx_hash, message=message)
        return ContractReverted(name, args, data=data, selector=selector, tx_hash=tx_hash, message=str(exc))
