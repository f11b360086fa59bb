"""The indexer on the whole deployed system: real identity, oracle and loan events -> read models that
agree with the contracts' own views, and a fresh index that equals the incremental one."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from backend.chain.indexer.decoders import EventDecoder
from backend.chain.indexer.follower import Indexer
from backend.chain.indexer.rpc import RpcClient
from backend.kyc.models import IdentityView
from backend.loans.annuity import annuity_installment
from backend.loans.models import InstallmentView, LoanView, NoteView, PortfolioView, RepaymentView
from backend.loans.note_ids import note_id
from backend.oracle_feed.models import CreditRecordView
from backend.projections import PROJECTIONS
from oracle.chain import OracleChain
from oracle.signing import ScoreBatch, order_signatures, sign_batch
from tests.backend.chain.indexer.conftest import dump
from tests.support.offers import offer, signed

USDC = 10**6
DAY = 86_400


@pytest.fixture(scope="module")
def lifecycle(deployed_chain):
    """One loan's life on the deployed contracts; reverted to the snapshot afterwards."""
    chain = deployed_chain
    snap = chain.snapshot()
    acc = chain.accounts
    borrower, lender_a, lender_b, buyer, frozen = (acc[f"user{i}"].address for i in range(5))
    registry, market, token = (
        chain.contract("IdentityRegistry"),
        chain.contract("LoanMarket"),
        chain.contract("MockStablecoin"),
    )
    note = chain.contract("LoanNote")
    now = chain.now()

    def send(fn, sender):
        receipt = chain.w3.eth.wait_for_transaction_receipt(fn.transact({"from": sender}))
        assert receipt["status"] == 1
        return receipt

    # lender_b and the buyer are one person (two wallets, one subject)
    subjects = {borrower: b"\x21" * 32, lender_a: b"\x22" * 32, lender_b: b"\x23" * 32, buyer: b"\x23" * 32}
    subjects[frozen] = b"\x24" * 32
    for wallet, risk_class in ((borrower, 3), (lender_a, 5), (lender_b, 4), (buyer, 5), (frozen, 2)):
        send(
            registry.functions.attest(
                wallet, 2, risk_class, 276, now + 365 * DAY, b"\x11" * 32, subjects[wallet], False
            ),
            acc["attester"].address,
        )
    send(registry.functions.freeze(frozen, 7), acc["compliance"].address)

    oracle = OracleChain.from_manifest(chain.rpc_url, chain.manifest, chain.build_dir)
    batch = ScoreBatch.build(
        oracle.last_round() + 1,
        now + 600,
        [
            {
                "borrower": borrower,
                "score": 700,
                "grade": 2,
                "pdBps": 400,
                "modelVersion": 1,
                "asOf": now - 10,
                "reasonsHash": "0x" + "22" * 32,
            }
        ],
    )
    sigs = order_signatures(
        [
            (acc[r].address, sign_batch(batch, chain.chain_id, oracle.address, acc[r].key))
            for r in ("oracle1", "oracle3")
        ]
    )
    gas = oracle.simulate(batch, sigs, acc["submitter"].address)
    sent = oracle.sign_submission(batch, sigs, acc["submitter"].key, gas=gas * 2)
    oracle.broadcast(sent.raw)
    assert chain.w3.eth.wait_for_transaction_receipt(sent.tx_hash)["status"] == 1

    for wallet in (borrower, lender_a, lender_b):
        send(token.functions.mint(wallet, 5_000 * USDC), wallet)
        send(token.functions.approve(market.address, 2**256 - 1), wallet)
    params = (1_000 * USDC, 0, 6, 30 * DAY, now + 3 * DAY, "0x" + "00" * 20, 0)
    loan_offer = offer(chain, borrower, 1_000 * USDC, 6, grade=2)
    send(market.functions.list(params, *signed(chain, loan_offer)), borrower)
    loan_id = 1
    send(market.functions.fund(loan_id, 600 * USDC), lender_a)
    send(market.functions.fund(loan_id, 400 * USDC), lender_b)
    send(market.functions.drawdown(loan_id), borrower)
    chain.mine(seconds=30 * DAY + 3600)  # past the first due date whatever the block clock lead
    due = chain.contract("LoanMarketLens").functions.amountDue(loan_id).call()
    # a dollar above what was due at the read covers the seconds until the repay's block
    send(market.functions.repay(loan_id, due + USDC), borrower)
    note_a, note_b = note_id(loan_id, 0), note_id(loan_id, 1)
    send(market.functions.claim(note_a), lender_a)
    send(note.functions.transferFrom(lender_b, buyer, note_b), lender_b)
    chain.mine()
    yield {
        "chain": chain,
        "borrower": borrower,
        "lender_a": lender_a,
        "lender_b": lender_b,
        "buyer": buyer,
        "frozen": frozen,
        "market": market,
        "note": note,
        "oracle": oracle,
        "loan_id": loan_id,
        "notes": (note_a, note_b),
        "round": batch.round,
        "subjects": subjects,
        "offer_nonce": loan_offer["nonce"],
    }
    chain.revert(snap)


def _index(chain, sessions, **kwargs) -> Indexer:
    rpc = RpcClient(chain.rpc_url)
    indexer = Indexer(
        rpc,
        EventDecoder.from_manifest(chain.manifest, chain.build_dir),
        sessions,
        projections=PROJECTIONS,
        chain_id=chain.chain_id,
        start_block=chain.manifest["deployBlock"],
        confirmations=0,
        **kwargs,
    )
    indexer.sync()
    rpc.close()
    return indexer


def test_read_models_agree_with_the_contracts(lifecycle, make_db):
    chain, market = lifecycle["chain"], lifecycle["market"]
    sessions = make_db("system")
    _index(chain, sessions, range_size=7)
    loan_id = lifecycle["loan_id"]
    with sessions() as s:
        ident = s.get(IdentityView, lifecycle["borrower"])
        assert (ident.status, ident.level, ident.risk_class, ident.jurisdiction, ident.frozen) == (
            "attested",
            2,
            3,
            276,
            False,
        )
        assert s.get(IdentityView, lifecycle["frozen"]).frozen is True
        for wallet, subject in lifecycle["subjects"].items():
            row = s.get(IdentityView, wallet)
            assert (row.subject, row.entity) == ("0x" + subject.hex(), False)

        record, onchain = (
            s.get(CreditRecordView, lifecycle["borrower"]),
            lifecycle["oracle"].record_of(lifecycle["borrower"]),
        )
        assert (record.score, record.grade, record.pd_bps, record.as_of, record.round) == (
            onchain["score"],
            onchain["grade"],
            onchain["pdBps"],
            onchain["asOf"],
            lifecycle["round"],
        )

        loan = s.get(LoanView, loan_id)
        assert (loan.status, loan.principal, loan.funded, loan.lenders, loan.term) == (
            "active",
            1_000 * USDC,
            1_000 * USDC,
            2,
            6,
        )
        assert loan.principal - loan.principal_repaid == market.functions.outstandingPrincipal(loan_id).call()
        assert loan.offer_nonce == str(lifecycle["offer_nonce"])
        config = market.functions.config().call()  # the fees fixed into the loan at its drawdown
        assert (loan.servicing_fee_bps, loan.reserve_share_bps, loan.late_fee_bps_per_day) == (
            config[1],
            config[2],
            config[3],
        )
        assert loan.periods_paid == 1
        assert loan.installment == annuity_installment(loan.principal, loan.rate_bps, 6, 30 * DAY)
        schedule = s.scalars(select(InstallmentView).where(InstallmentView.loan_id == loan_id)).all()
        assert len(schedule) == 6 and sum(r.principal for r in schedule) == loan.principal
        assert len(s.scalars(select(RepaymentView)).all()) == 1

        note_a, note_b = (s.get(NoteView, n) for n in lifecycle["notes"])
        for n in (note_a, note_b):
            assert n.owner == lifecycle["note"].functions.ownerOf(n.note_id).call()
        assert note_b.owner == lifecycle["buyer"] and note_b.original_lender == lifecycle["lender_b"]
        a, b, buyer = (s.get(PortfolioView, lifecycle[w]) for w in ("lender_a", "lender_b", "buyer"))
        assert (a.invested, b.invested, a.notes, b.notes, buyer.notes) == (600 * USDC, 400 * USDC, 1, 0, 1)
        assert a.received == note_a.claimed > 0
        assert market.functions.claimable(note_a.note_id).call() == 0
        assert buyer.outstanding == note_b.principal - note_b.principal_returned
        returned = note_a.principal_returned + note_b.principal_returned
        assert (
            loan.principal_repaid - 2 <= returned <= loan.principal_repaid
        )  # pro rata, rounded down per note
        assert a.outstanding + buyer.outstanding == loan.principal - returned


def test_fresh_index_equals_incremental_index(lifecycle, make_db):
    chain = lifecycle["chain"]
    incremental, fresh = make_db("incremental"), make_db("fresh")
    _index(chain, incremental, range_size=3)
    _index(chain, fresh, range_size=100_000)
    assert dump(incremental) == dump(fresh)
