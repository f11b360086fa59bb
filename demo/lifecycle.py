"""The PeerLend lifecycle as a script of small steps, each a function over one `Lifecycle` context.

Everything goes through public interfaces: the HTTP API (wallets signed in with SIWE, staff with an
operator API key) and contract calls each wallet signs with its own key. The only privileged things the
script does are those of a local chain: moving its clock, giving wallets gas money, minting the mock
stablecoin and collateral token (faucets) and moving the mock price feed (as a price keeper would).

`PHASES` is the story as (name, function) steps, each named for the state it leaves the platform in, so
it can be played one phase at a time (the end-to-end test runs it forward as its tests ask for a phase
and checks each). `run_scenario(ctx, on_phase)` plays it whole after `prepare(ctx)`, calling
`on_phase(name, ctx)` after each phase, and prints the summary.

Story: two borrowers pass KYC and apply; each approved application carries an offer signed by the
risk service, which the borrower lists with. Ada (strong file, grade A) borrows 10,000 over 3 monthly
installments, unsecured; Ben (thinner file, around grade D) borrows 3,000 over 6, secured by collateral
(his grade's offer names the collateral token where the pricing table requires one).
Three investors pass KYC and suitability and fund both loans. Ada repays every installment on its due
date; Ben pays the first, then stops: 1-30, 31-90, then more than 90 days late, his loan is defaulted,
a liquidator buys his collateral after its price fell, and the reserve fund covers what is left.
None of it raises an AML alert; the last phase scripts one structuring case and works it to a freeze.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from eth_account import Account
from eth_account.messages import encode_typed_data
from web3.logs import DISCARD

from backend.loans.note_ids import index_of, loan_of
from demo import people
from demo.api import Api, ApiError
from demo.chain import DAY, USD, Chain
from demo.stack import Stack

MAX_UINT = 2**256 - 1
ZERO_ADDRESS = "0x" + "00" * 20
RAY = 10**27
# Gas for transactions mined at a chosen future time: an estimate taken now would miss the accrual work
# (due dates passed) that the transaction does then.
TIMED_TX_GAS = 1_000_000
LISTING_WINDOW = 7 * DAY
STATUS = ("None", "Listed", "Drawn", "Repaid", "Defaulted", "Cancelled", "Expired")
TIERS = ("current", "1-30 days late", "31-90 days late", "more than 90 days late")
# What the story moves besides the loans themselves (the borrowers' other income, the platform's seed money).
POCKET_MONEY = {"Ada": 1_000 * USD, "Ben": 200 * USD}
RESERVE_SEED = 2_000 * USD


def usd(amount: int) -> str:
    sign = "-" if amount < 0 else ""
    whole, frac = divmod(abs(int(amount)), USD)
    return f"{sign}{whole:,}.{frac:06d}"


@dataclass
class Actor:
    name: str
    role: str  # borrower | lender | liquidator | platform
    account: Any
    api: Api | None = None
    kyc_application: dict | None = None
    risk_class: int | None = None

    @property
    def address(self) -> str:
        return self.account.address


@dataclass
class Loan:
    name: str
    borrower: Actor
    application: dict
    loan_id: int | None = None
    principal: int = 0
    num_periods: int = 0
    collateral: Any = None  # CollateralType
    collateral_amount: int = 0
    notes: dict[str, int] = field(default_factory=dict)  # lender name -> note id
    funded_by: dict[str, int] = field(default_factory=dict)  # lender name -> amount
    schedule: list[dict] = field(default_factory=list)  # from the lens at drawdown
    drawn_at: int = 0
    repaid: list[int] = field(default_factory=list)  # installment numbers paid
    liquidations: list[dict] = field(default_factory=list)
    cover: dict | None = None
    defaulted: dict | None = None


class Lifecycle:
    def __init__(self, stack: Stack, chain: Chain | None = None, out: Callable[[str], None] = print):
        self.stack = stack
        self.chain = chain or Chain(stack)
        self.out = out
        self.admin = Api.operator(stack.api_url, stack.admin_key)
        self.operator: dict[str, Api] = {}
        self.actors: dict[str, Actor] = {}
        self.applications: dict[str, dict] = {}  # borrower name -> approved application, scored to listed
        self.loans: dict[str, Loan] = {}
        self.claimed: dict[str, int] = {}  # lender name -> total claimed
        self.liquidity_loans: dict[str, Loan] = {}  # the resale and auto-invest story (section 11)
        self.aml: dict[str, Any] = {}  # the structuring case of section 12 (demo/aml.py)
        self.restructuring: dict[str, Any] = {}  # the restructured loan of sections 13-14
        self.collections: dict[str, Any] = {}  # the collection cases of sections 7b, 13b, 14b
        self.timeline: list[tuple[int, str]] = []
        self.t0 = 0  # drawdown time of the first loan: "day N" in the narration counts from it
        self.started = time.monotonic()

    # --------------------------------------------------------------- narration

    def say(self, text: str) -> None:
        day = ""
        if self.t0:
            day = f"day {(self.chain.now() - self.t0) / DAY:6.1f} "
        self.out(f"[{time.monotonic() - self.started:6.1f}s] {day}{text}")

    def headline(self, text: str) -> None:
        self.out("")
        self.out(f"== {text}")

    def close(self) -> None:
        for actor in self.actors.values():
            if actor.api is not None:
                actor.api.close()
        for api in self.operator.values():
            api.close()
        self.admin.close()


# ------------------------------------------------------------------------------------------ staff


def create_operator_keys(ctx: Lifecycle, roles=("reviewer", "compliance", "oracle")) -> dict[str, str]:
    """The admin issues one API key per staff role (an operator key carries roles, not a wallet)."""
    keys = {}
    for role in roles:
        created = ctx.admin.post(
            "/v2/admin/api-keys", {"name": f"demo-{role}-{int(time.time())}", "roles": [role]}, expect=(201,)
        )
        keys[role] = created["key"]
        ctx.operator[role] = Api.operator(ctx.stack.api_url, created["key"])
    ctx.say(f"admin issued operator keys for {', '.join(roles)}")
    return keys


# ------------------------------------------------------------------------------------------ onboarding


def new_wallet(ctx: Lifecycle, name: str, role: str) -> Actor:
    account = Account.create()
    ctx.chain.give_gas_money(account.address)
    actor = Actor(name=name, role=role, account=account)
    ctx.actors[name] = actor
    return actor


def onboard(
    ctx: Lifecycle, name: str, role: str, questionnaire: dict, submission: dict | None = None
) -> Actor:
    """A new wallet signs in (SIWE), answers suitability, submits KYC (a new person's identity unless
    `submission` names one); a reviewer approves it if the service sent it to manual review; the
    attestation lands on-chain in IdentityRegistry."""
    actor = new_wallet(ctx, name, role)
    actor.api = Api.sign_in(ctx.stack.api_url, actor.account)
    assessment = actor.api.post("/v2/suitability", questionnaire, expect=(201,), idempotent=True)
    actor.risk_class = assessment["riskClass"]
    application = actor.api.post(
        "/v2/kyc/applications",
        submission or people.kyc_submission(name_for_kyc(name)),
        expect=(201,),
        idempotent=True,
    )
    if application["status"] == "in_review":
        ctx.say(
            f"{name}: KYC sent to manual review ({', '.join(application['reviewReasons'])}); "
            "the reviewer approves"
        )
        application = ctx.operator["reviewer"].post(
            f"/v2/kyc/applications/{application['id']}/approve", {"reason": "documents_verified"}
        )
    if application["status"] != "approved":
        raise RuntimeError(f"{name}: KYC {application['status']}: {application.get('rejectReasons')}")
    actor.kyc_application = application
    wait_until(
        lambda: ctx.chain.call(ctx.chain.registry.functions.isEligible(actor.address)),
        30,
        f"{name}'s attestation on-chain",
    )
    identity = ctx.chain.call(ctx.chain.registry.functions.identityOf(actor.address))
    ctx.say(
        f"{name} ({role}) {actor.address}: KYC approved, level {identity[0]}, investor risk class "
        f"{identity[1]}, attested on-chain (tx {application['attestation'].get('txHash') or 'n/a'})"
    )
    return actor


def name_for_kyc(name: str) -> str:
    # Clear, unremarkable legal names (the sanctions screen compares names, so no celebrities).
    return {
        "Ada": "Ada Lindqvist",
        "Ben": "Benedikt Okafor",
        "Lena": "Lena Marchetti",
        "Omar": "Omar Haddad",
        "Kim": "Kim Sorensen",
    }.get(name, f"{name} Testperson")


def wait_until(predicate: Callable[[], Any], timeout: float, what: str, interval: float = 0.25) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout:.0f}s waiting for {what}")
        time.sleep(interval)


# ------------------------------------------------------------------------------------------ credit


def apply_for_loan(
    ctx: Lifecycle,
    borrower: Actor,
    amount: int,
    term_months: int,
    purpose: str,
    monthly_income: int,
    attributes: dict,
) -> dict:
    """The borrower applies; the service scores (scorecard points, PD, grade, reasons) and prices the
    offer. An application sent to manual review is approved by the reviewer."""
    body = {  # base-unit amounts travel as decimal strings (README "API conventions")
        "amount": str(amount),
        "termMonths": term_months,
        "purpose": purpose,
        "monthlyIncome": str(monthly_income),
        "attributes": attributes,
    }
    api = borrower.api
    assert api is not None, f"{borrower.name} has not signed in"
    app = api.post("/v2/loan-applications", body, expect=(201,), idempotent=True)
    if app["status"] == "review":
        ctx.say(f"{borrower.name}: application in manual review; reviewer approves")
        ctx.operator["reviewer"].post(
            f"/v2/risk/reviews/{app['id']}", {"decision": "approve", "note": "income and history verified"}
        )
        app = api.get(f"/v2/loan-applications/{app['id']}")
    if app["status"] != "approved":
        raise RuntimeError(f"{borrower.name}'s application was {app['status']}")
    offer = app["offer"]
    reasons = ", ".join(r["code"] for r in app["reasons"][:2]) or "none"
    ctx.say(
        f"{borrower.name}: score {app['score']}, PD {app['pdBps'] / 100:.2f}%, grade {app['gradeLetter']}"
        f" -> offer {usd(int(offer['principal']))} at {offer['aprBps'] / 100:.2f}% APR over "
        f"{offer['termMonths']} months (main reasons: {reasons})"
    )
    return app


def await_credit_records(ctx: Lifecycle, applications: dict[str, dict], timeout: float = 90) -> None:
    """The oracle nodes sign the approved scores and the aggregator pushes them: wait until
    CreditOracle holds each borrower's record and isFresh() is true."""
    oracle = ctx.chain.oracle.functions

    def published() -> bool:
        for name, app in applications.items():
            borrower = ctx.actors[name].address
            record = ctx.chain.call(oracle.recordOf(borrower))
            if (
                record[0] != app["score"]
                or record[1] != app["grade"]
                or not ctx.chain.call(oracle.isFresh(borrower))
            ):
                return False
        return True

    started = time.monotonic()
    try:
        wait_until(published, timeout, "the oracle to publish the credit records", interval=0.5)
    except TimeoutError as exc:
        raise TimeoutError(f"{exc}; the service's reports: {_reports_of(ctx, applications)}") from None
    for name in applications:
        record = ctx.chain.call(oracle.recordOf(ctx.actors[name].address))
        ctx.say(
            f"CreditOracle: {name} score {record[0]}, grade {'ABCDEFG'[record[1] - 1]}, PD {record[2]} bps, "
            f"model v{record[3]}, as of {record[4]} (fresh)"
        )
    ctx.say(
        f"oracle round {ctx.chain.call(oracle.lastRound())} confirmed "
        f"{time.monotonic() - started:.1f}s after approval"
    )


def _reports_of(ctx: Lifecycle, applications: dict[str, dict]) -> list[dict]:
    """What the oracle feed says about these borrowers' reports (for a failure message)."""
    wanted = {ctx.actors[name].address for name in applications}
    api = ctx.operator.get("oracle") or ctx.admin
    try:
        items = api.get("/v2/oracle/reports", params={"limit": 1000})["items"]
    except ApiError as exc:
        return [{"error": str(exc)}]
    keys = ("id", "borrower", "status", "round", "reason", "asOf")
    return [{k: r.get(k) for k in keys} for r in items if r["borrower"] in wanted] + [
        {"chain_time": ctx.chain.now(), "wall_time": int(time.time())}
    ]


# ------------------------------------------------------------------------------------------ money


def faucet(ctx: Lifecycle, actor: Actor, amount: int) -> None:
    """Local chain only: the mock stablecoin mints to anyone."""
    ctx.chain.send(ctx.chain.token.functions.mint(actor.address, amount), actor.account)


def approve(ctx: Lifecycle, actor: Actor, token, spender: str, amount: int) -> None:
    ctx.chain.send(token.functions.approve(spender, amount), actor.account)


def top_up_reserve(ctx: Lifecycle, platform: Actor, amount: int) -> None:
    """Anyone may add to the provision fund; the platform seeds it."""
    faucet(ctx, platform, amount)
    approve(ctx, platform, ctx.chain.token, ctx.chain.reserve.address, amount)
    ctx.chain.send(ctx.chain.reserve.functions.deposit(amount), platform.account)
    ctx.say(
        f"{platform.name} deposited {usd(amount)} into the reserve fund "
        f"(balance {usd(ctx.chain.call(ctx.chain.reserve.functions.balance()))})"
    )


# ------------------------------------------------------------------------------------------ the loan book


def _event(contract, name: str, receipt) -> dict:
    events = getattr(contract.events, name)().process_receipt(receipt, errors=DISCARD)
    if not events:
        raise RuntimeError(f"no {name} event in transaction {receipt['transactionHash'].hex()}")
    return dict(events[0]["args"])


def collateral_amount_for(
    ctx: Lifecycle, collateral, principal: int, grade: int, headroom_bps: int = 12_000
) -> int:
    """Collateral that admits `principal` at the grade's maximum LTV, with headroom (default 120 %)."""
    config = ctx.chain.call(ctx.chain.vault.functions.collateralConfig(collateral.token.address))
    max_ltv = config[7][grade - 1]
    if max_ltv == 0:
        raise RuntimeError(f"grade {'ABCDEFG'[grade - 1]} may not pledge {collateral.symbol}")
    price = ctx.chain.call(collateral.feed.functions.latestRoundData())[1]
    # value (stablecoin units) = amount * price / 10^(tokenDecimals + feedDecimals - 6)
    needed_value = principal * 10_000 * headroom_bps // (max_ltv * 10_000)
    scale = 10 ** (collateral.decimals + collateral.feed_decimals)
    return -(-needed_value * scale // (price * USD))


def refresh_price(ctx: Lifecycle, collateral, price: int | None = None) -> int:
    """The price keeper posts a fresh round (the vault rejects answers older than the heartbeat)."""
    if price is None:
        price = ctx.chain.call(collateral.feed.functions.latestRoundData())[1]
    keeper = ctx.actors.get("Keeper") or new_wallet(ctx, "Keeper", "platform")
    ctx.chain.send(collateral.feed.functions.setPrice(price), keeper.account)
    return price


def signed_offer(ctx: Lifecycle, borrower: Actor, application: dict, attempts: int = 5) -> dict:
    """The application's signed offer, as the API returns it. One the service could not sign yet (the
    chain was out of reach) is asked for again: reading the application retries the signing."""
    offer = application.get("signedOffer") or {}
    api = borrower.api
    assert api is not None, f"{borrower.name} has not signed in"
    for _ in range(attempts):
        if offer.get("status") == "signed":
            return offer
        time.sleep(1)
        offer = api.get(f"/v2/loan-applications/{application['id']}").get("signedOffer") or {}
    raise RuntimeError(
        f"{borrower.name}'s offer was not signed: {offer.get('reason')}: {offer.get('detail')}"
    )


def offer_struct(offer: dict) -> tuple:
    """The LoanOffer struct from the offer's typed data (its uint256 nonce travels as decimal text)."""
    fields = [f["name"] for f in offer["typedData"]["types"]["LoanOffer"]]
    message = offer["typedData"]["message"]
    return tuple(int(message[f]) if f == "nonce" else message[f] for f in fields)


def list_loan(ctx: Lifecycle, name: str, borrower: Actor, application: dict, collateral=None) -> Loan:
    """The borrower lists the loan the risk service offered, with the offer's typed data and signature:
    the market checks the signature and lists within the offer (principal, term, period, grade, APR).
    A grade that requires collateral names the collateral token in the offer; the borrower may also
    secure a loan of another grade (`collateral`). The pledge goes to the vault (approved beforehand)."""
    offer = signed_offer(ctx, borrower, application)
    terms = offer["typedData"]["message"]
    loan = Loan(
        name=name,
        borrower=borrower,
        application=application,
        principal=terms["maxPrincipal"],
        num_periods=terms["maxPeriods"],
    )
    if terms["collateralToken"] != ZERO_ADDRESS:
        named = [c for c in ctx.chain.collateral_types() if c.token.address == terms["collateralToken"]]
        if not named:
            raise RuntimeError(
                f"the offer asks for collateral {terms['collateralToken']} the vault does not take"
            )
        collateral = named[0]
    token, amount = ZERO_ADDRESS, 0
    if collateral is not None:
        refresh_price(ctx, collateral)
        amount = max(
            collateral_amount_for(ctx, collateral, loan.principal, terms["grade"]), terms["minCollateral"]
        )
        ctx.chain.send(collateral.token.functions.mint(borrower.address, amount), borrower.account)
        approve(ctx, borrower, collateral.token, ctx.chain.vault.address, amount)
        token = collateral.token.address
        loan.collateral, loan.collateral_amount = collateral, amount
    deadline = ctx.chain.now() + LISTING_WINDOW
    params = (loan.principal, 0, loan.num_periods, terms["periodLength"], deadline, token, amount)
    agreement = sign_agreement(ctx, borrower, application, params)
    signature = bytes.fromhex(offer["signature"][2:])
    binding = bytes.fromhex(agreement["agreementHash"][2:])
    receipt = ctx.chain.send(
        ctx.chain.market.functions.list(params, offer_struct(offer), signature, binding), borrower.account
    )
    listed = _event(ctx.chain.market, "LoanListed", receipt)
    loan.loan_id = listed["loanId"]
    ctx.loans[name] = loan
    secured = (
        f", secured by {amount / 10**collateral.decimals:.4f} {collateral.symbol}"
        if collateral is not None
        else ", unsecured"
    )
    ctx.say(
        f"{borrower.name} listed loan #{loan.loan_id} with the risk service's signed offer (nonce "
        f"{terms['nonce'][:12]}..., valid until {terms['expiry']}): {usd(loan.principal)} grade "
        f"{'ABCDEFG'[listed['grade'] - 1]} at {listed['aprBps'] / 100:.2f}% over {loan.num_periods} x "
        f"{terms['periodLength'] // DAY} days{secured}"
    )
    return loan


def sign_agreement(ctx: Lifecycle, borrower: Actor, application: dict, params: tuple) -> dict:
    """The loan agreement of the offer and these listing terms, rendered by the service; the borrower's
    wallet signs its EIP-712 typed data and posts the signature. The listing binds its hash."""
    api = borrower.api
    assert api is not None, f"{borrower.name} has not signed in"
    principal, min_fill, periods, _, deadline, token, amount = params
    body = {
        "applicationId": application["id"],
        "principal": str(principal),
        "minFill": str(min_fill),
        "numPeriods": periods,
        "listingDeadline": deadline,
        "collateralToken": token,
        "collateralAmount": str(amount),
    }
    agreement = api.post("/v2/agreements", body, expect=(201,), idempotent=True)
    typed = agreement["typedData"]
    message = {
        k: int(v) if k in ("principal", "minFill", "collateralAmount") else v
        for k, v in typed["message"].items()
    }
    signed = borrower.account.sign_message(encode_typed_data(full_message={**typed, "message": message}))
    api.post(
        f"/v2/agreements/{agreement['id']}/signature", {"signature": "0x" + bytes(signed.signature).hex()}
    )
    return agreement


def show_agreement(ctx: Lifecycle, loan: Loan) -> None:
    """A listed loan's agreement as anyone reads it, once the index has its binding: the borrower's
    signature recovered and matched, and the hash bound on-chain equal to the signed one."""
    api = loan.borrower.api
    assert api is not None
    path = f"/v2/loans/{loan.loan_id}/agreement"

    def bound() -> dict | None:
        view = api.get(path, params={"format": "json"}, expect=(200, 404))
        return view if "binding" in view else None

    view = wait_until(bound, 60, f"the index to bind loan #{loan.loan_id}'s agreement")
    signature, binding = view["borrowerSignature"], view["binding"]
    ctx.say(
        f"loan #{loan.loan_id}'s agreement {view['agreementHash'][:18]}... (template "
        f"{view['templateVersion']}): signed by {signature['recovered']} "
        f"({'verified' if signature['verified'] else 'NOT VERIFIED'}), bound at listing in "
        f"{binding['txHash'][:18]}... ({'the signed one' if binding['matchesSigned'] else 'NO MATCH'}); "
        f"{path} renders it as HTML and, with ?format=pdf, as PDF"
    )


def fund(ctx: Lifecycle, loan: Loan, lender: Actor, amount: int) -> int:
    approve(ctx, lender, ctx.chain.token, ctx.chain.market.address, amount)
    receipt = ctx.chain.send(ctx.chain.market.functions.fund(loan.loan_id, amount), lender.account)
    note_id = _event(ctx.chain.market, "LoanFunded", receipt)["noteId"]
    loan.notes[lender.name] = note_id
    loan.funded_by[lender.name] = amount
    ctx.say(
        f"{lender.name} funded {usd(amount)} of loan #{loan.loan_id} -> note "
        f"{loan_of(note_id)}/{index_of(note_id)} (gas {receipt['gasUsed']:,})"
    )
    return note_id


def draw_down(ctx: Lifecycle, loan: Loan) -> dict:
    receipt = ctx.chain.send(ctx.chain.market.functions.drawdown(loan.loan_id), loan.borrower.account)
    drawn = _event(ctx.chain.market, "LoanDrawn", receipt)
    loan.drawn_at = ctx.chain.w3.eth.get_block(receipt["blockNumber"])["timestamp"]
    loan.schedule = schedule_of(ctx, loan)
    ctx.say(
        f"{loan.borrower.name} drew down loan #{loan.loan_id}: {usd(drawn['principal'])} minus "
        f"origination fee {usd(drawn['originationFee'])}; installment {usd(drawn['installment'])}"
    )
    return drawn


def schedule_of(ctx: Lifecycle, loan: Loan) -> list[dict]:
    """The contractual schedule, from the market's lens."""
    rows = ctx.chain.call(ctx.chain.lens.functions.schedule(loan.loan_id))
    return [
        {"k": i + 1, "due": r[0], "amount": r[1], "interest": r[2], "principal": r[3]}
        for i, r in enumerate(rows)
    ]


def repay_on_due_date(ctx: Lifecycle, loan: Loan, k: int) -> dict:
    """The borrower pays installment k exactly on its due date (so it pays exactly the schedule)."""
    row = loan.schedule[k - 1]
    approve(ctx, loan.borrower, ctx.chain.token, ctx.chain.market.address, row["amount"])
    ctx.chain.next_block_at(row["due"])
    receipt = ctx.chain.send(
        ctx.chain.market.functions.repay(loan.loan_id, row["amount"]), loan.borrower.account, gas=TIMED_TX_GAS
    )
    paid = _event(ctx.chain.market, "LoanRepaid", receipt)
    loan.repaid.append(k)
    ctx.say(
        f"{loan.borrower.name} repaid installment {k}/{loan.num_periods} of loan #{loan.loan_id}: "
        f"{usd(row['amount'])} (interest {usd(paid['interest'])}, principal {usd(paid['principal'])}, "
        f"servicing {usd(paid['servicingFee'])}, reserve {usd(paid['reserveShare'])}; "
        f"gas {receipt['gasUsed']:,})"
    )
    return paid


def claim_all(ctx: Lifecycle, loan: Loan) -> dict[str, int]:
    """Every note holder claims what the note can claim now."""
    claimed = {}
    for lender_name, note_id in loan.notes.items():
        lender = ctx.actors[lender_name]
        available = ctx.chain.call(ctx.chain.market.functions.claimable(note_id))
        if available == 0:
            continue
        receipt = ctx.chain.send(ctx.chain.market.functions.claim(note_id), lender.account)
        amount = _event(ctx.chain.market, "Claimed", receipt)["amount"]
        claimed[lender_name] = amount
        ctx.claimed[lender_name] = ctx.claimed.get(lender_name, 0) + amount
    if claimed:
        ctx.say(
            f"lenders claimed on loan #{loan.loan_id}: "
            + ", ".join(f"{n} {usd(a)}" for n, a in claimed.items())
        )
    return claimed


def sweep_fees(ctx: Lifecycle, by: Actor) -> None:
    reserve, treasury = ctx.chain.call(ctx.chain.market.functions.pendingFees())
    if reserve == 0 and treasury == 0:
        return
    ctx.chain.send(ctx.chain.market.functions.sweepFees(), by.account)
    ctx.say(f"fees swept: {usd(reserve)} to the reserve fund, {usd(treasury)} servicing to the treasury")


def delinquency(ctx: Lifecycle, loan: Loan) -> tuple[int, int, int]:
    lens = ctx.chain.lens.functions
    days = ctx.chain.call(lens.daysPastDue(loan.loan_id))
    tier = ctx.chain.call(lens.delinquencyTier(loan.loan_id))
    due = ctx.chain.call(lens.amountDue(loan.loan_id))
    ctx.say(
        f"loan #{loan.loan_id} ({loan.borrower.name}): {days} days past due -> {TIERS[tier]}; "
        f"amount due now {usd(due)} (late fees included)"
    )
    return days, tier, due


def mark_default(ctx: Lifecycle, loan: Loan, by: Actor) -> dict:
    receipt = ctx.chain.send(ctx.chain.market.functions.markDefault(loan.loan_id), by.account)
    loan.defaulted = _event(ctx.chain.market, "LoanDefaulted", receipt)
    d = loan.defaulted
    ctx.say(
        f"{by.name} marked loan #{loan.loan_id} defaulted: principal {usd(d['principalOutstanding'])}, "
        f"interest {usd(d['interestUnpaid'])}, late fees {usd(d['lateFeeUnpaid'])} frozen"
    )
    return loan.defaulted


def liquidate(ctx: Lifecycle, loan: Loan, liquidator: Actor) -> list[dict]:
    """The liquidator buys the collateral at the feed price less the discount, until none is left;
    the payments enter the loan's repayment waterfall (recoveries go wholly to the notes)."""
    vault = ctx.chain.vault.functions
    for _ in range(10):  # each purchase is capped at the principal still owed; a few suffice
        if ctx.chain.call(vault.positionOf(loan.loan_id))[1] == 0:
            break
        if ctx.chain.call(ctx.chain.market.functions.outstandingPrincipal(loan.loan_id)) == 0:
            break
        bought, payment = ctx.chain.call(vault.quoteLiquidation(loan.loan_id, MAX_UINT))
        faucet(ctx, liquidator, payment)
        approve(ctx, liquidator, ctx.chain.token, ctx.chain.vault.address, payment)
        receipt = ctx.chain.send(vault.liquidate(loan.loan_id, MAX_UINT, payment), liquidator.account)
        event = _event(ctx.chain.vault, "CollateralLiquidated", receipt)
        loan.liquidations.append(
            {"bought": event["collateralAmount"], "payment": event["payment"], "gas": receipt["gasUsed"]}
        )
        ctx.say(
            f"{liquidator.name} bought {event['collateralAmount'] / 10**loan.collateral.decimals:.6f} "
            f"{loan.collateral.symbol} for {usd(event['payment'])} (gas {receipt['gasUsed']:,})"
        )
    return loan.liquidations


def cover_from_reserve(ctx: Lifecycle, loan: Loan, by: Actor) -> dict:
    receipt = ctx.chain.send(ctx.chain.market.functions.coverFromReserve(loan.loan_id), by.account)
    loan.cover = _event(ctx.chain.market, "DefaultCovered", receipt)
    ctx.say(
        f"reserve fund covered {usd(loan.cover['covered'])} of loan #{loan.loan_id}; lenders' loss "
        f"{usd(loan.cover['loss'])} written down on the notes"
    )
    return loan.cover


# ------------------------------------------------------------------------------------------ the story


class ChainClockAhead(RuntimeError):
    """A previous run moved the chain's clock ahead; only a new chain helps."""


def check_chain_clock(ctx: Lifecycle, margin: int = DAY) -> None:
    """Credit records carry the service's wall-clock time. On a chain whose clock a previous run moved
    months ahead they would be stale at once; on one that fell behind real time (anvil after reverting
    to a snapshot) they would be "in the future" and refused, so the clock is brought up to now."""
    ahead = ctx.chain.now() - int(time.time())
    if ahead < 0:
        # An idle anvil's latest block is simply old; calls are simulated at the latest block's time.
        ctx.chain.advance_to(int(time.time()) + 1)
        if ahead < -60:
            ctx.say(f"the chain's latest block was {-ahead} s old; mined one at the current time")
    elif ahead > margin:
        raise ChainClockAhead(
            f"the chain clock is {ahead / DAY:.0f} days ahead of real time (a previous run moved "
            f"it): new credit records would be stale at once; restart with `make down && make up`"
        )


def prepare(ctx: Lifecycle) -> None:
    """What the story needs before its first phase: the lending contracts deployed, the clock at now."""
    if ctx.chain.market is None or ctx.chain.vault is None:
        raise RuntimeError("LoanMarket/CollateralVault are not in the deployment manifest yet")
    check_chain_clock(ctx)


def onboard_everyone(ctx: Lifecycle) -> None:
    ctx.headline("1. Staff and customers: operator keys, KYC, suitability, on-chain attestations")
    create_operator_keys(ctx)
    onboard(ctx, "Ada", "borrower", people.CAUTIOUS_BORROWER)
    onboard(ctx, "Ben", "borrower", people.CAUTIOUS_BORROWER)
    onboard(ctx, "Lena", "lender", people.AGGRESSIVE_INVESTOR)
    onboard(ctx, "Omar", "lender", people.BALANCED_INVESTOR)
    onboard(ctx, "Kim", "lender", people.AGGRESSIVE_INVESTOR)
    new_wallet(ctx, "Liam", "liquidator")
    new_wallet(ctx, "Platform", "platform")


def score_applications(ctx: Lifecycle) -> None:
    ctx.headline("2. Credit: applications scored and priced, scores pushed on-chain by the oracle")
    ada, ben = ctx.actors["Ada"], ctx.actors["Ben"]
    ctx.applications = {
        "Ada": apply_for_loan(ctx, ada, 10_000 * USD, 3, "car_used", 15_000 * USD, people.STRONG_APPLICANT),
        "Ben": apply_for_loan(ctx, ben, 3_000 * USD, 6, "car_used", 4_000 * USD, people.FAIR_APPLICANT),
    }
    await_credit_records(ctx, ctx.applications)


def list_loans(ctx: Lifecycle) -> None:
    ctx.headline("3. Listing: one unsecured loan, one secured by collateral")
    collateral = ctx.chain.collateral_types()
    if not collateral:
        raise RuntimeError("the collateral vault has no collateral type configured")
    list_loan(ctx, "A", ctx.actors["Ada"], ctx.applications["Ada"])
    list_loan(ctx, "B", ctx.actors["Ben"], ctx.applications["Ben"], collateral=collateral[0])
    show_agreement(ctx, ctx.loans["A"])


def fund_loans(ctx: Lifecycle) -> None:
    ctx.headline("4. Funding by KYC'd, suitable investors")
    loan_a, loan_b = ctx.loans["A"], ctx.loans["B"]
    lena, omar, kim = (ctx.actors[name] for name in ("Lena", "Omar", "Kim"))
    a, b = loan_a.principal, loan_b.principal
    fundings = [
        (loan_a, lena, a * 6 // 10),
        (loan_a, omar, a - a * 6 // 10),
        (loan_b, lena, b // 2),
        (loan_b, omar, b // 3),
        (loan_b, kim, b - b // 2 - b // 3),
    ]
    for lender in (lena, omar, kim):
        faucet(ctx, lender, sum(amount for _, who, amount in fundings if who is lender))
    top_up_reserve(ctx, ctx.actors["Platform"], RESERVE_SEED)
    for loan, lender, amount in fundings:
        fund(ctx, loan, lender, amount)


def draw_down_loans(ctx: Lifecycle) -> None:
    ctx.headline("5. Drawdown")
    loan_a, loan_b = ctx.loans["A"], ctx.loans["B"]
    draw_down(ctx, loan_a)
    ctx.chain.advance(60)  # a minute later: the two loans fall due at different moments
    draw_down(ctx, loan_b)
    ctx.t0 = loan_a.drawn_at
    faucet(ctx, ctx.actors["Ada"], POCKET_MONEY["Ada"])  # interest money (the borrowers' other income)
    faucet(ctx, ctx.actors["Ben"], POCKET_MONEY["Ben"])


def month_1(ctx: Lifecycle) -> None:
    ctx.headline("6. Month 1: both borrowers pay on the due date; lenders claim")
    loan_a, loan_b = ctx.loans["A"], ctx.loans["B"]
    repay_on_due_date(ctx, loan_a, 1)
    repay_on_due_date(ctx, loan_b, 1)
    claim_all(ctx, loan_a)
    claim_all(ctx, loan_b)
    sweep_fees(ctx, ctx.actors["Platform"])


def month_2(ctx: Lifecycle) -> None:
    ctx.headline("7. Month 2: Ada pays, Ben does not")
    loan_a, loan_b = ctx.loans["A"], ctx.loans["B"]
    repay_on_due_date(ctx, loan_a, 2)
    claim_all(ctx, loan_a)
    sweep_fees(ctx, ctx.actors["Platform"])
    ctx.chain.advance_to(loan_b.schedule[1]["due"] + 10 * DAY)
    delinquency(ctx, loan_b)


def month_3(ctx: Lifecycle) -> None:
    ctx.headline("8. Month 3: Ada's last installment; Ben 31-90 days late")
    chain, loan_a, loan_b = ctx.chain, ctx.loans["A"], ctx.loans["B"]
    repay_on_due_date(ctx, loan_a, 3)
    status = STATUS[chain.call(chain.market.functions.getLoan(loan_a.loan_id))[4]]
    ctx.say(f"loan #{loan_a.loan_id} is {status}")
    claim_all(ctx, loan_a)
    sweep_fees(ctx, ctx.actors["Platform"])
    chain.advance_to(loan_b.schedule[1]["due"] + 35 * DAY)
    delinquency(ctx, loan_b)


def default_ben(ctx: Lifecycle) -> None:
    ctx.headline("9. Default: more than 90 days late")
    loan_b = ctx.loans["B"]
    ctx.chain.advance_to(loan_b.schedule[1]["due"] + 91 * DAY)
    delinquency(ctx, loan_b)
    mark_default(ctx, loan_b, ctx.actors["Platform"])


def liquidate_after_a_price_fall(ctx: Lifecycle) -> None:
    ctx.headline("10. Recovery: collateral liquidated after a price fall, the reserve fund covers the rest")
    chain, loan_b = ctx.chain, ctx.loans["B"]
    # The price falls so far that the collateral fetches about 60 % of the principal still owed.
    feed_price = refresh_price(ctx, loan_b.collateral)
    value = chain.call(chain.vault.functions.collateralValue(loan_b.loan_id))
    owed = chain.call(chain.market.functions.outstandingPrincipal(loan_b.loan_id))
    fallen = max(1, feed_price * owed * 60 // (100 * value))
    refresh_price(ctx, loan_b.collateral, fallen)
    value = chain.call(chain.vault.functions.collateralValue(loan_b.loan_id))
    ctx.say(
        f"{loan_b.collateral.symbol} price fell {100 - 100 * fallen / feed_price:.0f}% (feed {feed_price} -> "
        f"{fallen}); collateral now worth {usd(value)} against {usd(owed)} of principal"
    )
    liquidate(ctx, loan_b, ctx.actors["Liam"])


def cover_the_rest(ctx: Lifecycle) -> None:
    loan_b = ctx.loans["B"]
    cover_from_reserve(ctx, loan_b, ctx.actors["Platform"])
    claim_all(ctx, loan_b)


def sell_and_auto_invest(ctx: Lifecycle) -> None:
    # A deployment without AutoInvest tells the story without its last section.
    if ctx.chain.auto_invest is not None:
        lender_liquidity(ctx, *(ctx.actors[name] for name in ("Ada", "Kim", "Lena", "Omar")))


def structuring_case(ctx: Lifecycle) -> None:
    from demo import aml  # demo.aml builds on this module's steps

    aml.structuring_case(ctx)


def remind_ada(ctx: Lifecycle) -> None:
    from demo import notifications  # demo.notifications builds on this module's steps

    notifications.reminder_email(ctx)


def restructure_a_loan(ctx: Lifecycle) -> None:
    from demo import restructuring  # demo.restructuring builds on this module's steps

    restructuring.restructure_rosas_loan(ctx)


def repay_the_restructured_loan(ctx: Lifecycle) -> None:
    from demo import restructuring

    restructuring.repay_on_the_new_schedule(ctx)


def work_a_collection_case(ctx: Lifecycle) -> None:
    from demo import collections  # demo.collections builds on this module's steps

    collections.work_bens_case(ctx)


def promise_to_pay_after_the_restructuring(ctx: Lifecycle) -> None:
    from demo import collections

    collections.work_rosas_case(ctx)


def close_the_collection_cases(ctx: Lifecycle) -> None:
    from demo import collections

    collections.closed_cases(ctx)


def read_statements_and_resolve_a_complaint(ctx: Lifecycle) -> None:
    from demo import statements  # demo.statements builds on this module's steps

    statements.statements_and_complaint(ctx)


def disclose_the_platform(ctx: Lifecycle) -> None:
    from demo import disclosure  # demo.disclosure builds on this module's steps

    disclosure.disclose(ctx)


# The story in order: each phase is named for the state it leaves the platform in.
PHASES: tuple[tuple[str, Callable[[Lifecycle], None]], ...] = (
    ("onboarded", onboard_everyone),
    ("scored", score_applications),
    ("listed", list_loans),
    ("funded", fund_loans),
    ("drawn", draw_down_loans),
    ("reminded", remind_ada),
    ("month1", month_1),
    ("month2", month_2),
    ("collections_worked", work_a_collection_case),
    ("month3", month_3),
    ("defaulted", default_ben),
    ("liquidated", liquidate_after_a_price_fall),
    ("covered", cover_the_rest),
    ("liquidity", sell_and_auto_invest),
    ("aml", structuring_case),
    ("restructured", restructure_a_loan),
    ("collections_promised", promise_to_pay_after_the_restructuring),
    ("restructured_repaid", repay_the_restructured_loan),
    ("collections_closed", close_the_collection_cases),
    ("statements", read_statements_and_resolve_a_complaint),
    ("disclosed", disclose_the_platform),
)


def print_summary(ctx: Lifecycle) -> None:
    ctx.headline("Summary")
    for line in summary_lines(ctx):
        ctx.out(line)


def run_scenario(ctx: Lifecycle, on_phase: Callable[[str, Lifecycle], None] = lambda *_: None) -> Lifecycle:
    prepare(ctx)
    for name, phase in PHASES:
        phase(ctx)
        on_phase(name, ctx)
    print_summary(ctx)
    return ctx


def lender_liquidity(
    ctx: Lifecycle, borrower: Actor, auto_lender: Actor, seller: Actor, buyer: Actor
) -> Loan:
    """A new loan funded partly by an auto-invest mandate (allocated by the keeper), then a note of it sold
    mid-loan: the seller is paid what the note earned before the sale, the buyer what it earns after."""
    from demo import market  # demo.market builds on this module's steps

    ctx.headline("11. Lender liquidity: an auto-invest mandate funds a listing; a note is sold mid-loan")
    app = apply_for_loan(ctx, borrower, 2_000 * USD, 3, "car_used", 15_000 * USD, people.STRONG_APPLICANT)
    await_credit_records(ctx, {borrower.name: app})
    ticket = int(app["offer"]["principal"]) * 2 // 5
    market.open_mandate(ctx, auto_lender, app["offer"], ticket)
    loan = list_loan(ctx, "C", borrower, app)
    market.await_allocation(ctx, auto_lender, loan)
    rest = loan.principal - loan.funded_by[auto_lender.name]
    faucet(ctx, seller, rest)
    fund(ctx, loan, seller, rest)
    draw_down(ctx, loan)
    faucet(ctx, borrower, POCKET_MONEY["Ada"])
    repay_on_due_date(ctx, loan, 1)
    market.sell_note(ctx, loan, seller, buyer)
    market.reinvest(ctx, auto_lender, loan)
    repay_on_due_date(ctx, loan, 2)
    claim_all(ctx, loan)  # the buyer's first claim: installment 2 only
    # The story's ledger covers loans A and B; this one is told apart.
    ctx.loans.pop("C")
    ctx.liquidity_loans["C"] = loan
    return loan


# ------------------------------------------------------------------------------------------ summary


def summary_lines(ctx: Lifecycle) -> list[str]:
    chain = ctx.chain
    lines = [
        f"{'loan':<6}{'borrower':<10}{'grade':>6}{'APR':>8}{'principal':>16}{'status':>11}"
        f"{'repaid by borrower':>20}{'collateral sold':>17}{'reserve cover':>15}{'written down':>14}"
    ]
    for loan in ctx.loans.values():
        onchain = chain.call(chain.market.functions.getLoan(loan.loan_id))
        repaid = sum(loan.schedule[k - 1]["amount"] for k in loan.repaid)
        recovered = sum(x["payment"] for x in loan.liquidations)
        cover = loan.cover or {"covered": 0, "loss": 0}
        lines.append(
            f"#{loan.loan_id:<5}{loan.borrower.name:<10}{'ABCDEFG'[onchain[9] - 1]:>6}"
            f"{onchain[8] / 100:>7.2f}%{usd(loan.principal):>16}{STATUS[onchain[4]]:>11}"
            f"{usd(repaid):>20}{usd(recovered):>17}{usd(cover['covered']):>15}{usd(cover['loss']):>14}"
        )
    lines.append("")
    lines.append(
        f"{'lender':<8}{'invested':>16}{'received':>16}{'net':>16}{'return':>9}{'principal lost':>16}"
    )
    for name, actor in ctx.actors.items():
        if actor.role != "lender":
            continue
        invested = sum(loan.funded_by.get(name, 0) for loan in ctx.loans.values())
        received = ctx.claimed.get(name, 0)
        net = received - invested
        # written down on the lender's notes after the reserve fund's cover
        lost = sum(
            loan.funded_by.get(name, 0) * loan.cover["writedownPerShare"] // RAY
            for loan in ctx.loans.values()
            if loan.cover
        )
        lines.append(
            f"{name:<8}{usd(invested):>16}{usd(received):>16}{usd(net):>16}"
            f"{100 * net / invested if invested else 0:>8.2f}%{usd(lost):>16}"
        )
    reserve = chain.call(chain.reserve.functions.balance())
    treasury = chain.manifest.get("accounts", {}).get("treasury") or chain.call(
        chain.market.functions.treasury()
    )
    lines.append("")
    lines.append(
        f"reserve fund balance {usd(reserve)}; treasury {treasury} holds {usd(chain.balance(treasury))}; "
        f"market holds {usd(chain.balance(chain.market.address))}"
    )
    return lines


__all__ = ["PHASES", "ApiError", "Lifecycle", "prepare", "run_scenario"]
