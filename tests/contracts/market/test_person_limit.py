"""A person's outstanding principal is capped across every wallet the identity registry links to it
(individuals and entities have their own caps). Listing counts the requested principal, drawdown the
drawn one, and every way a loan ends for the borrower gives it back."""

import pytest
from brownie import web3
from helpers.chain_time import pin_next_block_time
from market_support import DAY, STATUS, USD, list_loan, listing, sleep

ALICE = web3.keccak(text="person:alice")


@pytest.fixture
def alice(market, identity, borrowers, admin):
    """borrowers[0] and borrowers[1] are two wallets of one individual; caps 15,000 / 30,000."""
    for wallet in borrowers[:2]:
        identity.setPerson(wallet, ALICE, False, {"from": admin})
    market.setPersonCaps(15_000 * USD, 30_000 * USD, {"from": admin})
    return borrowers[:2]


def test_the_cap_spans_the_persons_wallets(market, alice, err):
    list_loan(market, listing(principal=10_000 * USD), alice[0])
    assert market.personPrincipalOf(ALICE) == 10_000 * USD
    with err("PersonLimitExceeded", ALICE, 16_000 * USD, 15_000 * USD):
        list_loan(market, listing(principal=6_000 * USD), alice[1])
    list_loan(market, listing(principal=5_000 * USD), alice[1])  # exactly at the cap
    assert market.personPrincipalOf(ALICE) == 15_000 * USD


def test_another_person_has_its_own_room(market, alice, borrowers):
    list_loan(market, listing(principal=15_000 * USD), alice[0])
    list_loan(market, listing(principal=15_000 * USD), borrowers[2])  # its own subject: its own wallet


def test_an_entity_has_the_entity_cap(market, identity, alice, admin, err):
    for wallet in alice:
        identity.setPerson(wallet, ALICE, True, {"from": admin})
    list_loan(market, listing(principal=20_000 * USD), alice[0])
    with err("PersonLimitExceeded", ALICE, 31_000 * USD, 30_000 * USD):
        list_loan(market, listing(principal=11_000 * USD), alice[1])


def test_the_default_caps_are_the_regulatory_limits(market):
    assert tuple(market.personCaps()) == (200_000 * USD, 1_000_000 * USD)


def test_drawdown_counts_what_was_drawn(market, alice, lenders):
    loan_id = list_loan(market, listing(principal=10_000 * USD, min_fill=4_000 * USD), alice[0]).return_value
    market.fund(loan_id, 6_000 * USD, {"from": lenders[0]})
    sleep(7 * DAY + 10)
    market.drawdown(loan_id, {"from": alice[0]})
    assert market.personPrincipalOf(ALICE) == 6_000 * USD
    assert bytes(market.subjectOfLoan(loan_id)) == bytes(ALICE)


@pytest.mark.parametrize("ending", ["cancel", "expire", "repay", "settle after default"])
def test_every_ending_frees_the_persons_room(market, alice, lenders, outsider, ending):
    loan_id = list_loan(market, listing(principal=15_000 * USD), alice[0]).return_value
    if ending == "cancel":
        market.cancel(loan_id, {"from": alice[0]})
    elif ending == "expire":
        sleep(8 * DAY)
        market.expire(loan_id, {"from": outsider})
    else:
        market.fund(loan_id, 15_000 * USD, {"from": lenders[0]})
        market.drawdown(loan_id, {"from": alice[0]})
        if ending == "settle after default":
            sleep(121 * DAY)
            market.markDefault(loan_id, {"from": outsider})
        pin_next_block_time()
        market.repay(
            loan_id, market.payoffAmount(loan_id, block_identifier="pending") + 10**9, {"from": alice[0]}
        )
    assert market.personPrincipalOf(ALICE) == 0
    assert market.openLoansOf(alice[0]) == 0
    list_loan(market, listing(principal=15_000 * USD), alice[1])  # the person may borrow again


def test_a_lowered_cap_stops_the_drawdown_and_frees_the_lenders(market, alice, lenders, admin, outsider, err):
    loan_id = list_loan(market, listing(principal=10_000 * USD), alice[0]).return_value
    market.fund(loan_id, 10_000 * USD, {"from": lenders[0]})
    market.setPersonCaps(8_000 * USD, 30_000 * USD, {"from": admin})
    with err("PersonLimitExceeded", ALICE, 10_000 * USD, 8_000 * USD):
        market.drawdown(loan_id, {"from": alice[0]})
    assert market.expiryReason(loan_id) == 3
    market.expire(loan_id, {"from": outsider})
    assert market.getLoan(loan_id)["status"] == STATUS["Expired"]
