"""Oracle aggregator: `python -m oracle.aggregator`.

Design (push): the aggregator is the only process that builds rounds; nodes are stateless signers
behind `POST /sign` that re-validate everything themselves. One round is active at a time and each step
of it is persisted before the next (see oracle/store.py), so the loop is a state machine driven by the
store: a fresh process on the same store continues exactly where a crashed one stopped.

  built      ask every node to sign; >= threshold valid signatures (recovered locally, on-chain signers
             only) -> signed. Reports a node refuses are dropped from the round (rejected for good once
             a quorum can no longer sign them or after `max_report_attempts`), the rest rebuilt.
             Fewer than threshold nodes reachable -> stay built and retry: nothing is lost.
  signed     simulate (custom errors decoded), sign the transaction, persist hash + raw bytes, broadcast.
  submitted  receipt: success in a canonical block with `confirmations` blocks on top -> confirmed +
             `submitted` acks in one write (fewer on top: wait); not known to the node -> broadcast the
             same bytes again (same hash, so never a second submission) unless the round was consumed,
             the deadline passed or the nonce went to another transaction, then rebuild; reverted ->
             isolate: a per-borrower error (AsOfNotIncreasing, AsOfInFuture, InvalidReportGrade,
             InvalidPd) rejects that report, an undecodable revert halves the batch down to the culprit.
Every rebuild takes a new round number (lastRound on-chain or the highest persisted, + 1) and deadline,
so no node is ever asked to sign two different batches for one round.

Reorgs: at start-up and whenever the chain's head moves, confirmed rounds in the last
`reorg_window` blocks are checked against the canonical chain. A round whose block was removed is
reopened (`submitted` again): if its transaction is back in the pool it is awaited; else its same bytes
are sent again, or, when its round number was consumed, its deadline passed or its nonce was used, its
reports that the chain still lacks go into a new round (marked `resend`, so nodes sign reports the
service already holds as published). One nonce or one round number can carry only one of the two
transactions, so a report lands once.

Chain time: a report is ready when the chain's clock has reached its asOf (the contract refuses a record
from the future). The clock is the latest block's time, or on an automining development node (anvil:
the batch's own transaction makes the block) the time the node will stamp on the next block. A report
held back is logged once, with how far ahead of chain time its asOf is.

Freshness: borrowers whose on-chain record comes within `refresh_margin_seconds` of `maxAge` are sent to
the service (`POST /v1/oracle/reports/refresh`), which re-scores them into new pending reports; a stale
record is never re-signed with a new asOf by the oracle itself, because asOf must mean "computed at".
"""

from __future__ import annotations

import argparse
import collections
import logging
import signal
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import httpx
from eth_account import Account
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, start_http_server
from pydantic import SecretStr

from backend.chain.blocks import Head, Receipt
from backend.chain.errors import ContractReverted, NonceConsumed
from oracle.chain import OracleChain, refused_borrower
from oracle.service_client import ServiceClient, ServiceUnavailable
from oracle.signing import CreditReport, ScoreBatch, order_signatures, recover_signer
from oracle.store import Round, RoundStore

log = logging.getLogger("oracle.aggregator")

DEADLINE_MARGIN = 15  # seconds a signed batch must still have left to be worth submitting
DEFER_ERRORS = {"AsOfInFuture"}  # the chain's clock will pass asOf; not the report's fault
RESIGN_ERRORS = {"StaleRound", "BatchExpired", "BelowThreshold", "SignerNotAuthorized", "SignersNotAscending"}


class NodeClient:
    """Asks every node in parallel; an unreachable node answers None."""

    def __init__(self, urls: list[str], timeout: float = 30.0):
        self.urls = list(urls)
        self._client = httpx.Client(timeout=timeout)
        self._pool = ThreadPoolExecutor(max_workers=max(1, len(urls)))

    def close(self) -> None:
        self._client.close()
        self._pool.shutdown(wait=False)

    def _ask(self, url: str, payload: dict) -> dict | None:
        try:
            response = self._client.post(f"{url.rstrip('/')}/sign", json=payload)
            return (
                response.json()
                if response.headers.get("content-type", "").startswith("application/json")
                else None
            )
        except (httpx.TransportError, ValueError) as exc:
            log.info("node %s unreachable: %s", url, type(exc).__name__)
            return None

    def collect(self, payload: dict) -> list[dict | None]:
        return list(self._pool.map(lambda u: self._ask(u, payload), self.urls))


class Metrics:
    def __init__(self, registry: CollectorRegistry):
        self.pending = Gauge(
            "oracle_reports_pending", "Pending reports seen at the service", registry=registry
        )
        self.last_round = Gauge("oracle_last_round", "Last confirmed round", registry=registry)
        self.lag = Gauge(
            "oracle_lag_seconds", "Age of the oldest report in the active round", registry=registry
        )
        self.unsent = Gauge(
            "oracle_acks_unsent", "Acknowledgements not yet accepted by the service", registry=registry
        )
        self.failures = Counter("oracle_failures", "Failures by kind", ["kind"], registry=registry)
        self.rounds = Counter("oracle_rounds", "Rounds by outcome", ["outcome"], registry=registry)
        self.reports = Counter("oracle_reports", "Reports by outcome", ["outcome"], registry=registry)
        self.held = Gauge(
            "oracle_reports_held",
            "Pending reports held back because their asOf is ahead of chain time",
            registry=registry,
        )
        self.held_gap = Gauge(
            "oracle_held_gap_seconds",
            "Largest lead of a held report's asOf over chain time",
            registry=registry,
        )
        self.reorged = Counter(
            "oracle_reorged_rounds", "Confirmed rounds whose block a reorg removed", registry=registry
        )
        self.latency = Histogram(
            "oracle_report_latency_seconds",
            "First seen -> confirmed on-chain",
            buckets=(1, 2, 5, 10, 20, 30, 60, 120, 300, 600),
            registry=registry,
        )


REFRESH_RETRY_SECONDS = 3_600  # no newer record an hour after asking: ask again
LAPSED_RETRY_SECONDS = 86_400  # the service said the record lapses: ask again tomorrow


class Aggregator:
    def __init__(
        self,
        chain: OracleChain,
        service: ServiceClient,
        store: RoundStore,
        nodes: NodeClient,
        submitter_key: SecretStr,
        *,
        batch_max: int = 100,
        deadline_seconds: int = 600,
        gas_fraction: float = 0.5,
        max_report_attempts: int = 3,
        refresh_margin: int = 86_400,
        receipt_timeout: float = 120.0,
        confirmations: int = 0,
        reorg_window: int = 128,
        registry: CollectorRegistry | None = None,
        clock: Callable[[], float] = time.time,
    ):
        self.chain, self.service, self.store, self.nodes = chain, service, store, nodes
        self._key = submitter_key
        self.submitter = Account.from_key(submitter_key.get_secret_value()).address
        self.batch_max = batch_max
        self.deadline_seconds = deadline_seconds
        self.gas_fraction = gas_fraction
        self.max_report_attempts = max_report_attempts
        self.refresh_margin = refresh_margin
        self.receipt_timeout = receipt_timeout
        self.registry = registry or CollectorRegistry()
        self.metrics = Metrics(self.registry)
        self.clock = clock
        self.confirmations = max(0, confirmations)
        self.reorg_window = max(1, reorg_window)
        self.hooks: dict[str, Callable[[Round], None]] = {}
        self._last_refresh = 0.0
        self._verified_head: Head | None = None  # the head at the last reorg check (None: never)
        self._held: dict[str, float] = {}  # report id -> monotonic time it was first held
        self._waiting_depth: set[int] = set()  # rounds logged as waiting for confirmations

    def _hook(self, name: str, rnd: Round) -> None:
        if name in self.hooks:
            self.hooks[name](rnd)

    # -- the loop

    def run_once(self) -> str:
        self.flush_acks()
        self.reconcile()
        rnd = self.store.active()
        if rnd is None:
            rnd = self.build_round()
            if rnd is None:
                self.flush_acks()  # rejections decided while building
                self.maybe_refresh()
                return "idle"
        self.metrics.lag.set(max(0.0, self.clock() - rnd.first_seen))
        return self.advance(rnd)

    def run_until_idle(self, max_steps: int = 100) -> list[str]:
        """Steps until nothing is left to do or the round cannot progress now (tests, benches)."""
        outcomes = []
        for _ in range(max_steps):
            outcome = self.run_once()
            outcomes.append(outcome)
            if outcome in ("idle", "waiting", "pending"):
                return outcomes
        return outcomes

    def run(self, stop: threading.Event, poll_interval: float = 2.0) -> None:
        backoff = poll_interval
        while not stop.is_set():
            try:
                outcome = self.run_once()
                backoff = poll_interval
                if outcome in ("idle", "waiting", "pending"):
                    stop.wait(poll_interval)
            except Exception as exc:  # RPC/service outages: log, count, back off, carry on
                self.metrics.failures.labels(type(exc).__name__).inc()
                log.warning("aggregator step failed: %s: %s", type(exc).__name__, exc)
                stop.wait(backoff)
                backoff = min(backoff * 2, 60)

    def advance(self, rnd: Round) -> str:
        if rnd.state == "built":
            return self._collect(rnd)
        if rnd.state == "signed":
            return self._submit(rnd)
        return self._await(rnd)

    # -- building

    def build_round(self) -> Round | None:
        try:
            pending = self.service.pending_reports(limit=self.batch_max * 3)
        except ServiceUnavailable as exc:
            self.metrics.failures.labels("service").inc()
            log.warning("service unavailable: %s", exc)
            return None
        self.metrics.pending.set(len(pending))
        in_flight = self.store.in_flight_ids()
        latest: dict[str, tuple[str, CreditReport]] = {}
        rejects: list[tuple[str, str]] = []
        for item in pending:
            report_id = str(item["id"])
            if report_id in in_flight:
                continue
            try:
                report = CreditReport.from_dict(item)
            except (KeyError, ValueError) as exc:
                rejects.append((report_id, f"malformed report: {exc}"))
                continue
            previous = latest.get(report.borrower)
            if previous is None or report.asOf > previous[1].asOf:
                if previous is not None:
                    rejects.append((previous[0], "superseded by a newer report"))
                latest[report.borrower] = (report_id, report)
            else:
                rejects.append((report_id, "superseded by a newer report"))
        chosen: list[tuple[str, CreditReport]] = []
        clock = self.chain_time() if latest else None
        gaps = []
        for report_id, report in latest.values():
            if len(chosen) == self.batch_max:
                break
            assert clock is not None
            if report.asOf > clock[0]:  # the contract refuses it until chain time passes asOf
                self._hold(report_id, report, clock)
                gaps.append(report.asOf - clock[0])
                continue
            self._release(report_id, report)
            stored = self.chain.record_of(report.borrower)
            if stored["grade"] and report.asOf <= stored["asOf"]:
                if _same_record(stored, report):  # on-chain already (its event confirms it at the service)
                    log.info("report %s is on-chain already; not sending it again", report_id)
                    continue
                rejects.append(
                    (report_id, f"AsOfNotIncreasing: on-chain asOf {stored['asOf']} >= {report.asOf}")
                )
                continue
            chosen.append((report_id, report))
        for report_id in set(self._held) - {i for i, _ in latest.values()}:
            del self._held[report_id]  # published, superseded or rejected meanwhile
        self.metrics.held.set(len(gaps))
        self.metrics.held_gap.set(max(gaps, default=0))
        if rejects:
            self.store.reject(rejects)
            self.metrics.reports.labels("rejected").inc(len(rejects))
        if not chosen:
            return None
        return self._new_round(chosen)

    def chain_time(self) -> tuple[int, Head, str]:
        """(time, head, what the time is): when a transaction sent now lands, as far as the chain says.
        The latest block's time; on an automining node the next block's, which our own transaction
        makes (there the latest block stands still while nobody transacts)."""
        head = self.chain.head()
        if self.chain.automine():
            upcoming = self.chain.next_block_time()
            if upcoming is not None and upcoming > head.timestamp:
                return upcoming, head, "the next block's time on this automining node"
        return head.timestamp, head, "the latest block's time"

    def _hold(self, report_id: str, report: CreditReport, clock: tuple[int, Head, str]) -> None:
        if report_id in self._held:
            return  # logged when first held; once per report, not once per poll
        self._held[report_id] = time.monotonic()
        now, head, what = clock
        log.warning(
            "holding report %s of %s: its asOf %d is %d s ahead of chain time %d (%s, block %d, %d s"
            " behind this host's clock); CreditOracle refuses a record from the future, so it waits"
            " until the chain's clock passes asOf",
            report_id,
            report.borrower,
            report.asOf,
            report.asOf - now,
            now,
            what,
            head.number,
            int(self.clock()) - now,
        )

    def _release(self, report_id: str, report: CreditReport) -> None:
        since = self._held.pop(report_id, None)
        if since is not None:
            log.info(
                "report %s released: chain time reached its asOf %d after %.0f s held",
                report_id,
                report.asOf,
                time.monotonic() - since,
            )

    def _new_round(
        self,
        items: list[tuple[str, CreditReport]],
        replaces: Round | None = None,
        reason: str | None = None,
        resend: bool = False,
    ) -> Round:
        number = max(self.chain.last_round(), self.store.max_round()) + 1
        batch = ScoreBatch.build(number, self.chain.now() + self.deadline_seconds, [r for _, r in items])
        rnd = self.store.create(
            batch,
            [i for i, _ in items],
            first_seen=replaces.first_seen if replaces else None,
            replaces=replaces.id if replaces else None,
            reason=reason,
            resend=resend,
        )
        log.info(
            "round %d built with %d reports%s%s",
            number,
            len(items),
            " to re-send what a reorg removed" if resend else "",
            f" ({reason})" if reason else "",
        )
        self._hook("after_build", rnd)
        return rnd

    def _rebuild(self, rnd: Round, reason: str, keep: list[tuple[str, CreditReport]] | None = None) -> str:
        items = rnd.items if keep is None else keep
        resend = rnd.resend or rnd.reorgs > 0
        if resend:
            items = self._missing_on_chain(rnd, items)
        if not items:
            self.store.set_state(rnd.id, "abandoned", reason)
            self.metrics.rounds.labels("abandoned").inc()
            return "abandoned"
        self._new_round(items, replaces=rnd, reason=reason, resend=resend)
        self.metrics.rounds.labels("rebuilt").inc()
        return "rebuilt"

    def _missing_on_chain(
        self, rnd: Round, items: list[tuple[str, CreditReport]]
    ) -> list[tuple[str, CreditReport]]:
        """Of a re-send's reports, those the chain still lacks. One the chain holds (re-included by
        another transaction) is done; one under a newer on-chain record can no longer be published."""
        missing = []
        for report_id, report in items:
            stored = self.chain.record_of(report.borrower)
            if stored["grade"] and stored["asOf"] >= report.asOf:
                log.info(
                    "round %d: report %s not re-sent: %s",
                    rnd.round,
                    report_id,
                    "it is on-chain"
                    if _same_record(stored, report)
                    else f"a newer record ({stored['asOf']}) is on-chain",
                )
                continue
            missing.append((report_id, report))
        return missing

    # -- signing

    def _payload(self, rnd: Round) -> dict:
        return {
            "round": rnd.round,
            "deadline": rnd.deadline,
            "resend": rnd.resend,
            "reports": [{"id": i, **r.to_dict()} for i, r in rnd.items],
        }

    def _collect(self, rnd: Round) -> str:
        if self.chain.last_round() >= rnd.round:
            return self._rebuild(rnd, "round number consumed on-chain")
        if rnd.deadline <= self.chain.now() + DEADLINE_MARGIN:
            return self._rebuild(rnd, "deadline passed before signing")
        threshold, signers = self.chain.threshold(), set(self.chain.signers())
        answers = self.nodes.collect(self._payload(rnd))
        signatures: dict[str, str] = {}
        refused: dict[str, list[list[str]]] = {}
        errors = []
        for answer in answers:
            if answer is None:
                continue
            if answer.get("signature"):
                sig = bytes.fromhex(answer["signature"][2:])
                try:
                    signer = recover_signer(rnd.batch, self.chain.chain_id, self.chain.address, sig)
                except Exception:  # a garbled signature is as good as none
                    signer = None
                if signer in signers:
                    signatures[signer] = answer["signature"]
                else:
                    errors.append(f"invalid signature from {answer.get('signer')}")
            for item in answer.get("refused") or []:
                refused.setdefault(str(item["id"]), []).append(item.get("reasons") or ["refused"])
            if answer.get("error"):
                errors.append(answer["error"])
        if len(signatures) >= threshold:
            self.store.set_signed(rnd.id, signatures)
            log.info("round %d signed by %d/%d nodes", rnd.round, len(signatures), len(answers))
            rnd = self.store.get(rnd.id)
            self._hook("after_sign", rnd)
            return self._submit(rnd)
        if refused:
            return self._drop_refused(rnd, refused, len(signers), threshold)
        reachable = sum(a is not None for a in answers)
        log.warning(
            "round %d: %d/%d signatures (%d of %d nodes reachable)%s",
            rnd.round,
            len(signatures),
            threshold,
            reachable,
            len(answers),
            f": {'; '.join(errors)}" if errors else "",
        )
        self.metrics.failures.labels("below_threshold").inc()
        return "waiting"

    def _drop_refused(
        self, rnd: Round, refused: dict[str, list[list[str]]], n_signers: int, threshold: int
    ) -> str:
        rejects = []
        for report_id, lists in refused.items():
            reason = "; ".join(lists[0])
            count = self.store.count_refusal(report_id, reason)
            # refused by more nodes than can be spared: no quorum will ever sign it as it is
            if len(lists) > n_signers - threshold or count >= self.max_report_attempts:
                rejects.append((report_id, f"refused by {len(lists)} oracle node(s): {reason}"))
        if rejects:
            self.store.reject(rejects)
            self.metrics.reports.labels("rejected").inc(len(rejects))
        keep = [(i, r) for i, r in rnd.items if i not in refused]
        return self._rebuild(rnd, f"{len(refused)} report(s) refused by nodes", keep)

    # -- submitting

    def _submit(self, rnd: Round) -> str:
        if self.chain.last_round() >= rnd.round:
            return self._rebuild(rnd, "round number consumed on-chain")
        if rnd.deadline <= self.chain.now() + DEADLINE_MARGIN:
            return self._rebuild(rnd, "deadline passed before submission")
        signatures = order_signatures([(s, bytes.fromhex(h[2:])) for s, h in rnd.signatures.items()])
        try:
            gas = self.chain.simulate(rnd.batch, signatures, self.submitter)
        except ContractReverted as reverted:
            return self._handle_revert(rnd, reverted)
        if gas > self.chain.gas_limit() * self.gas_fraction and len(rnd.report_ids) > 1:
            half = len(rnd.report_ids) // 2
            keep = rnd.items[:half]
            return self._rebuild(rnd, f"gas {gas} too high, batch halved", keep)
        sent = self.chain.sign_submission(
            rnd.batch, signatures, self._key.get_secret_value(), gas=int(gas * 1.25) + 20_000
        )
        nonce = sent.nonce
        # recorded before it is sent
        self.store.set_submitted(rnd.id, sent.tx_hash, "0x" + sent.raw.hex(), nonce, gas)
        rnd = self.store.get(rnd.id)
        self._hook("before_broadcast", rnd)
        try:
            self.chain.broadcast(sent.raw)
        except NonceConsumed as exc:
            self.store.set_state(rnd.id, "failed", f"nonce {nonce} used by another transaction")
            return self._rebuild(rnd, f"nonce {nonce} used by another transaction: {exc}")
        log.info("round %d submitted in %s (nonce %d)", rnd.round, sent.tx_hash, nonce)
        self._hook("after_broadcast", rnd)
        return self._await(rnd)

    def _await(self, rnd: Round) -> str:
        assert rnd.tx_hash is not None and rnd.raw_tx is not None
        for _ in range(3):  # a send of the recorded bytes is followed by one more look, never a loop
            receipt = self.chain.receipt(rnd.tx_hash)
            if receipt is None and self.chain.tx_known(rnd.tx_hash):
                deadline = time.monotonic() + self.receipt_timeout
                while receipt is None and time.monotonic() < deadline:
                    time.sleep(0.2)
                    receipt = self.chain.receipt(rnd.tx_hash)
                if receipt is None:
                    return "pending"
            if receipt is not None and self.chain.block_hash(receipt.block_number) != receipt.block_hash:
                return "pending"  # a receipt from a block the chain has just dropped: look again later
            if receipt is not None:
                return self._receipt(rnd, receipt)
            # neither mined nor in the node's pool: a crash before the broadcast, dropped, or reorged out
            reason = self._unsendable(rnd)
            if reason:
                self.store.set_state(rnd.id, "failed", reason)
                return self._rebuild(rnd, reason)
            log.info(
                "round %d: transaction %s %s; sending the same bytes again",
                rnd.round,
                rnd.tx_hash,
                "was removed by a reorg" if rnd.reorgs else "is unknown to the node",
            )
            self.store.note_send(rnd.id)  # recorded before it is sent
            try:
                self.chain.broadcast(rnd.raw_tx)
            except NonceConsumed:
                continue  # _unsendable sees the nonce taken on the next look
            rnd = self.store.get(rnd.id)
        return "pending"

    def _unsendable(self, rnd: Round) -> str | None:
        """Why the round's recorded transaction can never land, or None if sending it again is right."""
        if self.chain.last_round() >= rnd.round:
            return "round consumed by another transaction"
        if rnd.deadline <= self.chain.now() + DEADLINE_MARGIN:
            return "transaction lost and deadline passed"
        if rnd.nonce is not None and self.chain.confirmed_nonce(self.submitter) > rnd.nonce:
            return f"nonce {rnd.nonce} used by another transaction"
        return None

    def _receipt(self, rnd: Round, receipt: Receipt) -> str:
        block = receipt.block_number
        if receipt.succeeded:
            depth = self.chain.head().number - block
            if depth < self.confirmations:
                if rnd.block_hash != receipt.block_hash:
                    self.store.set_mined(rnd.id, block, receipt.block_hash)
                if rnd.id not in self._waiting_depth:
                    self._waiting_depth.add(rnd.id)
                    log.info(
                        "round %d mined in block %d; waiting for %d confirmations",
                        rnd.round,
                        block,
                        self.confirmations,
                    )
                return "pending"
            self._waiting_depth.discard(rnd.id)
            self.store.set_confirmed(rnd, block, receipt.block_hash)
            self.metrics.rounds.labels("confirmed").inc()
            self.metrics.reports.labels("confirmed").inc(len(rnd.report_ids))
            self.metrics.last_round.set(rnd.round)
            self.metrics.latency.observe(max(0.0, self.clock() - rnd.first_seen))
            log.info(
                "round %d confirmed in block %d%s",
                rnd.round,
                block,
                f" ({depth} blocks on top)" if self.confirmations else "",
            )
            self._hook("after_confirm", rnd)
            self.flush_acks()
            return "confirmed"
        signatures = order_signatures([(s, bytes.fromhex(h[2:])) for s, h in rnd.signatures.items()])
        error = self.chain.replay_failure(rnd.batch, signatures, self.submitter, block)
        self.store.set_state(rnd.id, "failed", str(error))
        self.metrics.rounds.labels("failed").inc()
        return self._handle_revert(rnd, error)

    # -- reorgs

    def reconcile(self) -> list[int]:
        """Reopen confirmed rounds whose block is no longer canonical; returns their round numbers.

        Cheap when nothing happened: one look at the head while it stands still. When it moved and the
        head verified last time is still canonical, no block at or below it changed (each block names its
        parent), so only rounds confirmed above it are looked at; otherwise (and at start-up) every
        confirmed round in the window is."""
        head = self.chain.head()
        previous = self._verified_head
        if previous is not None and previous == head:
            return []
        if previous is not None and self.chain.block_hash(previous.number) == previous.hash:
            since = previous.number + 1
        else:
            since = max(0, head.number - self.reorg_window)
        reopened = []
        checked: dict[int, str | None] = {}
        for rnd in self.store.confirmed_since(since):
            number = rnd.block_number
            assert number is not None
            if number not in checked:
                checked[number] = self.chain.block_hash(number)
            if rnd.block_hash is not None and checked[number] == rnd.block_hash:
                continue
            receipt = self.chain.receipt(rnd.tx_hash) if rnd.tx_hash else None
            if (
                receipt is not None
                and receipt.succeeded
                and self.chain.block_hash(receipt.block_number) == receipt.block_hash
            ):
                if rnd.block_hash is not None:
                    log.info(
                        "round %d: a reorg moved its transaction from block %d to %d",
                        rnd.round,
                        number,
                        receipt.block_number,
                    )
                self.store.move_block(rnd.id, receipt.block_number, receipt.block_hash)
                continue
            log.warning(
                "round %d: block %d (%s) is no longer canonical; its %d reports are off the chain and"
                " will be sent again",
                rnd.round,
                number,
                rnd.block_hash,
                len(rnd.report_ids),
            )
            self.store.reopen(rnd.id, f"reorg removed block {number}")
            self.metrics.reorged.inc()
            reopened.append(rnd.round)
        self._verified_head = head
        return reopened

    def _handle_revert(self, rnd: Round, error: ContractReverted) -> str:
        self.metrics.failures.labels(error.error_name or "revert").inc()
        items = rnd.items
        borrower = refused_borrower(error)
        log.warning("round %d %s", rnd.round, error)
        if error.error_name in DEFER_ERRORS and borrower:  # transient: leave it pending, retried later
            keep = [(i, r) for i, r in items if r.borrower != borrower]
            return self._rebuild(rnd, f"{error}: deferred", keep)
        if error.error_name == "AsOfNotIncreasing" and borrower:
            landed = [
                i
                for i, r in items
                if r.borrower == borrower and _same_record(self.chain.record_of(r.borrower), r)
            ]
            if landed:  # the chain holds this very report already: drop it, it is not rejected
                log.info("round %d: report %s is on-chain already", rnd.round, landed[0])
                return self._rebuild(
                    rnd, f"{error}: on-chain already", [(i, r) for i, r in items if i not in landed]
                )
        if borrower:
            bad = [i for i, r in items if r.borrower == borrower]
            self.store.reject([(i, str(error)) for i in bad])
            self.metrics.reports.labels("rejected").inc(len(bad))
            return self._rebuild(rnd, str(error), [(i, r) for i, r in items if i not in bad])
        if error.error_name in RESIGN_ERRORS:
            return self._rebuild(rnd, str(error))
        if error.error_name == "EmptyBatch":
            return self._rebuild(rnd, str(error), [])
        if len(items) == 1:  # bisection reached the culprit
            self.store.reject([(items[0][0], str(error))])
            self.metrics.reports.labels("rejected").inc()
            return self._rebuild(rnd, str(error), [])
        return self._rebuild(rnd, f"{error}: bisecting", items[: len(items) // 2])

    # -- acks and freshness

    def flush_acks(self) -> None:
        unsent = self.store.unsent_acks()
        self.metrics.unsent.set(len(unsent))
        if not unsent:
            return
        acks = [
            {
                "id": a["report_id"],
                "status": a["status"],
                "round": a["round"],
                "txHash": a["tx_hash"],
                "reason": a["reason"],
            }
            for a in unsent
        ]
        try:
            self.service.ack(acks)
        except (ServiceUnavailable, httpx.HTTPStatusError) as exc:
            self.metrics.failures.labels("ack").inc()
            log.warning("acks not delivered (%d pending): %s", len(acks), exc)
            return
        self.store.mark_acks_sent([a["id"] for a in unsent])
        self.metrics.unsent.set(0)

    def maybe_refresh(self, every: float = 60.0) -> list[str]:
        """Ask the service to re-score borrowers whose record nears maxAge. A borrower is asked again
        an hour later if no newer record has landed by then, or a day later if the service answered
        that the record lapses (nothing but the borrower's own action changes that)."""
        if self.clock() - self._last_refresh < every:
            return []
        self._last_refresh = self.clock()
        cutoff = self.chain.now() - self.chain.max_age() + self.refresh_margin
        due = self.store.borrowers_due(cutoff)
        if not due:
            return []
        try:
            reply = self.service.refresh(due)
        except (ServiceUnavailable, httpx.HTTPStatusError) as exc:
            log.warning("refresh request failed: %s", exc)
            return []
        results = {r.get("borrower"): r for r in reply.get("results", [])}
        lapsed = {b for b, r in results.items() if r.get("outcome") == "lapsed"}
        self.store.mark_refresh_requested(
            {b: LAPSED_RETRY_SECONDS if b in lapsed else REFRESH_RETRY_SECONDS for b in due}
        )
        outcomes = collections.Counter(r.get("outcome", "unknown") for r in results.values())
        log.info(
            "asked the service to refresh %d records nearing maxAge: %s",
            len(due),
            ", ".join(f"{n} {outcome}" for outcome, n in sorted(outcomes.items())) or "no outcome reported",
        )
        for borrower in sorted(lapsed):
            log.info("record of %s will lapse at maxAge: %s", borrower, results[borrower].get("detail"))
        return due


def _same_record(stored: dict, report: CreditReport) -> bool:
    """The on-chain record is this report (reasonsHash is not stored on-chain)."""
    return (stored["score"], stored["grade"], stored["pdBps"], stored["modelVersion"], stored["asOf"]) == (
        report.score,
        report.grade,
        report.pdBps,
        report.modelVersion,
        report.asOf,
    )


def build_aggregator(settings, registry: CollectorRegistry | None = None) -> Aggregator:
    if settings.api_key is None:
        raise SystemExit("PEERLEND_ORACLE_API_KEY (operator key with the oracle role) is required")
    chain = OracleChain.from_settings(settings)
    service = ServiceClient(
        settings.service_url, settings.api_key.get_secret_value(), timeout=settings.http_timeout_seconds
    )
    return Aggregator(
        chain,
        service,
        RoundStore(settings.store_path),
        NodeClient(settings.resolved_node_urls),
        settings.submitter_key(),
        batch_max=settings.batch_max_reports,
        deadline_seconds=settings.deadline_seconds,
        gas_fraction=settings.batch_gas_fraction,
        max_report_attempts=settings.max_report_attempts,
        refresh_margin=settings.refresh_margin_seconds,
        receipt_timeout=settings.receipt_timeout_seconds,
        confirmations=settings.resolved_confirmations(chain.chain_id),
        reorg_window=settings.reorg_window_blocks,
        registry=registry,
    )


def _wait_for_manifest(settings, stop: threading.Event) -> None:
    delay = 1.0
    while not stop.is_set() and not settings.resolved_manifest_path.exists():
        log.info("waiting for the deployment manifest %s", settings.resolved_manifest_path)
        stop.wait(delay)
        delay = min(delay * 2, 30)


def main(argv: list[str] | None = None) -> None:
    from oracle.logs import setup_logging
    from oracle.settings import OracleSettings

    argparse.ArgumentParser(
        prog="python -m oracle.aggregator", description=__doc__.splitlines()[0]
    ).parse_args(argv)
    settings = OracleSettings()
    key = settings.submitter_key()
    setup_logging(
        secrets=[key.get_secret_value()] + ([settings.api_key.get_secret_value()] if settings.api_key else [])
    )
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    _wait_for_manifest(settings, stop)
    registry = CollectorRegistry()
    aggregator = build_aggregator(settings, registry)
    start_http_server(settings.metrics_port, addr=settings.node_host, registry=registry)
    log.info(
        "aggregator: submitter %s, nodes %s, store %s, %d confirmations, metrics :%d",
        aggregator.submitter,
        settings.resolved_node_urls,
        settings.store_path,
        aggregator.confirmations,
        settings.metrics_port,
    )
    aggregator.run(stop, settings.poll_interval_seconds)
    aggregator.store.close()
    log.info("aggregator stopped")


if __name__ == "__main__":
    main()
