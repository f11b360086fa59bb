"""Sections measured by scripts other domains keep in bench/ (indexer, oracle, risk throughput): each is
run in the service environment as its own process with a time cap, and prints one JSON document."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def parse_json_output(stdout: str) -> dict:
    """The whole output as JSON, else the last line that is a JSON object (scripts may log before it)."""
    text = stdout.strip()
    try:
        value = json.loads(text)
        if isinstance(value, dict):
            return value
    except json.JSONDecodeError:
        pass
    for line in reversed(text.splitlines()):
        line = line.strip()
        if line.startswith("{"):
            try:
                return json.loads(line)
            except json.JSONDecodeError:
                continue
    # A pretty-printed object after log lines: from the last line that opens one.
    lines = text.splitlines()
    for i in range(len(lines) - 1, -1, -1):
        if lines[i].startswith("{"):
            try:
                return json.loads("\n".join(lines[i:]))
            except json.JSONDecodeError:
                continue
    raise ValueError("no JSON object in the output")


def run_script(name: str, timeout: float, args: list[str] | None = None) -> dict:
    path = ROOT / "bench" / name
    if not path.exists():
        raise RuntimeError(f"bench/{name} not present yet")
    started = time.monotonic()
    try:
        proc = subprocess.run(  # noqa: S603 - fixed argv, no shell
            [sys.executable, str(path), *(args or [])],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired as exc:
        raise RuntimeError(f"bench/{name} timed out after {timeout:.0f}s") from exc
    seconds = round(time.monotonic() - started, 1)
    if proc.returncode != 0:
        raise RuntimeError(f"bench/{name} exited {proc.returncode}: {(proc.stdout + proc.stderr)[-1500:]}")
    try:
        result = parse_json_output(proc.stdout)
    except ValueError as exc:
        raise RuntimeError(f"bench/{name}: {exc}; output: {proc.stdout[-800:]}") from exc
    result.setdefault("script", f"bench/{name}")
    result.setdefault("seconds", seconds)
    return result
