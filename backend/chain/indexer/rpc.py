"""A small JSON-RPC client for the indexer: plain httpx, JSON-RPC batches, retry with backoff.

The indexer needs four calls (blockNumber, getBlockByNumber, getLogs, chainId); speaking JSON-RPC
directly lets it batch the block headers of a range into one request.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

import httpx

log = logging.getLogger(__name__)


class RpcError(Exception):
    """The node answered with a JSON-RPC error (not retried: the request itself is wrong)."""


class RpcUnavailable(Exception):
    """The node could not be reached after the configured retries."""


class RpcClient:
    def __init__(
        self,
        url: str,
        *,
        timeout: float = 30,
        retries: int = 5,
        backoff: float = 0.5,
        max_backoff: float = 10,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.url = url
        self._client = httpx.Client(timeout=timeout)
        self._retries = retries
        self._backoff = backoff
        self._max_backoff = max_backoff
        self._sleep = sleep
        self._id = 0

    def close(self) -> None:
        self._client.close()

    def _post(self, payload):
        delay = self._backoff
        for attempt in range(self._retries + 1):
            try:
                response = self._client.post(self.url, json=payload)
                response.raise_for_status()
                return response.json()
            except (httpx.TransportError, httpx.HTTPStatusError) as exc:
                if attempt == self._retries:
                    raise RpcUnavailable(f"{self.url}: {exc}") from exc
                log.warning("rpc %s unavailable (%s), retrying in %.1fs", self.url, type(exc).__name__, delay)
                self._sleep(delay)
                delay = min(delay * 2, self._max_backoff)
        raise AssertionError("unreachable")

    def call(self, method: str, params: list | None = None):
        self._id += 1
        body = self._post({"jsonrpc": "2.0", "id": self._id, "method": method, "params": params or []})
        if "error" in body:
            raise RpcError(f"{method}: {body['error']}")
        return body["result"]

    def batch(self, calls: list[tuple[str, list]]) -> list:
        if not calls:
            return []
        payload = []
        for method, params in calls:
            self._id += 1
            payload.append({"jsonrpc": "2.0", "id": self._id, "method": method, "params": params})
        body = self._post(payload)
        by_id = {item["id"]: item for item in body}
        results = []
        for request in payload:
            item = by_id[request["id"]]
            if "error" in item:
                raise RpcError(f"{request['method']}: {item['error']}")
            results.append(item["result"])
        return results

    # -- the calls the indexer uses

    def block_number(self) -> int:
        return int(self.call("eth_blockNumber"), 16)

    def chain_id(self) -> int:
        return int(self.call("eth_chainId"), 16)

    def block(self, number: int) -> dict | None:
        return self.call("eth_getBlockByNumber", [hex(number), False])

    def blocks(self, numbers: list[int]) -> list[dict | None]:
        return self.batch([("eth_getBlockByNumber", [hex(n), False]) for n in numbers])

    def logs(self, addresses: list[str], from_block: int, to_block: int) -> list[dict]:
        return self.call(
            "eth_getLogs", [{"address": addresses, "fromBlock": hex(from_block), "toBlock": hex(to_block)}]
        )

    def wait_ready(self, timeout: float = 120, should_stop: Callable[[], bool] = lambda: False) -> int:
        """Startup: wait for the node with backoff; returns its chain id."""
        deadline = time.monotonic() + timeout
        delay = self._backoff
        while True:
            try:
                return self.chain_id()
            except RpcUnavailable:
                if time.monotonic() > deadline or should_stop():
                    raise
                log.info("waiting for rpc %s", self.url)
                self._sleep(delay)
                delay = min(delay * 2, self._max_backoff)
