"""Stateful tests: random sequences of list / fund / drawdown / repay / claim / default / cover / cancel /
expire / withdraw / time, checked against a ghost model after every step.

Invariants (each can fail if the contract misbehaves):
- solvency: the market's stablecoin >= everything the notes can claim + unlent funding + pending fees;
- note shares of each loan sum to its funded principal;
- no note has ever claimed (claimed + claimable) more than its share of what reached the lenders of its
  loan (repayments net of fees, recoveries, reserve cover), tracked from events in a ghost model;
- the borrower of a drawn loan can always repay what is due (rule `repay_due` asserts success);
- totals (principal outstanding of performing loans, open loans) reconcile with the per-loan state,
  also after default and reserve cover.
"""
import brownie
from brownie.test import strategy
from helpers.chain_time import pin_next_block_time
from helpers.stateful import state_machine
from market_support import DAY, RAY, STATUS, USD, listing

DRAWN, LISTED, DEFAULTED = STATUS["Drawn"], STATUS["Listed"], STATUS["Defaulted"]


class MarketMachine:
    st_idx = strategy("uint8")
    st_amount = strategy("uint256", min_value=1, max_value=6_000)
    st_days = strategy("uint256", min_value=1, max_value=130)  # long enough to pass 90 days late in one step
    st_frac = strategy("uint256", min_value=1, max_value=150)

    def __init__(cls, market, lens, token, note, reserve, oracle, borrowers, lenders, admin):
        cls.market, cls.lens, cls.token, cls.note, cls.reserve, cls.oracle = market, lens, token, note, reserve, oracle
        cls.borrowers, cls.lenders, cls.admin = borrowers, lenders, admin

    stats = {}

    def _count(self, name):
        type(self).stats[name] = type(self).stats.get(name, 0) + 1

    def teardown_final(cls):
        print("\nstateful rule executions:", dict(sorted(cls.stats.items())))

    def setup(self):
        self.loans = {}  # loan id -> {"to_lenders": int}
        self.notes = {}  # note id -> loan id (live notes)
        self.claimed = {}  # note id -> total claimed
        self._repays = {}  # loan id -> number of distributions (each rounds the accumulator down)
        # Chain time is not rewound between runs: keep the borrowers' credit records fresh.
        for b in self.borrowers:
            self.oracle.setRecord(b, 700, 2, 300, brownie.chain.time(), {"from": self.admin})
        # Hypothesis keeps most stateful runs short, so every run starts from a live book: one drawn loan
        # with three notes and one partly funded listing.
        a = self.market.list(listing(principal=3_000 * USD, periods=6), {"from": self.borrowers[0]}).return_value
        self.loans[a] = {"to_lenders": 0, "to_reserve": 0}
        for i, amt in enumerate((1_000 * USD, 1_500 * USD, 500 * USD)):
            nid = self.market.fund(a, amt, {"from": self.lenders[i]}).return_value
            self.notes[nid], self.claimed[nid] = a, 0
        self.market.drawdown(a, {"from": self.borrowers[0]})
        b = self.market.list(listing(principal=2_000 * USD, periods=3, min_fill=800 * USD), {"from": self.borrowers[1]}).return_value
        self.loans[b] = {"to_lenders": 0, "to_reserve": 0}
        nid = self.market.fund(b, 1_000 * USD, {"from": self.lenders[3]}).return_value
        self.notes[nid], self.claimed[nid] = b, 0

    # ---------------------------------------------------------------- helpers

    def _pick(self, idx, status):
        ids = [i for i in sorted(self.loans) if self.market.getLoan(i)["status"] == status]
        return ids[idx % len(ids)] if ids else None

    def _record_repay(self, loan_id, tx):
        self._repays[loan_id] = self._repays.get(loan_id, 0) + 1
        defaulted = self.market.getLoan(loan_id)["status"] == DEFAULTED  # a defaulted loan stays so
        for ev in tx.events["LoanRepaid"]:
            paid = ev["lateFee"] + ev["interest"] + ev["principal"]
            self.loans[loan_id]["to_lenders"] += paid - ev["reserveShare"] - ev["servicingFee"]
            if defaulted:  # no fees after default: the reserve's part is principal it covered
                self.loans[loan_id]["to_reserve"] += ev["reserveShare"]

    # ---------------------------------------------------------------- rules

    def rule_list(self, idx="st_idx", amount="st_amount", periods="st_idx"):
        b = self.borrowers[idx % len(self.borrowers)]
        if self.market.openLoansOf(b) >= 2:
            return
        tx = self.market.list(
            listing(principal=(amount + 100) * USD, periods=periods % 12 + 1, min_fill=(amount + 100) * USD // 2),
            {"from": b},
        )
        self.loans[tx.return_value] = {"to_lenders": 0, "to_reserve": 0}
        self._count("list")

    def rule_fund(self, idx="st_idx", amount="st_amount", who="st_idx"):
        loan_id = self._pick(idx, LISTED)
        if loan_id is None:
            return
        l = self.market.getLoan(loan_id)
        if brownie.chain.time() > l["listingDeadline"] - 60:
            return
        remaining = l["principal"] - l["funded"]
        amt = min(amount * USD // 2, remaining)
        if amt == 0:
            return
        if amt < 25 * USD and amt != remaining:
            amt = min(25 * USD, remaining)
        tx = self.market.fund(loan_id, amt, {"from": self.lenders[who % len(self.lenders)]})
        self.notes[tx.return_value] = loan_id
        self.claimed[tx.return_value] = 0
        self._count("fund")

    def rule_drawdown(self, idx="st_idx"):
        loan_id = self._pick(idx, LISTED)
        if loan_id is None:
            return
        l = self.market.getLoan(loan_id)
        now = brownie.chain.time()
        if now > l["listingDeadline"] + 7 * DAY - 60:
            return
        if l["funded"] == l["principal"] or (now > l["listingDeadline"] + 5 and l["funded"] >= l["minFill"]):
            self.market.drawdown(loan_id, {"from": l["borrower"]})
            self._count("drawdown")

    def rule_sleep(self, days="st_days"):
        self._count("sleep")
        brownie.chain.sleep(days * DAY)
        brownie.chain.mine()

    def rule_repay_due(self, idx="st_idx"):
        """A borrower can always pay what is due (or a unit when nothing is due)."""
        loan_id = self._pick(idx, DRAWN)
        if loan_id is None:
            return
        borrower = self.market.getLoan(loan_id)["borrower"]
        # Read what is due at the very timestamp the repay will be mined at: amounts accrue per second.
        pin_next_block_time()
        due = self.lens.amountDue(loan_id, block_identifier="pending")
        tx = self.market.repay(loan_id, max(due, 1), {"from": borrower})
        assert tx.status == 1
        self._record_repay(loan_id, tx)
        self._count("repay_due")
        if due and self.market.getLoan(loan_id)["status"] == DRAWN:
            # what remains is at most the late fee of the seconds between the view and the block
            assert self.lens.amountDue(loan_id) <= 1 + due // 10_000
            # paying what is due clears every due date, however many were missed
            assert self.lens.daysPastDue(loan_id) == 0

    def rule_repay_fraction(self, idx="st_idx", frac="st_frac"):
        """Partial payments, prepayments and overpayments (capped), also after default (recoveries)."""
        loan_id = self._pick(idx, DRAWN) or self._pick(idx, DEFAULTED)
        if loan_id is None:
            return
        # The payoff at the very timestamp the repay will be mined at: amounts accrue per second.
        pin_next_block_time()
        payoff = self.market.payoffAmount(loan_id, block_identifier="pending")
        if payoff == 0:
            return
        amount = max(payoff * frac // 100, 1)
        tx = self.market.repay(loan_id, amount, {"from": self.borrowers[0]})
        assert tx.return_value <= payoff
        self._record_repay(loan_id, tx)
        self._count("repay_fraction_defaulted" if self.market.getLoan(loan_id)["status"] == DEFAULTED else "repay_fraction")

    def rule_claim(self, idx="st_idx"):
        if not self.notes:
            return
        nid = sorted(self.notes)[idx % len(self.notes)]
        holder = self.note.ownerOf(nid)
        expected = self.market.claimable(nid)
        tx = self.market.claim(nid, {"from": holder})
        assert tx.return_value == expected
        self.claimed[nid] += tx.return_value
        self._count("claim" if tx.return_value else "claim_zero")

    def rule_default_and_cover(self, idx="st_idx"):
        loan_id = self._pick(idx, DRAWN)
        if loan_id is not None and self.lens.daysPastDue(loan_id) > 90:
            self.market.markDefault(loan_id, {"from": self.admin})
            self._count("default")
        loan_id = self._pick(idx, DEFAULTED)
        if loan_id is not None and not (self.market.getLoan(loan_id)["flags"] & 2):
            tx = self.market.coverFromReserve(loan_id, {"from": self.admin})
            self.loans[loan_id]["to_lenders"] += tx.events["DefaultCovered"]["covered"]
            self._repays[loan_id] = self._repays.get(loan_id, 0) + 1
            self._count("cover")

    def rule_cancel_or_expire_and_withdraw(self, idx="st_idx"):
        loan_id = self._pick(idx, LISTED)
        if loan_id is not None:
            l = self.market.getLoan(loan_id)
            if brownie.chain.time() > l["listingDeadline"] + 7 * DAY + 5:
                self.market.expire(loan_id, {"from": self.admin})
            elif idx % 3 == 0:
                self.market.cancel(loan_id, {"from": l["borrower"]})
        for nid, lid in list(self.notes.items()):
            if self.market.getLoan(lid)["status"] in (STATUS["Cancelled"], STATUS["Expired"]):
                holder = self.note.ownerOf(nid)
                share = self.note.shareOf(nid)
                tx = self.market.withdrawFunding(nid, {"from": holder})
                assert tx.return_value == share
                del self.notes[nid]
                self._count("withdraw")

    def rule_sweep(self):
        self.market.sweepFees({"from": self.admin})

    # ---------------------------------------------------------------- invariants
    # One invariant reads the chain once per step (eth_calls dominate the runtime), then checks each
    # property separately.

    def invariant_market(self):
        loans = {lid: self.market.getLoan(lid) for lid in self.loans}
        shares = {nid: self.note.shareOf(nid) for nid in self.notes}
        claimable = {nid: self.market.claimable(nid) for nid in self.notes}
        self._check_solvency(loans, claimable)
        self._check_shares(loans, shares)
        self._check_no_over_claim(loans, shares, claimable)
        self._check_accumulators(loans)
        self._check_totals(loans)

    def _check_solvency(self, loans, claimable):
        unlent = sum(
            l["funded"] for l in loans.values() if l["status"] in (LISTED, STATUS["Cancelled"], STATUS["Expired"])
        )
        held = self.token.balanceOf(self.market)
        assert held >= sum(claimable.values()) + unlent + sum(self.market.pendingFees())

    def _check_shares(self, loans, shares):
        sums = {}
        for nid, lid in self.notes.items():
            sums[lid] = sums.get(lid, 0) + shares[nid]
        for lid, l in loans.items():
            assert sums.get(lid, 0) == l["funded"]

    def _check_no_over_claim(self, loans, shares, claimable):
        for nid, lid in self.notes.items():
            total = self.claimed[nid] + claimable[nid]
            assert total * loans[lid]["funded"] <= shares[nid] * self.loans[lid]["to_lenders"]

    def _check_accumulators(self, loans):
        for lid, l in loans.items():
            if l["funded"] == 0:
                continue
            # what the accumulator promises the notes is at most what reached them, short by rounding only
            promised = l["accPerShare"] * l["funded"] // RAY
            ghost = self.loans[lid]["to_lenders"]
            assert promised <= ghost
            assert ghost - promised <= 2 * self._repays.get(lid, 0) + 2

    def _check_totals(self, loans):
        outstanding, open_loans = 0, 0
        for lid, l in loans.items():
            if l["status"] == DRAWN:
                outstanding += l["principalOutstanding"]
            if l["status"] in (LISTED, DRAWN):
                open_loans += 1
            if l["status"] == DEFAULTED and l["flags"] & 2:
                # after cover the borrower still owes the whole principal; what the notes can still
                # recover is the recorded loss (or less), the rest is the reserve's claim
                claim = self.reserve.coveredOf(lid)
                notes_part = l["principalOutstanding"] - min(l["principalOutstanding"], claim)
                assert notes_part * RAY <= l["writedownPerShare"] * l["funded"]
                # the reserve never recovers more than it paid
                assert self.loans[lid]["to_reserve"] <= claim
        assert tuple(self.market.windDownProgress()) == (open_loans, outstanding)
        assert self.market.totalPrincipalOutstanding() == outstanding


def test_market_invariants(market, lens, token, note, reserve, oracle, borrowers, lenders, admin):
    market.setMaxOpenLoansPerBorrower(2, {"from": admin})
    token.approve(reserve, 2**256 - 1, {"from": admin})
    reserve.deposit(3_000 * USD, {"from": admin})
    state_machine(
        MarketMachine, market, lens, token, note, reserve, oracle, borrowers, lenders, admin,
        settings={"max_examples": 25, "stateful_step_count": 25, "deadline": None, "database": None},
    )
