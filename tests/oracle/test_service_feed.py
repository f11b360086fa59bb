"""The service's oracle feed over real HTTP, and the whole path: service -> nodes -> chain -> indexer."""

from __future__ import annotations

import uuid

import httpx
import pytest
from sqlalchemy import select

from backend.chain.indexer.decoders import EventDecoder
from backend.chain.indexer.follower import Indexer
from backend.chain.indexer.rpc import RpcClient
from backend.db.session import create_db_engine, make_sessionmaker
from backend.oracle_feed.service import confirm_from_events
from backend.projections import PROJECTIONS
from backend.risk.models import CreditReport, LoanApplication
from tests.backend.risk.risk_support import Borrower, application
from tests.oracle.conftest import OracleSystem, borrower
from tests.support.anvil import rpc
from tests.support.server import create_operator_key


def add_report(
    server, wallet: str, *, as_of: int, grade: int = 2, pd_bps: int = 300, score: int = 700
) -> int:
    with server.session() as s:
        app = LoanApplication(
            id=str(uuid.uuid4()),
            wallet=wallet,
            amount=1_000_000_000,
            term_months=12,
            purpose="car",
            monthly_income=3_000_000_000,
            attributes={},
            model_name="scorecard",
            model_version=1,
            score=score,
            score_raw=float(score),
            pd_bps=pd_bps,
            grade=grade,
            bins={},
            reason_codes=[],
            fraud_hits=[],
            decision="approve",
            decision_reasons=[],
            offer=None,
            status="approved",
        )
        s.add(app)
        s.flush()
        report = CreditReport(
            application_id=app.id,
            borrower=wallet,
            score=score,
            grade=grade,
            pd_bps=pd_bps,
            model_version=1,
            as_of=as_of,
            reasons_hash="0x" + "ab" * 32,
            status="pending",
        )
        s.add(report)
        s.commit()
        return report.id


def indexed_record(wallet: str, *, as_of: int, round_: int, block: int, tx_hash: str):
    """The credit record the indexer would have stored for `wallet` (score 700, grade 2)."""
    from backend.oracle_feed.models import CreditRecordView

    return CreditRecordView(
        borrower=wallet,
        score=700,
        grade=2,
        pd_bps=300,
        model_version=1,
        as_of=as_of,
        reasons_hash="0x" + "ab" * 32,
        round=round_,
        updated_block=block,
        tx_hash=tx_hash,
    )


def status_of(server, report_id: int) -> str:
    with server.session() as s:
        return s.get(CreditReport, report_id).status


def index_oracle_events(server, system: OracleSystem) -> int:
    """Run the service's chain indexer over this CreditOracle once (it confirms reports on the way)."""
    manifest = {
        "chainId": 31337,
        "deployBlock": 0,
        "contracts": {"CreditOracle": {"address": system.address, "block": 0}},
    }
    engine = create_db_engine(server.database_url)
    client = RpcClient(system.anvil.url)
    try:
        indexer = Indexer(
            client,
            EventDecoder.from_manifest(manifest, system.build),
            make_sessionmaker(engine),
            projections=PROJECTIONS,
            chain_id=31337,
            start_block=0,
            confirmations=0,
            name=f"test-{system.address}",
            side_effects=[confirm_from_events],
        )
        return indexer.sync()
    finally:
        client.close()
        engine.dispose()


@pytest.fixture(scope="module")
def feed_server(module_server_factory):
    server = module_server_factory(rate_limit_enabled=False)
    server.oracle_key = create_operator_key(server, "oracle")
    return server


def test_feed_requires_the_oracle_role(feed_server):
    assert httpx.get(f"{feed_server}/v2/oracle/reports").status_code == 401
    reviewer = create_operator_key(feed_server, "reviewer")
    reply = httpx.get(f"{feed_server}/v2/oracle/reports", headers={"X-API-Key": reviewer})
    assert reply.status_code == 403 and reply.headers["content-type"].startswith("application/problem+json")
    ack = httpx.post(
        f"{feed_server}/v2/oracle/reports/ack", json={"acks": []}, headers={"X-API-Key": reviewer}
    )
    assert ack.status_code == 403
    bad = httpx.get(
        f"{feed_server}/v2/oracle/reports?status=nope", headers={"X-API-Key": feed_server.oracle_key}
    )
    assert bad.status_code == 422


def test_pending_reports_and_acks(feed_server):
    headers = {"X-API-Key": feed_server.oracle_key}
    rid = add_report(feed_server, borrower(100), as_of=1_700_000_000)
    other = add_report(feed_server, borrower(101), as_of=1_700_000_000)
    items = httpx.get(f"{feed_server}/v2/oracle/reports?status=pending", headers=headers).json()["items"]
    mine = {i["id"]: i for i in items}
    assert (
        mine[rid]["borrower"] == borrower(100)
        and mine[rid]["pdBps"] == 300
        and mine[rid]["asOf"] == "2023-11-14T22:13:20Z"  # ISO 8601 UTC, like every time of the API
    )
    by_id = httpx.get(f"{feed_server}/v2/oracle/reports?ids={rid}", headers=headers).json()["items"]
    assert [i["id"] for i in by_id] == [rid]
    acks = {
        "acks": [
            {"id": rid, "status": "submitted", "round": 7, "txHash": "0x" + "cd" * 32},
            {"id": other, "status": "rejected", "reason": "refused by 2 oracle node(s)"},
            {"id": 999_999, "status": "rejected", "reason": "x"},
        ]
    }
    results = httpx.post(f"{feed_server}/v2/oracle/reports/ack", json=acks, headers=headers).json()["results"]
    assert [r["applied"] for r in results] == [True, True, False]
    assert status_of(feed_server, rid) == "submitted" and status_of(feed_server, other) == "rejected"
    again = httpx.post(f"{feed_server}/v2/oracle/reports/ack", json=acks, headers=headers).json()["results"]
    assert [r["applied"] for r in again] == [True, True, False]  # idempotent
    results = httpx.post(
        f"{feed_server}/v2/oracle/reports/ack",
        json={"acks": [{"id": other, "status": "submitted"}]},
        headers=headers,
    ).json()["results"]
    assert results[0]["applied"] is False and status_of(feed_server, other) == "rejected"  # final stays final
    refresh = httpx.post(
        f"{feed_server}/v2/oracle/reports/refresh", json={"borrowers": [borrower(100)]}, headers=headers
    ).json()
    assert refresh["queued"] == [borrower(100)]
    assert refresh["results"] == [
        {
            "borrower": borrower(100),
            "outcome": "waiting",
            "detail": f"report {rid} is submitted already",
            "reportId": rid,
        }
    ]  # the submitted report is the newer record; nothing is queued beside it


def test_service_to_chain_to_index_end_to_end(feed_server, oracle_anvil, tmp_path):
    system = OracleSystem(
        oracle_anvil, tmp_path, service_url=str(feed_server), api_key=feed_server.oracle_key
    )
    try:
        rid = add_report(feed_server, borrower(102), as_of=system.now() - 30, grade=3, pd_bps=600, score=640)
        refused = add_report(feed_server, borrower(103), as_of=system.now() - 30, grade=1, pd_bps=4000)
        agg = system.aggregator()
        assert "confirmed" in agg.run_until_idle()
        assert status_of(feed_server, rid) == "submitted"
        assert status_of(feed_server, refused) == "rejected"
        assert system.chain().record_of(borrower(102))["score"] == 640
        # the indexer sees CreditRecordUpdated and confirms the report
        assert index_oracle_events(feed_server, system) >= 2
        assert status_of(feed_server, rid) == "confirmed"
        rounds = httpx.get(f"{feed_server}/v2/oracle/rounds").json()
        assert rounds["rounds"][0]["reports"] == 1 and rounds["reports"]["confirmed"] >= 1
        with feed_server.session() as s:
            landed = s.scalars(select(CreditReport.round).where(CreditReport.id == rid)).one()
        assert landed == system.chain().last_round() == rounds["lastRound"]
        with feed_server.session() as s:
            from backend.oracle_feed.models import CreditRecordView

            record = s.get(CreditRecordView, borrower(102))
            assert (record.score, record.grade, record.pd_bps, record.round) == (640, 3, 600, landed)
    finally:
        system.close()


def test_a_record_near_max_age_is_re_scored_and_published_again(feed_server, oracle_anvil, tmp_path):
    """Chain -> aggregator (record near maxAge) -> service re-scores the approved application -> signer
    nodes -> chain: the borrower's record is renewed with a later asOf and the same score."""
    system = OracleSystem(
        oracle_anvil, tmp_path, service_url=str(feed_server), api_key=feed_server.oracle_key
    )
    try:
        me = Borrower(feed_server)
        app = me.apply(application()).json()
        assert app["status"] == "approved", app
        assert "confirmed" in system.aggregator().run_until_idle()
        index_oracle_events(feed_server, system)
        first = system.chain().record_of(me.address)
        assert first["score"] == app["score"]
        with feed_server.session() as s:
            assert s.scalars(
                select(CreditReport.status).where(CreditReport.borrower == me.address)
            ).all() == ["confirmed"]

        # Same round store, a margin wider than maxAge: every record on file is due for refresh now.
        refresher = system.aggregator(refresh_margin=30 * 86400 + 3600)
        assert refresher.maybe_refresh() == [me.address]
        with feed_server.session() as s:
            fresh = s.scalars(
                select(CreditReport).where(
                    CreditReport.borrower == me.address, CreditReport.origin == "refresh"
                )
            ).one()
            assert fresh.status == "pending" and fresh.application_id == app["id"]
        while system.now() < fresh.as_of:  # asOf is the service's clock; the contract wants it past
            rpc(system.anvil.url, "evm_increaseTime", [1])
            rpc(system.anvil.url, "evm_mine")
        assert "confirmed" in refresher.run_until_idle()

        renewed = system.chain().record_of(me.address)
        assert renewed["asOf"] == fresh.as_of > first["asOf"]
        assert (renewed["score"], renewed["grade"], renewed["pdBps"]) == (
            app["score"],
            app["grade"],
            app["pdBps"],
        )
        index_oracle_events(feed_server, system)
        assert status_of(feed_server, fresh.id) == "confirmed"
    finally:
        system.close()


def test_reconciliation_confirms_reports_the_index_already_holds(feed_server):
    from backend.oracle_feed.service import reconcile_confirmations

    rid = add_report(feed_server, borrower(104), as_of=1_700_000_100)
    other = add_report(feed_server, borrower(105), as_of=1_700_000_100)
    with feed_server.session() as s:
        s.add(
            indexed_record(borrower(104), as_of=1_700_000_100, round_=42, block=9, tx_hash="0x" + "ef" * 32)
        )
        s.add(
            indexed_record(borrower(105), as_of=1_700_000_000, round_=41, block=8, tx_hash="0x" + "ef" * 32)
        )  # an older record: not this report
        s.commit()
        assert reconcile_confirmations(s) == 1
        s.commit()
        assert reconcile_confirmations(s) == 0  # idempotent
    assert status_of(feed_server, rid) == "confirmed" and status_of(feed_server, other) == "pending"


def test_a_superseded_report_the_chain_published_anyway_is_confirmed(feed_server):
    """A newer application supersedes the pending report after the aggregator signed it but before its
    acknowledgement arrived; the record lands on-chain all the same. The chain's record stands."""
    from backend.oracle_feed.service import reconcile_confirmations
    from backend.risk.reports import mark_reports

    rid = add_report(feed_server, borrower(106), as_of=1_700_000_200)
    with feed_server.session() as s:
        mark_reports(s, [rid], "rejected", reason="superseded by report 999")
        s.add(
            indexed_record(borrower(106), as_of=1_700_000_200, round_=43, block=10, tx_hash="0x" + "cd" * 32)
        )
        s.commit()
        assert reconcile_confirmations(s) == 1
        s.commit()
        report = s.get(CreditReport, rid)
        assert (report.status, report.round, report.tx_hash) == ("confirmed", 43, "0x" + "cd" * 32)
        assert report.reject_reason == "published on-chain in round 43 after: superseded by report 999"
        assert reconcile_confirmations(s) == 0


def test_acks_wait_for_a_concurrent_writer_instead_of_failing(feed_server):
    """The indexer holds the write lock and commits while acks are being applied: the acks wait for it
    (SQLite's busy timeout) rather than fail with "database is locked" on a stale read."""
    import threading
    import time

    from sqlalchemy import create_engine, text

    from backend.db.session import create_db_engine, make_sessionmaker
    from backend.oracle_feed.schemas import Ack
    from backend.oracle_feed.service import apply_acks

    rid = add_report(feed_server, borrower(107), as_of=1_700_000_300)
    other = create_engine(feed_server.database_url, connect_args={"timeout": 30})
    writer = other.raw_connection()
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("UPDATE credit_reports SET score = score WHERE id = ?", (rid,))
    results: list = []

    def acks() -> None:
        engine = create_db_engine(feed_server.database_url)
        with make_sessionmaker(engine)() as session:
            results.extend(apply_acks(session, [Ack(id=rid, status="signed")]))
        engine.dispose()

    thread = threading.Thread(target=acks)
    thread.start()
    time.sleep(0.5)  # the acks are under way, behind the writer
    writer.commit()
    writer.close()
    thread.join(timeout=30)
    other.dispose()
    assert [r.applied for r in results] == [True]
    assert status_of(feed_server, rid) == "signed"
    with feed_server.session() as s:
        assert s.execute(text("SELECT count(*) FROM credit_reports")).scalar() >= 1
