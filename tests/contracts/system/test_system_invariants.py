"""Stateful suite over the real system: random sequences of listings, fundings, drawdowns, repayments,
claims, note transfers, price moves, identity freezes, expiries and revocations, credit refreshes,
governance changes of fees and caps, reserve cover and refills, pause and wind-down, defaults,
liquidations and restructurings (a new schedule the holders of two thirds of the principal adopt) — with
the invariants below checked after every step against a ghost model built from
the events.

Invariants:
- solvency: the market holds at least everything the notes can claim, plus unlent funding, plus fees,
  plus liquidation proceeds owed back to borrowers;
- conservation: every stablecoin and collateral unit is with a known holder; none appears or vanishes;
- accumulators never decrease, and no note is ever owed more than its share of what reached its loan;
- a loan's principal falls only by the principal its repayments and recoveries carried;
- a liquidation happens only on an unhealthy or defaulted loan, and never beyond the discount (checked
  in the liquidation rule, where the price is known);
- every person's outstanding principal is within what the market counts against it, and what it counts
  was within the cap whenever it grew (checked in the listing and drawdown rules);
- no note is ever received by a wallet that was frozen, not KYC'd, unsuitable for the grade or the
  borrower (checked in the funding and transfer rules: the chain must agree with the model);
- the market's totals reconcile with its loans.

`make test` runs a fixed, modest number of examples (25: enough that the fixed sequences reach every
outcome the test requires, restructurings keeping some late loans from default); `make fuzz` runs 500
or more (PEERLEND_FUZZ_EXAMPLES).
"""

from fractions import Fraction

from brownie import chain
from brownie.exceptions import VirtualMachineError
from brownie.test import strategy
from helpers.builders import attest_args, report
from helpers.chain_time import pin_next_block_time
from helpers.oracle import submit
from helpers.stateful import state_machine, stateful_settings
from system_support import DAY, FAR_FUTURE, GRADES, MAX_UINT, PRICE, USD, WETH, ZERO, list_loan

RAY = 10**27
LISTED, DRAWN, REPAID, DEFAULTED, CANCELLED, EXPIRED = 1, 2, 3, 4, 5, 6
SETTINGS = stateful_settings(25, 40)
STATS = {}


def _reason(exc):
    return (getattr(exc, "revert_msg", "") or "").split(":")[0]


class SystemMachine:
    st_idx = strategy("uint16")
    st_small = strategy("uint8", max_value=9)
    st_amount = strategy("uint256", min_value=1, max_value=20_000)
    st_days = strategy("uint256", min_value=1, max_value=20)
    st_long = strategy("uint256", min_value=60, max_value=120)
    st_pct = strategy("uint256", min_value=30, max_value=150)

    def __init__(cls, system, probe, admin, attester, compliance, oracle_keys):
        cls.s, cls.probe = system, probe
        cls.market, cls.note, cls.reserve, cls.vault = (
            system["market"],
            system["note"],
            system["reserve"],
            system["vault"],
        )
        cls.lens = system["lens"]
        cls.token, cls.weth, cls.feed = system["token"], system["weth"], system["feed"]
        cls.registry, cls.oracle = system["registry"], system["oracle"]
        cls.borrowers, cls.lenders = system["borrowers"], system["lenders"]
        cls.liquidator, cls.pauser = system["liquidator"], system["pauser"]
        cls.admin, cls.attester, cls.compliance, cls.oracle_keys = admin, attester, compliance, oracle_keys
        cls.wallets = cls.borrowers + cls.lenders + [cls.liquidator]
        cls.holders = cls.wallets + [cls.market, cls.reserve, cls.vault, system["treasury"], admin]
        cls.stable_supply = cls.token.totalSupply()
        cls.weth_supply = cls.weth.totalSupply()
        cls.round0 = cls.oracle.lastRound()
        cls.subjects = {w: cls.registry.identityOf(w)["subject"] for w in cls.wallets}

    # ---------------------------------------------------------------- example set-up

    def setup(self):
        self.round = self.round0
        self.loans = {}  # loan id -> ghost
        self.notes = {}  # note id -> {"loan", "holder", "share", "claimed"}
        self.frozen = set()
        self.revoked = set()
        self.approvals = {}  # (proposal id, note id) -> the wallet that approved
        self.kyc_until = {}  # wallet -> expiry set by this example (else far away)
        self.price = PRICE
        self.paused = self.wound_down = False
        self.caps = tuple(self.market.personCaps())
        # Chain time is not rewound between examples: start each one with a fresh price and fresh records.
        self.feed.setPrice(self.price, {"from": self.admin})
        self._refresh_records(2)
        self._open_book()

    def _open_book(self):
        """Every example starts from a live book (Hypothesis keeps many runs short): a drawn unsecured loan
        and a drawn secured one, with notes in several hands, and a partly funded secured listing."""
        a, b, c = self.borrowers
        l1, l2, l3, l4, l5 = self.lenders
        for borrower, principal, secured, fundings, draw in (
            (c, 6_000 * USD, False, ((l3, 2_000), (l4, 2_000), (l5, 2_000)), True),
            (b, 5_000 * USD, True, ((l1, 2_500), (l2, 2_500)), True),
            (a, 8_000 * USD, True, ((l3, 3_000),), False),
        ):
            collateral = principal * 10**12 * 2 // 3_000 if secured else 0
            params = (
                principal,
                principal // 2,
                6,
                30 * DAY,
                self._now() + 7 * DAY,
                self.weth.address if collateral else ZERO,
                collateral,
            )
            tx = list_loan(self.market, borrower, params, 2)
            loan_id = tx.return_value
            self.loans[loan_id] = {
                "borrower": borrower,
                "grade": 2,
                "to_lenders": 0,
                "principal_paid": 0,
                "steps": 0,
                "acc": 0,
                "to_reserve": 0,
                "defaulted": False,
                "subject": self.subjects[borrower],
            }
            for lender, amount in fundings:
                nid = self.market.fund(loan_id, amount * USD, {"from": lender}).return_value
                self.notes[nid] = {"loan": loan_id, "holder": lender, "share": amount * USD, "claimed": 0}
            if draw:
                self.market.drawdown(loan_id, {"from": borrower})

    # ---------------------------------------------------------------- model helpers

    def _count(self, name):
        STATS[name] = STATS.get(name, 0) + 1

    def _now(self):
        return chain[-1].timestamp

    def _eligible(self, wallet):
        if wallet in self.frozen or wallet in self.revoked:
            return False
        until = self.kyc_until.get(wallet)
        return until is None or self._now() < until

    def _risk_class(self, wallet):
        return self.registry.identityOf(wallet)["riskClass"] if self._eligible(wallet) else 0

    def _may_hold(self, wallet, loan_id):
        """What funding requires of a lender, from the model: eligible, suitable, not the borrower."""
        ghost = self.loans[loan_id]
        if wallet == ghost["borrower"]:
            return False
        rc = self._risk_class(wallet)
        return rc != 0 and rc >= max(1, self.market.minRiskClassForGrade(ghost["grade"]))

    def _refresh_records(self, grade, who=None):
        self.round += 1
        chain.sleep(2)
        chain.mine()  # a new second, so the new as-of is later than any stored one
        as_of = self._now() - 1
        submit(
            self.oracle,
            self.oracle_keys,
            self.admin,
            self.round,
            [report(b, as_of=as_of, grade=grade) for b in (who or self.borrowers)],
        )

    def _pick(self, idx, *statuses):
        ids = [i for i in sorted(self.loans) if self.market.getLoan(i)["status"] in statuses]
        return ids[idx % len(ids)] if ids else None

    def _record(self, tx):
        """Folds a transaction's market events into the ghost model."""
        for ev in tx.events:
            if ev.name == "LoanRepaid":
                g = self.loans[ev["loanId"]]
                g["to_lenders"] += (
                    ev["lateFee"] + ev["interest"] + ev["principal"] - ev["reserveShare"] - ev["servicingFee"]
                )
                g["principal_paid"] += ev["principal"]
                g["steps"] += 1
                if g["defaulted"]:  # no fees after a default: the reserve's part is principal it covered
                    g["to_reserve"] += ev["reserveShare"]
            elif ev.name == "LoanDefaulted":
                self.loans[ev["loanId"]]["defaulted"] = True
            elif ev.name == "DefaultCovered":
                g = self.loans[ev["loanId"]]
                g["to_lenders"] += ev["covered"]
                g["steps"] += 1

    def _try(self, label, fn, *args, allowed=()):
        try:
            tx = fn(*args)
        except VirtualMachineError as exc:
            reason = _reason(exc)
            assert reason in allowed, f"{label}: unexpected revert {exc.revert_msg!r}"
            self._count(f"{label}:{reason}")
            return None
        self._count(label)
        self._record(tx)
        return tx

    # ---------------------------------------------------------------- borrower rules

    def rule_list(self, who="st_small", amount="st_amount", periods="st_small", secured="st_small"):
        b = self.borrowers[who % len(self.borrowers)]
        grade = self.oracle.recordOf(b)["grade"]
        principal = (amount % 15_000 + 500) * USD
        collateral = 0
        if secured % 2 or GRADES.get(grade, (0, 0, 0, True))[3]:
            collateral = principal * 10**12 * 2 // 3_000  # twice the principal at 3,000 USD per WETH
        params = (
            principal,
            principal // 2,
            periods % 12 + 1,
            30 * DAY,
            self._now() + 30 * DAY,
            self.s["weth"].address if collateral else ZERO,
            collateral,
        )
        subject = self.registry.identityOf(b)["subject"]
        tx = self._try(
            "list",
            list_loan,
            self.market,
            b,
            params,
            grade,
            allowed=(
                "CreditRecordStale",
                "NotEligible",
                "TooManyOpenLoans",
                "PersonLimitExceeded",
                "MarketPaused",
                "MarketWoundDown",
                "PrincipalOutOfBounds",
                "InsufficientCollateral",
                "StalePrice",
                "GradeNotAllowed",
            ),
        )
        if tx is None:
            return
        cap = self.caps[1] if self.registry.identityOf(b)["entity"] else self.caps[0]
        assert self.market.personPrincipalOf(subject) <= cap  # what grew stayed within the cap
        loan_id = tx.return_value
        self.loans[loan_id] = {
            "borrower": b,
            "grade": grade,
            "to_lenders": 0,
            "principal_paid": 0,
            "steps": 0,
            "acc": 0,
            "to_reserve": 0,
            "defaulted": False,
            "subject": subject,
        }

    def rule_drawdown(self, idx="st_idx"):
        loan_id = self._pick(idx, LISTED)
        if loan_id is None:
            return
        loan = self.market.getLoan(loan_id)
        if loan["funded"] < loan["minFill"] or (
            loan["funded"] < loan["principal"] and self._now() <= loan["listingDeadline"]
        ):
            return
        if self._now() > loan["listingDeadline"] + 7 * DAY - 60:
            return
        tx = self._try(
            "drawdown",
            self.market.drawdown,
            loan_id,
            {"from": loan["borrower"]},
            allowed=(
                "CreditRecordStale",
                "CreditGradeWorse",
                "NotEligible",
                "PersonLimitExceeded",
                "InsufficientCollateral",
                "StalePrice",
                "MarketPaused",
                "MarketWoundDown",
                "DrawdownNotAllowed",
                "GradeNotAllowed",
            ),
        )
        if tx is None:
            return
        # drawn means it qualified at drawdown: fresh record no worse than listed, collateral covering
        rec = self.oracle.recordOf(loan["borrower"])
        assert self.oracle.isFresh(loan["borrower"]) and rec["grade"] <= loan["grade"]
        if loan["flags"] & 1:
            max_ltv = self.vault.collateralConfig(self.weth)["maxLtvBps"][loan["grade"] - 1]
            assert loan["funded"] * 10_000 <= self.vault.collateralValue(loan_id) * max_ltv
        cap = self.caps[1] if self.registry.identityOf(loan["borrower"])["entity"] else self.caps[0]
        assert self.market.personPrincipalOf(self.loans[loan_id]["subject"]) <= cap

    def rule_repay_due(self, idx="st_idx"):
        loan_id = self._pick(idx, DRAWN)
        if loan_id is None:
            return
        borrower = self.loans[loan_id]["borrower"]
        pin_next_block_time()
        due = self.lens.amountDue(loan_id, block_identifier="pending")
        self._try("repay_due", self.market.repay, loan_id, max(due, 1), {"from": borrower})
        if due and self.market.getLoan(loan_id)["status"] == DRAWN:
            assert self.lens.daysPastDue(loan_id) == 0  # paying what is due makes the loan current

    def rule_repay_fraction(self, idx="st_idx", pct="st_pct"):
        loan_id = self._pick(idx, DRAWN, DEFAULTED)
        if loan_id is None:
            return
        pin_next_block_time()
        payoff = self.market.payoffAmount(loan_id, block_identifier="pending")
        if payoff == 0:
            return
        payer = self.lenders[idx % len(self.lenders)]  # anyone may repay on the borrower's behalf
        tx = self._try("repay_part", self.market.repay, loan_id, max(payoff * pct // 100, 1), {"from": payer})
        assert tx.return_value <= payoff

    def rule_add_collateral(self, idx="st_idx", amount="st_small"):
        loan_id = self._pick(idx, LISTED, DRAWN)
        if loan_id is None or not self.market.getLoan(loan_id)["flags"] & 1:
            return
        self._try(
            "add_collateral",
            self.market.addCollateral,
            loan_id,
            (amount + 1) * WETH // 10,
            {"from": self.loans[loan_id]["borrower"]},
        )

    def rule_cancel_or_expire(self, idx="st_idx"):
        loan_id = self._pick(idx, LISTED)
        if loan_id is None:
            return
        reason = self.market.expiryReason(loan_id)
        if reason:
            tx = self._try("expire", self.market.expire, loan_id, {"from": self.liquidator})
            assert tx.events["LoanExpired"]["reason"] == reason
        elif idx % 3 == 0:
            self._try("cancel", self.market.cancel, loan_id, {"from": self.loans[loan_id]["borrower"]})

    # ---------------------------------------------------------------- lender rules

    def rule_fund(self, idx="st_idx", who="st_small", amount="st_amount"):
        """A part of a listing, or (odd amounts) all that remains of it."""
        loan_id = self._pick(idx, LISTED)
        if loan_id is None:
            return
        loan = self.market.getLoan(loan_id)
        if self._now() > loan["listingDeadline"] - 60:
            return
        lender = (self.lenders + self.borrowers)[who % (len(self.lenders) + len(self.borrowers))]
        remaining = loan["principal"] - loan["funded"]
        amt = remaining if amount % 2 else min(max(amount * USD // 3, 10 * USD), remaining)
        if amt == 0:
            return
        suitable = self._may_hold(lender, loan_id)
        tx = self._try(
            "fund",
            self.market.fund,
            loan_id,
            amt,
            {"from": lender},
            allowed=(
                "NotSuitable",
                "NotEligible",
                "BorrowerCannotHoldNote",
                "MarketPaused",
                "MarketWoundDown",
                "TicketTooSmall",
            ),
        )
        if tx is None:
            return
        assert suitable, f"{lender} received a note of loan {loan_id} it may not hold"
        self.notes[tx.return_value] = {"loan": loan_id, "holder": lender, "share": amt, "claimed": 0}

    def rule_transfer(self, idx="st_idx", to="st_small"):
        if not self.notes:
            return
        nid = sorted(self.notes)[idx % len(self.notes)]
        n = self.notes[nid]
        recipient = (self.lenders + self.borrowers)[to % (len(self.lenders) + len(self.borrowers))]
        if recipient == n["holder"]:
            return
        ok = self._may_hold(recipient, n["loan"]) and n["holder"] not in self.frozen and not self.paused
        tx = self._try(
            "transfer",
            self.note.transferFrom,
            n["holder"],
            recipient,
            nid,
            {"from": n["holder"]},
            allowed=(
                "NotSuitable",
                "NotEligible",
                "BorrowerCannotHoldNote",
                "WalletFrozen",
                "MarketPaused",
            ),
        )
        if tx is None:
            return
        assert ok, f"note {nid} moved to {recipient}, which may not hold it"
        n["holder"] = recipient

    def rule_claim(self, idx="st_idx"):
        if not self.notes:
            return
        nid = sorted(self.notes)[idx % len(self.notes)]
        n = self.notes[nid]
        expected = self.market.claimable(nid)
        tx = self._try("claim", self.market.claim, nid, {"from": n["holder"]}, allowed=("WalletFrozen",))
        if tx is None:
            assert n["holder"] in self.frozen
            return
        assert n["holder"] not in self.frozen and tx.return_value == expected
        n["claimed"] += tx.return_value

    def rule_withdraw(self, idx="st_idx"):
        for nid, n in list(self.notes.items()):
            if self.market.getLoan(n["loan"])["status"] in (LISTED, CANCELLED, EXPIRED):
                tx = self._try(
                    "withdraw",
                    self.market.withdrawFunding,
                    nid,
                    {"from": n["holder"]},
                    allowed=(
                        "WalletFrozen",
                        "InvalidLoanStatus",
                    ),
                )
                if tx is None and n["holder"] not in self.frozen:
                    assert self.market.getLoan(n["loan"])["status"] == LISTED  # refused only while drawable
                if tx is None:
                    continue
                assert n["holder"] not in self.frozen and tx.return_value == n["share"]
                del self.notes[nid]

    def rule_restructure(self, idx="st_idx", votes="st_small"):
        """The borrower of a late loan proposes a new schedule, some holders approve, anyone executes: it
        takes effect iff the notes whose approver still holds them carry two thirds of the principal
        (rounded up), and changes no principal, share or accumulator (the money invariants below hold
        across it)."""
        loan_id = self._pick(idx, DRAWN)
        if loan_id is None or self.lens.daysPastDue(loan_id) == 0:
            return  # a borrower in difficulty asks for a new schedule
        g = self.loans[loan_id]
        proposal = self.market.restructureProposal(loan_id)
        pid = proposal["proposalId"]
        if not proposal["open"]:
            tx = self._try(
                "propose",
                self.market.proposeRestructure,
                loan_id,
                idx % 3,  # extra installments
                (idx // 3) % 3,  # holiday periods
                self._now() + 7 * DAY,
                {"from": g["borrower"]},
                allowed=("MarketPaused", "WalletFrozen", "InvalidRestructureTerms"),
            )
            if tx is None:
                return
            pid = tx.return_value
        notes = sorted(nid for nid, n in self.notes.items() if n["loan"] == loan_id)
        for i, nid in enumerate(notes):
            holder = self.notes[nid]["holder"]
            if votes % 4 and (votes >> i) % 4 == 0:  # mostly everyone; sometimes a few stay out
                continue
            tx = self._try(
                "approve",
                self.market.approveRestructure,
                loan_id,
                pid,
                [nid],
                {"from": holder},
                allowed=("WalletFrozen",),
            )
            if tx is not None:
                self.approvals[(pid, nid)] = holder
        approved = sum(
            self.notes[nid]["share"]
            for nid in notes
            if self.approvals.get((pid, nid)) == self.notes[nid]["holder"]
        )
        funded = sum(self.notes[nid]["share"] for nid in notes)
        required = -(-2 * funded // 3)
        before = self.market.getLoan(loan_id)
        try:
            tx = self.market.executeRestructure(loan_id, notes, {"from": self.liquidator})
        except VirtualMachineError as exc:
            reason = _reason(exc)
            self._count(f"restructure:{reason}")
            if self.paused:
                assert reason == "MarketPaused"
            elif approved < required:
                assert exc.revert_msg == f"ApprovalBelowThreshold: {approved}, {required}"
            else:  # a proposal of earlier steps whose holiday alone no longer fits a loan past maturity
                assert reason == "InvalidRestructureTerms"
            return
        self._count("restructure")
        self._record(tx)
        assert not self.paused and tx.return_value == approved >= required
        after = self.market.getLoan(loan_id)
        assert after["principalOutstanding"] == before["principalOutstanding"]
        assert after["accPerShare"] == before["accPerShare"] and after["funded"] == before["funded"]
        assert self.lens.daysPastDue(loan_id) == 0  # current on its new schedule

    # Hypothesis picks rules uniformly: these aliases make the book move more often than the world changes.
    def rule_list_more(self, who="st_small", amount="st_amount", periods="st_small", secured="st_small"):
        self.rule_list(who, amount, periods, secured)

    def rule_fund_more(self, idx="st_idx", who="st_small", amount="st_amount"):
        self.rule_fund(idx, who, amount)

    def rule_drawdown_more(self, idx="st_idx"):
        self.rule_drawdown(idx)

    # Restructurings keep late loans from defaulting: liquidations (after a default or a price fall) are
    # drawn more often, so the fixed sequences still reach them.
    def rule_liquidate_more(self, idx="st_idx", amount="st_amount"):
        self.rule_liquidate(idx, amount)

    # ---------------------------------------------------------------- the world

    def rule_sleep(self, days="st_days"):
        chain.sleep(days * DAY)
        chain.mine()
        self.feed.setPrice(self.price, {"from": self.admin})  # the keeper keeps the feed fresh
        self._count("sleep")

    def rule_sleep_long(self, days="st_long"):
        """Long enough for installments to be missed and loans to default."""
        self.rule_sleep(days)

    def rule_price(self, pct="st_pct"):
        self.price = max(PRICE * pct // 100, 10**8)
        self.feed.setPrice(self.price, {"from": self.admin})
        self._count("price")

    def rule_refresh_credit(self, who="st_small", grade="st_small"):
        b = self.borrowers[who % len(self.borrowers)]
        self._refresh_records(grade % 6 + 1, [b])
        self._count("refresh")

    def rule_identity(self, who="st_small", mode="st_small"):
        wallet = self.wallets[who % len(self.wallets)]
        mode %= 5
        if mode == 0 and wallet not in self.frozen:
            self.registry.freeze(wallet, 1, {"from": self.compliance})
            self.frozen.add(wallet)
        elif mode == 1 and wallet in self.frozen:
            self.registry.unfreeze(wallet, 1, {"from": self.compliance})
            self.frozen.discard(wallet)
        elif mode == 2 and wallet not in self.revoked:
            self.registry.revoke(wallet, 1, {"from": self.attester})
            self.revoked.add(wallet)
        else:  # re-attest, for a short while (mode 3) or for good (mode 4)
            until = self._now() + 5 * DAY if mode == 3 else FAR_FUTURE
            risk_class = self.registry.identityOf(wallet)["riskClass"] or 3
            args = attest_args(wallet, expiresAt=until, riskClass=risk_class, subject=self.subjects[wallet])
            self.registry.attest(*args.values(), {"from": self.attester})
            self.revoked.discard(wallet)
            self.kyc_until[wallet] = until
        self._count(f"identity{mode}")

    def rule_governance(self, mode="st_small", amount="st_amount"):
        mode %= 4
        if mode == 0:
            self.market.setFees(amount % 200, amount % 2_000, amount % 3_000, {"from": self.admin})
        elif mode == 1:
            self.market.setLateFeeBpsPerDay(amount % 100, {"from": self.admin})
        elif mode == 2:
            self.caps = ((amount % 60_000 + 5_000) * USD, (amount % 200_000 + 20_000) * USD)
            self.market.setPersonCaps(*self.caps, {"from": self.admin})
        else:
            self.reserve.deposit((amount % 5_000 + 1) * USD, {"from": self.admin})  # refill the reserve
        self._count(f"governance{mode}")

    def rule_pause(self, mode="st_small", idx="st_idx"):
        """Pauses now and then, unpauses soon after; winds down rarely (it is for good)."""
        if mode == 9 and idx % 4 == 0 and not self.wound_down:
            self.market.windDown({"from": self.admin})
            self.wound_down = True
            self._count("wind_down")
        elif self.paused:
            self.market.unpause({"from": self.pauser})
            self.paused = False
            self._count("unpause")
        elif mode == 0:
            self.market.pause({"from": self.pauser})
            self.paused = True
            self._count("pause")

    def rule_default_and_cover(self, idx="st_idx"):
        loan_id = self._pick(idx, DRAWN)
        if loan_id is not None:
            self._try(
                "default",
                self.market.markDefault,
                loan_id,
                {"from": self.liquidator},
                allowed=("NotDefaultable",),
            )
        loan_id = self._pick(idx, DEFAULTED)
        if loan_id is not None:
            self._try(
                "cover",
                self.market.coverFromReserve,
                loan_id,
                {"from": self.liquidator},
                allowed=(
                    "NothingToCover",
                    "CollateralNotExhausted",
                ),
            )

    def rule_liquidate(self, idx="st_idx", amount="st_amount"):
        loan_id = self._pick(idx, DRAWN, DEFAULTED)
        if loan_id is None or not self.market.getLoan(loan_id)["flags"] & 1:
            return
        held = self.vault.positionOf(loan_id)[1]
        if held == 0:
            return
        pin_next_block_time()
        unhealthy = self.vault.isLiquidatable(loan_id, block_identifier="pending")
        tx = self._try(
            "liquidate",
            self.vault.liquidate,
            loan_id,
            max(held * (amount % 100 + 1) // 100, 1),
            MAX_UINT,
            {"from": self.liquidator},
            allowed=("NotLiquidatable",),
        )
        if tx is None:
            assert not unhealthy
            return
        assert unhealthy, "liquidated a healthy loan"
        bought, payment = tx.return_value
        value = Fraction(bought * self.price * USD, WETH * 10**8)
        assert payment >= value * 9_500 / 10_000, "the buyer got more than the 5% discount"

    def rule_sweep(self):
        self.market.sweepFees({"from": self.liquidator})

    # ---------------------------------------------------------------- invariants
    # One call reads everything (SystemProbe, test-only), then each property is checked on its own.

    def invariant_system(self):
        loan_ids, note_ids = sorted(self.loans), sorted(self.notes)
        people = sorted({bytes(g["subject"]) for g in self.loans.values()})
        snap = self.probe.read(self.market, self.token, self.weth, self.holders, loan_ids, note_ids, people)
        (
            stable,
            collateral,
            loans,
            covers,
            claimable,
            holders,
            shares,
            principal,
            p_res,
            p_tre,
            open_n,
            out,
        ) = snap
        loans = dict(zip(loan_ids, loans, strict=False))
        covers = dict(zip(loan_ids, covers, strict=False))
        claimable = dict(zip(note_ids, claimable, strict=False))
        self._check_conservation(stable, collateral)
        refunds = sum(self.market.refundOf(b) for b in self.borrowers)
        self._check_solvency(
            stable[self.holders.index(self.market)], loans, claimable, p_res + p_tre + refunds
        )
        self._check_notes(
            loans, claimable, dict(zip(note_ids, zip(holders, shares, strict=False), strict=False))
        )
        self._check_loans(loans, open_n, out)
        self._check_reserve_claims(loans, covers)
        self._check_people(loans, dict(zip(people, principal, strict=False)))

    def _check_conservation(self, stable, collateral):
        assert sum(stable) == self.stable_supply
        assert sum(collateral) == self.weth_supply

    def _check_solvency(self, held, loans, claimable, pending_fees):
        unlent = sum(
            lender["funded"] for lender in loans.values() if lender["status"] in (LISTED, CANCELLED, EXPIRED)
        )
        assert held >= sum(claimable.values()) + unlent + pending_fees

    def _check_notes(self, loans, claimable, ledger):
        for nid, n in self.notes.items():
            holder, share = ledger[nid]
            assert (holder, share) == (n["holder"], n["share"])
            g, loan = self.loans[n["loan"]], loans[n["loan"]]
            if loan["funded"]:
                assert (n["claimed"] + claimable[nid]) * loan["funded"] <= share * g["to_lenders"]

    def _check_loans(self, loans, open_n, out):
        outstanding = open_loans = 0
        for lid, lender in loans.items():
            g = self.loans[lid]
            assert lender["accPerShare"] >= g["acc"]  # accumulators never decrease
            g["acc"] = lender["accPerShare"]
            if lender["funded"]:
                promised = lender["accPerShare"] * lender["funded"] // RAY
                assert promised <= g["to_lenders"] <= promised + 2 * g["steps"] + 2
            if lender["status"] in (DRAWN, REPAID, DEFAULTED):
                assert lender["principal"] - lender["principalOutstanding"] == g["principal_paid"]
            outstanding += lender["principalOutstanding"] if lender["status"] == DRAWN else 0
            open_loans += lender["status"] in (LISTED, DRAWN)
        assert (open_n, out) == (open_loans, outstanding)

    def _check_reserve_claims(self, loans, covers):
        for lid, lender in loans.items():
            claim = covers[lid]
            # the reserve never recovers more than it paid; what the notes can still recover is at most the
            # loss the latest cover recorded
            assert self.loans[lid]["to_reserve"] <= claim
            if lender["status"] == DEFAULTED and lender["flags"] & 2:
                notes_part = lender["principalOutstanding"] - min(lender["principalOutstanding"], claim)
                assert notes_part * RAY <= lender["writedownPerShare"] * lender["funded"]

    def _check_people(self, loans, counted):
        owed = {}
        for lid, lender in loans.items():
            subject = bytes(self.loans[lid]["subject"])
            debt = lender["principalOutstanding"] + lender["interestUnpaid"] + lender["lateFeeUnpaid"]
            if lender["status"] == LISTED:
                owed[subject] = owed.get(subject, 0) + lender["principal"]
            elif lender["status"] == DRAWN or (lender["status"] == DEFAULTED and debt):
                owed[subject] = owed.get(subject, 0) + lender["principalOutstanding"]
        for subject, amount in owed.items():
            assert amount <= counted[subject]

    def teardown_final(cls):
        print("\nsystem rule outcomes:", dict(sorted(STATS.items())))


def test_system_invariants(system, SystemProbe, admin, attester, compliance, oracle_keys):
    probe = SystemProbe.deploy({"from": admin})
    state_machine(SystemMachine, system, probe, admin, attester, compliance, oracle_keys, settings=SETTINGS)
    # a vacuous run proves nothing: the sequences must reach the interesting states
    for outcome in (
        "list",
        "fund",
        "drawdown",
        "claim",
        "transfer",
        "liquidate",
        "cover",
        "default",
        "restructure",
    ):
        assert STATS.get(outcome, 0) > 0, f"no successful {outcome} in the run: {STATS}"
