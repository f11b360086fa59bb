"""One JSON-RPC call over HTTP with the standard library, for the toolchain scripts that run before any
project environment is trusted (manifest_live.py under the system Python, deploy_to_rpc.py under
Brownie's). Only http and https URLs are opened: urllib would also read file: and custom schemes.
"""

from __future__ import annotations

import json
import urllib.request
from typing import Any
from urllib.parse import urlparse


def call(rpc_url: str, method: str, params: list[Any], timeout: float = 10) -> Any:
    """The `result` of `method(params)` at `rpc_url`; OSError when the node cannot be reached."""
    if urlparse(rpc_url).scheme not in ("http", "https"):
        raise ValueError(f"not an HTTP RPC URL: {rpc_url}")
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}).encode()
    # The scheme is checked above, so neither a file: nor a custom URL is ever opened.
    request = urllib.request.Request(rpc_url, data=body, headers={"content-type": "application/json"})  # noqa: S310
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
        return json.load(response).get("result")
