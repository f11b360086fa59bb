"""`python -m backend.market.keeper`: the platform's auto-invest keeper.

It follows the chain from the AutoInvest deployment block. Every listing (`LoanListed`) is allocated to
the mandates that match it, in the next block when the node mines on demand, naming every matching lender
in queue order (`turnOf`), the fair order AutoInvest enforces. A listing that is still open and not fully
funded is tried again whenever money or mandates change (`Deposited`, `MandateSet`, `Reinvested`).

Restarts never double-fund. The contract is the ledger of what was allocated: a lender funds a loan at
most once (`allocated(loanId, lender)`), so an allocation sent again after a crash funds only lenders it
did not fund before, or reverts `NothingAllocated`, which the keeper takes as done. The keeper keeps only
a cursor (the last block it has read), written after the blocks up to it were handled; after a crash it
reads those blocks again.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eth_utils import to_checksum_address
from web3.logs import DISCARD

from backend.chain.client import ChainClient
from backend.chain.errors import ChainError, ContractReverted
from backend.core.settings import get_settings

log = logging.getLogger("peerlend.keeper")
LISTED = 1
MONEY_EVENTS = ("Deposited", "MandateSet", "Reinvested")


@dataclass
class KeeperState:
    """What the keeper remembers: the last block read, the open listings, the lenders it has seen."""

    cursor: int
    open_loans: set[int] = field(default_factory=set)
    lenders: set[str] = field(default_factory=set)

    def to_json(self) -> str:
        return json.dumps(
            {"cursor": self.cursor, "openLoans": sorted(self.open_loans), "lenders": sorted(self.lenders)}
        )

    @classmethod
    def load(cls, path: Path, start: int) -> KeeperState:
        if not path.exists():
            return cls(cursor=start - 1)
        data = json.loads(path.read_text())
        return cls(data["cursor"], set(data["openLoans"]), set(data["lenders"]))

    def save(self, path: Path) -> None:
        tmp = path.with_suffix(".tmp")
        tmp.write_text(self.to_json())
        os.replace(tmp, path)  # atomic: a crash leaves the old cursor or the new one, never half of either


def matches(mandate: Any, loan: Any, term_days: int) -> bool:
    """The mandate's own terms (AutoInvest checks them again, with balance, caps and suitability)."""
    grades, min_apr, max_term, _, _, _, active = mandate
    return (
        bool(active)
        and bool(grades & (1 << (loan["grade"] - 1)))
        and loan["aprBps"] >= min_apr
        and (term_days <= max_term)
    )


class AutoInvestKeeper:
    def __init__(self, client: ChainClient, private_key: str, state_path: Path, batch_blocks: int = 500):
        self.client = client
        self.key = private_key
        self.state_path = state_path
        self.batch_blocks = batch_blocks
        self.auto = client.contract("AutoInvest")
        self.market = client.contract("LoanMarket")
        self.state = KeeperState.load(state_path, client.manifest.start_block("AutoInvest"))
        self.allocations = 0

    # ---------------------------------------------------------------- one pass

    def step(self) -> int:
        """Reads the blocks since the cursor, allocates what they call for; returns the allocations sent."""
        head = self.client.block_number()
        if head <= self.state.cursor:
            return 0
        to = min(head, self.state.cursor + self.batch_blocks)
        frm = self.state.cursor + 1
        listed = [e["args"]["loanId"] for e in self._logs(self.market.events.LoanListed, frm, to)]
        money = False
        for name in MONEY_EVENTS:
            for event in self._logs(getattr(self.auto.events, name), frm, to):
                self.state.lenders.add(to_checksum_address(event["args"]["lender"]))
                money = True
        self.state.open_loans.update(listed)
        sent = 0
        for loan_id in sorted(self.state.open_loans if (money or listed) else ()):
            if loan_id not in listed and not money:
                continue
            sent += self.allocate(loan_id)
        self.state.cursor = to
        self.state.save(self.state_path)
        return sent

    def allocate(self, loan_id: int) -> int:
        # listingTerms: what a funder checks, in one read (getLoan would accrue and return the whole loan)
        fn = self.market.functions.listingTerms(loan_id)
        fields = [c["name"] for c in fn.abi["outputs"][0]["components"]]
        loan = dict(zip(fields, self.client.call(fn), strict=True))
        now = self.client.latest_timestamp()
        if loan["status"] != LISTED or now > loan["listingDeadline"] or loan["funded"] >= loan["principal"]:
            self.state.open_loans.discard(loan_id)
            return 0
        term_days = -(-loan["numPeriods"] * loan["periodLength"] // 86_400)
        candidates = [
            lender
            for lender in self.state.lenders
            if lender != loan["borrower"]
            and matches(self.client.call(self.auto.functions.mandateOf(lender)), loan, term_days)
            and not self.client.call(self.auto.functions.allocated(loan_id, lender))
        ]
        if not candidates:
            return 0
        queue = sorted(candidates, key=lambda w: self.client.call(self.auto.functions.turnOf(w)))
        try:
            receipt = self.client.transact(self.auto.functions.allocate(loan_id, queue), self.key)
        except ContractReverted as exc:
            if exc.error_name in ("NothingAllocated", "LoanNotListed"):
                return 0  # nobody can fund it now (balances, caps), or it closed meanwhile
            raise
        funded = self.auto.events.Allocated().process_receipt(receipt, errors=DISCARD)
        self.allocations += len(funded)
        log.info(
            "allocated loan %s to %s lender(s) in block %s", loan_id, len(funded), receipt["blockNumber"]
        )
        return 1

    def _logs(self, event, frm: int, to: int) -> list:
        return list(event.get_logs(from_block=frm, to_block=to))

    # ---------------------------------------------------------------- the process

    def run(self, stop: threading.Event, poll_seconds: float) -> None:
        while not stop.is_set():
            try:
                busy = self.step()
            except ChainError as exc:
                log.warning("chain unavailable or refused: %s; retrying", exc)
                busy = 0
            if not busy:
                stop.wait(poll_seconds)


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    key = os.environ.get("PEERLEND_KEEPER_PRIVATE_KEY")
    if not key:
        raise SystemExit("set PEERLEND_KEEPER_PRIVATE_KEY (the keeper pays gas for allocations)")
    settings = get_settings()
    state_path = Path(os.environ.get("PEERLEND_KEEPER_STATE_PATH", ".run/keeper-state.json"))
    state_path.parent.mkdir(parents=True, exist_ok=True)
    poll = float(os.environ.get("PEERLEND_KEEPER_POLL_SECONDS", "0.25"))
    keeper = AutoInvestKeeper(ChainClient.from_settings(settings), key, state_path)
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    log.info("auto-invest keeper following from block %s", keeper.state.cursor + 1)
    keeper.run(stop, poll)


if __name__ == "__main__":
    main()
