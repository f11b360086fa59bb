"""`python -m demo` (`make demo`): the whole lifecycle against the platform `make up` runs.

Reads deployments/31337.json, talks to the API at http://127.0.0.1:8000 with the local operator key,
and to anvil at http://127.0.0.1:8545 (override with PEERLEND_API_URL, PEERLEND_RPC_URL,
PEERLEND_MANIFEST_PATH, PEERLEND_BOOTSTRAP_ADMIN_KEY). If no oracle node answers on the local ports,
the demo runs the three signer nodes and the aggregator itself for its duration.

The demo moves the chain clock about five months ahead, after which new credit records (stamped with
the service's real time) would be stale on that chain: `make demo` restarts the local platform on a
new chain first; run directly, it refuses and asks for `make down && make up`.
(Reverting anvil to a snapshot instead would leave the running API's and oracle's nonce caches ahead
of the chain.)
"""

from __future__ import annotations

import argparse
import sys
import time
from contextlib import ExitStack

import httpx

from demo.chain import Chain
from demo.lifecycle import ChainClockAhead, Lifecycle, check_chain_clock, run_scenario
from demo.processes import OracleProcesses
from demo.stack import ROOT, Stack

# Exit status when the chain's clock is ahead from an earlier run: `make demo` then restarts the local
# platform on a new chain and runs again.
CHAIN_AHEAD_EXIT = 3
LOCAL_ORACLE_NODES = ["http://127.0.0.1:8701", "http://127.0.0.1:8702", "http://127.0.0.1:8703"]


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def _preflight(stack: Stack) -> None:
    if not stack.manifest_path.exists():
        sys.exit(f"no deployment manifest at {stack.manifest_path}: run `make up` first")
    if not _answers(f"{stack.api_url}/readyz"):
        sys.exit(f"the API does not answer at {stack.api_url}: run `make up` first")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m demo", description=__doc__.splitlines()[0])
    parser.parse_args(argv)
    stack = Stack.from_environment()
    _preflight(stack)
    ctx = Lifecycle(stack, Chain(stack))
    try:
        check_chain_clock(ctx)
    except ChainClockAhead as exc:
        print(exc, file=sys.stderr)
        return CHAIN_AHEAD_EXIT
    started = time.monotonic()
    with ExitStack() as stack_of_processes:
        if not any(_answers(f"{url}/healthz") for url in LOCAL_ORACLE_NODES):
            key = ctx.admin.post(
                "/v2/admin/api-keys",
                {"name": f"demo-oracle-{int(time.time())}", "roles": ["oracle"]},
                expect=(201,),
            )["key"]
            log_dir = ROOT / ".run" / "logs" / "demo"
            log_dir.mkdir(parents=True, exist_ok=True)
            ctx.say(f"no oracle running: starting 3 signer nodes and the aggregator (logs in {log_dir})")
            stack_of_processes.enter_context(
                OracleProcesses(
                    stack.rpc_url,
                    stack.manifest_path,
                    stack.api_url,
                    key,
                    build_dir=stack.build_dir,
                    log_dir=log_dir,
                )
            )
        try:
            run_scenario(ctx)
        finally:
            ctx.close()
    print(
        f"\ndemo finished in {time.monotonic() - started:.0f}s. Browse the result: {stack.api_url}/v2/loans"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
