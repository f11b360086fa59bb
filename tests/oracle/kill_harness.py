"""Oracle processes for the kill tests, built by the real entry points' builders from the same
`PEERLEND_ORACLE_*` environment, that SIGKILL themselves at a chosen step. A test cannot time an outside
kill to land between two lines; the process itself can, and a SIGKILL it sends itself is as abrupt as
one from outside (no handler, no flush, no atexit).

    python -m tests.oracle.kill_harness aggregator --die-at after_broadcast
    python -m tests.oracle.kill_harness node --index 2 --die-after-sign

Aggregator steps (Aggregator.hooks): after_build, after_sign, before_broadcast (the transaction is
recorded, not sent), after_broadcast (sent, its confirmation not recorded), after_confirm (confirmed,
acks not delivered). A node with --die-after-sign records and makes its signature, then dies before
answering.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import threading

log = logging.getLogger("kill_harness")


def _die(where: str) -> None:
    log.warning("SIGKILL %s", where)
    for handler in logging.getLogger().handlers:
        handler.flush()
    os.kill(os.getpid(), signal.SIGKILL)


def aggregator(die_at: str | None) -> None:
    from oracle.aggregator import build_aggregator
    from oracle.settings import OracleSettings

    settings = OracleSettings()
    agg = build_aggregator(settings)
    if die_at:
        agg.hooks[die_at] = lambda rnd: _die(f"at {die_at} of round {rnd.round} (tx {rnd.tx_hash})")
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    log.info("harness aggregator up (die at %s)", die_at)
    agg.run(stop, settings.poll_interval_seconds)


def node(index: int, die_after_sign: bool) -> None:
    import uvicorn

    from oracle.node import build_node, create_node_app
    from oracle.settings import OracleSettings

    settings = OracleSettings(node_index=index)
    signer = build_node(settings)
    if die_after_sign:
        handle = signer.handle

        def handle_then_die(payload: dict) -> dict:
            answer = handle(payload)
            if answer.get("signature"):
                _die(f"node {index} after signing round {payload.get('round')}, before answering")
            return answer

        signer.handle = handle_then_die  # type: ignore[method-assign]
    uvicorn.run(create_node_app(signer), host=settings.node_host, port=settings.node_port, log_config=None)


def main(argv: list[str] | None = None) -> None:
    from oracle.logs import setup_logging

    parser = argparse.ArgumentParser(prog="python -m tests.oracle.kill_harness")
    sub = parser.add_subparsers(dest="what", required=True)
    a = sub.add_parser("aggregator")
    a.add_argument("--die-at", default=None)
    n = sub.add_parser("node")
    n.add_argument("--index", type=int, required=True)
    n.add_argument("--die-after-sign", action="store_true")
    args = parser.parse_args(argv)
    setup_logging()
    if args.what == "aggregator":
        aggregator(args.die_at)
    else:
        node(args.index, args.die_after_sign)


if __name__ == "__main__":
    sys.exit(main())
