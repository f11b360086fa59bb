"""The whole lending lifecycle through public interfaces only, on a real anvil with the deployed system,
the real API under uvicorn, the real oracle (three signer nodes and the aggregator, built by their own
entry points' builders) and the real indexer process.

The story is demo/lifecycle.py's, played phase by phase (`lifecycle.PHASES`): each test asks the
module's `story` for the phase whose behaviour it checks (`story.at("drawn")`), which runs the story
forward to that phase if it is not there yet (tests/e2e/phased_story.py). After every phase the story
runs, the test's own ledger (tests/e2e/lifecycle_model.py) follows what the phase moved and checks the
stablecoin balances of every party (borrowers, lenders, liquidator, treasury, reserve fund, market) to
the base unit, so a test run alone with `-k` still checks every phase before it.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx
import pytest
from eth_account import Account
from eth_account.messages import encode_typed_data
from pydantic import SecretStr

from backend.disclosure.signing import verify_export
from demo import lifecycle
from demo.chain import Chain
from demo.collections import CollectionsInProcess
from demo.processes import IndexerProcess, OracleInProcess
from demo.stack import Stack
from tests.e2e.disclosure_chain import ChainFigures
from tests.e2e.lifecycle_model import BPS, Ledger, ceil_div
from tests.e2e.phased_story import PhasedStory
from tests.e2e.statement_chain import ChainView, float_xirr_bps
from tests.support.server import start_server

LENDING_CONTRACTS = ("LoanMarket", "LoanNote", "ReserveFund", "CollateralVault")
# Loan C (the auto-invest and resale section) is told apart from loans A and B, as the demo's summary
# tells it apart: the ledger does not follow its money.
UNLEDGERED = {"liquidity", "aml"}  # the AML phase funds a loan of its own, told apart like loan C

pytestmark = pytest.mark.timeout(300)


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
        # KYC settings are derived when the app is made: a compliance key, for the AML phase's freeze.
        state = server.app.state
        state.kyc_settings = state.kyc_settings.model_copy(
            update={"compliance_private_key": SecretStr(deployed_chain.key("compliance"))}
        )
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
            CollectionsInProcess(server.database_url),  # the collections phases' worker
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


def _lifecycle(platform) -> lifecycle.Lifecycle:
    return lifecycle.Lifecycle(platform.stack, Chain(platform.stack), out=print)


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
        lifecycle.check_chain_clock(ctx)
        lifecycle.create_operator_keys(ctx)
        borrower = lifecycle.onboard(ctx, "Ada", "borrower", lifecycle.people.CAUTIOUS_BORROWER)
        lender = lifecycle.onboard(ctx, "Lena", "lender", lifecycle.people.AGGRESSIVE_INVESTOR)
        registry = ctx.chain.registry.functions
        assert ctx.chain.call(registry.isEligible(borrower.address))
        assert ctx.chain.call(registry.riskClassOf(lender.address)) == 5

        app = lifecycle.apply_for_loan(
            ctx,
            borrower,
            10_000 * lifecycle.USD,
            3,
            "car_used",
            15_000 * lifecycle.USD,
            lifecycle.people.STRONG_APPLICANT,
        )
        assert app["status"] == "approved" and app["grade"] == 1

        lifecycle.await_credit_records(ctx, {"Ada": app}, timeout=60)
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
        lifecycle.wait_until(
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


# ------------------------------------------------------------------------------------------ the story


class Story(PhasedStory[lifecycle.Lifecycle]):
    """The demo's story on the test platform, followed by the ledger after each phase."""

    def __init__(self, ctx: lifecycle.Lifecycle):
        self.ledger = Ledger(ctx)
        super().__init__(ctx, lifecycle.PHASES, after=self._follow)

    def _follow(self, phase: str) -> None:
        self.ledger.follow(phase)
        if phase in UNLEDGERED:
            self.ledger.rebase()  # the phases after it are checked from where it left the balances
        else:
            self.ledger.check(phase)


@pytest.fixture(scope="module")
def story(platform):
    _require_lending(platform)
    ctx = _lifecycle(platform)
    started = time.monotonic()
    try:
        lifecycle.prepare(ctx)
        yield Story(ctx)
    finally:
        ctx.close()
        print(f"lifecycle ran in {time.monotonic() - started:.1f}s")


def test_onboarded_customers_are_attested_on_chain_with_their_risk_class(story):
    ctx = story.at("onboarded")
    registry = ctx.chain.registry.functions
    for name in ("Ada", "Ben", "Lena", "Omar", "Kim"):
        assert ctx.chain.call(registry.isEligible(ctx.actors[name].address)), name
    assert ctx.chain.call(registry.riskClassOf(ctx.actors["Omar"].address)) == 3
    assert ctx.chain.call(registry.riskClassOf(ctx.actors["Lena"].address)) == 5


def test_scored_borrowers_have_fresh_credit_records_on_chain(story):
    ctx = story.at("scored")
    for name in ("Ada", "Ben"):
        assert ctx.chain.call(ctx.chain.oracle.functions.isFresh(ctx.actors[name].address))


def test_listed_loans_carry_the_signed_offer_terms(story):
    ctx = story.at("listed")
    chain, market = ctx.chain, ctx.chain.market.functions
    for name, loan in ctx.loans.items():
        onchain = chain.call(market.getLoan(loan.loan_id))
        assert lifecycle.STATUS[onchain[4]] == "Listed"
        assert onchain[9] == loan.application["grade"], name
        assert onchain[8] == chain.call(market.gradeTerms(onchain[9]))[0]  # the market prices the grade
        # listed with the offer the API returned: its terms, its nonce used up on-chain
        terms = loan.application["signedOffer"]["typedData"]["message"]
        assert (onchain[5], onchain[3], onchain[2], onchain[8]) == (
            terms["maxPrincipal"],
            terms["maxPeriods"],
            terms["periodLength"],
            terms["aprBps"],
        )
        assert chain.call(market.offerUsed(loan.borrower.address, int(terms["nonce"])))


def test_a_secured_listing_pledges_all_the_borrowers_collateral_to_the_vault(story):
    ctx = story.at("listed")
    chain, b = ctx.chain, ctx.loans["B"]
    assert chain.call(chain.vault.functions.positionOf(b.loan_id)) == [
        b.collateral.token.address,
        b.collateral_amount,
    ]
    assert b.collateral.token.functions.balanceOf(chain.vault.address).call() >= b.collateral_amount
    assert b.collateral.token.functions.balanceOf(b.borrower.address).call() == 0


def test_each_funding_mints_a_note_of_the_lenders_share_until_the_loan_is_full(story):
    ctx = story.at("funded")
    for name, loan in ctx.loans.items():
        for lender, amount in loan.funded_by.items():
            holder, share = ctx.chain.call(ctx.chain.note.functions.noteInfo(loan.notes[lender]))
            assert (holder, share) == (ctx.actors[lender].address, amount)
        assert sum(loan.funded_by.values()) == loan.principal, name


def test_drawn_loans_follow_the_annuity_schedule_the_borrower_is_shown(story):
    ctx = story.at("drawn")
    for name, loan in ctx.loans.items():
        model = story.ledger.loans[name]
        funded = sum(loan.funded_by.values())
        onchain = ctx.chain.call(ctx.chain.market.functions.getLoan(loan.loan_id))
        assert (onchain[5], onchain[3]) == (funded, loan.application["offer"]["termMonths"])
        assert loan.schedule == model.schedule  # what the borrower is shown (the lens view)
        assert sum(r["principal"] for r in model.schedule) == funded


def test_month_1_installments_paid_on_the_due_date_leave_both_loans_current_and_claimed(story):
    ctx = story.at("month1")
    chain, lens = ctx.chain, ctx.chain.lens.functions
    for name, loan in ctx.loans.items():
        assert loan.repaid == [1], name
        assert (
            chain.call(lens.daysPastDue(loan.loan_id)),
            chain.call(lens.delinquencyTier(loan.loan_id)),
        ) == (
            0,
            0,
        )
        for note_id in loan.notes.values():
            assert chain.call(chain.market.functions.claimable(note_id)) == 0
    assert list(chain.call(chain.market.functions.pendingFees())) == [0, 0]  # swept


def test_month_2_an_unpaid_installment_is_1_to_30_days_late(story):
    ctx = story.at("month2")
    b, lens = ctx.loans["B"], ctx.chain.lens.functions
    assert ctx.chain.call(lens.delinquencyTier(b.loan_id)) == 1
    assert ctx.chain.call(lens.daysPastDue(b.loan_id)) == 10


def _collections(ctx: lifecycle.Lifecycle, path: str, role: str = "supervisor", **params):
    return ctx.operator[f"collections-{role}"].get(f"/v2/admin/collections{path}", params=params)


def test_a_late_loans_case_opens_at_one_day_and_is_worked_by_its_assigned_collector(story, platform):
    ctx = story.at("collections_worked")
    b = ctx.loans["B"]
    case = _collections(ctx, f"/cases/{ctx.collections['cases']['B']}")
    assert (case["loanId"], case["state"], case["tier"], case["daysPastDue"]) == (b.loan_id, "open", 1, 10)
    # opened at the first block at least one second past the due date: the indexed block of the next
    # transaction or clock move after it
    assert _unix(case["openedAt"]) > b.schedule[1]["due"] and _unix(case["lateSince"]) == b.schedule[1]["due"]
    assert case["assignee"] == ctx.collections["collectorId"]
    assert [(c["channel"], c["reason"], c["note"]) for c in case["contacts"]] == [
        ("phone", "income_drop", "Lost overtime")
    ]
    assert [(p["status"], int(p["amount"])) for p in case["promises"]] == [("open", b.schedule[1]["amount"])]
    assert [(n["kind"], n["status"]) for n in case["notices"]] == [("collections_reminder", "sent")]
    mine = _collections(ctx, "/cases", role="collector", state="open")["items"]
    assert case["id"] in [c["id"] for c in mine]
    other = httpx.post(
        f"{platform.server}/v2/admin/api-keys",
        headers={"X-API-Key": platform.server.admin_key},
        json={"name": "e2e-other-collector", "roles": ["collector"]},
        timeout=30,
    ).json()["key"]
    hidden = httpx.get(
        f"{platform.server}/v2/admin/collections/cases/{case['id']}", headers={"X-API-Key": other}, timeout=30
    )
    assert hidden.status_code == 404 and hidden.json()["type"] == "collection-case-not-found"


def test_month_3_the_last_installment_repays_one_loan_while_the_other_is_31_to_90_days_late(story):
    ctx = story.at("month3")
    chain = ctx.chain
    assert lifecycle.STATUS[chain.call(chain.market.functions.getLoan(ctx.loans["A"].loan_id))[4]] == "Repaid"
    assert chain.call(chain.lens.functions.delinquencyTier(ctx.loans["B"].loan_id)) == 2


def test_a_default_freezes_the_principal_interest_and_late_fees_accrued_by_the_rules(story):
    ctx = story.at("defaulted")
    b, model = ctx.loans["B"], story.ledger.loans["B"]
    assert b.defaulted is not None
    assert (
        b.defaulted["principalOutstanding"],
        b.defaulted["interestUnpaid"],
        b.defaulted["lateFeeUnpaid"],
    ) == (model.principal_out, model.interest_unpaid, model.late_fee)
    assert lifecycle.STATUS[ctx.chain.call(ctx.chain.market.functions.getLoan(b.loan_id))[4]] == "Defaulted"


def test_the_liquidator_buys_all_the_collateral_at_the_discounted_feed_price(story):
    ctx = story.at("liquidated")
    chain, b, model = ctx.chain, ctx.loans["B"], story.ledger.loans["B"]
    collateral = b.collateral
    config = chain.call(chain.vault.functions.collateralConfig(collateral.token.address))
    discount = config[3]
    price = chain.call(collateral.feed.functions.latestRoundData())[1]
    scale = 10 ** (collateral.decimals + collateral.feed_decimals - 6)
    assert sum(x["bought"] for x in b.liquidations) == b.collateral_amount
    # each payment is capped at the principal still owed before it
    assert len(model.recoveries) == len(b.liquidations)
    for purchase, (principal_before, _) in zip(b.liquidations, model.recoveries, strict=True):
        expected = min(ceil_div(purchase["bought"] * price * (BPS - discount), scale * BPS), principal_before)
        assert purchase["payment"] == expected
    assert collateral.token.functions.balanceOf(ctx.actors["Liam"].address).call() == b.collateral_amount
    assert chain.call(chain.vault.functions.positionOf(b.loan_id))[1] == 0


def test_the_reserve_fund_covers_the_principal_left_up_to_its_cap_and_the_rest_is_written_down(story):
    ctx = story.at("covered")
    b, model = ctx.loans["B"], story.ledger.loans["B"]
    assert b.cover is not None and model.covered is not None
    assert b.cover["covered"] == model.covered
    assert b.cover["loss"] == model.principal_out - model.covered


# ------------------------------------------------------------------------------------------ lender liquidity


def _at_liquidity(story) -> lifecycle.Lifecycle:
    ctx = story.at("liquidity")
    if ctx.chain.auto_invest is None:
        pytest.skip("no AutoInvest in the deployment: the story has no lender-liquidity section")
    return ctx


def test_an_auto_invest_mandate_funds_a_listing_from_the_lenders_own_balance(story):
    """Kim's mandate funded loan C: the note is Kim's, the money came from Kim's own AutoInvest balance."""
    ctx = _at_liquidity(story)
    chain, loan, kim = ctx.chain, ctx.liquidity_loans["C"], ctx.actors["Kim"]
    auto = chain.auto_invest.functions
    ticket = loan.funded_by["Kim"]
    assert chain.call(chain.note.functions.ownerOf(loan.notes["Kim"])) == kim.address
    assert chain.call(auto.allocated(loan.loan_id, kim.address))
    deposited, withdrawn, invested, returned, balance, _, _ = chain.call(auto.accountOf(kim.address))
    assert (deposited, withdrawn, invested) == (ticket * 5, 0, ticket)
    assert returned > 0 and balance == deposited - invested + returned
    assert chain.call(chain.token.functions.balanceOf(chain.auto_invest.address)) == balance  # no pool


def _sale(ctx: lifecycle.Lifecycle) -> dict:
    sold_note = ctx.liquidity_loans["C"].notes["Omar"]
    [sale] = ctx.chain.market.events.NoteSold().get_logs(from_block=0, argument_filters={"noteId": sold_note})
    return sale["args"]


def test_a_note_sold_mid_loan_pays_its_buyer_only_what_it_earns_after_the_sale(story):
    """Lena sold her note of loan C to Omar, who alone received installment 2's share of it."""
    ctx = _at_liquidity(story)
    chain, loan = ctx.chain, ctx.liquidity_loans["C"]
    lena, omar = ctx.actors["Lena"], ctx.actors["Omar"]
    sold_note = loan.notes["Omar"]
    assert "Lena" not in loan.notes and chain.call(chain.note.functions.ownerOf(sold_note)) == omar.address
    sale = chain.market.events.NoteSold().get_logs(from_block=0, argument_filters={"noteId": sold_note})
    assert [(e["args"]["seller"], e["args"]["buyer"]) for e in sale] == [(lena.address, omar.address)]
    claims = chain.market.events.Claimed().get_logs(from_block=0, argument_filters={"noteId": sold_note})
    assert [e["args"]["holder"] for e in claims] == [omar.address]  # earned before the sale went with it
    assert sale[0]["args"]["sellerEarned"] > 0
    assert chain.call(chain.market.functions.claimable(sold_note)) == 0


def test_the_sale_is_indexed_with_what_the_seller_realised(story):
    ctx = _at_liquidity(story)
    sold, api_url, lena = _sale(ctx), ctx.stack.api_url, ctx.actors["Lena"]
    as_lena = lifecycle.Api.sign_in(api_url, lena.account)

    def indexed_sale() -> dict | None:
        resale = as_lena.get(f"/v2/wallets/{lena.address}/resale")
        return resale if resale["sold"] else None

    resale = lifecycle.wait_until(indexed_sale, 30, "the indexer to record the sale", interval=0.5)
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


def test_a_note_quote_from_the_api_equals_the_lens_quote_at_its_block(story):
    ctx = _at_liquidity(story)
    note_id = ctx.liquidity_loans["C"].notes["Kim"]
    quote = httpx.get(
        f"{ctx.stack.api_url}/v2/market/notes/{note_id}/quote", params={"price": 500 * 10**6}, timeout=30
    )
    assert quote.status_code == 200, quote.text
    q = quote.json()
    onchain = ctx.chain.lens.functions.quote(note_id, 500 * 10**6).call(block_identifier=q["blockNumber"])
    assert (int(q["par"]), q["yieldBps"], q["remainingPeriods"]) == (onchain[2], onchain[4], onchain[9])


def test_a_mandate_signed_from_the_api_typed_data_may_be_set_by_anyone(story):
    ctx = _at_liquidity(story)
    chain, api_url, kim = ctx.chain, ctx.stack.api_url, ctx.actors["Kim"]
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
    account = lifecycle.Api.sign_in(api_url, kim.account).get(f"/v2/wallets/{kim.address}/auto-invest")
    onchain = chain.auto_invest.functions.accountOf(kim.address).call(block_identifier=account["blockNumber"])
    assert [int(account[k]) for k in ("deposited", "withdrawn", "invested", "returned", "balance")] == list(
        onchain[:5]
    )
    assert account["mandate"]["grades"] == 3 and account["mandate"]["amountPerLoan"] == "1000000"


# ------------------------------------------------------------------------------------------ the read side


@pytest.fixture(scope="module")
def loan_book(story, platform) -> dict[int, dict]:
    """The API's loan list items for loans A and B once the indexer has followed the whole story."""
    ctx = story.at("liquidity")
    a, b = ctx.loans["A"], ctx.loans["B"]
    end = ctx.chain.w3.eth.block_number

    def caught_up() -> dict | None:
        platform.indexer.check_alive()
        page = httpx.get(f"{platform.stack.api_url}/v2/loans", params={"limit": 200}, timeout=30).json()
        seen = {i["loanId"]: i for i in page["items"] if i["loanId"] in (a.loan_id, b.loan_id)}
        # B's liquidation follows its default: its collateral at zero means the indexer is past it; the
        # story's last block means it is past the resale section too
        if (
            (page["indexedBlock"] or 0) >= end
            and seen.get(a.loan_id, {}).get("status") == "repaid"
            and seen.get(b.loan_id, {}).get("status") == "defaulted"
            and seen.get(b.loan_id, {}).get("collateralAmount") == "0"
        ):
            return seen
        return None

    return lifecycle.wait_until(caught_up, 60, "the indexer to reach the end of the story", interval=0.5)


def test_the_indexer_brings_repayments_collateral_and_fees_into_the_loan_book(story, loan_book):
    ctx, ledger = story.ctx, story.ledger
    a, b = ctx.loans["A"], ctx.loans["B"]
    model_a = ledger.loans["A"]
    # base-unit amounts are decimal strings on the wire (README "API conventions")
    assert loan_book[a.loan_id]["principal"] == str(model_a.funded)
    assert loan_book[a.loan_id]["principalRepaid"] == str(model_a.funded)
    assert loan_book[a.loan_id]["interestPaid"] == str(sum(r["interest"] for r in a.schedule))
    assert loan_book[a.loan_id]["outstandingPrincipal"] == "0"
    # the vault's events: pledged at listing, then all of it sold to the liquidator
    assert b.collateral_amount > 0
    assert loan_book[b.loan_id]["collateralToken"] == b.collateral.token.address
    # the fees fixed into each loan at drawdown
    for loan in (a, b):
        fees = (
            loan_book[loan.loan_id][k] for k in ("servicingFeeBps", "reserveShareBps", "lateFeeBpsPerDay")
        )
        assert tuple(fees) == (ledger.servicing_bps, ledger.reserve_bps, ledger.late_bps)
    assert loan_book[b.loan_id]["principal"] == str(ledger.loans["B"].funded)


def test_the_loan_page_shows_the_contractual_schedule_and_every_repayment(story, loan_book):
    a, model_a = story.ctx.loans["A"], story.ledger.loans["A"]
    detail = httpx.get(f"{story.ctx.stack.api_url}/v2/loans/{a.loan_id}", timeout=30).json()
    assert [
        (r["period"], _unix(r["dueAt"]), int(r["payment"]), int(r["interest"]), int(r["principal"]))
        for r in detail["schedule"]
    ] == [(r["k"], r["due"], r["amount"], r["interest"], r["principal"]) for r in model_a.schedule]
    assert [(int(r["amount"]), int(r["interest"]), int(r["principal"])) for r in detail["repayments"]] == [
        (r["amount"], r["interest"], r["principal"]) for r in model_a.schedule
    ]
    assert detail["chain"] == {**detail["chain"], "amountDue": "0", "payoff": "0"}  # repaid: owes nothing


def test_a_defaulted_loan_page_says_what_the_chain_says_is_owed_at_one_block(story, loan_book):
    ctx, b = story.ctx, story.ctx.loans["B"]
    owed = httpx.get(f"{ctx.stack.api_url}/v2/loans/{b.loan_id}", timeout=30).json()["chain"]
    assert owed["error"] is None and owed["blockNumber"] > 0, owed
    due = ctx.chain.lens.functions.amountDue(b.loan_id).call(block_identifier=owed["blockNumber"])
    assert int(owed["amountDue"]) == due
    assert owed["amountDue"] == owed["payoff"]  # once defaulted, what is due is everything


def test_a_lenders_portfolio_counts_every_note_funded_and_holds_the_unsold_ones(story, loan_book):
    ctx, lena = story.ctx, story.ctx.actors["Lena"]
    portfolio = lifecycle.Api.sign_in(ctx.stack.api_url, lena.account).get(
        f"/v2/wallets/{lena.address}/portfolio"
    )
    # invested counts every note Lena funded, the one she sold in section 11 included; she holds the rest
    every_loan = [*ctx.loans.values(), *ctx.liquidity_loans.values()]
    assert int(portfolio["invested"]) == sum(loan.funded_by.get("Lena", 0) for loan in every_loan)
    assert sorted(h["noteId"] for h in portfolio["holdings"]) == sorted(
        loan.notes["Lena"] for loan in ctx.loans.values()
    )


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


def test_metrics_agree_with_the_loan_book_the_reserve_and_the_chain(story, loan_book, platform):
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
    assert _metric(text, "peerlend_reserve_balance") == story.ctx.chain.reserve.functions.balance().call()
    assert _metric(text, "peerlend_indexer_lag_blocks") is not None
    assert (_metric(text, "peerlend_oracle_approval_to_chain_seconds_count") or 0) >= 1
    assert _metric(text, "peerlend_db_pool_size") is not None


def test_the_summary_has_a_row_per_loan_and_lender_and_the_reserve_balance(story, loan_book):
    ctx = story.ctx
    lines = lifecycle.summary_lines(ctx)
    print("\n".join(lines))
    rows = {line.split()[0]: line.split() for line in lines if line.strip()}
    a, b = ctx.loans["A"], ctx.loans["B"]
    assert rows[f"#{a.loan_id}"][1] == "Ada" and "Repaid" in rows[f"#{a.loan_id}"]
    assert rows[f"#{b.loan_id}"][1] == "Ben" and "Defaulted" in rows[f"#{b.loan_id}"]
    for lender in ("Lena", "Omar", "Kim"):
        invested = sum(loan.funded_by.get(lender, 0) for loan in ctx.loans.values())
        assert rows[lender][1:3] == [lifecycle.usd(invested), lifecycle.usd(ctx.claimed.get(lender, 0))]
    reserve = ctx.chain.call(ctx.chain.reserve.functions.balance())
    assert lines[-1].startswith(f"reserve fund balance {lifecycle.usd(reserve)};")


def _unix(iso: str) -> int:
    return int(datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp())


# ------------------------------------------------------------------------------------------ AML


def test_the_whole_lending_lifecycle_raises_no_aml_alert(story, loan_book):
    """Every funding, repayment, claim, liquidation, sale and mandate of the story, indexed: no rule fires."""
    alerts = story.ctx.operator["compliance"].get("/v2/aml/alerts", params={"limit": 200})
    assert alerts["items"] == [], [(a["rule"], a["wallet"], a["details"]) for a in alerts["items"]]


def test_a_structuring_case_is_worked_to_a_freeze_of_both_wallets(story):
    ctx = story.at("aml")  # no test after this one asks for an earlier phase
    case = ctx.operator["compliance"].get(f"/v2/aml/cases/{ctx.aml['case']}")
    assert case["status"] == "frozen" and [a["rule"] for a in case["alerts"]] == ["structuring"]
    assert [d["action"] for d in case["dispositions"]] == ["freeze"]
    assert case["dispositions"][0]["decidedBy"] != case["dispositions"][0]["proposedBy"]
    for wallet in ctx.aml["wallets"]:
        assert ctx.chain.call(ctx.chain.registry.functions.isFrozen(wallet)), wallet
    everything = ctx.operator["compliance"].get("/v2/aml/alerts", params={"limit": 200})["items"]
    assert {a["caseId"] for a in everything} == {ctx.aml["case"]}  # the phase raised that case alone


# ------------------------------------------------------------------------------------------ restructuring


def _indexed_to_head(platform, path: str) -> dict:
    """The API's answer at `path` once the indexer has reached the chain's head (the chain stands still)."""
    head = Chain(platform.stack).w3.eth.block_number

    def caught_up() -> dict | None:
        platform.indexer.check_alive()
        body = httpx.get(f"{platform.stack.api_url}{path}", timeout=30).json()
        return body if (body.get("indexedBlock") or 0) >= head else None

    return lifecycle.wait_until(caught_up, 60, "the indexer to reach the chain's head", interval=0.5)


def test_a_restructure_is_refused_below_two_thirds_and_executed_above(story):
    ctx = story.at("restructured")
    state, model = ctx.restructuring["R"], story.ledger.loans["R"]
    loan = state["loan"]
    funded = sum(loan.funded_by.values())
    assert state["refused"] == ("ApprovalBelowThreshold", (loan.funded_by["Lena"], ceil_div(2 * funded, 3)))
    executed = state["executed"]
    assert executed["approvedPrincipal"] == loan.funded_by["Lena"] + loan.funded_by["Omar"]  # Kim never voted
    # the new terms are what the rule gives the loan at the moment of execution, to the base unit
    assert {k: executed[k] for k in story.ledger.restructured_terms} == story.ledger.restructured_terms
    # and the loan accrues on it as the model does: three days into lateness on the new schedule
    onchain = ctx.chain.call(ctx.chain.market.functions.getLoan(loan.loan_id))
    now = model.accrued(ctx.chain.now(), story.ledger.late_bps)
    assert (onchain[20], onchain[21], onchain[22], onchain[24]) == (
        now.principal_out,
        now.interest_unpaid,
        now.sched_balance,
        now.late_fee,
    )


def test_the_apis_schedule_and_delinquency_after_a_restructure_are_the_chains(story, platform):
    ctx = story.at("restructured")
    loan, executed = ctx.restructuring["R"]["loan"], ctx.restructuring["R"]["executed"]
    detail = _indexed_to_head(platform, f"/v2/loans/{loan.loan_id}")
    block = detail["indexedBlock"]
    lens = ctx.chain.lens.functions
    rows = lens.schedule(loan.loan_id).call(block_identifier=block)
    new = [r for r in detail["schedule"] if r["period"] > executed["basePeriod"]]
    assert [(_unix(r["dueAt"]), int(r["payment"]), int(r["interest"]), int(r["principal"])) for r in new] == [
        tuple(r) for r in rows
    ]
    assert detail["term"] == executed["numPeriods"] and detail["restructurings"] == 1
    # three days past the first new due date: late against the new schedule, on the API and the chain alike
    days = lens.daysPastDue(loan.loan_id).call(block_identifier=block)
    assert days == 3 and detail["delinquency"]["daysPastDue"] == days
    assert (
        detail["delinquency"]["tier"] == lens.delinquencyTier(loan.loan_id).call(block_identifier=block) == 1
    )
    assert _unix(detail["delinquency"]["nextDueAt"]) == executed["firstDueDate"]


def test_the_restructuring_read_model_shows_the_vote_and_the_new_terms(story, platform):
    ctx = story.at("restructured")
    state = ctx.restructuring["R"]
    loan, executed = state["loan"], state["executed"]
    view = _indexed_to_head(platform, f"/v2/loans/{loan.loan_id}/restructuring")
    assert view["proposal"]["status"] == "executed" and view["proposal"]["proposalId"] == state["proposalId"]
    terms = view["proposal"]["terms"]
    assert int(terms["approvedPrincipal"]) == executed["approvedPrincipal"]
    assert (terms["numPeriods"], int(terms["installment"]), int(terms["firstCharges"])) == (
        executed["numPeriods"],
        executed["installment"],
        executed["firstCharges"],
    )
    holders = {a["holder"]: a["counts"] for a in view["approvals"]}
    assert holders == {ctx.actors["Lena"].address: True, ctx.actors["Omar"].address: True}
    assert view["executable"] is False and view["preview"] is None  # spent
    # what the API previewed at the proposal is the schedule the execution gave, but for the interest of
    # the days between them
    preview = state["preview"]
    assert [_unix(r["dueAt"]) for r in preview] == [r["due"] for r in loan.schedule]
    assert [int(r["principal"]) for r in preview] == [r["principal"] for r in loan.schedule]


def test_the_restructured_loan_late_again_is_a_new_case_with_a_promise_to_pay(story):
    ctx = story.at("collections_promised")
    loan = ctx.restructuring["R"]["loan"]
    cases = _collections(ctx, "/cases", loanId=loan.loan_id)["items"]
    latest = _collections(ctx, f"/cases/{ctx.collections['cases']['R']}")
    assert latest["id"] == cases[-1]["id"] and latest["state"] == "open" and latest["daysPastDue"] >= 3
    assert all(c["state"] == "closed" and c["closeReason"] == "restructured" for c in cases[:-1])
    assert [p["status"] for p in latest["promises"]] == ["open"]


def test_the_restructured_loan_is_repaid_on_its_new_schedule_and_every_note_paid_its_share(story, platform):
    ctx = story.at("restructured_repaid")  # the ledger has checked every balance to the base unit
    loan, model = ctx.restructuring["R"]["loan"], story.ledger.loans["R"]
    chain = ctx.chain
    assert lifecycle.STATUS[chain.call(chain.market.functions.getLoan(loan.loan_id))[4]] == "Repaid"
    assert model.payoff() == 0
    for note_id in loan.notes.values():
        assert chain.call(chain.market.functions.claimable(note_id)) == 0
    item = _indexed_to_head(platform, f"/v2/loans/{loan.loan_id}")
    assert item["status"] == "repaid" and item["principalRepaid"] == str(model.funded)


# ------------------------------------------------------------------------------------------ statements


def test_collection_cases_close_on_settlement_and_on_a_kept_promise_and_are_counted(story):
    ctx = story.at("collections_closed")
    ben = _collections(ctx, f"/cases/{ctx.collections['cases']['B']}")
    assert (ben["state"], ben["resolution"], ben["closeReason"]) == ("closed", "settled", "written_off")
    # each tier as the worker saw it: the story moves from day 91 to the cover within seconds
    assert [t["toTier"] for t in ben["tiers"]][:2] == [1, 2] and ben["maxTier"] >= 2
    assert [p["status"] for p in ben["promises"]] == ["broken"]  # he did not pay by the promised day
    notices = {n["kind"]: n["status"] for n in ben["notices"]}
    assert notices["collections_reminder"] == "sent" and len(notices) == ben["maxTier"]
    rosa = _collections(ctx, f"/cases/{ctx.collections['cases']['R']}")
    assert (rosa["state"], rosa["resolution"], rosa["closeReason"]) == ("closed", "cured", "current")
    [promise] = rosa["promises"]
    assert promise["status"] == "kept" and int(promise["paid"]) >= int(promise["amount"])
    figures = ctx.collections["figures"]
    assert figures["promisesKept"] >= 1 and figures["promisesBroken"] >= 1
    by_tier = {c["tier"]: c for c in figures["cureByTier"]}
    assert sum(c["settled"] for c in by_tier.values()) >= 1 and by_tier[1]["cured"] >= 1
    assert figures["contacted"] >= 2 and figures["medianFirstContactSeconds"] is not None


def _month_bounds(period: str) -> tuple[int, int]:
    start = datetime.strptime(period, "%Y-%m").replace(tzinfo=UTC)
    end = start.replace(year=start.year + start.month // 12, month=start.month % 12 + 1)
    return int(start.timestamp()), int(end.timestamp())


def test_a_lenders_monthly_statements_reconcile_with_the_chain_to_the_base_unit(story):
    """Every figure of Lena's statements against events and views of the contracts themselves."""
    ctx = story.at("statements")
    view = ChainView(ctx.chain, ctx.actors["Lena"].address)
    previous_block = None
    monthly = ctx.statements["monthly"]
    assert len(monthly) >= 3
    for period, s in monthly.items():
        start, end = _month_bounds(period)
        block = s["closingBlock"]
        flows, t = view.period(start, end), s["totals"]
        for name, value in flows.items():
            assert int(t[name]) == value, (period, name)
        for note in s["notes"]:
            if note["heldAtEnd"]:
                assert (int(note["closingPrincipal"]), int(note["closingUnclaimed"])) == view.position(
                    note["noteId"], block
                ), (period, note["noteId"])
        closing, unclaimed = view.totals(block)
        opening, opening_unclaimed = view.totals(previous_block)
        p = s["positions"]
        assert (int(p["closingPrincipal"]), int(p["closingUnclaimed"])) == (closing, unclaimed), period
        assert (int(p["openingPrincipal"]), int(p["openingUnclaimed"])) == (opening, opening_unclaimed), (
            period
        )
        # what the notes were credited is what they could claim more, plus what was claimed or settled
        credited = unclaimed - opening_unclaimed + flows["claimed"] + flows["earnedSettledInSales"]
        assert int(t["repayments"]) + int(t["recoveries"]) == credited, period
        assert abs(int(t["rounding"])) <= 2 * max(1, len(s["notes"])), period
        previous_block = block
    every = [monthly[p]["totals"] for p in monthly]
    # the story's reserve cover leaves the notes no loss (losses are reconciled above all the same)
    assert sum(int(t["repayments"]) for t in every) > 0 and sum(int(t["losses"]) for t in every) == 0
    assert sum(int(t["recoveriesBySource"]["collateral"]) for t in every) > 0
    assert sum(int(t["recoveriesBySource"]["reserve"]) for t in every) > 0
    assert sum(int(t["sold"]) for t in every) > 0


def test_a_lenders_annual_return_is_the_xirr_of_her_cash_flows_on_the_chain(story):
    ctx = story.at("statements")
    view = ChainView(ctx.chain, ctx.actors["Lena"].address)
    years = sorted(ctx.statements["annual"].items())
    previous_block = None
    for year, summary in years:
        start = int(datetime(year, 1, 1, tzinfo=UTC).timestamp())
        end = int(datetime(year + 1, 1, 1, tzinfo=UTC).timestamp())
        as_of = _unix(summary["asOf"])
        flows = view.cash_flows(start, end, previous_block, summary["closingBlock"], as_of)
        listed = sorted((_unix(f["at"]), int(f["amount"])) for f in summary["cashFlows"])
        assert listed == sorted(flows), year
        assert summary["xirrBps"] is not None and abs(summary["xirrBps"] - float_xirr_bps(flows)) <= 1, year
        previous_block = summary["closingBlock"]


def test_a_complaint_about_a_loan_is_resolved_within_its_sla_and_counted_in_the_figures(story):
    ctx = story.at("statements")
    complaint, figures = ctx.statements["complaint"], ctx.statements["figures"]
    assert complaint["status"] == "closed" and complaint["outcome"] == "partially_upheld"
    assert not complaint["sla"]["acknowledgementBreached"] and not complaint["sla"]["resolutionBreached"]
    assert [m["kind"] for m in complaint["messages"]] == ["response", "resolution", "reply"]
    assert figures["received"] >= 1 and figures["resolved"] >= 1 and figures["medianResolutionSeconds"] >= 0


# ------------------------------------------------------------------------------------------ disclosure


def _ratio_of(ratio: dict, numerator: int, denominator: int, round_up: bool = True) -> None:
    assert (int(ratio["numerator"]), int(ratio["denominator"])) == (numerator, denominator)
    if denominator == 0:
        assert ratio["bps"] is None
    else:
        scaled = numerator * BPS
        assert ratio["bps"] == (ceil_div(scaled, denominator) if round_up else scaled // denominator)


def test_every_platform_figure_reconciles_with_the_chain_to_the_base_unit(story):
    """GET /v2/disclosure/platform against the contracts' events and views at the figures' own block."""
    ctx = story.at("disclosed")
    f = ctx.disclosure["platform"]
    chain = ChainFigures.read(ctx.chain, f["lastBlock"])
    assert _unix(f["asOf"]) == chain.as_of
    amounts = lambda d: {k: int(v) if isinstance(v, str) else v for k, v in d.items()}  # noqa: E731
    volume = chain.volume()
    assert amounts(f["volume"]["cumulative"]) == volume["cumulative"]
    assert amounts(f["volume"]["last30Days"]) == volume["last30Days"]
    assert volume["cumulative"]["loans"] >= 2  # the story's loans, at least
    assert f["borrowers"] == chain.borrowers() and f["lenders"] == chain.lenders()
    outstanding = chain.outstanding_total()
    assert amounts(f["outstanding"]) == {"loans": len(chain.active), "principal": outstanding}
    c = f["concentration"]
    assert int(c["principal"]) == chain.concentration(c["top"])
    _ratio_of(c["share"], chain.concentration(c["top"]), outstanding)
    tiers = chain.delinquency()
    d = f["delinquency"]
    assert amounts(d["current"]) == {"loans": tiers[0][0], "principal": tiers[0][1]}
    for tier, row in enumerate(d["tiers"], start=1):
        assert (row["loans"], int(row["principal"])) == tiers[tier], row["name"]
        _ratio_of(row["rate"], tiers[tier][1], outstanding)
    overdue = sum(tiers[t][1] for t in (1, 2, 3))
    assert amounts(d["overdue"]) == {"loans": sum(tiers[t][0] for t in (1, 2, 3)), "principal": overdue}
    _ratio_of(d["overdueRate"], overdue, outstanding)
    defaults, originated = chain.defaults(), volume["cumulative"]["principal"]
    got = f["defaults"]
    assert {k: int(got[k]) for k in defaults} == defaults
    assert defaults["loans"] >= 1 and defaults["reserveCovered"] > 0  # Ben's loan, covered by the reserve
    _ratio_of(got["defaultRate"], defaults["principal"], originated)
    _ratio_of(got["lossRate"], defaults["creditLoss"], originated)
    _ratio_of(got["lenderLossRate"], defaults["lenderLoss"], originated)
    r = f["reserve"]
    assert (r["fund"], int(r["balance"]), int(r["overduePrincipal"])) == (
        ctx.chain.reserve.address,
        chain.reserve_balance,
        overdue,
    )
    _ratio_of(r["coverage"], chain.reserve_balance, overdue, round_up=False)
    assert amounts(f["fees"]) == chain.fees() and chain.fees()["origination"] > 0
    sales = chain.sales()
    assert {k: amounts(v) for k, v in f["secondaryMarket"].items()} == sales
    assert {(v["grade"], v["cohort"]): (v["loans"], int(v["principal"])) for v in f["vintages"]} == (
        chain.cohorts()
    )


def test_the_months_snapshot_is_anchored_once_and_verifies_against_the_chain(story):
    ctx = story.at("disclosed")
    period, snapshot = ctx.disclosure["period"], ctx.disclosure["snapshot"]
    document = snapshot["document"]
    raw = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    digest = hashlib.sha256(raw).hexdigest()
    assert snapshot["status"] == "anchored" and snapshot["sha256"] == digest
    assert document["period"] == period and document["chainId"] == ctx.chain.w3.eth.chain_id
    _, end = _month_bounds(period)
    assert _unix(document["figures"]["asOf"]) == end
    registry = ctx.chain.client.contract("DisclosureRegistry")
    code = int(period.replace("-", ""))
    assert bytes(registry.functions.anchorOf(code).call()).hex() == digest
    [log] = registry.events.SnapshotAnchored().get_logs(from_block=0, argument_filters={"period": code})
    anchor = snapshot["anchor"]
    assert (log["transactionHash"].to_0x_hex(), log["blockNumber"]) == (
        anchor["txHash"],
        anchor["blockNumber"],
    )
    verified = ctx.disclosure["verify"]
    assert verified["returncode"] == 0, verified["stdout"] + verified["stderr"]
    assert verified["stdout"].strip().endswith(f"{period}: VERIFIED") and "FAIL" not in verified["stdout"]


def test_a_loans_disclosure_shows_its_borrower_in_bands_only(story):
    ctx = story.at("disclosed")
    loan = ctx.disclosure["loan"]
    ada = ctx.actors["Ada"]
    assert loan["loanId"] == ctx.loans["A"].loan_id and loan["purpose"] == "car_used"
    assert loan["borrower"]["creditGrade"] == loan["grade"]
    dumped = json.dumps(loan).lower()
    assert ada.address.lower()[2:] not in dumped
    assert loan["riskNotice"]["version"] == "risk-notice/1"


def test_the_regulators_export_is_signed_and_the_same_bytes_twice(story):
    ctx = story.at("disclosed")
    export = ctx.disclosure["export"]
    h = export["headers"]
    assert export["first"] == export["second"] and h["x-export-signature"] == export["signature_again"]
    assert hashlib.sha256(export["first"]).hexdigest() == h["x-export-sha256"]
    assert verify_export(export["first"], h["x-export-signature"], h["x-export-signer"], h["x-export-sha256"])
    registry = ctx.chain.client.contract("DisclosureRegistry")
    role = registry.functions.PUBLISHER_ROLE().call()
    assert registry.functions.hasRole(role, h["x-export-signer"]).call()
    rows = export["first"].decode().splitlines()
    assert rows[0].startswith("schema_version,period,loan_id,") and len(rows) - 1 >= 2
