"""Protocol parameters set at deployment. Later changes go through the timelock.

Amounts are base units of the 6-decimal stablecoin; rates and fees are basis points.
"""

from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# The pricing table the risk engine quotes offers from; the market enforces the same numbers on-chain.
PRICING_TABLE = ROOT / "backend" / "risk" / "pricing_table.json"

USDC = 10**6

ORACLE = {"threshold": 2, "maxAge": 30 * 24 * 3600}  # a record older than 30 days admits no new loan

MARKET = {
    "originationFeeBps": 100,  # 1% of the drawn principal, to the treasury
    "servicingFeeBps": 500,  # 5% of interest, to the treasury
    "reserveShareBps": 1_000,  # 10% of interest, to the reserve fund
    "lateFeeBpsPerDay": 10,  # 0.1% of the overdue amount per day
    "minTicket": 25 * USDC,
    "maxOpenLoansPerBorrower": 1,
    # A person's outstanding principal across all of its wallets: the per-platform limits of the Chinese
    # online-lending rules (200,000 for an individual, 1,000,000 for an entity).
    "personCapIndividual": 200_000 * USDC,
    "personCapEntity": 1_000_000 * USDC,
    # Note resale: the seller pays 0.5% of the price to the treasury; a note sells at most 5% above par,
    # and not below a 0% yield to maturity unless it is distressed.
    "resaleFeeBps": 50,
    "maxPremiumBps": 500,
    "minYieldBps": 0,
}

RESERVE = {"capBps": 5_000, "capAbsolute": 100_000 * USDC}  # cover at most half a loan, at most 100k

# Local collateral type: an 18-decimal token priced by an 8-decimal feed, as WETH/USD on mainnet.
LOCAL_COLLATERAL = {
    "symbol": "WETH",
    "decimals": 18,
    "feedDecimals": 8,
    "price": 3_000 * 10**8,
    "heartbeat": 24 * 3600,
    "maxLtvBps": [7_000, 7_000, 6_500, 6_000, 5_500, 5_000, 4_000],  # grades A..G
    "liquidationThresholdBps": 8_500,
    "liquidationDiscountBps": 500,
}

TIMELOCK_DELAY = {"local": 60, "production": 2 * 24 * 3600}


def pricing_table() -> list[dict]:
    grades = json.loads(PRICING_TABLE.read_text())["grades"]
    if sorted(g["grade"] for g in grades) != list(range(1, 8)):
        raise SystemExit(f"deploy: {PRICING_TABLE} must define grades 1..7")
    return grades
