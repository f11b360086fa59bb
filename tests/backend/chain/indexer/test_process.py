"""`python -m backend.chain.indexer` as its own process: waits for the manifest and the RPC at startup,
indexes, and stops cleanly on SIGTERM with its checkpoint committed."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

from sqlalchemy import create_engine, text

from tests.backend.chain.indexer.token_flow import BUILD, Rpc, deploy, mine_calls, mint_call, token_manifest
from tests.support.anvil import ROOT, Anvil, free_port


def _checkpoint(db_url: str) -> int | None:
    engine = create_engine(db_url)
    try:
        with engine.connect() as c:
            return c.execute(text("SELECT last_block FROM chain_checkpoints WHERE name='main'")).scalar()
    except Exception:  # tables not there yet
        return None
    finally:
        engine.dispose()


def test_process_waits_for_its_dependencies_and_stops_on_sigterm(tmp_path):
    port = free_port()
    manifest_path = tmp_path / "31337.json"
    db_url = f"sqlite:///{tmp_path / 'index.db'}"
    env = {
        **os.environ,
        "PEERLEND_ENV": "test",
        "PEERLEND_DATABASE_URL": db_url,
        "PEERLEND_RPC_URL": f"http://127.0.0.1:{port}",
        "PEERLEND_MANIFEST_PATH": str(manifest_path),
        "PEERLEND_BUILD_DIR": str(BUILD),
        "PEERLEND_INDEXER_POLL_INTERVAL_SECONDS": "0.2",
        "PEERLEND_LOG_JSON": "false",
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "backend.chain.indexer"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        time.sleep(1.5)  # neither manifest nor chain yet: the process must still be waiting
        assert proc.poll() is None
        with Anvil(port=port) as anvil:
            rpc = Rpc(anvil.url)
            accounts = rpc.accounts()
            token = deploy(rpc, "MockStablecoin", accounts[0])
            mine_calls(rpc, [mint_call(token, accounts[0], accounts[1], 5)] * 3, per_block=1)
            head = int(rpc("eth_blockNumber"), 16)
            manifest_path.write_text(json.dumps(token_manifest(31337, token, head - 3)))
            deadline = time.monotonic() + 60
            while (_checkpoint(db_url) or -1) < head:
                assert proc.poll() is None, proc.stdout.read()
                assert time.monotonic() < deadline, "indexer did not catch up"
                time.sleep(0.2)
            proc.send_signal(signal.SIGTERM)
            assert proc.wait(timeout=20) == 0
        output = proc.stdout.read()
        assert "indexer stopped at block" in output
    finally:
        if proc.poll() is None:
            proc.kill()
