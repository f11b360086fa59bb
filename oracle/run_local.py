"""Run the local oracle set-up: three signer nodes (anvil accounts 3, 4, 5; threshold 2 on-chain) and the
aggregator (account 6), as child processes, until Ctrl-C / SIGTERM.

    PEERLEND_ORACLE_API_KEY=<key with role oracle> .venv/bin/python -m oracle.run_local

Development only: the keys are anvil's well-known keys, which the oracle settings refuse elsewhere.
`make up` (toolchain/up.sh) starts the same processes itself, one log file each.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from scripts.deployment.local_accounts import ORACLE_SIGNER_INDEXES, ROLE_INDEX, local_private_key

NODE_ACCOUNTS = ORACLE_SIGNER_INDEXES
SUBMITTER_ACCOUNT = ROLE_INDEX["submitter"]


def main() -> int:
    env = dict(os.environ)
    if env.get("PEERLEND_ORACLE_ENV", "development") != "development":
        print(
            "run_local starts development keys only; run oracle.node and oracle.aggregator instead",
            file=sys.stderr,
        )
        return 2
    if not env.get("PEERLEND_ORACLE_API_KEY"):
        print(
            "PEERLEND_ORACLE_API_KEY is required: peerlend apikey create --name oracle --roles oracle",
            file=sys.stderr,
        )
        return 2
    children: list[subprocess.Popen] = []
    for i, account in enumerate(NODE_ACCOUNTS, start=1):
        node_env = {**env, "PEERLEND_ORACLE_PRIVATE_KEY": local_private_key(account)}
        children.append(
            subprocess.Popen([sys.executable, "-m", "oracle.node", "--index", str(i)], env=node_env)  # noqa: S603
        )
    time.sleep(1.0)
    agg_env = {**env, "PEERLEND_ORACLE_SUBMITTER_PRIVATE_KEY": local_private_key(SUBMITTER_ACCOUNT)}
    children.append(subprocess.Popen([sys.executable, "-m", "oracle.aggregator"], env=agg_env))

    stopping = False

    def stop(*_):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    while not stopping and all(c.poll() is None for c in children):
        time.sleep(0.5)
    for child in children:
        if child.poll() is None:
            child.terminate()
    for child in children:
        try:
            child.wait(timeout=15)
        except subprocess.TimeoutExpired:
            child.kill()
    return 0 if stopping else 1


if __name__ == "__main__":
    sys.exit(main())
