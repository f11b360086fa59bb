"""One table per role-holding contract of the deployed system: who holds each role once
scripts/deployment/system.py has handed governance to the timelock, and every role-gated function with
arguments it accepts and the role it requires.

Arguments only need to encode: every gate checks the role before anything else, so a stranger is
refused whatever it passes. test_role_tables.py holds each table to the gates the compiled contracts
actually have, so a new `onlyRole` function fails until it is listed here.

Holders name members of the cast in roles_support.py; `anyone` is address(0), which opens a role.
"""

from dataclasses import dataclass, replace

ADMIN = "DEFAULT_ADMIN_ROLE"
SOMEONE = "0x" + "5e" * 20  # an address nobody in the cast controls
B32 = "0x" + "00" * 32
DAY = 86_400


@dataclass(frozen=True)
class Gate:
    fn: str
    args: tuple
    role: str


@dataclass(frozen=True)
class RoleTable:
    contract: str  # its name in the deployment (scripts/deployment/system.py)
    parts: tuple  # the compiled contracts whose functions run at its address
    holders: dict  # role name -> cast members holding it as deployed
    gates: tuple

    def __str__(self):
        return self.contract


IDENTITY_REGISTRY = RoleTable(
    "IdentityRegistry",
    ("IdentityRegistry",),
    {ADMIN: {"timelock"}, "ATTESTER_ROLE": {"attester"}, "COMPLIANCE_ROLE": {"compliance"}},
    (
        Gate("attest", (SOMEONE, 2, 3, 840, 2**40 - 1, B32, B32, False), "ATTESTER_ROLE"),
        Gate("revoke", (SOMEONE, 1), "ATTESTER_ROLE"),
        Gate("invalidateSignatures", (SOMEONE,), "ATTESTER_ROLE"),
        Gate("freeze", (SOMEONE, 1), "COMPLIANCE_ROLE"),
        Gate("unfreeze", (SOMEONE, 1), "COMPLIANCE_ROLE"),
    ),
)

CREDIT_ORACLE = RoleTable(
    "CreditOracle",
    ("CreditOracle",),
    {ADMIN: {"timelock"}, "GOVERNOR_ROLE": {"timelock"}},
    (
        Gate("addSigner", (SOMEONE,), "GOVERNOR_ROLE"),
        Gate("removeSigner", (SOMEONE,), "GOVERNOR_ROLE"),
        Gate("setThreshold", (1,), "GOVERNOR_ROLE"),
        Gate("setMaxAge", (DAY,), "GOVERNOR_ROLE"),
    ),
)

RESERVE_FUND = RoleTable(
    "ReserveFund",
    ("ReserveFund",),
    {ADMIN: {"timelock"}, "RISK_ROLE": {"timelock"}},
    (
        Gate("setMarket", (SOMEONE,), ADMIN),
        Gate("setCap", (5_000, 0), "RISK_ROLE"),
        Gate("migrate", (SOMEONE,), ADMIN),
    ),
)

LOAN_MARKET = RoleTable(
    "LoanMarket",
    ("LoanMarket", "LoanMarketExt", "LoanMarketOrigination", "LoanMarketRestructuring"),
    {
        ADMIN: {"timelock"},
        "RISK_ROLE": {"timelock"},
        "PAUSER_ROLE": {"pauser"},
        "OFFER_SIGNER_ROLE": {"offer_signer"},
        "AUTO_INVEST_ROLE": {"auto_invest"},
    },
    (
        Gate("setGradeTerms", (1, 100, 1, True, False), "RISK_ROLE"),
        Gate("setMinRiskClass", (1, 1), "RISK_ROLE"),
        Gate("setFees", (0, 0, 0), "RISK_ROLE"),
        Gate("setLateFeeBpsPerDay", (0,), "RISK_ROLE"),
        Gate("setMinTicket", (0,), "RISK_ROLE"),
        Gate("setMaxOpenLoansPerBorrower", (1,), "RISK_ROLE"),
        Gate("setPersonCaps", (1, 1), "RISK_ROLE"),
        Gate("setResaleTerms", (0, 0, 0), "RISK_ROLE"),
        Gate("setTreasury", (SOMEONE,), ADMIN),
        Gate("setCollateralVault", (SOMEONE,), ADMIN),
        Gate("setReserveFund", (SOMEONE,), ADMIN),
        Gate("sweepDust", ([1],), ADMIN),
        Gate("windDown", (), ADMIN),
        Gate("pause", (), "PAUSER_ROLE"),
        Gate("unpause", (), "PAUSER_ROLE"),
        Gate("fundFor", (1, [SOMEONE], [1]), "AUTO_INVEST_ROLE"),
        Gate("claimFor", (SOMEONE, [1]), "AUTO_INVEST_ROLE"),
    ),
)

# The extension called at its own address rather than through the market: its own, empty, role store.
LOAN_MARKET_EXTENSION = replace(
    LOAN_MARKET, contract="LoanMarketExt", holders={role: set() for role in LOAN_MARKET.holders}
)

COLLATERAL_VAULT = RoleTable(
    "CollateralVault",
    ("CollateralVault",),
    {ADMIN: {"timelock"}, "RISK_ROLE": {"timelock"}, "PAUSER_ROLE": {"pauser"}},
    (
        Gate("configureCollateral", (SOMEONE, (SOMEONE, 3_600, 18, [5_000] * 7, 8_500, 500)), "RISK_ROLE"),
        Gate("setCollateralEnabled", (SOMEONE, False), "RISK_ROLE"),
        Gate("pause", (), "PAUSER_ROLE"),
        Gate("unpause", (), "PAUSER_ROLE"),
    ),
)

AUTO_INVEST = RoleTable(
    "AutoInvest",
    ("AutoInvest",),
    {ADMIN: {"timelock"}},
    (Gate("setMaxShare", (5_000,), ADMIN),),
)

TIMELOCK = RoleTable(
    "PeerLendTimelock",
    ("PeerLendTimelock",),
    {
        ADMIN: {"timelock"},
        "PROPOSER_ROLE": {"proposer"},
        "CANCELLER_ROLE": {"proposer"},
        "EXECUTOR_ROLE": {"anyone"},
    },
    (
        Gate("schedule", (SOMEONE, 0, b"", B32, B32, 60), "PROPOSER_ROLE"),
        Gate("scheduleBatch", ([SOMEONE], [0], [b""], B32, B32, 60), "PROPOSER_ROLE"),
        Gate("cancel", (B32,), "CANCELLER_ROLE"),
        Gate("execute", (SOMEONE, 0, b"", B32, B32), "EXECUTOR_ROLE"),
        Gate("executeBatch", ([SOMEONE], [0], [b""], B32, B32), "EXECUTOR_ROLE"),
    ),
)

DISCLOSURE_REGISTRY = RoleTable(
    "DisclosureRegistry",
    ("DisclosureRegistry",),
    {ADMIN: {"timelock"}, "PUBLISHER_ROLE": {"publisher"}},
    (Gate("anchor", (202611, "0x" + "ab" * 32), "PUBLISHER_ROLE"),),
)

TABLES = (
    IDENTITY_REGISTRY,
    CREDIT_ORACLE,
    RESERVE_FUND,
    LOAN_MARKET,
    LOAN_MARKET_EXTENSION,
    COLLATERAL_VAULT,
    AUTO_INVEST,
    TIMELOCK,
    DISCLOSURE_REGISTRY,
)
