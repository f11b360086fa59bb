"""Auto-invest mandates (自动投标): lenders deposit into ledgers of their own, set what their money may fund,
and `allocate` funds listings from the lenders whose mandates match, in queue order, minting each note to
its lender. Nothing is pooled: each lender's balance is deposited + returned - withdrawn - invested."""

import brownie
import pytest
from eth_account import Account
from eth_account.messages import encode_typed_data
from helpers.keys import labelled_key
from market_support import DAY, MIN_TICKET, USD, list_loan, listing, note_id, pay_amount_due, sleep

ALL_GRADES = 0b1111111
GRADE_B = 1 << 1
TERM_DAYS = 360  # the default listing: 12 x 30 days


def mandate(
    grades=ALL_GRADES,
    min_apr=0,
    max_term=TERM_DAYS,
    per_loan=1_000 * USD,
    per_borrower=5_000 * USD,
    lock_tier=0,
    active=True,
):
    return (grades, min_apr, max_term, per_loan, per_borrower, lock_tier, active)


def join(auto, lender, amount=10_000 * USD, **terms):
    auto.setMandate(mandate(**terms), {"from": lender})
    auto.deposit(amount, {"from": lender})


def balance(auto, lender):
    return auto.accountOf(lender)[4]


# ---------------------------------------------------------------- cash in and out


def test_deposit_and_withdraw_keep_each_lenders_ledger(auto, token, lenders):
    a, b = lenders[0], lenders[1]
    auto.deposit(700 * USD, {"from": a})
    tx = auto.deposit(300 * USD, {"from": b})
    assert list(tx.events["Deposited"].values()) == [b, 300 * USD, 0]
    auto.withdraw(200 * USD, {"from": a})
    assert list(auto.accountOf(a)) == [700 * USD, 200 * USD, 0, 0, 500 * USD, 0, 1]
    assert list(auto.accountOf(b)) == [300 * USD, 0, 0, 0, 300 * USD, 0, 2]
    assert token.balanceOf(auto) == 800 * USD


def test_a_lender_cannot_withdraw_more_than_its_own_balance(auto, lenders, err):
    auto.deposit(700 * USD, {"from": lenders[0]})
    auto.deposit(300 * USD, {"from": lenders[1]})
    with err("InsufficientBalance", lenders[1], 300 * USD, 301 * USD):
        auto.withdraw(301 * USD, {"from": lenders[1]})


def test_only_eligible_wallets_deposit_and_frozen_ones_cannot_withdraw(
    auto, identity, lenders, outsider, admin, err
):
    identity.set(outsider, 0, 0, 0, False, {"from": admin})
    with err("NotEligible", outsider):
        auto.deposit(100 * USD, {"from": outsider})
    auto.deposit(100 * USD, {"from": lenders[0]})
    identity.freeze(lenders[0], 1, {"from": admin})
    with err("WalletFrozen", lenders[0]):
        auto.withdraw(100 * USD, {"from": lenders[0]})
    with err("ZeroAmount"):
        auto.deposit(0, {"from": lenders[1]})


def test_a_wound_down_market_takes_no_deposits_and_lenders_still_withdraw(auto, market, lenders, admin, err):
    auto.deposit(100 * USD, {"from": lenders[0]})
    market.windDown({"from": admin})
    with err("MarketWoundDown"):
        auto.deposit(100 * USD, {"from": lenders[0]})
    auto.withdraw(100 * USD, {"from": lenders[0]})
    assert balance(auto, lenders[0]) == 0


def test_a_lock_tier_holds_withdrawals_and_never_shortens(auto, lenders, err):
    lender = lenders[0]
    auto.setMandate(mandate(lock_tier=2), {"from": lender})  # 90 days
    tx = auto.deposit(1_000 * USD, {"from": lender})
    until = tx.events["Deposited"]["lockedUntil"]
    assert until == tx.timestamp + 90 * DAY
    with err("BalanceLocked", lender, until):
        auto.withdraw(1 * USD, {"from": lender})
    auto.setMandate(mandate(lock_tier=1), {"from": lender})  # 30 days: the 90 stand
    assert auto.accountOf(lender)[5] == until
    sleep(90 * DAY)
    auto.withdraw(1_000 * USD, {"from": lender})
    assert balance(auto, lender) == 0


# ---------------------------------------------------------------- mandates


@pytest.mark.parametrize(
    "field, terms",
    [
        ("grades", {"grades": 0}),
        ("grades", {"grades": 1 << 7}),
        ("maxTermDays", {"max_term": 0}),
        ("amountPerLoan", {"per_loan": 0}),
        ("maxPerBorrower", {"per_loan": 1_000 * USD, "per_borrower": 999 * USD}),
        ("lockTier", {"lock_tier": 5}),
        ("active", {"active": False}),
    ],
)
def test_a_mandate_out_of_range_is_refused(auto, lenders, err, field, terms):
    with err("InvalidMandate", field.encode().ljust(32, b"\0")):
        auto.setMandate(mandate(**terms), {"from": lenders[0]})


MANDATE_TYPES = {
    "EIP712Domain": [
        {"name": "name", "type": "string"},
        {"name": "version", "type": "string"},
        {"name": "chainId", "type": "uint256"},
        {"name": "verifyingContract", "type": "address"},
    ],
    "SetMandate": [
        {"name": "lender", "type": "address"},
        {"name": "grades", "type": "uint8"},
        {"name": "minAprBps", "type": "uint16"},
        {"name": "maxTermDays", "type": "uint16"},
        {"name": "amountPerLoan", "type": "uint96"},
        {"name": "maxPerBorrower", "type": "uint96"},
        {"name": "lockTier", "type": "uint8"},
        {"name": "nonce", "type": "uint256"},
        {"name": "deadline", "type": "uint256"},
    ],
}


def sign_mandate(auto, key, m, nonce, deadline):
    message = dict(
        zip(
            ["grades", "minAprBps", "maxTermDays", "amountPerLoan", "maxPerBorrower", "lockTier"],
            m[:6],
            strict=True,
        )
    )
    message.update(lender=Account.from_key(key).address, nonce=nonce, deadline=deadline)
    data = {
        "types": MANDATE_TYPES,
        "primaryType": "SetMandate",
        "domain": {
            "name": "PeerLend AutoInvest",
            "version": "1",
            "chainId": brownie.chain.id,
            "verifyingContract": auto.address,
        },
        "message": message,
    }
    return Account.sign_message(encode_typed_data(full_message=data), key).signature


def test_a_signed_mandate_is_set_once_by_anyone_and_never_replayed(auto, outsider, err):
    signer = labelled_key("mandate signer")
    m = mandate(grades=GRADE_B, min_apr=800)
    deadline = brownie.chain.time() + DAY
    signature = sign_mandate(auto, signer.key, m, 0, deadline)
    tx = auto.setMandateBySig(signer.address, m, deadline, signature, {"from": outsider})
    assert tx.events["MandateSet"]["lender"] == signer.address
    assert list(auto.mandateOf(signer.address)) == list(m)
    assert auto.nonces(signer.address) == 1
    with err("InvalidMandateSignature", signer.address):  # the nonce moved on: the same signature fails
        auto.setMandateBySig(signer.address, m, deadline, signature, {"from": outsider})


def test_a_mandate_signature_is_refused_after_its_deadline_or_for_another_lender(
    auto, lenders, outsider, err
):
    signer = labelled_key("mandate signer")
    m = mandate()
    deadline = brownie.chain.time() + 60
    signature = sign_mandate(auto, signer.key, m, 0, deadline)
    with err("InvalidMandateSignature", lenders[0]):
        auto.setMandateBySig(lenders[0], m, deadline, signature, {"from": outsider})
    altered = mandate(per_loan=2_000 * USD)
    with err("InvalidMandateSignature", signer.address):
        auto.setMandateBySig(signer.address, altered, deadline, signature, {"from": outsider})
    sleep(120)
    with err("SignatureExpired"):
        auto.setMandateBySig(signer.address, m, deadline, signature, {"from": outsider})


def test_a_revoked_mandate_funds_nothing(auto, market, borrower, lenders, err):
    join(auto, lenders[0])
    auto.revokeMandate({"from": lenders[0]})
    loan = list_loan(market, listing(), borrower).return_value
    with err("NothingAllocated", loan):
        auto.allocate(loan, [lenders[0]], {"from": lenders[3]})


# ---------------------------------------------------------------- allocation


def test_allocation_funds_matching_lenders_and_mints_the_notes_to_them(
    auto, market, note, token, borrower, lenders, outsider
):
    a, b = lenders[0], lenders[1]
    join(auto, a)
    join(auto, b, per_loan=1_500 * USD)
    loan = list_loan(market, listing(), borrower).return_value
    held = token.balanceOf(auto)

    tx = auto.allocate(loan, [a, b], {"from": outsider})

    assert tx.return_value == 2_500 * USD
    ids = [note_id(loan, 0), note_id(loan, 1)]
    assert [note.ownerOf(i) for i in ids] == [a, b]
    assert [list(market.noteInfo(i)) for i in ids] == [[a, 1_000 * USD], [b, 1_500 * USD]]
    assert [list(e.values()) for e in tx.events["Allocated"]] == [
        [loan, a, ids[0], 1_000 * USD, 3],
        [loan, b, ids[1], 1_500 * USD, 4],
    ]
    assert held - token.balanceOf(auto) == 2_500 * USD
    assert list(auto.accountOf(a))[2:5] == [1_000 * USD, 0, 9_000 * USD]
    assert auto.exposureOf(b, market.subjectOfLoan(loan)) == 1_500 * USD
    assert market.getLoan(loan)["funded"] == 2_500 * USD


def test_a_lender_funds_a_loan_once_however_often_it_is_named(auto, market, borrower, lenders, err):
    join(auto, lenders[0])
    loan = list_loan(market, listing(), borrower).return_value
    auto.allocate(loan, [lenders[0]], {"from": lenders[0]})
    with err("NothingAllocated", loan):
        auto.allocate(loan, [lenders[0]], {"from": lenders[0]})


@pytest.mark.parametrize(
    "terms",
    [
        {"grades": 1 << 0},  # grade A only; the loan is B
        {"min_apr": 901},  # the loan pays 9%
        {"max_term": TERM_DAYS - 1},
        {"per_loan": 2_001 * USD},  # above 20% of the 10,000 deposited
        {"per_loan": 1_000 * USD, "per_borrower": 1_000 * USD, "_second_loan": True},
    ],
)
def test_allocation_skips_a_lender_its_mandate_rules_out(auto, market, borrower, lenders, admin, terms):
    second = terms.pop("_second_loan", False)
    market.setMaxOpenLoansPerBorrower(5, {"from": admin})
    join(auto, lenders[0], **terms)
    join(auto, lenders[1])
    first = list_loan(market, listing(), borrower).return_value
    if second:  # the cap on one borrower was reached by its first loan
        auto.allocate(first, [lenders[0]], {"from": lenders[1]})
        first = list_loan(market, listing(), borrower).return_value
    tx = auto.allocate(first, sorted(lenders[:2], key=auto.turnOf), {"from": lenders[1]})
    assert [e["lender"] for e in tx.events["Allocated"]] == [lenders[1]]
    assert not auto.allocated(first, lenders[0])


def test_allocation_skips_a_short_balance_an_unsuitable_lender_and_the_borrower(
    auto, market, identity, borrowers, lenders, admin, err
):
    short, unsuitable, fine = lenders[0], lenders[1], lenders[2]
    join(auto, short, amount=999 * USD, per_loan=1_000 * USD)
    join(auto, unsuitable)
    join(auto, fine)
    join(auto, borrowers[0])
    identity.set(unsuitable, 2, 1, 2**40 - 1, False, {"from": admin})  # grade C needs risk class 2
    loan = list_loan(market, listing(), borrowers[0], grade=3).return_value
    tx = auto.allocate(loan, [short, unsuitable, fine, borrowers[0]], {"from": admin})
    assert [e["lender"] for e in tx.events["Allocated"]] == [fine]


def test_allocation_keeps_the_markets_ticket_rules(auto, market, borrower, lenders, err):
    """A ticket below the market's minimum is skipped unless it completes the loan; a ticket larger than what
    is left is cut to it."""
    join(auto, lenders[1], per_loan=2_000 * USD)
    join(auto, lenders[0], per_loan=MIN_TICKET - 15 * USD)
    loan = list_loan(market, listing(principal=2_010 * USD), borrower).return_value
    with err("NothingAllocated", loan):
        auto.allocate(loan, [lenders[0]], {"from": lenders[1]})
    tx = auto.allocate(loan, [lenders[1], lenders[0]], {"from": lenders[1]})
    assert [e["amount"] for e in tx.events["Allocated"]] == [2_000 * USD, 10 * USD]
    assert market.getLoan(loan)["funded"] == 2_010 * USD


def test_lenders_must_be_named_in_queue_order(auto, market, borrower, lenders, outsider, err):
    join(auto, lenders[0])
    join(auto, lenders[1])
    loan = list_loan(market, listing(), borrower).return_value
    with err("LendersOutOfTurn", lenders[0], 1, 2):
        auto.allocate(loan, [lenders[1], lenders[0]], {"from": outsider})
    tx = auto.allocate(loan, [lenders[0], lenders[0]], {"from": outsider})  # served, then at the back
    assert [e["lender"] for e in tx.events["Allocated"]] == [lenders[0]]
    auto.revokeMandate({"from": lenders[1]})
    with err("LendersOutOfTurn", lenders[1], 2, 2):  # skipped, so its place stays: named twice
        auto.allocate(loan, [lenders[1], lenders[1]], {"from": outsider})
    with err("LendersOutOfTurn", lenders[5], 0, 0):  # never deposited: no place in the queue
        auto.allocate(loan, [lenders[5]], {"from": outsider})


def test_only_a_listed_loan_is_allocated(auto, market, drawn, lenders, err):
    join(auto, lenders[5])
    with err("LoanNotListed", drawn):
        auto.allocate(drawn, [lenders[5]], {"from": lenders[5]})


def test_ties_go_round_robin_so_early_depositors_cannot_take_every_loan(
    auto, market, borrowers, lenders, outsider, admin
):
    """Three lenders with the same mandate, in deposit order A, B, C; six listings that each take one ticket.
    Each listing is allocated as the keeper does it, naming every lender in queue order. A, B, C are funded
    in turn and then again: the one just funded waits for the others."""
    market.setMaxOpenLoansPerBorrower(5, {"from": admin})
    trio = lenders[:3]
    for lender in trio:
        join(auto, lender, per_loan=1_000 * USD, per_borrower=10_000 * USD)
    funded = []
    for i in range(6):
        loan = list_loan(market, listing(principal=1_000 * USD), borrowers[i % 3]).return_value
        queue = sorted(trio, key=auto.turnOf)
        tx = auto.allocate(loan, queue, {"from": outsider})
        funded += [e["lender"] for e in tx.events["Allocated"]]
    assert funded == list(trio) * 2


# ---------------------------------------------------------------- repayments back into the mandate


def test_reinvest_claims_the_lenders_notes_into_its_balance(
    auto, market, lens, token, borrower, lenders, err
):
    lender = lenders[0]
    join(auto, lender, per_loan=2_000 * USD)
    loan = list_loan(market, listing(principal=2_000 * USD), borrower).return_value
    auto.allocate(loan, [lender], {"from": lender})
    market.drawdown(loan, {"from": borrower})
    sleep(30 * DAY)
    pay_amount_due(market, lens, loan, borrower)
    nid = note_id(loan, 0)
    due = market.claimable(nid)
    assert due > 0
    with err("NotNoteHolder", lenders[1], nid):  # only the holder's own notes
        auto.reinvest([nid], {"from": lenders[1]})
    tx = auto.reinvest([nid], {"from": lender})
    assert tx.return_value == due
    assert list(auto.accountOf(lender))[2:5] == [2_000 * USD, due, 8_000 * USD + due]
    assert market.claimable(nid) == 0


# ---------------------------------------------------------------- governance


def test_the_admin_sets_the_diversification_share_within_bounds(auto, admin, err):
    with err("ParameterOutOfBounds", b"maxShareBps".ljust(32, b"\0"), 10_001, 10_000):
        auto.setMaxShare(10_001, {"from": admin})
    tx = auto.setMaxShare(5_000, {"from": admin})
    assert tx.events["MaxShareSet"]["maxShareBps"] == 5_000
    assert auto.maxShareBps() == 5_000
