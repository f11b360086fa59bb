"""Who is the platform, not a customer: the deployment's contracts and treasury (its manifest), the zero
address (mints and burns) and the addresses `PEERLEND_AML_EXEMPT_ADDRESSES` names.

Money between a customer and the platform is what the loan events already tell (a funding is a Transfer
to the market, a claim a Transfer from it); only Transfers between a customer and an outside address are
evidence of where money comes from and goes to. The manifest is the one the service is configured with
(`PEERLEND_MANIFEST_PATH`), read again when the file changes.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from eth_utils import to_checksum_address

from backend.aml.config import aml_settings
from backend.core.settings import get_settings

ZERO_ADDRESS = "0x0000000000000000000000000000000000000000"
# The stablecoin of account as the manifest names it: the local mock, or the token a real deployment uses.
STABLECOINS = frozenset({"MockStablecoin", "Stablecoin"})


@lru_cache(maxsize=8)
def _addresses(path: str, mtime: float, exempt: tuple[str, ...]) -> frozenset[str]:
    found = {ZERO_ADDRESS, *(to_checksum_address(a) for a in exempt)}
    if path:
        try:
            manifest = json.loads(Path(path).read_text())
        except (OSError, ValueError):
            manifest = {}
        for entry in (manifest.get("contracts") or {}).values():
            if entry.get("address"):
                found.add(to_checksum_address(entry["address"]))
        treasury = (manifest.get("accounts") or {}).get("treasury")
        if treasury:
            found.add(to_checksum_address(treasury))
    return frozenset(found)


def platform_addresses() -> frozenset[str]:
    path = get_settings().resolved_manifest_path
    try:
        mtime = path.stat().st_mtime
    except OSError:
        return _addresses("", 0.0, tuple(aml_settings().exempt_addresses))
    return _addresses(str(path), mtime, tuple(aml_settings().exempt_addresses))
