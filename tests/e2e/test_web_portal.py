"""The reference web portal (web/) in a real browser, against the real stack.

The portal is built once (web/build.sh: npm ci from the lock file and vite build, each skipped while its
inputs are unchanged). The API serves it at /app from web/dist (backend/web_app.py), beside anvil with
the deployment, the indexer and the oracle, all started here as test_lifecycle.py starts them. Then
Playwright (web/e2e/, Debian's chromium) plays the journeys of a borrower, an investor and an operator,
each with a wallet injected into the page, and this test fails if any of them fails. Screenshots of
every step are written to reports/web/.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from pathlib import Path

import httpx
import pytest
from eth_account import Account
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import SecretStr

from backend.auth.roles import ROLES
from backend.core.problems import install_problem_handlers
from backend.core.settings import ROOT, Settings
from backend.web_app import WebAppSettings, mount_web_app
from demo.collections import CollectionsInProcess
from demo.processes import IndexerProcess, OracleInProcess
from tests.support.anvil import rpc
from tests.support.server import create_operator_key, start_server

WEB = ROOT / "web"
REPORTS = ROOT / "reports" / "web"
CHROMIUM = Path(os.environ.get("PEERLEND_CHROMIUM", "/usr/bin/chromium"))
JOURNEY_SCREENSHOTS = (
    "borrower-7-repaid",
    "investor-8-auto-invest",
    "operator-2-approved",
    "home",
    "investor-10-inbox",
    "investor-11-statements",
    "investor-13-restructured",
    "operator-4-complaint-resolved",
    "compliance-2-frozen-by-second-officer",
    "operator-5-not-for-this-key",
    "operator-6-collections-case",
    "disclosure",
)
# The journeys' one funding (1,000) is a large transaction for AML at this stack's threshold, so the
# compliance journey has a case to work without scripting 50,000 of fundings.
AML_LARGE_AMOUNT_UNITS = 1_000

pytestmark = pytest.mark.timeout(600)


def _run(argv: list[str], timeout: float, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    result = subprocess.run(  # noqa: S603 - fixed argv, no shell
        argv, cwd=WEB, env=env, capture_output=True, text=True, timeout=timeout
    )
    print(result.stdout[-6000:])
    if result.returncode != 0:
        raise AssertionError(
            f"{' '.join(argv)} exited {result.returncode}:\n{result.stdout[-8000:]}\n{result.stderr[-4000:]}"
        )
    return result


# ------------------------------------------------------------------------------------------ the mount


@pytest.fixture
def dist(tmp_path: Path) -> Path:
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_text("<!doctype html><title>portal</title>")
    (tmp_path / "assets" / "index-abc.js").write_text("console.log(1)")
    return tmp_path


def _client(dist: Path, tmp_path: Path, manifest: dict | None = None) -> TestClient:
    manifest_path = tmp_path / "manifest.json"
    if manifest is not None:
        manifest_path.write_text(json.dumps(manifest))
    settings = Settings(env="test", manifest_path=manifest_path, rpc_url="http://127.0.0.1:9")
    app = FastAPI()
    install_problem_handlers(app)
    mount_web_app(app, settings, WebAppSettings(dist=dist, rpc_url="http://rpc.example:8545"))
    return TestClient(app)


def test_client_routes_answer_the_page_and_assets_are_cached_for_good(dist, tmp_path):
    client = _client(dist, tmp_path)
    page = client.get("/app/loans/7")
    assert page.status_code == 200 and "<title>portal</title>" in page.text
    assert page.headers["cache-control"] == "no-cache"
    asset = client.get("/app/assets/index-abc.js")
    assert asset.status_code == 200 and "immutable" in asset.headers["cache-control"]
    assert client.get("/app", follow_redirects=False).headers["location"] == "/app/"


def test_a_missing_file_is_a_404_problem_not_the_page(dist, tmp_path):
    client = _client(dist, tmp_path)
    for path in ("/app/assets/gone.js", "/app/favicon.ico", "/app/%2e%2e/%2e%2e/backend/app.py"):
        reply = client.get(path)
        assert reply.status_code == 404, path
        assert "<title>" not in reply.text


def test_config_names_the_chain_and_the_public_part_of_the_manifest(dist, tmp_path):
    manifest = {
        "chainId": 31337,
        "network": "development",
        "contracts": {"LoanMarket": {"address": "0x" + "11" * 20, "block": 3}},
        "parameters": {"LoanMarket": {"minTicket": 25}},
        "errors": [{"type": "error", "name": "ZeroAmount", "inputs": []}],
        "accounts": {"deployer": "0x" + "22" * 20},
        "roles": {"LoanMarket": {}},
    }
    config = _client(dist, tmp_path, manifest).get("/app/config.json").json()
    assert config["chainId"] == 31337
    assert config["rpcUrl"] == "http://rpc.example:8545"  # the browser's URL, not the service's
    assert config["deployment"]["contracts"] == manifest["contracts"]
    assert config["deployment"]["errors"] == manifest["errors"]
    assert "accounts" not in config["deployment"] and "roles" not in config["deployment"]


def test_config_without_a_deployment_says_so(dist, tmp_path):
    assert _client(dist, tmp_path).get("/app/config.json").json()["deployment"] is None


def test_nothing_is_mounted_before_the_portal_is_built(tmp_path):
    app = FastAPI()
    assert mount_web_app(app, Settings(env="test"), WebAppSettings(dist=tmp_path / "dist")) is False
    assert TestClient(app).get("/app/").status_code == 404


# ------------------------------------------------------------------------------------------ the browser


@pytest.fixture(scope="module")
def built_portal() -> Path:
    if shutil.which("npm") is None:
        pytest.fail("npm is required to build the web portal")
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: `make bootstrap` installs Debian's chromium")
    _run(["./build.sh"], timeout=300)
    return WEB / "dist"


def test_home_page_first_load_is_within_its_javascript_budget(built_portal):
    output = _run(["node", "scripts/bundle-size.mjs"], timeout=60).stdout
    assert "within the 300 kB budget" in output


def _bring_clock_to_now(rpc_url: str) -> None:
    """Credit records carry the service's wall-clock time: a chain behind it would call them future."""
    latest = int(rpc(rpc_url, "eth_getBlockByNumber", ["latest", False])["timestamp"], 16)
    if latest < int(time.time()):
        rpc(rpc_url, "evm_mine", [int(time.time())])


@pytest.fixture(scope="module")
def platform(deployed_chain, built_portal, tmp_path_factory):
    """API (serving web/dist at /app) + oracle + indexer + collections worker on the session's deployment;
    the chain is put back afterwards."""
    snapshot = deployed_chain.snapshot()
    _bring_clock_to_now(deployed_chain.rpc_url)
    with start_server(
        tmp_path_factory.mktemp("web-api"), **deployed_chain.server_settings(rate_limit_enabled=False)
    ) as server:
        # An approved freeze is sent with the compliance officer's key (COMPLIANCE_ROLE), as `make up` does.
        state = server.app.state
        state.kyc_settings = state.kyc_settings.model_copy(
            update={"compliance_private_key": SecretStr(deployed_chain.key("compliance"))}
        )
        oracle_key = create_operator_key(server, "oracle")
        log = tmp_path_factory.mktemp("web-logs") / "indexer.log"
        indexer = IndexerProcess(
            deployed_chain.rpc_url,
            deployed_chain.manifest_path,
            server.database_url,
            build_dir=deployed_chain.build_dir,
            log_path=log,
        )
        indexer.env["PEERLEND_AML_LARGE_AMOUNT_UNITS"] = str(AML_LARGE_AMOUNT_UNITS)  # its AML rules read it
        with (
            OracleInProcess(
                deployed_chain.rpc_url,
                deployed_chain.manifest_path,
                str(server),
                oracle_key,
                build_dir=deployed_chain.build_dir,
            ),
            indexer,
            CollectionsInProcess(server.database_url),  # cases for the collections journey
        ):
            yield server, deployed_chain
    deployed_chain.revert(snapshot)
    # anvil's clock goes back with the snapshot; bring it to real time for whoever runs next
    _bring_clock_to_now(deployed_chain.rpc_url)


def _wallet(rpc_url: str):
    account = Account.create()
    rpc(rpc_url, "anvil_setBalance", [account.address, hex(10 * 10**18)])
    return account


def test_borrower_investor_and_operator_journeys_in_chromium(platform):
    server, chain = platform
    borrower, investor = _wallet(chain.rpc_url), _wallet(chain.rpc_url)
    REPORTS.mkdir(parents=True, exist_ok=True)
    for old in REPORTS.glob("*.png"):
        old.unlink()
    config = httpx.get(f"{server}/app/config.json", timeout=10).json()
    assert config["deployment"]["chainId"] == chain.chain_id
    env = {
        **os.environ,
        "PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD": "1",
        "PEERLEND_WEB_URL": f"{server}/app/",
        "PEERLEND_API_URL": str(server),
        "PEERLEND_RPC_URL": chain.rpc_url,
        "PEERLEND_CHAIN_ID": str(chain.chain_id),
        "PEERLEND_BORROWER_KEY": "0x" + bytes(borrower.key).hex(),
        "PEERLEND_INVESTOR_KEY": "0x" + bytes(investor.key).hex(),
        "PEERLEND_REVIEWER_KEY": create_operator_key(server, "reviewer", "compliance"),
        # one key per role with that role alone, for the console's sections; and a second officer
        "PEERLEND_OPERATOR_KEYS": json.dumps(
            {role: create_operator_key(server, role) for role in sorted(ROLES)}
            | {"compliance-second": create_operator_key(server, "compliance")}
        ),
        "PEERLEND_WEB_REPORTS": str(REPORTS),
        "PEERLEND_CHROMIUM": str(CHROMIUM),
    }
    _run(["node_modules/.bin/playwright", "test"], timeout=420, env=env)

    # What the journeys did, as the API sees it afterwards.
    loans = httpx.get(f"{server}/v2/loans", params={"borrower": borrower.address}, timeout=10).json()["items"]
    assert [(loan["status"], loan["periodsPaid"], loan["lenders"], loan["term"]) for loan in loans] == [
        ("active", 1, 1, 5)  # restructured: 3 installments and 2 more
    ]
    restructuring = httpx.get(f"{server}/v2/loans/{loans[0]['loanId']}/restructuring", timeout=10).json()
    assert restructuring["proposal"]["status"] == "executed"
    registry = chain.contract("IdentityRegistry")
    assert registry.functions.isFrozen(investor.address).call()  # the second officer's approval
    for name in JOURNEY_SCREENSHOTS:
        assert (REPORTS / f"{name}.png").stat().st_size > 0, name
