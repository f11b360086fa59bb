"""A real anvil process for tests, on a free loopback port, stopped when the test session ends."""

from __future__ import annotations

import glob
import os
import socket
import subprocess
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]


def anvil_binary() -> str:
    # The npm package ships the native binary in a per-platform package; run it directly so that
    # stopping the process stops the chain (the node wrapper would add a process in between).
    native = sorted(glob.glob(str(ROOT / "node_modules/@foundry-rs/anvil-*/bin/anvil")))
    if native:
        return native[0]
    wrapper = ROOT / "node_modules/.bin/anvil"
    if wrapper.exists():
        return str(wrapper)
    raise RuntimeError("anvil not found: run `make bootstrap` (npm ci installs @foundry-rs/anvil)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rpc(url: str, method: str, params: list | None = None):
    response = httpx.post(
        url, json={"jsonrpc": "2.0", "id": 1, "method": method, "params": params or []}, timeout=30
    )
    body = response.json()
    if "error" in body:
        raise RuntimeError(f"{method} failed: {body['error']}")
    return body["result"]


class Anvil:
    def __init__(
        self,
        port: int | None = None,
        accounts: int = 20,
        gas_limit: int = 30_000_000,
        extra_args: list[str] | None = None,
    ):
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._args = [
            anvil_binary(),
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--accounts",
            str(accounts),
            "--gas-limit",
            str(gas_limit),
            "--silent",
            *(extra_args or []),
        ]
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 30) -> Anvil:
        # anvil from node_modules, with arguments built above: nothing from outside the test run
        self.process = subprocess.Popen(self._args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # noqa: S603
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"anvil exited: {self.process.stderr.read().decode()[-2000:]}")
            try:
                rpc(self.url, "eth_chainId")
                return self
            except (httpx.HTTPError, OSError):
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"anvil did not answer on {self.url} within {timeout}s")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.process = None

    def __enter__(self) -> Anvil:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def brownie_env() -> dict:
    env = dict(os.environ)
    env["PATH"] = f"{ROOT / 'node_modules/.bin'}:{env.get('PATH', '')}"
    return env
