"""`peerlend apikey create` prints a key that the API accepts."""

import httpx

from tests.support.cli import run_peerlend


def test_apikey_create_prints_a_working_key(live_server):
    result = run_peerlend(
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
    reply = httpx.get(f"{live_server}/v2/admin/audit", headers={"X-API-Key": key})
    assert reply.status_code == 200
    listing = run_peerlend("apikey", "list", database_url=live_server.database_url)
    assert "cli-reviewer" in listing.stdout and key not in listing.stdout
