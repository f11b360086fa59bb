"""Hostile tokens against AutoInvest's cash paths (the same doubles and markets as test_token_safety.py): a
deposit must credit exactly what arrived, and no deposit or withdrawal can be re-entered mid-transfer."""

from market_support import USD


def test_a_fee_on_transfer_deposit_is_refused(fee_token, lenders, err):
    token, _, _, auto = fee_token
    with err("FeeOnTransferNotSupported", token, 1_000 * USD, 990 * USD):
        auto.deposit(1_000 * USD, {"from": lenders[0]})
    assert token.balanceOf(auto) == 0


def test_reentry_during_a_deposit_is_refused(reentrant, lenders, err):
    token, _, _, auto = reentrant
    lender = lenders[0]
    auto.deposit(1_000 * USD, {"from": lender})
    # while the second deposit is pulled in, the token withdraws the first one
    token.arm(auto, auto.withdraw.encode_input(1_000 * USD), {"from": lender})
    with err("ReentrancyGuardReentrantCall"):
        auto.deposit(500 * USD, {"from": lender})
    token.disarm({"from": lender})
    assert auto.accountOf(lender)[4] == 1_000 * USD


def test_reentry_during_a_withdrawal_is_refused(reentrant, lenders, err):
    token, _, _, auto = reentrant
    lender = lenders[0]
    auto.deposit(1_000 * USD, {"from": lender})
    # while the balance is paid out, the token asks for it again
    token.arm(auto, auto.withdraw.encode_input(1_000 * USD), {"from": lender})
    with err("ReentrancyGuardReentrantCall"):
        auto.withdraw(1_000 * USD, {"from": lender})
    token.disarm({"from": lender})
    auto.withdraw(1_000 * USD, {"from": lender})
    assert (auto.accountOf(lender)[4], token.balanceOf(auto)) == (0, 0)
