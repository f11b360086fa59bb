"""Stateful invariant: the vault always holds exactly the collateral of its open positions (never less
than it owes borrowers), whatever the sequence of pledges, top-ups, price moves and feed failures,
defaults, repayments, liquidations and releases. Every collateral unit minted is at all times with the
vault, a buyer or a borrower; every stablecoin unit a buyer paid is either booked by the market against
a loan (never more than the loan's payoff) or refunded to that loan's borrower; every fill costs the
discounted value of what it sold, rounded up; openPositions counts exactly the positions holding
collateral.

Two collateral types with different decimals (18-decimal token on an 8-decimal feed, 8-decimal token
on an 18-decimal feed) share the vault."""

from brownie.exceptions import VirtualMachineError
from brownie.test import strategy
from collateral_support import BPS, DISCOUNT, MAX_LTV, MAX_UINT, USD, params, value_exact
from helpers.stateful import state_machine, stateful_settings

# `make test`: the same sequences every run (derandomized), so the coverage check below cannot flake and a
# failure reproduces; `make fuzz` runs hundreds of fresh random ones (helpers/stateful.stateful_settings).
SETTINGS = stateful_settings(25, 20)
GAS = {"gas": 1_000_000}  # skips gas estimation on transactions that cannot revert
FUNDS = 10**30
# What the run actually exercised, so a vacuous run (nothing ever liquidated) fails the test.
STATS = {
    "pledges": 0,
    "pledgesRefused": 0,
    "topUps": 0,
    "liquidations": 0,
    "liquidationsRefused": 0,
    "refunds": 0,
    "releases": 0,
}
ZERO = "0x" + "00" * 20


class VaultStateMachine:
    st_token = strategy("uint8", max_value=1)
    st_tokens = strategy("uint256", min_value=1, max_value=50)  # whole tokens to pledge
    st_bps = strategy("uint256", min_value=1, max_value=10_000)
    st_grade = strategy("uint8", min_value=1, max_value=7)
    st_price = strategy("uint256", min_value=50, max_value=4000)  # whole dollars
    st_index = strategy("uint256")
    st_mode = strategy("uint8", max_value=2)

    def __init__(cls, vault, market, stable, tokens, feeds, accounts, admin):
        cls.vault, cls.market, cls.stable = vault, market, stable
        cls.tokens, cls.feeds = tokens, feeds
        cls.borrowers, cls.buyers = accounts[3:6], accounts[6:9]
        cls.admin = admin
        # Fund and approve once, before the snapshot every example starts from.
        for b in cls.borrowers:
            for tok in tokens:
                tok.mint(b, FUNDS, {"from": b})
                tok.approve(vault, MAX_UINT, {"from": b})
        for b in cls.buyers:
            stable.mint(b, FUNDS, {"from": b})
            stable.approve(vault, MAX_UINT, {"from": b})
        cls.holders = [vault] + list(cls.borrowers) + list(cls.buyers)

    def setup(self):
        self.next_loan = 1
        self.open = {}  # loan id -> {"token": i, "amount": n, "borrower": account}
        self.prices = [2000, 30_000]
        self.feed_ok = [True, True]
        self.paid = 0  # booked by the market
        self.refunds = 0  # paid over a payoff, sent back to borrowers
        self.proceeds = {}

    # ------------------------------------------------------------------ helpers

    def _decimals(self, i):
        return (18, 8)[i]

    def _feed_price(self, i, dollars):
        return dollars * 10 ** (8, 18)[i]

    def _value(self, i, amount):
        td, fd = self._decimals(i), (8, 18)[i]
        return amount * self._feed_price(i, self.prices[i]) * USD // 10 ** (td + fd)

    def _discounted(self, i, amount):
        """Exact discounted value of `amount` of token i at the current price, in stablecoin units."""
        price = self._feed_price(i, self.prices[i])
        return value_exact(amount, price, self._decimals(i), (8, 18)[i], factor=BPS - DISCOUNT)

    def _pick(self, st_index):
        if not self.open:
            return None
        ids = sorted(self.open)
        return ids[st_index % len(ids)]

    # ------------------------------------------------------------------ rules

    def initialize_book(self, st_tokens, st_grade):
        # Every example starts with open loans in both collateral types, one near its maximum LTV.
        self.rule_pledge(0, st_tokens, 9_900, st_grade)
        self.rule_pledge(1, 1, 5_000, 1)
        self.rule_pledge(0, 3, 10_000, 1)

    def rule_pledge(self, st_token, st_tokens, st_bps, st_grade):
        i = st_token
        tok = self.tokens[i]
        borrower = self.borrowers[self.next_loan % len(self.borrowers)]
        amount = st_tokens * 10 ** self._decimals(i) + st_bps  # a few base units off whole tokens
        principal = self._value(i, amount) * MAX_LTV[st_grade - 1] // 10_000 * st_bps // 10_000
        loan = self.next_loan
        if not self.feed_ok[i]:
            # expected reverts are checked with eth_call: a reverted transaction costs a trace
            try:
                self.market.pledge.call(loan, borrower, tok, amount, principal, st_grade, {"from": borrower})
            except VirtualMachineError:
                STATS["pledgesRefused"] += 1
                return
            raise AssertionError("pledge accepted on a bad price")
        self.market.pledgeDrawn(loan, borrower, tok, amount, principal, st_grade, {"from": borrower, **GAS})
        self.open[loan] = {"token": i, "amount": amount, "borrower": borrower}
        STATS["pledges"] += 1
        self.next_loan += 1

    def rule_add_collateral(self, st_index, st_tokens):
        loan = self._pick(st_index)
        if loan is None:
            return
        pos = self.open[loan]
        amount = st_tokens * 10 ** self._decimals(pos["token"])
        self.market.addCollateral(loan, pos["borrower"], amount, {"from": pos["borrower"], **GAS})
        pos["amount"] += amount
        STATS["topUps"] += 1

    def rule_move_price(self, st_token, st_price):
        i = st_token
        self.prices[i] = st_price if i == 0 else st_price * 15
        self.feeds[i].setPrice(self._feed_price(i, self.prices[i]), {"from": self.admin, **GAS})
        self.feed_ok[i] = True

    def rule_feed_outage(self, st_token, st_mode, st_tokens):
        # A zero, negative or incomplete answer: no pledge and no liquidation of that collateral while
        # it lasts (checked with eth_call), then the feed recovers at the previous price.
        i = st_token
        feed = self.feeds[i]
        if st_mode == 0:
            feed.setPrice(0, {"from": self.admin, **GAS})
        elif st_mode == 1:
            feed.setPrice(-1, {"from": self.admin, **GAS})
        else:
            feed.setRoundData(5, 1, 0, 0, 5, {"from": self.admin, **GAS})
        self.feed_ok[i] = False
        self.rule_pledge(i, st_tokens, 5_000, 1)
        for loan, p in self.open.items():
            if p["token"] == i:
                assert not self.vault.isLiquidatable(loan)
                try:
                    self.vault.liquidate.call(loan, 1, MAX_UINT, {"from": self.buyers[0]})
                except VirtualMachineError:
                    STATS["liquidationsRefused"] += 1
                    continue
                raise AssertionError("liquidation accepted on a bad price")
        feed.setPrice(self._feed_price(i, self.prices[i]), {"from": self.admin, **GAS})
        self.feed_ok[i] = True

    def rule_default(self, st_index):
        loan = self._pick(st_index)
        if loan is not None:
            self.market.setDefaulted(loan, True, {"from": self.admin, **GAS})

    def rule_repay(self, st_index, st_bps):
        loan = self._pick(st_index)
        if loan is not None:
            owed = self.market.outstandingPrincipal(loan)
            self.market.setOutstanding(loan, owed * (10_000 - st_bps) // 10_000, {"from": self.admin, **GAS})

    def rule_liquidate(self, st_index, st_bps):
        # Aim at a liquidatable loan when there is one, so sales happen often; otherwise any loan,
        # which must then be refused.
        ready = [loan for loan in sorted(self.open) if self.vault.isLiquidatable(loan)]
        loan = ready[st_index % len(ready)] if ready else self._pick(st_index)
        if loan is None:
            return
        pos = self.open[loan]
        i = pos["token"]
        buyer = self.buyers[loan % len(self.buyers)]
        want = max(1, pos["amount"] * st_bps // 10_000)
        expected_ok = self.vault.isLiquidatable(loan)
        owed = self.market.outstandingPrincipal(loan)
        if not expected_ok:
            try:
                self.vault.liquidate.call(loan, want, MAX_UINT, {"from": buyer})
            except VirtualMachineError:
                STATS["liquidationsRefused"] += 1
                return
            raise AssertionError("liquidation accepted while isLiquidatable was false")
        assert self.feed_ok[i] and owed > 0
        refunded = self.market.refunded(loan)
        tx = self.vault.liquidate(loan, want, MAX_UINT, {"from": buyer, **GAS})
        bought, payment = (int(v) for v in tx.return_value)
        assert 0 < bought <= min(want, pos["amount"])
        # the buyer pays the discounted value of what it got, rounded up: never more than the discount
        discounted = self._discounted(i, bought)
        assert discounted <= payment < discounted + 1
        booked = min(payment, owed)
        if payment > owed:
            # an overpaying fill buys no more than the least collateral that repays the loan
            assert self._discounted(i, bought - 1) < owed
            STATS["refunds"] += 1
        assert self.market.outstandingPrincipal(loan) == owed - booked
        assert self.market.refunded(loan) == refunded + payment - booked
        pos["amount"] -= bought
        self.paid += booked
        self.refunds += payment - booked
        self.proceeds[loan] = self.proceeds.get(loan, 0) + booked
        STATS["liquidations"] += 1

    def rule_release(self, st_index):
        loan = self._pick(st_index)
        if loan is None:
            return
        pos = self.open.pop(loan)
        before = self.tokens[pos["token"]].balanceOf(pos["borrower"])
        self.market.release(loan, {"from": self.admin, **GAS})
        assert self.tokens[pos["token"]].balanceOf(pos["borrower"]) == before + pos["amount"]
        # the position is gone, emptied or not: the loan id reads as never pledged
        assert self.vault.borrowerOf(loan) == ZERO
        STATS["releases"] += 1

    # ------------------------------------------------------------------ invariants

    def invariant_vault_holds_open_positions(self):
        for i, tok in enumerate(self.tokens):
            owed = sum(p["amount"] for p in self.open.values() if p["token"] == i)
            held = tok.balanceOf(self.vault)
            assert held >= owed
            assert held == owed  # and nothing unaccounted for stays behind

    def invariant_positions_match_model(self):
        for loan, p in self.open.items():
            token, amount = self.vault.positionOf(loan)
            assert token == self.tokens[p["token"]] and amount == p["amount"]

    def teardown(self):
        # Conservation, checked once per example (it reads every holder's balance).
        for tok in self.tokens:
            total = sum(tok.balanceOf(h) for h in self.holders)
            assert total == FUNDS * len(self.borrowers)

    def invariant_proceeds_booked(self):
        assert self.stable.balanceOf(self.market) == self.paid == self.market.totalProceeds()

    def invariant_overpayments_refunded_to_borrowers(self):
        assert sum(self.stable.balanceOf(b) for b in self.borrowers) == self.refunds

    def invariant_open_positions_counted(self):
        holding = sum(1 for p in self.open.values() if p["amount"] > 0)
        assert self.vault.openPositions() == holding


def test_vault_invariants(
    configured,
    market,
    stable,
    weth,
    feed,
    MockCollateralToken,
    MockAggregatorV3,
    accounts,
    admin,
    risk,
):
    wbtc = MockCollateralToken.deploy("WBTC", 8, {"from": admin})
    btc_feed = MockAggregatorV3.deploy(18, 30_000 * 10**18, {"from": admin})
    configured.configureCollateral(wbtc, params(btc_feed, decimals=8), {"from": risk})
    state_machine(
        VaultStateMachine,
        configured,
        market,
        stable,
        [weth, wbtc],
        [feed, btc_feed],
        accounts,
        admin,
        settings=SETTINGS,
    )
    print(f"\nstateful run: {STATS}")
    assert all(STATS.values()), f"a path was never exercised: {STATS}"
