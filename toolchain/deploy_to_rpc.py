"""Deploys PeerLend to the chain at --rpc-url with the same code as `brownie run scripts/deploy.py`.

Brownie binds a network name to a fixed host and port; tests and `make up` start anvil on ports of
their own choosing, so this entry point points the `peerlend-local` network at the given URL and
attaches to the chain there. It refuses to run when nothing answers at that URL, rather than letting
Brownie start a throwaway chain whose deployment would vanish with it.
Run it with Brownie's interpreter: .tools/brownie/bin/python toolchain/deploy_to_rpc.py --rpc-url URL
"""

import argparse
import os
import sys
from pathlib import Path
from urllib.parse import urlparse

from jsonrpc import call  # toolchain/jsonrpc.py, beside this script

ROOT = Path(__file__).resolve().parents[1]


def chain_answers(rpc_url: str) -> bool:
    try:
        call(rpc_url, "eth_chainId", [], timeout=5)
        return True
    except OSError:
        return False


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rpc-url", required=True)
    parser.add_argument("--manifest-dir", help="where to write <chain-id>.json (default deployments/)")
    parser.add_argument("--redeploy", action="store_true", help="replace a manifest that points at live code")
    args = parser.parse_args()
    if args.manifest_dir:
        os.environ["PEERLEND_MANIFEST_DIR"] = args.manifest_dir
    if args.redeploy:
        os.environ["PEERLEND_REDEPLOY"] = "1"

    if not chain_answers(args.rpc_url):
        raise SystemExit(f"deploy: no chain answers at {args.rpc_url}; start it first (make up starts anvil)")

    os.chdir(ROOT)
    sys.path.insert(0, str(ROOT))
    from brownie import network, project
    from brownie._config import CONFIG

    project.load(ROOT, name="PeerLendProject")
    url = urlparse(args.rpc_url)
    local = CONFIG.networks["peerlend-local"]
    local["host"] = f"{url.scheme}://{url.hostname}"
    local.setdefault("cmd_settings", {})["port"] = url.port
    network.connect("peerlend-local")
    # Development networks default to a zero gas price; a real anvil (and any real chain) has a base
    # fee, so send EIP-1559 transactions with a priority fee instead.
    network.priority_fee("1 gwei")
    try:
        from scripts import deploy

        deploy.main()
    finally:
        network.disconnect()


if __name__ == "__main__":
    main()
