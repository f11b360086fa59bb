"""Overload: a burst of concurrent requests at a mix of database-backed endpoints of a real uvicorn process
gets answers, never a 500 and never a hang (issue 14: the API deadlocked at ~55 requests in flight).

Each answer is a success, an expected 4xx, or 503 problem details with Retry-After (admission control);
no request waits past its timeout. `make test` runs a short burst (PEERLEND_LOAD_SECONDS, default 3 s);
`make bench` runs it for 60 s and keeps the figures in reports/overload-<seconds>s.json.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import httpx
import pytest
from eth_account import Account

from backend.core.settings import ROOT
from backend.loans.models import LoanView, NoteView, PortfolioView, WalletTransactionView
from tests.support.load import burst
from tests.support.server import start_server_process

CONCURRENCY = int(os.environ.get("PEERLEND_LOAD_CONCURRENCY", "200"))
SECONDS = float(os.environ.get("PEERLEND_LOAD_SECONDS", "3"))
TIMEOUT = 20.0  # no answer may take longer
LOANS = 500
WALLET = Account.from_key((0x10AD).to_bytes(32, "big")).address
ATTRIBUTES = {"status_of_existing_checking_account": "no checking account", "age_in_years": 35}


def _seed(server) -> None:
    now = int(time.time())
    with server.session() as session:
        for i in range(1, LOANS + 1):
            principal = (500 + 37 * i % 20_000) * 10**6
            session.add(
                LoanView(
                    loan_id=i,
                    borrower=WALLET if i % 50 == 0 else "0x" + f"{i:040x}",
                    status=("listed", "active", "repaid", "defaulted")[i % 4],
                    principal=principal,
                    term=(6, 12, 24, 36)[i % 4],
                    period_seconds=30 * 86_400,
                    rate_bps=600 + (i % 7) * 250,
                    grade=1 + i % 6,
                    funded=principal,
                    lenders=1 + i % 40,
                    listing_deadline=now + 14 * 86_400,
                    listed_at=now - i * 600,
                    updated_block=i,
                )
            )
        for i in range(1, 41):
            session.add(
                NoteView(
                    note_id=i,
                    loan_id=i,
                    owner=WALLET,
                    original_lender=WALLET,
                    principal=10**8,
                    updated_block=i,
                )
            )
            session.add(
                WalletTransactionView(
                    block_number=i,
                    log_index=0,
                    wallet=WALLET,
                    kind="fund",
                    contract="LoanMarket",
                    loan_id=i,
                    amount=str(10**8),
                    timestamp=now - i,
                    tx_hash="0x" + f"{i:064x}",
                )
            )
        session.add(PortfolioView(wallet=WALLET, invested=40 * 10**8, outstanding=40 * 10**8, notes=40))
        session.commit()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    # Rate limits off: this is about capacity, not abuse control (429s would hide what the server does).
    with start_server_process(tmp_path_factory.mktemp("overload"), rate_limit_enabled="false") as server:
        _seed(server)
        reply = httpx.post(
            f"{server}/v2/admin/api-keys",
            headers={"X-API-Key": server.admin_key},
            json={"name": "load", "roles": ["admin", "reviewer", "oracle"]},
            timeout=30,
        )
        reply.raise_for_status()
        server.operator_key = reply.json()["key"]
        yield server


def test_a_burst_gets_answers_never_a_500_nor_a_hang(server):
    operator = {"headers": {"X-API-Key": server.operator_key}}
    mix = [
        ("GET", "/v2/loans", {}),
        ("GET", "/v2/loans?sort=rate&grade=2&grade=3", {}),
        ("GET", "/v2/loans/150", {}),
        ("GET", "/v2/loans/999999", {}),  # 404: an expected answer
        ("GET", f"/v2/wallets/{WALLET}/portfolio", operator),
        ("GET", f"/v2/wallets/{WALLET}/transactions", operator),
        ("GET", "/v2/oracle/rounds", {}),
        ("GET", "/v2/oracle/reports?status=pending", operator),
        ("POST", "/v2/auth/nonce", {}),  # a write
        ("POST", "/v2/risk/score/batch", {**operator, "json": {"items": [{"attributes": ATTRIBUTES}]}}),
    ]
    result = burst(server, mix, concurrency=CONCURRENCY, seconds=SECONDS, timeout=TIMEOUT)
    figures = result.as_dict()
    reports = ROOT / "reports"
    reports.mkdir(exist_ok=True)
    Path(reports / f"overload-{SECONDS:g}s.json").write_text(json.dumps(figures, indent=2) + "\n")
    print(json.dumps({k: v for k, v in figures.items() if k != "by_route"}))

    expected = {"200", "201", "404", "503"}
    assert set(result.statuses) <= expected, figures
    assert result.timeouts == 0 and result.transport_errors == 0, figures
    assert result.unavailable_without_retry_after == 0, figures
    assert result.max_latency_s < TIMEOUT
    for route, statuses in result.by_route.items():  # every kind of request got through, not only 503s
        assert statuses.get("200", 0) + statuses.get("201", 0) + statuses.get("404", 0) > 0, (route, statuses)
    assert result.by_route["GET /v2/loans/999999"].keys() <= {"404", "503"}
    # and the process is fine afterwards
    assert httpx.get(f"{server}/readyz", timeout=5).status_code == 200
    assert httpx.get(f"{server}/v2/loans?limit=1", timeout=5).status_code == 200
