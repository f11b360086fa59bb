"""`peerlend apikey create` prints a key that the API accepts."""

import os
import subprocess
import sys

import httpx

from backend.core.settings import ROOT


def _peerlend(*args: str, database_url: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PEERLEND_DATABASE_URL": database_url, "PEERLEND_ENV": "test"}
    return subprocess.run(  # noqa: S603 - a fixed argv: this interpreter and our CLI
        [sys.executable, "-m", "backend.cli", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_apikey_create_prints_a_working_key(live_server):
    result = _peerlend(
        "apikey",
        "create",
        "--name",
        "cli-reviewer",
        "--roles",
        "reviewer,compliance",
        database_url=live_server.database_url,
    )
    assert result.returncode == 0, result.stderr
    key = next(line.split()[-1] for line in result.stdout.splitlines() if line.startswith("key:"))
    reply = httpx.get(f"{live_server}/v1/admin/audit", headers={"X-API-Key": key})
    assert reply.status_code == 200
    listing = _peerlend("apikey", "list", database_url=live_server.database_url)
    assert "cli-reviewer" in listing.stdout and key not in listing.stdout
