"""The deployment a manifest describes, as `make up` keys local state by it.

    python3 toolchain/deployment.py id deployments/31337.json      ->  31337-3f9a0c1e

The id is the chain id and 8 hex digits of a hash of what makes one deployment unlike another: the
LoanMarket and CreditOracle addresses and blocks, the deploy block and the deploy time. The time is
needed: on a fresh anvil the same deployer key deploys the same contracts to the same addresses in the
same blocks every time, so addresses and blocks alone would give a new chain the old chain's database.
Standard library only: it runs before any environment is trusted.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path


def deployment_id(manifest: dict) -> str:
    contracts = manifest.get("contracts", {})
    market = contracts.get("LoanMarket") or {}
    oracle = contracts.get("CreditOracle") or {}
    basis = [
        manifest["chainId"],
        str(market.get("address", "")).lower(),
        market.get("block"),
        str(oracle.get("address", "")).lower(),
        oracle.get("block"),
        manifest.get("deployBlock"),
        manifest.get("deployedAt"),
    ]
    digest = hashlib.sha256(json.dumps(basis, separators=(",", ":")).encode()).hexdigest()
    return f"{manifest['chainId']}-{digest[:8]}"


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] != "id":
        print("usage: deployment.py id MANIFEST", file=sys.stderr)
        return 2
    print(deployment_id(json.loads(Path(argv[1]).read_text())))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
