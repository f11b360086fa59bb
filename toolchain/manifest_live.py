"""Exits 0 when every contract in a deployment manifest has code on the chain at --rpc-url.

`make up` uses it to reuse a running deployment instead of deploying a second system onto the same
chain. Standard library only: it runs before any environment is trusted.
"""

import argparse
import json
import sys
import urllib.request


def code_at(rpc_url: str, address: str) -> str:
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "eth_getCode", "params": [address, "latest"]})
    request = urllib.request.Request(rpc_url, data=body.encode(), headers={"content-type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (loopback RPC URL)
        return json.load(response).get("result", "0x")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--manifest", required=True)
    parser.add_argument("--rpc-url", required=True)
    args = parser.parse_args()
    with open(args.manifest) as f:
        contracts = json.load(f)["contracts"]
    missing = [name for name, entry in contracts.items() if code_at(args.rpc_url, entry["address"]) in ("0x", "")]
    if missing:
        print(f"not deployed on this chain: {', '.join(missing)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
