"""Build artifacts (`build/contracts/<Name>.json`) and revert-data decoding."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any, cast

from eth_abi import decode as abi_decode
from eth_utils import (
    abi_to_signature,
    function_signature_to_4byte_selector,
    get_abi_input_types,
    to_checksum_address,
)

from backend.chain.errors import ContractNotFound

ERROR_STRING_SELECTOR = "08c379a0"  # Error(string)
PANIC_SELECTOR = "4e487b71"  # Panic(uint256)


def load_abi(build_dir: str | Path, name: str) -> list[dict[str, Any]]:
    """The ABI of a compiled contract (`build/contracts/<name>.json`), or of an interface
    (`build/interfaces/<name>.json`), such as the merged `ILoanMarket` of the split loan market."""
    path = Path(build_dir) / f"{name}.json"
    for candidate in (path, Path(build_dir).parent / "interfaces" / f"{name}.json"):
        if candidate.exists():
            return json.loads(candidate.read_text())["abi"]
    raise ContractNotFound(f"no build artifact {path}; run `make compile`")


def error_selectors(abi: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """4-byte selector (hex, no 0x) -> the ABI entry of each custom error."""
    selectors = {}
    for entry in abi:
        if entry.get("type") == "error":
            selector = function_signature_to_4byte_selector(abi_to_signature(cast(Any, entry))).hex()
            selectors[selector] = entry
    return selectors


@lru_cache(maxsize=8)
def _build_dir_errors(build_dir: str, _mtime: float) -> dict[str, dict[str, Any]]:
    selectors: dict[str, dict[str, Any]] = {}
    for path in sorted(Path(build_dir).glob("*.json")):
        try:
            selectors.update(error_selectors(json.loads(path.read_text()).get("abi") or []))
        except (ValueError, OSError):
            continue
    return selectors


def all_error_selectors(build_dir: str | Path) -> dict[str, dict[str, Any]]:
    """Custom errors of every artifact: a revert may come from a contract other than the one called."""
    directory = Path(build_dir)
    mtime = directory.stat().st_mtime if directory.exists() else 0.0
    return _build_dir_errors(str(directory), mtime)


def normalize_revert_data(data: Any) -> str | None:
    if data is None:
        return None
    if isinstance(data, (bytes, bytearray)):
        return "0x" + bytes(data).hex()
    if isinstance(data, dict):  # some nodes nest it: {"data": "0x..."}
        return normalize_revert_data(data.get("data"))
    text = str(data).strip()
    if text.startswith("0x"):
        return text.lower()
    return None


def _checksum(abi_type: str, value: Any) -> Any:
    # eth_abi returns lowercase addresses; the rest of the service compares checksummed ones.
    if abi_type == "address":
        return to_checksum_address(value)
    if abi_type == "address[]" or (abi_type.startswith("address[") and abi_type.endswith("]")):
        return tuple(to_checksum_address(v) for v in value)
    return value


def decode_revert(
    data: str | None, *selector_maps: dict[str, dict[str, Any]]
) -> tuple[str | None, tuple, str | None]:
    """Revert data -> (error name, decoded args, selector). Unknown selectors give (None, (), selector)."""
    if not data or len(data) < 10:
        return None, (), None
    selector, payload = data[2:10], bytes.fromhex(data[10:])
    try:
        if selector == ERROR_STRING_SELECTOR:
            return "Error", tuple(abi_decode(["string"], payload)), selector
        if selector == PANIC_SELECTOR:
            return "Panic", tuple(abi_decode(["uint256"], payload)), selector
        for selectors in selector_maps:
            entry = selectors.get(selector)
            if entry is not None:
                types = get_abi_input_types(cast(Any, entry))
                values = abi_decode(types, payload)
                decoded = tuple(_checksum(t, v) for t, v in zip(types, values, strict=True))
                return entry["name"], decoded, selector
    except Exception:  # malformed payload: keep the name if we know it
        for selectors in selector_maps:
            if selector in selectors:
                return selectors[selector]["name"], (), selector
    return None, (), selector
