"""Every monitoring rule on patterns scripted on the real deployment (one anvil for the module), indexed
by the real indexer with the AML observers, on a live API; then a structuring case worked to a freeze
over HTTP by two compliance officers, which blocks the person's wallets on-chain."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest
from eth_utils import keccak
from pydantic import SecretStr
from sqlalchemy import select
from web3.exceptions import ContractLogicError
from web3.logs import DISCARD

from backend.aml import service
from backend.aml.backfill import backfill
from backend.aml.config import AmlSettings
from backend.aml.models import AmlAlert, AmlAlertTransaction
from backend.auth.service import Operator
from backend.chain.indexer.decoders import EventDecoder
from backend.chain.indexer.follower import Indexer
from backend.chain.indexer.rpc import RpcClient
from backend.core.problems import Problem
from backend.core.settings import reset_settings, use_settings
from backend.db.session import make_sessionmaker
from backend.loans.note_ids import note_id
from backend.projections import PROJECTIONS
from tests.support.chain import DeployedChain
from tests.support.credit import attest, publish_credit_record
from tests.support.offers import offer, signed
from tests.support.server import RunningServer, create_operator_key

USD = 10**6
DAY = 86_400
LARGE = 50_000 * USD
ZERO = "0x" + "00" * 20
WETH_UNIT = 10**18

pytestmark = pytest.mark.timeout(300)


@dataclass
class Story:
    chain: DeployedChain
    server: RunningServer
    who: dict[str, str]
    loans: dict[str, int]
    indexer: Indexer

    def sync(self) -> None:
        self.indexer.sync()

    def alerts(self, rule: str) -> list[AmlAlert]:
        with self.server.session() as s:
            return list(s.scalars(select(AmlAlert).where(AmlAlert.rule == rule).order_by(AmlAlert.id)))

    def transactions(self, alert: AmlAlert) -> list[AmlAlertTransaction]:
        with self.server.session() as s:
            return list(
                s.scalars(select(AmlAlertTransaction).where(AmlAlertTransaction.alert_id == alert.id))
            )


def _transact(chain: DeployedChain, fn, sender: str) -> dict:
    receipt = chain.w3.eth.wait_for_transaction_receipt(fn.transact({"from": sender, "gas": 3_000_000}))
    assert receipt["status"] == 1
    return receipt


def _loan_id(chain: DeployedChain, receipt: dict) -> int:
    market = chain.contract("LoanMarket")
    return market.events.LoanListed().process_receipt(receipt, errors=DISCARD)[0]["args"]["loanId"]


@pytest.fixture(scope="module")
def story(deployed_chain, module_server_factory) -> Iterator[Story]:
    chain = deployed_chain
    snapshot = chain.snapshot()

    def send(fn, sender: str) -> dict:
        return _transact(chain, fn, sender)

    acc = chain.accounts
    names = ["b1", "b2", "b3", "b4", "big", "x1", "x2", "x3", "risky", "payer", "source", "outside"]
    who = {name: acc[f"user{i}"].address for i, name in enumerate(names)}
    registry, market, token = (
        chain.contract(n) for n in ("IdentityRegistry", "LoanMarket", "MockStablecoin")
    )
    weth, vault = chain.contract("MockCollateralToken"), chain.contract("CollateralVault")

    for i, name in enumerate(("b1", "b2", "b3", "b4", "big")):
        attest(chain, who[name], bytes([0x40 + i]) * 32)
    for name in ("x1", "x2", "x3"):  # one person, three wallets
        attest(chain, who[name], b"\x77" * 32)
    send(  # a lender attested in Nigeria (566: high risk in backend/kyc/jurisdictions.py)
        registry.functions.attest(
            who["risky"], 2, 3, 566, chain.now() + 365 * DAY, b"\x11" * 32, b"\x66" * 32, False
        ),
        acc["attester"].address,
    )
    for name in ("b1", "b2", "b3", "b4"):
        publish_credit_record(chain, who[name], grade=1)
    for name in ("big", "x1", "x2", "x3", "risky", "payer", "source", "b1", "b2", "b3"):
        send(token.functions.mint(who[name], 60_000 * USD), who[name])
        send(token.functions.approve(market.address, 2**256 - 1), who[name])

    def list_loan(borrower: str, principal: int, **collateral) -> int:
        token_, amount = collateral.get("token", ZERO), collateral.get("amount", 0)
        o = offer(chain, who[borrower], principal, 12, grade=1, collateralToken=token_, minCollateral=amount)
        params = (principal, 0, 12, 30 * DAY, chain.now() + 5 * DAY, token_, amount)
        return _loan_id(chain, send(market.functions.list(params, *signed(chain, o)), who[borrower]))

    loans = {
        "big": list_loan("b1", LARGE),
        "structured": list_loan("b2", LARGE),
        "small": list_loan("b3", 1_000 * USD),
    }
    # large: one funding of the whole threshold
    send(market.functions.fund(loans["big"], LARGE), who["big"])
    # structuring: four fundings of 12,500 by one person's three wallets within minutes
    for name in ("x1", "x2", "x3", "x1"):
        send(market.functions.fund(loans["structured"], 12_500 * USD), who[name])
    # jurisdiction: the high-risk lender funds the small loan
    send(market.functions.fund(loans["small"], 1_000 * USD), who["risky"])
    # large pledge: 20 WETH at the feed's 3,000 is worth 60,000
    send(weth.functions.mint(who["b4"], 20 * WETH_UNIT), who["b4"])
    send(weth.functions.approve(vault.address, 2**256 - 1), who["b4"])
    loans["secured"] = list_loan("b4", 10_000 * USD, token=weth.address, amount=20 * WETH_UNIT)
    for key in ("big", "structured", "small"):
        send(
            market.functions.drawdown(loans[key]), who[{"big": "b1", "structured": "b2", "small": "b3"}[key]]
        )
    # fast in-out: the borrower prepays 20,000; the lender claims it and sends 19,000 out of the platform
    send(market.functions.repay(loans["big"], 20_000 * USD), who["b1"])
    send(market.functions.claim(note_id(loans["big"], 0)), who["big"])
    send(token.functions.transfer(who["outside"], 19_000 * USD), who["big"])
    # third-party repayment: one wallet pays instalments of three borrowers' loans
    for key in ("big", "structured", "small"):
        send(market.functions.repay(loans[key], 50 * USD), who["payer"])
    # shared source: one outside address funds three KYC'd wallets
    for name in ("b1", "b2", "b3"):
        send(token.functions.transfer(who[name], 100 * USD), who["source"])
    chain.mine()

    server = module_server_factory(rate_limit_enabled=False, **chain.server_settings())
    state = server.app.state
    state.kyc_settings = state.kyc_settings.model_copy(
        update={"compliance_private_key": SecretStr(chain.key("compliance"))}
    )
    context = use_settings(server.settings)  # the observers read the deployment's manifest from settings
    rpc = RpcClient(chain.rpc_url)
    indexer = Indexer(
        rpc,
        EventDecoder.from_manifest(chain.manifest, chain.build_dir),
        server.app.state.sessionmaker,
        projections=PROJECTIONS,
        chain_id=chain.chain_id,
        start_block=chain.manifest["deployBlock"],
        confirmations=0,
    )
    try:
        indexer.sync()
        yield Story(chain, server, who, loans, indexer)
    finally:
        reset_settings(context)
        rpc.close()
        chain.revert(snapshot)


def test_a_funding_at_the_threshold_is_a_large_transaction(story):
    [alert] = [a for a in story.alerts("large_transaction") if a.wallet == story.who["big"]]
    assert int(alert.amount) == LARGE and alert.details["kind"] == "fund"
    [tx] = story.transactions(alert)
    receipt = story.chain.w3.eth.get_transaction_receipt(tx.tx_hash)
    assert receipt["logs"][tx.log_index]["logIndex"] == tx.log_index and receipt["from"] == story.who["big"]


def test_a_pledge_the_vault_values_above_the_threshold_is_a_large_transaction(story):
    [alert] = [a for a in story.alerts("large_transaction") if a.wallet == story.who["b4"]]
    assert alert.details["kind"] == "pledge" and int(alert.amount) == 60_000 * USD


def test_one_persons_fundings_below_the_threshold_across_three_wallets_are_structuring(story):
    [alert] = story.alerts("structuring")
    assert alert.subject_key == "0x" + "77" * 32 and int(alert.amount) == LARGE
    assert sorted(alert.details["wallets"]) == sorted(story.who[n] for n in ("x1", "x2", "x3"))
    assert len(story.transactions(alert)) == 4


def test_a_claim_sent_straight_out_of_the_platform_is_fast_in_out(story):
    [alert] = story.alerts("fast_in_out")
    assert alert.wallet == story.who["big"] and alert.details["pattern"] == "paid_out_then_transferred"
    kinds = sorted(t.kind for t in story.transactions(alert))
    assert kinds == ["claim", "transfer_out"] and int(alert.details["sentOut"]) == 19_000 * USD


def test_linked_accounts_one_person_one_payer_one_source(story):
    [person] = story.alerts("person_wallets")
    assert person.subject_key == "0x" + "77" * 32 and len(person.details["wallets"]) == 3
    [payer] = story.alerts("third_party_repayment")
    assert payer.wallet == story.who["payer"]
    assert payer.details["borrowers"] == sorted(story.who[n] for n in ("b1", "b2", "b3"))
    [source] = story.alerts("shared_source")
    assert source.wallet == story.who["source"]
    assert source.details["wallets"] == sorted(story.who[n] for n in ("b1", "b2", "b3"))


def test_a_lender_attested_in_a_high_risk_jurisdiction_raises_a_jurisdiction_alert(story):
    [alert] = story.alerts("jurisdiction")
    assert (alert.wallet, alert.details["jurisdiction"], alert.details["tier"]) == (
        story.who["risky"],
        "NG",
        "high",
    )
    assert alert.details["counterparty"] == story.who["b3"]


def test_indexing_again_from_scratch_raises_nothing_twice(story):
    before = {
        (a.rule, a.dedup_key) for rule in ("structuring", "large_transaction") for a in story.alerts(rule)
    }
    story.sync()
    with story.server.session() as s:
        result = backfill(make_sessionmaker(s.get_bind()), story.chain.manifest["deployBlock"])
    assert result.events > 0 and result.alerts == 0
    assert {
        (a.rule, a.dedup_key) for rule in ("structuring", "large_transaction") for a in story.alerts(rule)
    } == before


def test_a_structuring_case_frozen_by_two_officers_blocks_the_wallets_on_chain(story):
    server, chain = story.server, story.chain
    first = server.client(headers={"X-API-Key": create_operator_key(server, "compliance")})
    second = server.client(headers={"X-API-Key": create_operator_key(server, "compliance")})
    [alert] = story.alerts("structuring")
    proposed = first.post(
        f"/v2/aml/cases/{alert.case_id}/dispositions",
        json={"action": "freeze", "reason": "four fundings of 12,500 from three wallets in minutes"},
    )
    assert proposed.status_code == 201 and proposed.json()["status"] == "proposed", proposed.text
    disposition = proposed.json()["id"]
    own = first.post(f"/v2/aml/dispositions/{disposition}/approve", json={"reason": "approving my own"})
    assert own.status_code == 403 and own.json()["type"] == "aml-four-eyes"
    registry = chain.contract("IdentityRegistry")
    assert not registry.functions.isFrozen(story.who["x1"]).call()

    approved = second.post(
        f"/v2/aml/dispositions/{disposition}/approve", json={"reason": "agreed: freeze all three"}
    )
    assert approved.status_code == 200, approved.text
    assert approved.json()["status"] == "effective"
    frozen = approved.json()["outcome"]
    for name in ("x1", "x2", "x3"):
        assert registry.functions.isFrozen(story.who[name]).call(), name
        assert frozen[story.who[name]].startswith("0x")
    case = first.get(f"/v2/aml/cases/{alert.case_id}").json()
    assert case["status"] == "frozen" and {w["wallet"] for w in case["wallets"]} >= {story.who["x1"]}

    market = chain.contract("LoanMarket")
    with pytest.raises(ContractLogicError) as refused:
        market.functions.fund(story.loans["secured"], 1_000 * USD).call({"from": story.who["x1"]})
    frozen_errors = {"0x" + keccak(text=f"{e}(address)")[:4].hex() for e in ("WalletFrozen", "NotEligible")}
    assert str(refused.value.data)[:10] in frozen_errors, refused.value
    assert market.functions.fund(story.loans["secured"], 1_000 * USD).call({"from": story.who["risky"]})
    story.sync()  # the freezes are indexed: the case's wallets show frozen
    case = first.get(f"/v2/aml/cases/{alert.case_id}").json()
    assert all(
        w["frozen"] for w in case["wallets"] if w["wallet"] in {story.who[n] for n in ("x1", "x2", "x3")}
    )
    report = first.get(f"/v2/aml/cases/{alert.case_id}/report", params={"format": "json"})
    assert (
        report.status_code == 200 and report.headers["X-Report-Signer"] == chain.accounts["attester"].address
    )
    assert httpx.Headers(report.headers)["content-type"].startswith("application/json")


def test_a_freeze_the_chain_refused_is_sent_again_by_the_worker(story):
    """Approved with a key that lacks COMPLIANCE_ROLE: the revert is a 409 and the approval stands; the
    worker's retry, with the compliance key, freezes the wallet once."""
    server, chain = story.server, story.chain
    [alert] = story.alerts("jurisdiction")
    kyc = server.app.state.kyc_settings
    wrong = kyc.model_copy(update={"compliance_private_key": SecretStr(chain.key("user11"))})
    sessions = server.app.state.sessionmaker
    with sessions() as session:
        proposal = service.propose(
            session,
            server.settings,
            alert.case_id,
            Operator("o1", "one", frozenset({"compliance"})),
            "freeze",
            "x" * 12,
        )
        with pytest.raises(Problem) as refused:
            service.decide(
                session,
                server.settings,
                wrong,
                AmlSettings(),
                proposal.id,
                Operator("o2", "two", frozenset({"compliance"})),
                True,
                "agreed, freeze",
            )
    assert refused.value.status == 409 and refused.value.type == "contract-reverted"
    with sessions() as session:
        stuck = service.get_disposition(session, proposal.id)
        assert stuck.status == "approved" and "AccessControlUnauthorizedAccount" in (stuck.error or "")
    registry = chain.contract("IdentityRegistry")
    assert not registry.functions.isFrozen(story.who["risky"]).call()

    assert service.retry_approved(sessions, server.settings, kyc, AmlSettings()) == 1
    assert registry.functions.isFrozen(story.who["risky"]).call()
    with sessions() as session:
        done = service.get_disposition(session, proposal.id)
        assert done.status == "effective" and done.error is None
    assert service.retry_approved(sessions, server.settings, kyc, AmlSettings()) == 0
