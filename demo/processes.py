"""The oracle as separate processes, as it runs in production: three signer nodes (`python -m oracle.node
--index i`, each with its own key) and the aggregator (`python -m oracle.aggregator`) that collects two
signatures and submits the batch. Used by the end-to-end test, and by the demo when `make up` did not
start an oracle. Keys are anvil's well-known local accounts 3, 4, 5 (signers) and 6 (submitter)."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from pydantic import SecretStr

from demo.stack import ROOT
from scripts.deployment.local_accounts import ORACLE_SIGNER_INDEXES, ROLE_INDEX, local_private_key

SIGNER_INDEXES = ORACLE_SIGNER_INDEXES
SUBMITTER_INDEX = ROLE_INDEX["submitter"]
MODEL_ARTIFACT = ROOT / "backend" / "risk" / "artifacts" / "german-credit-v1" / "scorecard.json"

local_key = local_private_key


def _port_free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False


def _free_port_run(count: int) -> int:
    """A base port with `count` consecutive free ports after it (nodes listen on base, base+1, ...)."""
    for _ in range(200):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            base = s.getsockname()[1]
        if base + count < 65535 and all(_port_free(base + i) for i in range(count)):
            return base
    raise RuntimeError("no run of free ports for the oracle nodes")


class OracleProcesses:
    """`with OracleProcesses(rpc_url, manifest_path, api_url, oracle_key):` nodes + aggregator running."""

    def __init__(
        self,
        rpc_url: str,
        manifest_path: Path,
        service_url: str,
        api_key: str,
        build_dir: Path | None = None,
        poll_interval: float = 0.5,
        log_dir: Path | None = None,
    ):
        self.workdir = Path(tempfile.mkdtemp(prefix="peerlend-oracle-"))
        self.log_dir = log_dir or self.workdir
        self.base_port = _free_port_run(3)
        self.node_urls = [f"http://127.0.0.1:{self.base_port + i}" for i in range(3)]
        self.env = dict(os.environ)
        self.env.update(
            {
                "PEERLEND_ORACLE_ENV": "development",
                "PEERLEND_ORACLE_RPC_URL": rpc_url,
                "PEERLEND_ORACLE_MANIFEST_PATH": str(manifest_path),
                "PEERLEND_ORACLE_SERVICE_URL": service_url,
                "PEERLEND_ORACLE_API_KEY": api_key,
                "PEERLEND_ORACLE_NODE_HOST": "127.0.0.1",
                "PEERLEND_ORACLE_NODE_BASE_PORT": str(self.base_port),
                "PEERLEND_ORACLE_NODE_URLS": json.dumps(self.node_urls),
                "PEERLEND_ORACLE_SUBMITTER_PRIVATE_KEY": local_key(SUBMITTER_INDEX),
                "PEERLEND_ORACLE_STORE_PATH": str(self.workdir / "aggregator.db"),
                "PEERLEND_ORACLE_POLL_INTERVAL_SECONDS": str(poll_interval),
                "PEERLEND_ORACLE_METRICS_PORT": str(_free_port_run(1)),
            }
        )
        if build_dir is not None:
            self.env["PEERLEND_ORACLE_BUILD_DIR"] = str(build_dir)
        if MODEL_ARTIFACT.exists():
            self.env["PEERLEND_ORACLE_MODEL_ARTIFACT_PATH"] = str(MODEL_ARTIFACT)
        self.processes: list[tuple[str, subprocess.Popen]] = []

    def _start(self, name: str, args: list[str], extra_env: dict[str, str]) -> None:
        # appended, never truncated: a restart keeps the evidence of what the last run did
        log = (self.log_dir / f"{name}.log").open("a")
        process = subprocess.Popen(  # noqa: S603 - fixed argv, no shell
            [sys.executable, *args],
            cwd=ROOT,
            env={**self.env, **extra_env},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self.processes.append((name, process))

    def __enter__(self) -> OracleProcesses:
        for i, account_index in enumerate(SIGNER_INDEXES, start=1):
            self._start(
                f"oracle-node-{i}",
                ["-m", "oracle.node", "--index", str(i)],
                {
                    "PEERLEND_ORACLE_PRIVATE_KEY": local_key(account_index),
                    "PEERLEND_ORACLE_NODE_INDEX": str(i),
                },
            )
        deadline = time.monotonic() + 60
        for url in self.node_urls:
            while True:
                self._check_alive()
                try:
                    if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline:
                    self.__exit__(None, None, None)
                    raise RuntimeError(f"oracle node {url} not up within 60 s; logs in {self.log_dir}")
                time.sleep(0.2)
        self._start("oracle-aggregator", ["-m", "oracle.aggregator"], {})
        return self

    def _check_alive(self) -> None:
        for name, process in self.processes:
            if process.poll() is not None:
                log = (self.log_dir / f"{name}.log").read_text()[-2000:]
                raise RuntimeError(f"{name} exited with {process.returncode}:\n{log}")

    def logs(self) -> str:
        return "\n".join(
            f"--- {name}\n" + (self.log_dir / f"{name}.log").read_text()[-3000:] for name, _ in self.processes
        )

    def __exit__(self, *exc) -> None:
        for _, process in reversed(self.processes):
            if process.poll() is None:
                process.terminate()
        for _, process in self.processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
        self.processes.clear()
        if self.log_dir == self.workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)


class IndexerProcess:
    """`python -m backend.chain.indexer` on the service database, following the chain into the read models
    behind GET /v1/loans (a process of its own, as `make up` runs it)."""

    def __init__(
        self,
        rpc_url: str,
        manifest_path: Path,
        database_url: str,
        build_dir: Path | None = None,
        log_path: Path | None = None,
        poll_interval: float = 0.3,
    ):
        self.log_path = log_path or Path(tempfile.mkstemp(prefix="peerlend-indexer-", suffix=".log")[1])
        self.env = dict(os.environ)
        self.env.pop("DATABASE_URL", None)
        self.env.update(
            {
                "PEERLEND_ENV": "development",
                "PEERLEND_RPC_URL": rpc_url,
                "PEERLEND_MANIFEST_PATH": str(manifest_path),
                "PEERLEND_DATABASE_URL": database_url,
                "PEERLEND_INDEXER_POLL_INTERVAL_SECONDS": str(poll_interval),
                "PEERLEND_LOG_LEVEL": "WARNING",
            }
        )
        if build_dir is not None:
            self.env["PEERLEND_BUILD_DIR"] = str(build_dir)
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> IndexerProcess:
        log = self.log_path.open("a")  # a restart (tests restart it after a kill) keeps the old lines
        self.process = subprocess.Popen(
            [sys.executable, "-m", "backend.chain.indexer"],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        return self

    def check_alive(self) -> None:
        if self.process is not None and self.process.poll() is not None:
            raise RuntimeError(
                f"indexer exited with {self.process.returncode}:\n{self.log_path.read_text()[-3000:]}"
            )

    def __exit__(self, *exc) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()


class OracleInProcess:
    """The same oracle built by its own entry points' builders (`build_node`, `build_aggregator`) from
    `OracleSettings`, served in threads of this process: three nodes behind uvicorn, one aggregator loop.
    Cheaper to start than three interpreters (the end-to-end test uses it)."""

    def __init__(
        self,
        rpc_url: str,
        manifest_path: Path,
        service_url: str,
        api_key: str,
        build_dir: Path | None = None,
        poll_interval: float = 0.3,
    ):
        import threading

        self._threading = threading
        self.workdir = Path(tempfile.mkdtemp(prefix="peerlend-oracle-"))
        self.base_port = _free_port_run(3)
        self.node_urls = [f"http://127.0.0.1:{self.base_port + i}" for i in range(3)]
        self.common: dict[str, Any] = {
            "env": "development",
            "rpc_url": rpc_url,
            "manifest_path": manifest_path,
            "service_url": service_url,
            "api_key": api_key,
            "node_host": "127.0.0.1",
            "node_base_port": self.base_port,
            "node_urls": self.node_urls,
            "store_path": self.workdir / "aggregator.db",
            "poll_interval_seconds": poll_interval,
            "submitter_private_key": SecretStr(local_key(SUBMITTER_INDEX)),
        }
        if build_dir is not None:
            self.common["build_dir"] = build_dir
        if MODEL_ARTIFACT.exists():
            self.common["model_artifact_path"] = MODEL_ARTIFACT
        self.servers: list = []
        self.threads: list = []
        self.stop = threading.Event()
        self.aggregator: Any = None

    def __enter__(self) -> OracleInProcess:
        import uvicorn

        from oracle.aggregator import build_aggregator
        from oracle.node import build_node, create_node_app
        from oracle.settings import OracleSettings

        for i, account_index in enumerate(SIGNER_INDEXES, start=1):
            settings = OracleSettings(
                **self.common, node_index=i, private_key=SecretStr(local_key(account_index))
            )
            app = create_node_app(build_node(settings))
            server = uvicorn.Server(
                uvicorn.Config(
                    app,
                    host="127.0.0.1",
                    port=settings.node_port,
                    log_config=None,
                    access_log=False,
                    lifespan="off",
                )
            )
            thread = self._threading.Thread(target=server.run, daemon=True, name=f"oracle-node-{i}")
            thread.start()
            self.servers.append(server)
            self.threads.append(thread)
        deadline = time.monotonic() + 30
        for url in self.node_urls:
            while True:
                try:
                    if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline:
                    self.__exit__(None, None, None)
                    raise RuntimeError(f"oracle node {url} not up within 30 s")
                time.sleep(0.05)
        self.aggregator = build_aggregator(OracleSettings(**self.common))
        thread = self._threading.Thread(
            target=self.aggregator.run,
            args=(self.stop, self.common["poll_interval_seconds"]),
            daemon=True,
            name="oracle-aggregator",
        )
        thread.start()
        self.threads.append(thread)
        return self

    def logs(self) -> str:
        return "(in-process oracle: see the test's captured log output)"

    def __exit__(self, *exc) -> None:
        self.stop.set()
        for server in self.servers:
            server.should_exit = True
        for thread in self.threads:
            thread.join(timeout=15)
        if self.aggregator is not None:
            self.aggregator.store.close()
        shutil.rmtree(self.workdir, ignore_errors=True)
