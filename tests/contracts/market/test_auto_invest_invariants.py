"""Stateful suite over AutoInvest and the real loan market together: random deposits, withdrawals,
mandate changes, listings of every grade and term, allocations by anyone naming any lenders in queue
order, drawdowns, repayments and reinvestment, with these invariants after every step:

- no lender's money funds a loan outside that lender's mandate as it stood (grade, APR, term, ticket);
- a lender funds a loan at most once, and its principal funded to one person never exceeds its cap;
- per lender: the ledger equals a ghost built from the lender's own token movements and allocations,
  so balance plus the outstanding principal of its notes equals deposits minus withdrawals plus
  repayments reinvested, less the principal those repayments returned; no ticket exceeds the lender's
  balance or its diversification share;
- nothing is pooled: the contract holds exactly the sum of the lenders' balances.
"""

from brownie import chain
from brownie.exceptions import VirtualMachineError
from brownie.test import strategy
from helpers.stateful import state_machine, stateful_settings
from market_support import DAY, GRADES, MIN_TICKET, USD, list_loan, listing, pay_amount_due, sleep

SETTINGS = stateful_settings(8, 20)
STATS = {}
LISTED, DRAWN = 1, 2
# (grades bitmask, min APR, max term days, per loan, per borrower) per lender
MANDATES = [
    (0b0000011, 0, 400, 1_000, 3_000),  # A, B
    (0b0000110, 900, 200, 1_500, 2_000),  # B, C at 9%+, short terms
    (0b0001111, 1_300, 800, 800, 10_000),  # A..D but at least 13%: C, D
    (0b1111111, 0, 800, 2_500, 5_000),  # anything
]


class AutoInvestMachine:
    st_idx = strategy("uint8")
    st_amount = strategy("uint256", min_value=1, max_value=6_000)
    st_grade = strategy("uint8", min_value=1, max_value=4)
    st_periods = strategy("uint8", min_value=3, max_value=24)
    st_mask = strategy("uint8", min_value=1, max_value=15)

    def __init__(cls, auto, market, lens, token, borrowers, lenders, filler, admin):
        cls.auto, cls.market, cls.lens, cls.token = auto, market, lens, token
        cls.borrowers, cls.lenders, cls.filler, cls.admin = borrowers, lenders, filler, admin

    def setup(self):
        self.ghost = {w: {"dep": 0, "wd": 0, "inv": 0, "ret": 0} for w in self.lenders}
        self.mandates = {}
        self.loans = {}  # loan id -> {"borrower", "grade", "apr", "term", "subject"}
        self.notes = {}  # note id -> (lender, loan id, share)
        self.funded = {}  # (loan id, lender) -> amount
        self.exposure = {}  # (lender, subject) -> amount
        for lender, (grades, apr, term, per_loan, per_borrower) in zip(self.lenders, MANDATES, strict=True):
            self._set_mandate(lender, (grades, apr, term, per_loan * USD, per_borrower * USD, 0, True))
        # Every example starts live (Hypothesis keeps many runs short): money in, two listings open.
        for i in range(len(self.lenders)):
            self.rule_deposit(i, 5_000)
        self.rule_list(0, 2, 12, 3_000)
        self.rule_list(1, 3, 6, 2_000)
        self.rule_keeper_allocates(0)
        self.rule_drawdown(0)

    def _set_mandate(self, lender, m):
        self.auto.setMandate(m, {"from": lender})
        self.mandates[lender] = m

    def _count(self, name):
        STATS[name] = STATS.get(name, 0) + 1

    # ---------------------------------------------------------------- rules

    def rule_deposit(self, st_idx, st_amount):
        lender = self.lenders[st_idx % len(self.lenders)]
        self.auto.deposit(st_amount * USD, {"from": lender})
        self.ghost[lender]["dep"] += st_amount * USD
        self._count("deposit")

    def rule_withdraw(self, st_idx, st_amount):
        lender = self.lenders[st_idx % len(self.lenders)]
        balance = self._balance(lender)
        amount = min(st_amount * USD, balance)
        if amount == 0:
            return
        before = self.token.balanceOf(lender)
        self.auto.withdraw(amount, {"from": lender})
        assert self.token.balanceOf(lender) - before == amount
        self.ghost[lender]["wd"] += amount
        self._count("withdraw")

    def rule_change_mandate(self, st_idx, st_mask, st_amount):
        lender = self.lenders[st_idx % len(self.lenders)]
        grades, apr, term, _, _, lock, _ = self.mandates[lender]
        per_loan = max(MIN_TICKET, st_amount * USD // 2)
        self._set_mandate(lender, (st_mask, apr, term, per_loan, per_loan * 3, lock, True))

    def rule_list(self, st_idx, st_grade, st_periods, st_amount):
        borrower = self.borrowers[st_idx % len(self.borrowers)]
        principal = max(1_000, st_amount) * USD
        params = listing(principal=principal, periods=st_periods)
        try:
            loan = list_loan(self.market, params, borrower, grade=st_grade).return_value
        except VirtualMachineError:
            return  # too many open loans, or the person's cap: the market's rules, tested elsewhere
        self.loans[loan] = {
            "borrower": borrower,
            "grade": st_grade,
            "apr": GRADES[st_grade][0],
            "term": -(-st_periods * 30 * DAY // DAY),
            "subject": str(self.market.subjectOfLoan(loan)),
        }
        self._count("list")

    def rule_keeper_allocates(self, st_idx):
        """What the keeper does: every lender named, in queue order."""
        self.rule_allocate(st_idx, 0b1111)

    def rule_allocate(self, st_idx, st_mask):
        listed = [lid for lid in self.loans if self._open(lid)]
        if not listed:
            return
        loan = listed[st_idx % len(listed)]
        named = [w for i, w in enumerate(self.lenders) if st_mask & (1 << i)]
        named.sort(key=self.auto.turnOf)
        named = [w for w in named if self.auto.turnOf(w) > 0]
        if not named:
            return
        try:
            tx = self.auto.allocate(loan, named, {"from": self.admin})
        except VirtualMachineError as exc:
            assert "NothingAllocated" in str(exc.revert_msg), exc.revert_msg
            self._count("nothing to allocate")
            return
        for event in tx.events["Allocated"]:
            self._check_admitted(loan, event["lender"], event["amount"])
            self.notes[event["noteId"]] = (event["lender"], loan, event["amount"])
            self.ghost[event["lender"]]["inv"] += event["amount"]
        self._count("allocate")

    def rule_drawdown(self, st_idx):
        """A lender by hand (not by mandate) completes a listing the mandates started, and it is drawn."""
        started = [lid for lid in self.loans if self._open(lid) and self.market.getLoan(lid)["funded"] > 0]
        if not started:
            return
        loan = started[st_idx % len(started)]
        lo = self.market.getLoan(loan)
        if lo["funded"] < lo["principal"]:
            self.market.fund(loan, lo["principal"] - lo["funded"], {"from": self.filler})
        self.market.drawdown(loan, {"from": self.loans[loan]["borrower"]})
        self._count("drawdown")

    def rule_repay(self, st_idx):
        drawn = [lid for lid in self.loans if self.market.getLoan(lid)["status"] == DRAWN]
        if not drawn:
            return
        loan = drawn[st_idx % len(drawn)]
        sleep(30 * DAY)
        pay_amount_due(self.market, self.lens, loan, self.loans[loan]["borrower"])
        self._count("repay")
        holders = {holder for holder, lid, _ in self.notes.values() if lid == loan}
        for lender in sorted(holders)[: 1 + st_idx % 2]:  # some of its lenders put the repayment back to work
            self.rule_reinvest(self.lenders.index(lender))

    def rule_reinvest(self, st_idx):
        lender = self.lenders[st_idx % len(self.lenders)]
        ids = [nid for nid, (holder, _, _) in self.notes.items() if holder == lender]
        if not ids:
            return
        amount = self.auto.reinvest(ids, {"from": lender}).return_value
        self.ghost[lender]["ret"] += amount
        if amount:
            self._count("reinvest")

    # ---------------------------------------------------------------- checks

    def _check_admitted(self, loan, lender, amount):
        grades, apr, term, per_loan, per_borrower, _, active = self.mandates[lender]
        g = self.loans[loan]
        assert active
        assert grades & (1 << (g["grade"] - 1)), "funded a grade outside the mandate"
        assert g["apr"] >= apr and g["term"] <= term, "funded a loan outside the mandate's APR or term"
        assert amount <= per_loan
        assert (loan, lender) not in self.funded, "funded one loan twice"
        self.funded[(loan, lender)] = amount
        key = (lender, g["subject"])
        self.exposure[key] = self.exposure.get(key, 0) + amount
        assert self.exposure[key] <= per_borrower, "above the cap per borrower"
        assert amount <= self._balance(lender), "funded beyond the lender's own balance"
        g = self.ghost[lender]
        assets = g["dep"] + g["ret"] - g["wd"]
        assert amount <= max(MIN_TICKET, assets * 2_000 // 10_000), "above the diversification share"

    def _open(self, loan):
        """Listed and before its funding deadline (repayments move the clock on by 30 days)."""
        lo = self.market.getLoan(loan)
        return lo["status"] == LISTED and lo["listingDeadline"] > chain.time() + 60

    def _balance(self, lender):
        g = self.ghost[lender]
        return g["dep"] + g["ret"] - g["wd"] - g["inv"]

    def _outstanding(self, lender):
        """The principal the lender's notes still carry: each note's share of what its loan still owes."""
        total = 0
        for holder, loan, share in self.notes.values():
            if holder != lender:
                continue
            lo = self.market.getLoan(loan)
            total += (
                share if lo["status"] == LISTED else share * lo["principalOutstanding"] // lo["principal"]
            )
        return total

    def invariant_ledgers(self):
        held = 0
        for lender in self.lenders:
            account = self.auto.accountOf(lender)
            g = self.ghost[lender]
            assert list(account)[:5] == [g["dep"], g["wd"], g["inv"], g["ret"], self._balance(lender)]
            held += account[4]
            # What the lender's notes still carry never exceeds what its mandate put into them: with the
            # ledger above, balance + outstanding = deposits - withdrawals + reinvested - principal returned.
            assert 0 <= self._outstanding(lender) <= g["inv"]
        assert self.token.balanceOf(self.auto) == held, "pooled or lost money"

    def invariant_exposure(self):
        for (lender, subject), amount in self.exposure.items():
            assert self.auto.exposureOf(lender, subject) == amount


def test_auto_invest_invariants(auto, market, lens, token, borrowers, lenders, admin):
    market.setMaxOpenLoansPerBorrower(4, {"from": admin})
    state_machine(
        AutoInvestMachine,
        auto,
        market,
        lens,
        token,
        list(borrowers),
        list(lenders[:4]),
        lenders[5],
        admin,
        settings=SETTINGS,
    )
    for outcome in ("deposit", "list", "allocate", "drawdown", "repay", "reinvest"):
        assert STATS.get(outcome, 0) > 0, f"no successful {outcome} in the run: {STATS}"
