"""The whole lending lifecycle through public interfaces only, on a real anvil with the deployed system,
the real API under uvicorn, the real oracle (three signer nodes and the aggregator, built by their own
entry points' builders) and the real indexer process.

The story is demo/lifecycle.py's `run_scenario`; this test hooks every phase and checks the stablecoin
balances of every party (borrowers, lenders, liquidator, treasury, reserve fund, market) to the base
unit against values it computes itself: the contractual schedule (from the loan's terms by ILoanMarket's
annuity rule, and equal to the schedule view the borrower is shown), the fee parameters
(LoanMarket.config), the reserve cap and the price feed, following the rules written in ILoanMarket,
ICollateralLiquidation and IReserveFund. No expected amount is read back from the contract that
produced it.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from datetime import datetime

import httpx
import pytest
from eth_account import Account
from eth_account.messages import encode_typed_data

from backend.loans.annuity import annuity_schedule, rate_per_period
from demo import lifecycle as story
from demo.chain import DAY, Chain
from demo.processes import IndexerProcess, OracleInProcess
from demo.stack import Stack
from tests.support.server import start_server

RAY = 10**27
BPS = 10_000
LENDING_CONTRACTS = ("LoanMarket", "LoanNote", "ReserveFund", "CollateralVault")
# Which loans' notes the story claims, and whether it sweeps fees, after each phase.
CLAIMS_AFTER = {"month1": ("A", "B"), "month2": ("A",), "month3": ("A",), "covered": ("B",)}
SWEEP_AFTER = {"month1", "month2", "month3"}

pytestmark = pytest.mark.timeout(300)


def ceil_div(a: int, b: int) -> int:
    return -(-a // b)


def annuity_rows(principal: int, apr_bps: int, period: int, n: int, start: int) -> list[dict]:
    """The schedule by the contract's rule, shaped as the demo shows it to the borrower."""
    return [
        {"k": r.period, "due": r.due, "amount": r.payment, "interest": r.interest, "principal": r.principal}
        for r in annuity_schedule(principal, apr_bps, n, period, start + period)
    ]


# ------------------------------------------------------------------------------------------ fixtures


@pytest.fixture(scope="module")
def platform(deployed_chain, tmp_path_factory):
    """API + oracle + indexer wired to the session's deployment; the chain is put back afterwards."""
    snapshot = deployed_chain.snapshot()
    attester = "0x" + bytes(deployed_chain.accounts["attester"].key).hex()
    with start_server(
        tmp_path_factory.mktemp("lifecycle-api"),
        rate_limit_enabled=False,
        rpc_url=deployed_chain.rpc_url,
        chain_id=deployed_chain.chain_id,
        manifest_path=deployed_chain.manifest_path,
        build_dir=deployed_chain.build_dir,
        attester_private_key=attester,
    ) as server:
        stack = Stack(
            rpc_url=deployed_chain.rpc_url,
            api_url=str(server),
            manifest_path=deployed_chain.manifest_path,
            admin_key=server.admin_key,
            build_dir=deployed_chain.build_dir,
        )
        oracle_key = httpx.post(
            f"{server}/v2/admin/api-keys",
            headers={"X-API-Key": server.admin_key},
            json={"name": "e2e-oracle", "roles": ["oracle"]},
            timeout=30,
        ).json()["key"]
        log = tmp_path_factory.mktemp("lifecycle-logs") / "indexer.log"
        with (
            OracleInProcess(
                stack.rpc_url, stack.manifest_path, stack.api_url, oracle_key, build_dir=stack.build_dir
            ) as oracle,
            IndexerProcess(
                stack.rpc_url,
                stack.manifest_path,
                server.database_url,
                build_dir=stack.build_dir,
                log_path=log,
            ) as indexer,
        ):
            yield _Platform(stack=stack, server=server, oracle=oracle, indexer=indexer)
    deployed_chain.revert(snapshot)
    # anvil's clock goes back with the snapshot; bring it to real time for whoever runs next
    Chain(stack).advance_to(max(deployed_chain.now() + 1, int(time.time())))


@dataclass
class _Platform:
    stack: Stack
    server: object
    oracle: OracleInProcess
    indexer: IndexerProcess


def _lifecycle(platform) -> story.Lifecycle:
    return story.Lifecycle(platform.stack, Chain(platform.stack), out=print)


def _require_lending(platform) -> None:
    missing = [n for n in LENDING_CONTRACTS if n not in platform.stack.manifest["contracts"]]
    if missing:
        pytest.xfail(
            f"deployment manifest lacks {', '.join(missing)}: the lending contracts and their deploy "
            f"step are not in main yet"
        )


# ------------------------------------------------------------------------------------------ KYC -> oracle


def test_kyc_application_and_oracle_put_the_credit_record_on_chain(platform):
    ctx = _lifecycle(platform)
    try:
        story.check_chain_clock(ctx)
        story.create_operator_keys(ctx)
        borrower = story.onboard(ctx, "Ada", "borrower", story.people.CAUTIOUS_BORROWER)
        lender = story.onboard(ctx, "Lena", "lender", story.people.AGGRESSIVE_INVESTOR)
        registry = ctx.chain.registry.functions
        assert ctx.chain.call(registry.isEligible(borrower.address))
        assert ctx.chain.call(registry.riskClassOf(lender.address)) == 5

        app = story.apply_for_loan(
            ctx,
            borrower,
            10_000 * story.USD,
            3,
            "car_used",
            15_000 * story.USD,
            story.people.STRONG_APPLICANT,
        )
        assert app["status"] == "approved" and app["grade"] == 1

        story.await_credit_records(ctx, {"Ada": app}, timeout=60)
        record = ctx.chain.call(ctx.chain.oracle.functions.recordOf(borrower.address))
        assert (record[0], record[1], record[2], record[3]) == (
            app["score"],
            app["grade"],
            app["pdBps"],
            app["modelVersion"],
        )
        assert ctx.chain.call(ctx.chain.oracle.functions.isFresh(borrower.address))
        # the indexer confirms the report back to the service from the chain's events
        oracle_api = ctx.operator["oracle"]
        story.wait_until(
            lambda: any(
                r["borrower"] == borrower.address
                for r in oracle_api.get("/v2/oracle/reports", params={"status": "confirmed", "limit": 1000})[
                    "items"
                ]
            ),
            30,
            "the credit report to be confirmed from the chain's events",
        )
    finally:
        ctx.close()


# ------------------------------------------------------------------------------------------ full lifecycle


@dataclass
class LoanModel:
    """What the test expects of one loan, from the schedule and the rules in ILoanMarket."""

    funded: int
    shares: dict[str, int]  # lender -> principal share
    schedule: list[dict]
    apr_bps: int
    period: int
    drawn_at: int
    acc: int = 0  # accPerShare, ray
    checkpoint: dict[str, int] = field(default_factory=dict)
    # state for the accrual model (after the last payment made on a due date)
    principal_out: int = 0
    sched_balance: int = 0
    interest_unpaid: int = 0
    interest_not_due: int = 0
    late_fee: int = 0
    last_accrual: int = 0
    due_periods: int = 0

    @property
    def rate(self) -> int:
        return rate_per_period(self.apr_bps, self.period)

    @property
    def installment(self) -> int:
        return self.schedule[0]["amount"]

    def credit_lenders(self, amount: int) -> None:
        self.acc += amount * RAY // self.funded

    def claims(self) -> dict[str, int]:
        """ILoanMarket: a note has claimed floor(share * checkpoint / 1e27) in total and can claim
        floor(share * accPerShare / 1e27) minus that."""
        out = {}
        for lender, share in self.shares.items():
            out[lender] = share * self.acc // RAY - share * self.checkpoint.get(lender, 0) // RAY
            self.checkpoint[lender] = self.acc
        return out

    # -- accrual per ILoanMarket (interest per second on principal outstanding, late fees per second)

    def _interest(self, elapsed: int) -> int:
        if self.principal_out == 0 or elapsed == 0:
            return 0
        return ceil_div(self.principal_out * self.rate * elapsed, self.period * RAY)

    def overdue(self) -> int:
        due_interest = max(self.interest_unpaid - self.interest_not_due, 0)
        return due_interest + max(self.principal_out - self.sched_balance, 0)

    @staticmethod
    def _late(amount: int, bps: int, seconds: int) -> int:
        return ceil_div(amount * bps * seconds, BPS * DAY) if amount and bps and seconds > 0 else 0

    def accrue(self, now: int, late_bps: int) -> None:
        n = len(self.schedule)
        t = self.last_accrual
        due_now = min((now - self.drawn_at) // self.period, n)
        fee = self.late_fee + self._late(self.overdue(), late_bps, now - t)
        for k in range(self.due_periods + 1, due_now + 1):
            due = self.drawn_at + k * self.period
            before = self.overdue()
            self.interest_unpaid += self._interest(due - t)
            self.interest_not_due = 0
            interest = ceil_div(self.sched_balance * self.rate, RAY)
            step = (
                self.sched_balance if k >= n else min(max(self.installment - interest, 0), self.sched_balance)
            )
            self.sched_balance -= step
            fee += self._late(self.overdue() - before, late_bps, now - due)
            t = due
        self.due_periods = due_now
        maturity = self.drawn_at + n * self.period
        if t < maturity:
            accrued = self._interest(min(now, maturity) - t)
            self.interest_unpaid += accrued
            self.interest_not_due += accrued
        self.late_fee = fee
        self.last_accrual = now

    def apply(self, amount: int) -> tuple[int, int, int]:
        late = min(amount, self.late_fee)
        interest = min(amount - late, self.interest_unpaid)
        principal = amount - late - interest
        self.late_fee -= late
        self.interest_unpaid -= interest
        self.principal_out -= principal
        self.interest_not_due = min(self.interest_not_due, self.interest_unpaid)
        return late, interest, principal


class Ledger:
    """Expected stablecoin balances of every party, moved phase by phase."""

    def __init__(self, ctx: story.Lifecycle):
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
        self.liquidations_seen = 0

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

    # -- money movements of the story

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

    def claim(self, loan_name: str) -> None:
        for lender, amount in self.loans[loan_name].claims().items():
            self.move("market", lender, amount)

    def sweep(self) -> None:
        self.move("market", "reserve", self.pending_reserve)
        self.move("market", "treasury", self.pending_treasury)
        self.pending_reserve = self.pending_treasury = 0


def _phase_checks(ledger: Ledger):
    def on_phase(phase: str, ctx: story.Lifecycle) -> None:
        chain = ctx.chain
        market = chain.market.functions
        lens = chain.lens.functions
        if phase == "onboarded":
            for name in ("Ada", "Ben", "Lena", "Omar", "Kim"):
                assert chain.call(chain.registry.functions.isEligible(ctx.actors[name].address)), name
            assert chain.call(chain.registry.functions.riskClassOf(ctx.actors["Omar"].address)) == 3
            assert chain.call(chain.registry.functions.riskClassOf(ctx.actors["Lena"].address)) == 5
        elif phase == "scored":
            for name in ("Ada", "Ben"):
                assert chain.call(chain.oracle.functions.isFresh(ctx.actors[name].address))
        elif phase == "listed":
            for name, loan in ctx.loans.items():
                onchain = chain.call(market.getLoan(loan.loan_id))
                assert story.STATUS[onchain[4]] == "Listed"
                assert onchain[9] == loan.application["grade"], name
                assert (
                    onchain[8] == chain.call(market.gradeTerms(onchain[9]))[0]
                )  # the market prices the grade
                # listed with the offer the API returned: its terms, its nonce used up on-chain
                terms = loan.application["signedOffer"]["typedData"]["message"]
                assert (onchain[5], onchain[3], onchain[2], onchain[8]) == (
                    terms["maxPrincipal"],
                    terms["maxPeriods"],
                    terms["periodLength"],
                    terms["aprBps"],
                )
                assert chain.call(market.offerUsed(loan.borrower.address, int(terms["nonce"])))
            b = ctx.loans["B"]
            assert chain.call(chain.vault.functions.positionOf(b.loan_id)) == [
                b.collateral.token.address,
                b.collateral_amount,
            ]
            assert b.collateral.token.functions.balanceOf(chain.vault.address).call() >= b.collateral_amount
            assert b.collateral.token.functions.balanceOf(b.borrower.address).call() == 0
        elif phase == "funded":
            for name, loan in ctx.loans.items():
                for lender, amount in loan.funded_by.items():
                    ledger.mint(lender, amount)  # faucet
                    ledger.move(lender, "market", amount)
                    holder, share = chain.call(chain.note.functions.noteInfo(loan.notes[lender]))
                    assert (holder, share) == (ctx.actors[lender].address, amount)
                assert sum(loan.funded_by.values()) == loan.principal, name
            ledger.mint("Platform", story.RESERVE_SEED)
            ledger.move("Platform", "reserve", story.RESERVE_SEED)
        elif phase == "drawn":
            for name, loan in ctx.loans.items():
                funded = sum(loan.funded_by.values())
                fee = ceil_div(funded * ledger.origination_bps, BPS)
                ledger.move("market", "treasury", fee)
                ledger.move("market", loan.borrower.name, funded - fee)
                ledger.mint(loan.borrower.name, story.POCKET_MONEY[loan.borrower.name])
                onchain = chain.call(market.getLoan(loan.loan_id))
                assert (onchain[5], onchain[3]) == (funded, loan.application["offer"]["termMonths"])
                schedule = annuity_rows(funded, onchain[8], onchain[2], onchain[3], onchain[12])
                assert loan.schedule == schedule  # what the borrower is shown (the lens view)
                assert sum(r["principal"] for r in schedule) == funded
                model = LoanModel(
                    funded=funded,
                    shares=dict(loan.funded_by),
                    schedule=schedule,
                    apr_bps=onchain[8],
                    period=onchain[2],
                    drawn_at=onchain[12],
                )
                model.principal_out = model.sched_balance = funded
                model.last_accrual = model.drawn_at
                ledger.loans[name] = model
        if phase in ("month1", "month2", "month3"):
            for name, loan in ctx.loans.items():
                for k in loan.repaid[ledger.repaid_seen.get(name, 0) :]:
                    ledger.repayment(name, k)
                ledger.repaid_seen[name] = len(loan.repaid)
        if phase == "month2":
            b = ctx.loans["B"]
            assert chain.call(lens.delinquencyTier(b.loan_id)) == 1
            assert chain.call(lens.daysPastDue(b.loan_id)) == 10
        if phase == "month3":
            assert story.STATUS[chain.call(market.getLoan(ctx.loans["A"].loan_id))[4]] == "Repaid"
            assert chain.call(lens.delinquencyTier(ctx.loans["B"].loan_id)) == 2
        if phase == "defaulted":
            b, model = ctx.loans["B"], ledger.loans["B"]
            model.accrue(chain.now(), ledger.late_bps)  # markDefault was the last transaction
            assert b.defaulted is not None
            assert (
                b.defaulted["principalOutstanding"],
                b.defaulted["interestUnpaid"],
                b.defaulted["lateFeeUnpaid"],
            ) == (model.principal_out, model.interest_unpaid, model.late_fee)
            assert story.STATUS[chain.call(market.getLoan(b.loan_id))[4]] == "Defaulted"
        if phase == "liquidated":
            b, model = ctx.loans["B"], ledger.loans["B"]
            collateral = b.collateral
            config = chain.call(chain.vault.functions.collateralConfig(collateral.token.address))
            discount = config[3]
            price = chain.call(collateral.feed.functions.latestRoundData())[1]
            scale = 10 ** (collateral.decimals + collateral.feed_decimals - 6)
            assert sum(x["bought"] for x in b.liquidations) == b.collateral_amount
            for purchase in b.liquidations:
                expected = min(
                    ceil_div(purchase["bought"] * price * (BPS - discount), scale * BPS), model.principal_out
                )
                assert purchase["payment"] == expected
                ledger.mint("Liam", purchase["payment"])  # faucet
                ledger.move("Liam", "market", purchase["payment"])
                model.apply(purchase["payment"])  # recoveries: no fees, all to the notes
                model.credit_lenders(purchase["payment"])
            assert (
                collateral.token.functions.balanceOf(ctx.actors["Liam"].address).call() == b.collateral_amount
            )
            assert chain.call(chain.vault.functions.positionOf(b.loan_id))[1] == 0
        if phase == "covered":
            b, model = ctx.loans["B"], ledger.loans["B"]
            ledger.sweep()  # coverFromReserve sweeps pending fees first
            cap = model.funded * ledger.cap_bps // BPS
            if ledger.cap_absolute:
                cap = min(cap, ledger.cap_absolute)
            cover = min(model.principal_out, cap, ledger.expected["reserve"])
            assert b.cover is not None
            assert b.cover["covered"] == cover
            assert b.cover["loss"] == model.principal_out - cover
            ledger.move("reserve", "market", cover)
            model.credit_lenders(cover)
        for loan_name in CLAIMS_AFTER.get(phase, ()):
            ledger.claim(loan_name)
        if phase in SWEEP_AFTER:
            ledger.sweep()
        ledger.check(phase)

    return on_phase


def test_full_lifecycle_balances_to_the_base_unit(platform):
    _require_lending(platform)
    ctx = _lifecycle(platform)
    ledger_box: dict[str, Ledger] = {}

    def on_phase(phase, ctx):
        if phase == "liquidity":
            _check_liquidity(ctx)
            return
        if phase == "onboarded":
            ledger_box["ledger"] = Ledger(ctx)
            ledger_box["check"] = _phase_checks(ledger_box["ledger"])
        ledger_box["check"](phase, ctx)

    started = time.monotonic()
    try:
        story.run_scenario(ctx, on_phase)
    finally:
        ctx.close()
    print(f"lifecycle ran in {time.monotonic() - started:.1f}s")

    # the read side: the indexer followed the chain into the API's loan book
    a, b = ctx.loans["A"], ctx.loans["B"]

    def indexed() -> dict:
        platform.indexer.check_alive()
        items = httpx.get(f"{platform.stack.api_url}/v2/loans", params={"limit": 200}, timeout=30).json()[
            "items"
        ]
        return {i["loanId"]: i for i in items if i["loanId"] in (a.loan_id, b.loan_id)}

    def caught_up() -> dict | None:
        seen = indexed()
        # B's liquidation follows its default: its collateral at zero means the indexer is past it
        if (
            seen.get(a.loan_id, {}).get("status") == "repaid"
            and seen.get(b.loan_id, {}).get("status") == "defaulted"
            and seen.get(b.loan_id, {}).get("collateralAmount") == "0"
        ):
            return seen
        return None

    seen = story.wait_until(caught_up, 60, "the indexer to reach the end of the story", interval=0.5)
    model_a = ledger_box["ledger"].loans["A"]
    # base-unit amounts are decimal strings on the wire (README "API conventions")
    assert seen[a.loan_id]["principal"] == str(model_a.funded)
    assert seen[a.loan_id]["principalRepaid"] == str(model_a.funded)
    assert seen[a.loan_id]["interestPaid"] == str(sum(r["interest"] for r in a.schedule))
    assert seen[a.loan_id]["outstandingPrincipal"] == "0"
    # the vault's events: pledged at listing, then all of it sold to the liquidator
    assert b.collateral_amount > 0
    assert seen[b.loan_id]["collateralToken"] == b.collateral.token.address
    # the fees fixed into each loan at drawdown
    for loan in (a, b):
        fees = (seen[loan.loan_id][k] for k in ("servicingFeeBps", "reserveShareBps", "lateFeeBpsPerDay"))
        assert tuple(fees) == (
            ledger_box["ledger"].servicing_bps,
            ledger_box["ledger"].reserve_bps,
            ledger_box["ledger"].late_bps,
        )
    assert seen[b.loan_id]["principal"] == str(ledger_box["ledger"].loans["B"].funded)

    # the loan page shows the contractual schedule and every repayment
    detail = httpx.get(f"{platform.stack.api_url}/v2/loans/{a.loan_id}", timeout=30).json()
    assert [
        (r["period"], _unix(r["dueAt"]), int(r["payment"]), int(r["interest"]), int(r["principal"]))
        for r in detail["schedule"]
    ] == [(r["k"], r["due"], r["amount"], r["interest"], r["principal"]) for r in model_a.schedule]
    assert [(int(r["amount"]), int(r["interest"]), int(r["principal"])) for r in detail["repayments"]] == [
        (r["amount"], r["interest"], r["principal"]) for r in model_a.schedule
    ]
    assert detail["chain"] == {**detail["chain"], "amountDue": "0", "payoff": "0"}  # repaid: owes nothing
    # a defaulted loan: what the chain says is owed, read at one block
    owed = httpx.get(f"{platform.stack.api_url}/v2/loans/{b.loan_id}", timeout=30).json()["chain"]
    assert owed["error"] is None and owed["blockNumber"] > 0, owed
    due = ctx.chain.lens.functions.amountDue(b.loan_id).call(block_identifier=owed["blockNumber"])
    assert int(owed["amountDue"]) == due
    assert owed["amountDue"] == owed["payoff"]  # once defaulted, what is due is everything
    # a lender's own portfolio (SIWE token), one holding per note
    lena = ctx.actors["Lena"]
    portfolio = story.Api.sign_in(platform.stack.api_url, lena.account).get(
        f"/v2/wallets/{lena.address}/portfolio"
    )
    # invested counts every note Lena funded, the one she sold in section 11 included; she holds the rest
    every_loan = [*ctx.loans.values(), *ctx.liquidity_loans.values()]
    assert int(portfolio["invested"]) == sum(loan.funded_by.get("Lena", 0) for loan in every_loan)
    assert sorted(h["noteId"] for h in portfolio["holdings"]) == sorted(
        loan.notes["Lena"] for loan in ctx.loans.values()
    )
    _check_metrics(platform, ctx)


def _metric(text: str, name: str, **labels: str) -> float | None:
    for line in text.splitlines():
        if line.startswith("#") or not line.startswith(name):
            continue
        head, value = line.rsplit(" ", 1)
        metric, _, rest = head.partition("{")
        found = dict(re.findall(r'(\w+)="([^"]*)"', rest))
        if metric == name and all(found.get(k) == v for k, v in labels.items()):
            return float(value)
    return None


def _check_metrics(platform, ctx) -> None:
    """/metrics carries the loan book, the reserve, the index's lag and the oracle's latency, and they
    agree with the API and the chain."""
    api = platform.stack.api_url
    loans = httpx.get(f"{api}/v2/loans", params={"limit": 200}, timeout=30).json()["items"]
    text = httpx.get(f"{api}/metrics", timeout=30).text
    for status in {loan["status"] for loan in loans}:
        expected = sum(1 for loan in loans if loan["status"] == status)
        assert _metric(text, "peerlend_loans", status=status) == expected, status
    active = [loan for loan in loans if loan["status"] == "active"]
    assert sum(_metric(text, "peerlend_active_loans", tier=str(t)) or 0 for t in range(4)) == len(active)
    outstanding = sum(_metric(text, "peerlend_principal_outstanding", tier=str(t)) or 0 for t in range(4))
    assert outstanding == sum(int(loan["outstandingPrincipal"]) for loan in active)
    assert _metric(text, "peerlend_reserve_balance") == ctx.chain.reserve.functions.balance().call()
    assert _metric(text, "peerlend_indexer_lag_blocks") is not None
    assert (_metric(text, "peerlend_oracle_approval_to_chain_seconds_count") or 0) >= 1
    assert _metric(text, "peerlend_db_pool_size") is not None


def _check_liquidity(ctx) -> None:
    """Section 11: Kim's mandate funded loan C (the note is Kim's, the money came from Kim's own AutoInvest
    balance); Lena sold her note mid-loan to Omar, who alone received installment 2's share of it."""
    chain, loan = ctx.chain, ctx.liquidity_loans["C"]
    kim, lena, omar = (ctx.actors[n] for n in ("Kim", "Lena", "Omar"))
    auto, market = chain.auto_invest.functions, chain.market.functions
    ticket = loan.funded_by["Kim"]
    assert chain.call(chain.note.functions.ownerOf(loan.notes["Kim"])) == kim.address
    assert chain.call(auto.allocated(loan.loan_id, kim.address))
    deposited, withdrawn, invested, returned, balance, _, _ = chain.call(auto.accountOf(kim.address))
    assert (deposited, withdrawn, invested) == (ticket * 5, 0, ticket)
    assert returned > 0 and balance == deposited - invested + returned
    assert chain.call(chain.token.functions.balanceOf(chain.auto_invest.address)) == balance  # no pool
    sold_note = loan.notes["Omar"]
    assert "Lena" not in loan.notes and chain.call(chain.note.functions.ownerOf(sold_note)) == omar.address
    sale = chain.market.events.NoteSold().get_logs(from_block=0, argument_filters={"noteId": sold_note})
    assert [(e["args"]["seller"], e["args"]["buyer"]) for e in sale] == [(lena.address, omar.address)]
    claims = chain.market.events.Claimed().get_logs(from_block=0, argument_filters={"noteId": sold_note})
    assert [e["args"]["holder"] for e in claims] == [omar.address]  # earned before the sale went with it
    assert sale[0]["args"]["sellerEarned"] > 0
    assert chain.call(market.claimable(sold_note)) == 0
    _check_market_api(ctx, sale[0]["args"])


def _check_market_api(ctx, sold: dict) -> None:
    """The market's API: the sale indexed with what Lena realised, a quote equal to the lens's at its
    block, and a mandate signed from the typed data the API returns, set by someone else."""
    chain, loan, api_url = ctx.chain, ctx.liquidity_loans["C"], ctx.stack.api_url
    lena, kim = ctx.actors["Lena"], ctx.actors["Kim"]
    as_lena = story.Api.sign_in(api_url, lena.account)

    def indexed_sale() -> dict | None:
        resale = as_lena.get(f"/v2/wallets/{lena.address}/resale")
        return resale if resale["sold"] else None

    resale = story.wait_until(indexed_sale, 30, "the indexer to record the sale", interval=0.5)
    [sale] = resale["sold"]
    assert (sale["noteId"], sale["buyer"], int(sale["price"]), int(sale["fee"])) == (
        str(sold["noteId"]),
        ctx.actors["Omar"].address,
        sold["price"],
        sold["fee"],
    )
    assert int(resale["realizedGainLoss"]) == sold["price"] - sold["fee"] - int(sale["principalAtSale"])
    portfolio = as_lena.get(f"/v2/wallets/{lena.address}/portfolio")  # the same, in the portfolio
    assert (portfolio["notesSold"], portfolio["soldFor"]) == (1, str(sold["price"]))
    assert portfolio["realizedGainLoss"] == resale["realizedGainLoss"]
    assert all(h["offerPrice"] is None for h in portfolio["holdings"])  # nothing left on offer
    assert (
        resale["onOffer"] == [] and httpx.get(f"{api_url}/v2/market/offers", timeout=30).json()["items"] == []
    )

    note_id = loan.notes["Kim"]
    quote = httpx.get(f"{api_url}/v2/market/notes/{note_id}/quote", params={"price": 500 * 10**6}, timeout=30)
    assert quote.status_code == 200, quote.text
    q = quote.json()
    onchain = chain.lens.functions.quote(note_id, 500 * 10**6).call(block_identifier=q["blockNumber"])
    assert (int(q["par"]), q["yieldBps"], q["remainingPeriods"]) == (onchain[2], onchain[4], onchain[9])

    body = {
        "lender": kim.address,
        "grades": 3,
        "minAprBps": 0,
        "maxTermDays": 400,
        "amountPerLoan": "1000000",
        "maxPerBorrower": "5000000",
        "lockTier": 0,
    }
    typed = httpx.post(f"{api_url}/v2/auto-invest/mandates/typed-data", json=body, timeout=30).json()
    signature = Account.sign_message(
        encode_typed_data(full_message=typed["typedData"]), kim.account.key
    ).signature
    mandate = (3, 0, 400, 1_000_000, 5_000_000, 0, True)
    submit = chain.auto_invest.functions.setMandateBySig(kim.address, mandate, typed["deadline"], signature)
    chain.send(submit, ctx.actors["Liam"].account)  # anyone may submit it
    assert list(chain.call(chain.auto_invest.functions.mandateOf(kim.address))) == list(mandate)
    account = story.Api.sign_in(api_url, kim.account).get(f"/v2/wallets/{kim.address}/auto-invest")
    onchain = chain.auto_invest.functions.accountOf(kim.address).call(block_identifier=account["blockNumber"])
    assert [int(account[k]) for k in ("deposited", "withdrawn", "invested", "returned", "balance")] == list(
        onchain[:5]
    )
    assert account["mandate"]["grades"] == 3 and account["mandate"]["amountPerLoan"] == "1000000"


def _unix(iso: str) -> int:
    return int(datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp())
