"""KYC's chain transactions go through the outbox: recorded before they are sent, and reconciled with the
chain when their sender never learnt the outcome (a process killed after the node accepted the
transaction), when the node dropped them, and when a reorganisation took their block away."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from backend.chain.indexer.rpc import RpcClient
from backend.chain.outbox import CONFIRMED, SENT, OutboxEntry, reconcile
from backend.core.models import AuditLog
from backend.db.types import utcnow
from backend.kyc.chain_outcomes import ATTEST, OUTCOMES
from backend.kyc.models import KycApplication
from tests.backend.kyc.kyc_support import CLASS_5_ANSWERS, Wallet, submission


@pytest.fixture(scope="module")
def rpc(deployed_chain):
    client = RpcClient(deployed_chain.rpc_url, timeout=30)
    yield client
    client.close()


def _attested(server) -> tuple[str, str, str]:
    """An auto-approved wallet: its application id, attestation transaction and address."""
    wallet = Wallet(server)
    wallet.answer(CLASS_5_ANSWERS)
    reply = wallet.apply(submission())
    assert reply.status_code == 201, reply.text
    app = reply.json()
    assert app["attestation"]["status"] == "attested"
    return app["id"], app["attestation"]["txHash"], wallet.address


def _entry(session, tx_hash: str) -> OutboxEntry:
    return session.scalar(select(OutboxEntry).where(OutboxEntry.tx_hash == tx_hash))


def _forget(session, app_id: str, tx_hash: str) -> None:
    """What the database holds when the sender died after the node took the transaction: the entry,
    written before sending, still `sent`, and the application never told."""
    session.execute(
        update(KycApplication)
        .where(KycApplication.id == app_id)
        .values(attestation_status="none", attestation_tx=None, attested_at=None)
    )
    session.execute(
        update(OutboxEntry)
        .where(OutboxEntry.tx_hash == tx_hash)
        .values(status=SENT, block_number=None, block_hash=None, created_at=utcnow() - timedelta(minutes=5))
    )
    session.commit()


def test_an_attestation_is_recorded_before_it_is_sent_and_settled_after(kyc_server):
    app_id, tx_hash, _ = _attested(kyc_server)
    with kyc_server.session() as session:
        entry = _entry(session, tx_hash)
        assert (entry.purpose, entry.object_id, entry.status) == (ATTEST, app_id, CONFIRMED)
        assert entry.block_number > 0 and entry.block_hash.startswith("0x") and entry.raw_tx


def test_a_landed_attestation_whose_sender_died_is_reconciled(kyc_server, rpc):
    app_id, tx_hash, _ = _attested(kyc_server)
    with kyc_server.session() as session:
        _forget(session, app_id, tx_hash)
        assert reconcile(session, rpc, OUTCOMES)["confirmed"] == 1
        session.commit()
        app = session.get(KycApplication, app_id)
        assert (app.attestation_status, app.attestation_tx) == ("attested", tx_hash)
        assert _entry(session, tx_hash).status == CONFIRMED
        audit = session.scalars(select(AuditLog.action).where(AuditLog.object_id == app_id)).all()
        assert "kyc.attestation.reconciled" in audit
        # a second pass finds nothing left to do
        assert not any(reconcile(session, rpc, OUTCOMES).values())


def test_a_transaction_reorganised_away_is_sent_again(kyc_server, rpc, deployed_chain):
    snapshot = rpc.call("evm_snapshot")
    app_id, tx_hash, address = _attested(kyc_server)
    registry = deployed_chain.contract("IdentityRegistry")
    with kyc_server.session() as session:
        mined_in = _entry(session, tx_hash).block_number
        # The block that held it is replaced: back to before it, then an empty block at its height.
        assert rpc.call("evm_revert", [snapshot]) is True
        rpc.call("evm_mine")
        assert rpc.call("eth_getTransactionReceipt", [tx_hash]) is None
        assert registry.functions.isEligible(address).call() is False
        assert int(rpc.call("eth_blockNumber"), 16) >= mined_in
        assert reconcile(session, rpc, OUTCOMES)["reorged"] == 1
        session.commit()
        # The same signed bytes went to the node again: the transaction is back, under its own hash.
        receipt = rpc.call("eth_getTransactionReceipt", [tx_hash])
        assert receipt is not None and int(receipt["status"], 16) == 1
        session.execute(
            update(OutboxEntry)
            .where(OutboxEntry.tx_hash == tx_hash)
            .values(created_at=utcnow() - timedelta(minutes=5))
        )
        assert reconcile(session, rpc, OUTCOMES)["confirmed"] == 1
        session.commit()
        assert _entry(session, tx_hash).block_hash == receipt["blockHash"]
        assert session.get(KycApplication, app_id).attestation_status == "attested"
    assert registry.functions.isEligible(address).call() is True


def test_a_transaction_whose_nonce_went_to_another_is_failed(kyc_server, rpc):
    app_id, tx_hash, _ = _attested(kyc_server)
    with kyc_server.session() as session:
        _forget(session, app_id, tx_hash)
        # As if the node had dropped it and the sender's next transaction had taken its nonce.
        never = "0x" + "ab" * 32
        session.execute(
            update(OutboxEntry).where(OutboxEntry.tx_hash == tx_hash).values(tx_hash=never, nonce=0)
        )
        session.commit()
        assert reconcile(session, rpc, OUTCOMES)["failed"] == 1
        session.commit()
        entry = _entry(session, never)
        assert entry.status == "failed" and "nonce 0" in entry.error
        app = session.get(KycApplication, app_id)
        assert app.attestation_status == "failed"
