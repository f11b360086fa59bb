"""What a borrower needs on the test deployment before it may list: an attestation in IdentityRegistry
(written by the local attester) and a fresh record in CreditOracle (a batch signed by two local oracle
signers, submitted by the local submitter), for tests that reach listing without the whole platform."""

from __future__ import annotations

from oracle.chain import OracleChain
from oracle.signing import ScoreBatch, order_signatures, sign_batch
from tests.support.chain import DeployedChain

DAY = 86_400


def attest(
    chain: DeployedChain, wallet: str, subject: bytes, *, risk_class: int = 3, entity: bool = False
) -> None:
    registry = chain.contract("IdentityRegistry")
    fn = registry.functions.attest(
        wallet, 2, risk_class, 156, chain.now() + 365 * DAY, b"\x11" * 32, subject, entity
    )
    tx = fn.transact({"from": chain.accounts["attester"].address})
    assert chain.w3.eth.wait_for_transaction_receipt(tx)["status"] == 1


def publish_credit_record(chain: DeployedChain, borrower: str, grade: int, score: int = 700) -> None:
    oracle = OracleChain.from_manifest(chain.rpc_url, chain.manifest, chain.build_dir)
    now = chain.now()
    report = {
        "borrower": borrower,
        "score": score,
        "grade": grade,
        "pdBps": 100 * grade,
        "modelVersion": 1,
        "asOf": now - 10,
        "reasonsHash": "0x" + "22" * 32,
    }
    batch = ScoreBatch.build(oracle.last_round() + 1, now + 600, [report])
    acc = chain.accounts
    signatures = order_signatures(
        [
            (acc[r].address, sign_batch(batch, chain.chain_id, oracle.address, acc[r].key))
            for r in ("oracle1", "oracle3")
        ]
    )
    gas = oracle.simulate(batch, signatures, acc["submitter"].address)
    sent = oracle.sign_submission(batch, signatures, acc["submitter"].key, gas=gas * 2)
    oracle.broadcast(sent.raw)
    assert chain.w3.eth.wait_for_transaction_receipt(sent.tx_hash)["status"] == 1
