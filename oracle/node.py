"""Oracle signer node: `python -m oracle.node --index 1`.

A node is a small HTTP server with one verb, `POST /sign`. The aggregator proposes a batch; the node
trusts nothing in it: it re-reads every report from the service by id (must be pending and identical),
reads the borrower's current record, the last round and the time from the chain, checks ranges, grade vs
PD band, model version and rate-of-change limits, and only then signs the EIP-712 digest with its own
key, bound to its own configured chain id and CreditOracle address. It never signs two different
batches for the same round, across restarts too when `node_store_path` is set (oracle/node_store.py).

A report must be pending at the service, except in a batch marked `resend`: the aggregator re-sends
reports a reorg removed from the chain, which the service already holds as submitted or confirmed. Such a
report is signed only if the chain lacks it (its asOf is after the borrower's on-chain asOf, checked as
for any report), so a re-send can never publish a report twice.

Response: {"signer", "signature" (0x hex or null), "refused": [{"id", "borrower", "reasons"}], "error"}.
"""

from __future__ import annotations

import argparse
import logging
import threading

from eth_account import Account
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, generate_latest
from pydantic import SecretStr

from oracle.chain import OracleChain
from oracle.checks import Policy, check_batch_frame, check_report, duplicate_borrowers
from oracle.node_store import SignedRounds
from oracle.service_client import ServiceClient, ServiceUnavailable
from oracle.signing import CreditReport, ScoreBatch, batch_digest, sign_batch

log = logging.getLogger("oracle.node")


class SignerNode:
    def __init__(
        self,
        key: SecretStr,
        chain: OracleChain,
        service: ServiceClient,
        policy: Policy,
        signed: SignedRounds | None = None,
    ):
        self._key = key
        self.address = Account.from_key(key.get_secret_value()).address
        self.chain = chain
        self.service = service
        self.policy = policy
        self._signed = signed or SignedRounds()  # round -> digest signed
        self._lock = threading.Lock()
        self.registry = CollectorRegistry()
        self.m_signed = Counter("oracle_node_batches_signed", "Batches signed", registry=self.registry)
        self.m_refused = Counter("oracle_node_reports_refused", "Reports refused", registry=self.registry)
        self.m_errors = Counter("oracle_node_errors", "Requests failed", ["kind"], registry=self.registry)

    def _answer(self, signature: bytes | None = None, refused=(), error: str | None = None) -> dict:
        return {
            "signer": self.address,
            "signature": "0x" + signature.hex() if signature else None,
            "refused": list(refused),
            "error": error,
        }

    def handle(self, payload: dict) -> dict:
        try:
            ids = [str(r["id"]) for r in payload["reports"]]
            batch = ScoreBatch.from_dict(payload)
        except (KeyError, TypeError, ValueError) as exc:
            self.m_errors.labels("malformed").inc()
            return self._answer(error=f"malformed batch: {exc}")
        if len(set(ids)) != len(ids):
            return self._answer(error="duplicate report ids")
        with self._lock:  # one batch at a time: the round guard below must see every signature
            return self._handle(batch, ids, resend=payload.get("resend") is True)

    def _handle(self, batch: ScoreBatch, ids: list[str], resend: bool = False) -> dict:
        now, last_round = self.chain.now(), self.chain.last_round()
        frame = check_batch_frame(batch.round, batch.deadline, batch.reports, last_round, now, self.policy)
        if frame:
            return self._answer(error="; ".join(frame))
        if not self.chain.is_signer(self.address):
            return self._answer(error=f"{self.address} is not an authorised signer")
        try:
            truth = {str(r["id"]): r for r in self.service.reports_by_id(ids)}
        except ServiceUnavailable as exc:
            self.m_errors.labels("service").inc()
            return self._answer(error=f"service unavailable: {exc}")
        duplicates = duplicate_borrowers(batch.reports)
        refused = []
        for report_id, report in zip(ids, batch.reports, strict=True):
            reasons = self._service_reasons(report, truth.get(report_id), resend)
            if report.borrower in duplicates:
                reasons.append("borrower appears twice in the batch")
            reasons += check_report(report, self.chain.record_of(report.borrower), self.policy, now)
            if reasons:
                refused.append({"id": report_id, "borrower": report.borrower, "reasons": reasons})
        if refused:
            self.m_refused.inc(len(refused))
            log.info("round %d: refused %d of %d reports", batch.round, len(refused), len(ids))
            return self._answer(refused=refused)
        digest = batch_digest(batch, self.chain.chain_id, self.chain.address)
        # recorded before the signature exists, so no crash can let this round be signed twice
        previous = self._signed.claim(self.chain.chain_id, self.chain.address, batch.round, digest)
        if previous is not None and previous != digest:
            return self._answer(error=f"already signed a different batch for round {batch.round}")
        signature = sign_batch(batch, self.chain.chain_id, self.chain.address, self._key.get_secret_value())
        self.m_signed.inc()
        log.info("round %d: signed %d reports%s", batch.round, len(ids), " (re-send)" if resend else "")
        return self._answer(signature=signature)

    @staticmethod
    def _service_reasons(report: CreditReport, record: dict | None, resend: bool = False) -> list[str]:
        if record is None:
            return ["unknown to the service"]
        allowed = ("pending", "submitted", "confirmed") if resend else ("pending",)
        if record.get("status") not in allowed:
            return [f"service status is {record.get('status')}"]
        try:
            if CreditReport.from_dict(record) != report:
                return ["differs from the service record"]
        except (KeyError, ValueError) as exc:
            return [f"service record unreadable: {exc}"]
        return []


def create_node_app(node: SignerNode) -> FastAPI:
    app = FastAPI(title="PeerLend oracle node", docs_url=None, redoc_url=None)

    @app.post("/sign")
    def sign(payload: dict) -> JSONResponse:  # sync: web3 and httpx calls block
        try:
            return JSONResponse(node.handle(payload))
        except Exception as exc:  # an RPC outage answers as an error the aggregator retries
            node.m_errors.labels("internal").inc()
            log.warning("sign failed: %s", type(exc).__name__)
            return JSONResponse(node._answer(error=f"node error: {type(exc).__name__}"), status_code=503)

    @app.get("/healthz")
    def healthz() -> dict:
        return {"status": "ok", "signer": node.address}

    @app.get("/metrics")
    def metrics(_: Request) -> Response:
        return Response(generate_latest(node.registry), media_type=CONTENT_TYPE_LATEST)

    return app


def build_node(settings) -> SignerNode:
    key = settings.signing_key()
    chain = OracleChain.from_settings(settings)
    if settings.api_key is None:
        raise SystemExit("PEERLEND_ORACLE_API_KEY (operator key with the oracle role) is required")
    service = ServiceClient(
        settings.service_url, settings.api_key.get_secret_value(), timeout=settings.http_timeout_seconds
    )
    return SignerNode(
        key, chain, service, Policy.from_settings(settings), SignedRounds(settings.node_store_path)
    )


def main(argv: list[str] | None = None) -> None:
    import uvicorn

    from oracle.logs import setup_logging
    from oracle.settings import OracleSettings

    parser = argparse.ArgumentParser(prog="python -m oracle.node", description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=int, default=None, help="node number (1..n); sets the port")
    args = parser.parse_args(argv)
    overrides = {"node_index": args.index} if args.index else {}
    settings = OracleSettings(**overrides)
    key = settings.signing_key()
    setup_logging(
        secrets=[key.get_secret_value()] + ([settings.api_key.get_secret_value()] if settings.api_key else [])
    )
    node = build_node(settings)
    log.info(
        "oracle node %d signer %s on %s:%d",
        settings.node_index,
        node.address,
        settings.node_host,
        settings.node_port,
    )
    uvicorn.run(create_node_app(node), host=settings.node_host, port=settings.node_port, log_config=None)


if __name__ == "__main__":
    main()
