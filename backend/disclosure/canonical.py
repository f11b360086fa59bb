"""Canonical JSON: the exact bytes a snapshot's hash and an export's signature are taken over.

Keys sorted at every level, no whitespace, UTF-8, no floats (every amount is a decimal string, every
count an integer), so anyone who parses the document and writes it out again the same way gets the same
bytes: `json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()` in Python,
and the same rules in any language. The hash is SHA-256.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any


def _no_floats(value: Any) -> None:
    if isinstance(value, float):
        raise TypeError("canonical documents carry no floats: amounts are decimal strings, rates bps")
    if isinstance(value, dict):
        for item in value.values():
            _no_floats(item)
    elif isinstance(value, list):
        for item in value:
            _no_floats(item)


def canonical_bytes(document: Any) -> bytes:
    _no_floats(document)
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
