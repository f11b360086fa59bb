"""What the lifecycle test expects of the demo's story, computed on the test's side: every party's
stablecoin balance (`Ledger`) and each loan's accrual (`LoanModel`), from the loans' terms, the fee
parameters (LoanMarket.config), the reserve cap and the rules written in ILoanMarket,
ICollateralLiquidation and IReserveFund (the loan model itself is tests/support/loan_model.py, which the
contract tests share). No expected amount is read back from the contract that produced
it; `Ledger.follow(phase)` moves the expectations by what each phase of the story did.
"""

from __future__ import annotations

from demo import lifecycle, restructuring
from tests.support.loan_model import BPS, RAY, LoanModel, annuity_rows, ceil_div

__all__ = ["BPS", "RAY", "Ledger", "LoanModel", "annuity_rows", "ceil_div"]

# Which loans' notes the story claims, and whether it sweeps fees, in each phase.
CLAIMS_IN = {"month1": ("A", "B"), "month2": ("A",), "month3": ("A",), "covered": ("B",)}
SWEEPS_IN = {"month1", "month2", "month3"}


class Ledger:
    """Expected stablecoin balances of every party, moved phase by phase."""

    def __init__(self, ctx: lifecycle.Lifecycle):
        self.ctx = ctx
        chain = ctx.chain
        config = chain.call(chain.market.functions.config())
        self.origination_bps, self.servicing_bps, self.reserve_bps, self.late_bps = config[:4]
        self.cap_bps = chain.call(chain.reserve.functions.capBps())
        self.cap_absolute = chain.call(chain.reserve.functions.capAbsolute())
        self.treasury = chain.call(chain.market.functions.treasury())
        self.fixed = {
            "treasury": self.treasury,
            "reserve": chain.reserve.address,
            "market": chain.market.address,
            "vault": chain.vault.address,
        }
        self.expected = {name: chain.balance(address) for name, address in self.fixed.items()}
        self.loans: dict[str, LoanModel] = {}
        self.pending_reserve = 0
        self.pending_treasury = 0
        self.repaid_seen: dict[str, int] = {}
        self.restructured_terms: dict = {}
        self.payments_seen = 0

    def rebase(self) -> None:
        """After a phase the ledger does not follow (its own loans, told apart), take every balance and the
        market's pending fees as they are, and follow the next phases from there."""
        chain = self.ctx.chain
        self.expected = chain.balances(self.addresses())
        self.pending_reserve, self.pending_treasury = chain.call(chain.market.functions.pendingFees())

    def addresses(self) -> dict[str, str]:
        named = {name: actor.address for name, actor in self.ctx.actors.items()}
        return {**named, **self.fixed}

    def move(self, source: str, target: str, amount: int) -> None:
        self.expected[source] = self.expected.get(source, 0) - amount
        self.expected[target] = self.expected.get(target, 0) + amount

    def mint(self, target: str, amount: int) -> None:
        self.expected[target] = self.expected.get(target, 0) + amount

    def check(self, phase: str) -> None:
        actual = self.ctx.chain.balances(self.addresses())
        expected = {name: self.expected.get(name, 0) for name in actual}
        assert actual == expected, f"balances after {phase}: " + ", ".join(
            f"{n}: expected {expected[n]}, actual {actual[n]}" for n in actual if actual[n] != expected[n]
        )

    def follow(self, phase: str) -> None:
        """Move the expected balances by what `phase` of the story did."""
        match phase:
            case "funded":
                self.fundings()
            case "drawn":
                self.drawdowns()
            case "month1" | "month2" | "month3":
                self.repayments()
            case "defaulted":
                # markDefault was the phase's last transaction: the loan accrued up to now
                self.loans["B"].accrue(self.ctx.chain.now(), self.late_bps)
            case "liquidated":
                self.liquidations("B")
            case "covered":
                self.cover("B")
            case "restructured":
                self.restructured_loan()
            case "restructured_repaid":
                self.restructured_payments()
                self.claim("R")
                self.sweep()
        for loan_name in CLAIMS_IN.get(phase, ()):
            self.claim(loan_name)
        if phase in SWEEPS_IN:
            self.sweep()

    # -- money movements of the story

    def fundings(self) -> None:
        for loan in self.ctx.loans.values():
            for lender, amount in loan.funded_by.items():
                self.mint(lender, amount)  # faucet
                self.move(lender, "market", amount)
        self.mint("Platform", lifecycle.RESERVE_SEED)
        self.move("Platform", "reserve", lifecycle.RESERVE_SEED)

    def drawdowns(self) -> None:
        """Each borrower gets the funded principal less the origination fee; a model of each loan starts
        from its terms on-chain and the annuity rule."""
        chain = self.ctx.chain
        for name, loan in self.ctx.loans.items():
            funded = sum(loan.funded_by.values())
            fee = ceil_div(funded * self.origination_bps, BPS)
            self.move("market", "treasury", fee)
            self.move("market", loan.borrower.name, funded - fee)
            self.mint(loan.borrower.name, lifecycle.POCKET_MONEY[loan.borrower.name])
            onchain = chain.call(chain.market.functions.getLoan(loan.loan_id))
            model = LoanModel(
                funded=funded,
                shares=dict(loan.funded_by),
                schedule=annuity_rows(funded, onchain[8], onchain[2], onchain[3], onchain[12]),
                apr_bps=onchain[8],
                period=onchain[2],
                drawn_at=onchain[12],
            )
            model.principal_out = model.sched_balance = funded
            model.last_accrual = model.drawn_at
            self.loans[name] = model

    def repayments(self) -> None:
        for name, loan in self.ctx.loans.items():
            for k in loan.repaid[self.repaid_seen.get(name, 0) :]:
                self.repayment(name, k)
            self.repaid_seen[name] = len(loan.repaid)

    def repayment(self, loan_name: str, k: int) -> None:
        loan = self.ctx.loans[loan_name]
        model = self.loans[loan_name]
        row = model.schedule[k - 1]
        interest = row["interest"]
        servicing = ceil_div(interest * self.servicing_bps, BPS)
        reserve = min(ceil_div(interest * self.reserve_bps, BPS), interest - servicing)
        self.move(loan.borrower.name, "market", row["amount"])
        self.pending_reserve += reserve
        self.pending_treasury += servicing
        model.credit_lenders(row["amount"] - servicing - reserve)
        # on the due date exactly: the schedule is the state
        model.principal_out -= row["principal"]
        model.sched_balance -= row["principal"]
        model.last_accrual, model.due_periods = row["due"], k

    def liquidations(self, loan_name: str) -> None:
        """The liquidator is given each payment (faucet) and pays it in; recoveries carry no fees and go
        wholly to the notes."""
        model = self.loans[loan_name]
        for purchase in self.ctx.loans[loan_name].liquidations:
            model.recoveries.append((model.principal_out, purchase["payment"]))
            self.mint("Liam", purchase["payment"])
            self.move("Liam", "market", purchase["payment"])
            model.apply(purchase["payment"])
            model.credit_lenders(purchase["payment"])

    def cover(self, loan_name: str) -> None:
        """IReserveFund: the fund covers the principal still owed, up to its balance and the per-loan cap
        (a share of the funded principal, and an absolute cap where one is set)."""
        model = self.loans[loan_name]
        self.sweep()  # coverFromReserve sweeps pending fees first
        cap = model.funded * self.cap_bps // BPS
        if self.cap_absolute:
            cap = min(cap, self.cap_absolute)
        model.covered = min(model.principal_out, cap, self.expected["reserve"])
        self.move("reserve", "market", model.covered)
        model.credit_lenders(model.covered)

    # -- the restructured loan (demo/restructuring.py): every payment through the accrual model

    def restructured_loan(self) -> None:
        """Rosa's loan: funded, drawn, installment 1 paid, then restructured by the rule in
        ILoanMarketRestructuring at the time the execution was mined (no money moves then)."""
        state = self.ctx.restructuring["R"]
        loan = state["loan"]
        for lender, amount in loan.funded_by.items():
            self.mint(lender, amount)  # faucet
            self.move(lender, "market", amount)
        funded = sum(loan.funded_by.values())
        fee = ceil_div(funded * self.origination_bps, BPS)
        self.move("market", "treasury", fee)
        self.move("market", loan.borrower.name, funded - fee)
        self.mint(loan.borrower.name, restructuring.POCKET_MONEY)
        terms = loan.application["signedOffer"]["typedData"]["message"]
        model = LoanModel.drawn(
            funded,
            dict(loan.funded_by),
            terms["aprBps"],
            terms["periodLength"],
            terms["maxPeriods"],
            state["drawnAt"],
        )
        self.loans["R"] = model
        executed_at = state["executedAt"]
        for at, amount in state["payments"]:
            if at < executed_at:
                self.payment("R", at, amount)
        model.accrue(executed_at, self.late_bps)
        self.restructured_terms = model.restructure(
            executed_at, restructuring.EXTRA_PERIODS, restructuring.HOLIDAY_PERIODS
        )
        self.payments_seen = sum(1 for at, _ in state["payments"] if at < executed_at)

    def restructured_payments(self) -> None:
        state = self.ctx.restructuring["R"]
        for at, amount in state["payments"][self.payments_seen :]:
            self.payment("R", at, amount)
        self.payments_seen = len(state["payments"])

    def payment(self, loan_name: str, at: int, offered: int) -> None:
        """A repayment of up to `offered` mined at `at`: accrued, split late fee -> interest -> principal,
        fees taken on late fees and interest at the loan's rates, the rest to the notes."""
        model = self.loans[loan_name]
        model.accrue(at, self.late_bps)
        paid = min(offered, model.payoff())
        late, interest, _ = model.apply(paid)
        base = late + interest
        servicing = ceil_div(base * self.servicing_bps, BPS)
        reserve = min(ceil_div(base * self.reserve_bps, BPS), base - servicing)
        self.move(self.ctx.restructuring[loan_name]["loan"].borrower.name, "market", paid)
        self.pending_reserve += reserve
        self.pending_treasury += servicing
        model.credit_lenders(paid - servicing - reserve)

    def claim(self, loan_name: str) -> None:
        for lender, amount in self.loans[loan_name].claims().items():
            self.move("market", lender, amount)

    def sweep(self) -> None:
        self.move("market", "reserve", self.pending_reserve)
        self.move("market", "treasury", self.pending_treasury)
        self.pending_reserve = self.pending_treasury = 0
