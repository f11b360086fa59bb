"""A wallet's statement figures computed from the chain alone: the contracts' events (eth_getLogs) and
their views read at the statement's blocks, never the index. tests/e2e/test_lifecycle.py compares every
figure of the API's statements with these."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from backend.loans.note_ids import loan_of

RAY = 10**27
COVERED = 2  # Loan.flags: a reserve cover was received
UNDRAWN = (1, 5, 6)  # LoanStatus Listed, Cancelled, Expired
YEAR = 365 * 86_400


@dataclass
class WalletEvents:
    funded: list[tuple[int, int, int]] = field(default_factory=list)  # (timestamp, note, amount)
    claimed: list[tuple[int, int, int]] = field(default_factory=list)
    refunded: list[tuple[int, int, int]] = field(default_factory=list)
    sold: list[dict[str, Any]] = field(default_factory=list)  # args + timestamp + block
    bought: list[dict[str, Any]] = field(default_factory=list)
    covers: list[dict[str, Any]] = field(default_factory=list)  # every DefaultCovered, with timestamp
    notes: set[int] = field(default_factory=set)


class ChainView:
    def __init__(self, chain: Any, wallet: str) -> None:
        self.chain, self.wallet = chain, wallet
        self.market = chain.market
        self.events = self._events()

    @lru_cache(maxsize=4096)  # noqa: B019 - one view per test, its blocks never change
    def time(self, block: int) -> int:
        return int(self.chain.w3.eth.get_block(block)["timestamp"])

    def _logs(self, name: str, **filters: Any) -> list[Any]:
        event = getattr(self.market.events, name)()
        return list(event.get_logs(from_block=0, to_block="latest", argument_filters=filters or None))

    def _events(self) -> WalletEvents:
        w, out = self.wallet, WalletEvents()
        for log in self._logs("LoanFunded", lender=w):
            out.funded.append((self.time(log["blockNumber"]), log["args"]["noteId"], log["args"]["amount"]))
            out.notes.add(log["args"]["noteId"])
        for log in self._logs("Claimed"):
            if log["args"]["holder"] == w:
                out.claimed.append(
                    (self.time(log["blockNumber"]), log["args"]["noteId"], log["args"]["amount"])
                )
        for log in self._logs("FundingWithdrawn", holder=w):
            out.refunded.append((self.time(log["blockNumber"]), log["args"]["noteId"], log["args"]["amount"]))
        for log in self._logs("NoteSold"):
            sale = {**log["args"], "timestamp": self.time(log["blockNumber"]), "block": log["blockNumber"]}
            if sale["seller"] == w:
                out.sold.append(sale)
            if sale["buyer"] == w:
                out.bought.append(sale)
                out.notes.add(sale["noteId"])
        for log in self._logs("DefaultCovered"):
            out.covers.append(
                {**log["args"], "timestamp": self.time(log["blockNumber"]), "block": log["blockNumber"]}
            )
        return out

    # -- views at a block

    def holds(self, note: int, block: int) -> int:
        """The note's share if the wallet holds it at `block`, else 0."""
        holder, share = self.market.functions.noteInfo(note).call(block_identifier=block)
        return share if holder == self.wallet else 0

    def position(self, note: int, block: int) -> tuple[int, int]:
        """(principal the chain values the note at, what it can claim) at `block`, if the wallet holds it."""
        share = self.holds(note, block)
        if not share:
            return 0, 0
        loan = self.market.functions.getLoan(loan_of(note)).call(block_identifier=block)
        if loan[4] in UNDRAWN:  # a funding waiting for drawdown or its refund counts in full
            principal = share
        else:
            principal = 0 if loan[10] & COVERED else share * loan[20] // loan[6]
        return principal, self.market.functions.claimable(note).call(block_identifier=block)

    def totals(self, block: int | None) -> tuple[int, int]:
        if block is None:
            return 0, 0
        pairs = [self.position(n, block) for n in sorted(self.events.notes)]
        return sum(p for p, _ in pairs), sum(u for _, u in pairs)

    def principal_before(self, note: int, block: int) -> int:
        return self.position(note, block - 1)[0]

    # -- a period's flows

    def period(self, start: int, end: int) -> dict[str, int]:
        e = self.events

        def within(rows: list[tuple[int, int, int]]) -> int:
            return sum(a for t, _, a in rows if start <= t < end)

        sales = [s for s in e.sold if start <= s["timestamp"] < end]
        losses = 0
        first_covers: dict[int, dict[str, Any]] = {}
        for cover in e.covers:
            first_covers.setdefault(cover["loanId"], cover)
        for loan_id, cover in first_covers.items():
            if start <= cover["timestamp"] < end:
                for note in e.notes:
                    if loan_of(note) == loan_id:
                        share = self.holds(note, cover["block"])
                        losses += share * cover["writedownPerShare"] // RAY
        return {
            "funded": within(e.funded),
            "claimed": within(e.claimed),
            "refunded": within(e.refunded),
            "sold": sum(s["price"] - s["fee"] + s["sellerEarned"] for s in sales),
            "soldPrincipal": sum(self.principal_before(s["noteId"], s["block"]) for s in sales),
            "earnedSettledInSales": sum(s["sellerEarned"] for s in sales),
            "purchased": sum(s["price"] for s in e.bought if start <= s["timestamp"] < end),
            "losses": losses,
        }

    def cash_flows(
        self, start: int, end: int, start_block: int | None, end_block: int, end_time: int
    ) -> list[tuple[int, int]]:
        """The XIRR convention's flows, from events and the views at both ends."""
        e = self.events
        flows = [(t, -a) for t, _, a in e.funded if start <= t < end]
        flows += [(t, a) for t, _, a in e.claimed + e.refunded if start <= t < end]
        flows += [
            (s["timestamp"], s["price"] - s["fee"] + s["sellerEarned"])
            for s in e.sold
            if start <= s["timestamp"] < end
        ]
        flows += [(s["timestamp"], -s["price"]) for s in e.bought if start <= s["timestamp"] < end]
        opening = sum(self.totals(start_block))
        if opening:
            flows.append((start, -opening))
        closing = sum(self.totals(end_block))
        if closing:
            flows.append((end_time, closing))
        return flows


def float_xirr_bps(flows: list[tuple[int, int]]) -> float:
    t0 = min(t for t, _ in flows)

    def npv(rate: float) -> float:
        return sum(a * (1 + rate) ** (-(t - t0) / YEAR) for t, a in flows)

    lo, hi = -0.9999, 100.0
    for _ in range(200):
        mid = (lo + hi) / 2
        if (npv(mid) > 0) == (npv(lo) > 0):
            lo = mid
        else:
            hi = mid
    return lo * 10_000
