"""Deployed size of every production contract against EIP-170, from the build artifacts (as Maple's
check-sizes.sh runs on every build): prints each contract's room and fails if any has less than 2 KiB.

`make check` runs it; tests/contracts/test_contract_guards.py asserts the same through
`production_contracts`. Run `make compile` first.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUILD = ROOT / "build" / "contracts"
EIP170 = 24_576
HEADROOM = 2_048


def production_contracts(build: Path = BUILD) -> list[tuple[str, int]]:
    """(name, deployed bytes) of each deployable contract outside contracts/test (abstract contracts and
    interfaces have no code)."""
    found = []
    for path in sorted(build.glob("*.json")):
        artifact = json.loads(path.read_text())
        source = artifact.get("sourcePath", "")
        if (
            source.startswith("contracts/")
            and not source.startswith("contracts/test/")
            and artifact.get("deployedBytecode")
        ):
            found.append((artifact["contractName"], len(artifact["deployedBytecode"]) // 2))
    return found


def main() -> int:
    sizes = production_contracts()
    if not sizes:
        print(f"no artifacts in {BUILD}: run `make compile`", file=sys.stderr)
        return 1
    tight = []
    for name, size in sorted(sizes, key=lambda item: item[1], reverse=True):
        room = EIP170 - size
        flag = "" if room >= HEADROOM else f"  < {HEADROOM} bytes of room"
        print(f"{name:<28} {size:>6} bytes  {room:>6} under EIP-170{flag}")
        if flag:
            tight.append(name)
    if tight:
        print(f"within {HEADROOM} bytes of EIP-170: {', '.join(tight)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
