"""Exits 0 when every contract in a deployment manifest has code on the chain at --rpc-url.

`make up` uses it to reuse a running deployment instead of deploying a second system onto the same
chain. Standard library only: it runs before any environment is trusted.
"""

import argparse
import json
import sys

from jsonrpc import call  # toolchain/jsonrpc.py, beside this script


def code_at(rpc_url: str, address: str) -> str:
    return call(rpc_url, "eth_getCode", [address, "latest"]) or "0x"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--manifest", required=True)
    parser.add_argument("--rpc-url", required=True)
    args = parser.parse_args()
    with open(args.manifest) as f:
        contracts = json.load(f)["contracts"]
    missing = [name for name, entry in contracts.items() if code_at(args.rpc_url, entry["address"]) == "0x"]
    if missing:
        print(f"not deployed on this chain: {', '.join(missing)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
