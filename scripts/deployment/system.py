"""Deploys and wires the PeerLend contracts, recording each step in the manifest.

Order matters: the market needs the note and reserve fund, the vault needs the market. The deployer
configures everything, then hands every admin, risk and governor role to the timelock and keeps none.
"""

from __future__ import annotations

from brownie import project

from scripts.deployment import parameters as P
from scripts.deployment.accounts import RoleHolders
from scripts.deployment.governance import hand_over_to_timelock, role
from scripts.deployment.manifest import ManifestBuilder
from scripts.deployment.market import deploy_loan_market

ZERO = "0x0000000000000000000000000000000000000000"
# Whose errors a client may meet: every deployed contract (the market by its merged ABI), and the
# stablecoin's standard ERC-20 errors (OpenZeppelin's IERC20Errors) for whatever token is used.
ERROR_SOURCES = (
    "IdentityRegistry",
    "CreditOracle",
    "ReserveFund",
    "LoanNote",
    "ILoanMarket",
    "LoanMarketLens",
    "CollateralVault",
    "PeerLendTimelock",
    "AutoInvest",
    "IERC20Errors",
    "IERC721Errors",
)


def _containers():
    # Works both under `brownie run` and after project.load() (toolchain/deploy_to_rpc.py).
    return project.get_loaded_projects()[0]


def deploy_system(
    holders: RoleHolders,
    manifest: ManifestBuilder,
    local: bool,
    stablecoin_address: str | None = None,
    sequencer_uptime_feed: str | None = None,
) -> dict:
    c = _containers()
    tx = {"from": holders.deployer}
    d: dict = {}

    def deployed(name: str, contract):
        manifest.contract(name, contract)
        d[name] = contract
        return contract

    if local:
        stable = deployed("MockStablecoin", c.MockStablecoin.deploy(tx))
    else:
        if not stablecoin_address:
            raise SystemExit("deploy: PEERLEND_STABLECOIN must name the stablecoin on a non-local chain")
        stable = c.interface.IERC20(stablecoin_address)
        manifest.data["contracts"]["Stablecoin"] = {"address": stablecoin_address, "block": None}

    registry = deployed("IdentityRegistry", c.IdentityRegistry.deploy(holders.deployer, tx))
    registry.grantRole(role("ATTESTER_ROLE"), holders.attester, tx)
    registry.grantRole(role("COMPLIANCE_ROLE"), holders.compliance, tx)
    manifest.role("IdentityRegistry", "ATTESTER_ROLE", [holders.attester])
    manifest.role("IdentityRegistry", "COMPLIANCE_ROLE", [holders.compliance])

    oracle = deployed(
        "CreditOracle",
        c.CreditOracle.deploy(
            holders.deployer, holders.oracle_signers, P.ORACLE["threshold"], P.ORACLE["maxAge"], tx
        ),
    )
    manifest.parameters("CreditOracle", {"signers": holders.oracle_signers, **P.ORACLE})

    reserve = deployed("ReserveFund", c.ReserveFund.deploy(stable, holders.deployer, tx))
    parts = deploy_loan_market(c, stable, registry, oracle, reserve, holders.treasury, holders.deployer, tx)
    deployed("LoanNote", parts.note)
    deployed("LoanMarketRestructuring", parts.restructuring)
    deployed("LoanMarketOrigination", parts.origination)
    deployed("LoanMarketExt", parts.extension)
    deployed("LoanMarket", parts.core)
    # Clients call every part of the market at LoanMarket's address, through the merged ABI.
    manifest.abi("LoanMarket", "ILoanMarket")
    market = d["LoanMarket"] = parts.market
    reserve.setMarket(market, tx)
    _configure_market(market, reserve, holders, manifest, tx)
    # The schedule, amount due and delinquency views live in their own stateless contract.
    deployed("LoanMarketLens", c.LoanMarketLens.deploy(market, tx))
    # Lenders' mandates fund listings through the one role the market reserves for them.
    auto_invest = deployed("AutoInvest", c.AutoInvest.deploy(market, holders.deployer, tx))
    market.grantRole(role("AUTO_INVEST_ROLE"), auto_invest, tx)
    manifest.role("LoanMarket", "AUTO_INVEST_ROLE", [auto_invest.address])
    manifest.parameters("AutoInvest", {"maxShareBps": auto_invest.maxShareBps()})

    # On an L2 the vault acts on prices only while the sequencer is up (and has been for an hour).
    uptime_feed = sequencer_uptime_feed or ZERO
    vault = deployed("CollateralVault", c.CollateralVault.deploy(holders.deployer, market, uptime_feed, tx))
    manifest.parameters("CollateralVault", {"sequencerUptimeFeed": uptime_feed})
    market.setCollateralVault(vault, tx)
    market.grantRole(role("OFFER_SIGNER_ROLE"), holders.offer_signer, tx)
    manifest.role("LoanMarket", "OFFER_SIGNER_ROLE", [holders.offer_signer])
    if local:
        _configure_local_collateral(c, vault, manifest, deployed, holders, tx)

    for contract_name in ("LoanMarket", "CollateralVault"):
        d[contract_name].grantRole(role("PAUSER_ROLE"), holders.pauser, tx)
        manifest.role(contract_name, "PAUSER_ROLE", [holders.pauser])

    timelock = deployed(
        "PeerLendTimelock",
        c.PeerLendTimelock.deploy(
            P.TIMELOCK_DELAY["local" if local else "production"], holders.proposers, [ZERO], tx
        ),
    )
    manifest.parameters(
        "PeerLendTimelock",
        {
            "minDelay": timelock.getMinDelay(),
            "proposers": holders.proposers,
            "executors": "anyone",
        },
    )
    hand_over_to_timelock(d, timelock, holders, manifest, tx)
    manifest.errors([c._build.get(name)["abi"] for name in ERROR_SOURCES])
    return d


def _configure_market(market, reserve, holders: RoleHolders, manifest: ManifestBuilder, tx: dict) -> None:
    # The deployer configures with a temporary risk role; hand_over_to_timelock revokes it.
    market.grantRole(role("RISK_ROLE"), holders.deployer, tx)
    reserve.grantRole(role("RISK_ROLE"), holders.deployer, tx)
    grades = P.pricing_table()
    for g in grades:
        market.setGradeTerms(
            g["grade"], g["aprBps"], g["maxPrincipal"], g["allowed"], g["collateralRequired"], tx
        )
        market.setMinRiskClass(g["grade"], g["minRiskClass"], tx)
    m = P.MARKET
    market.setFees(m["originationFeeBps"], m["servicingFeeBps"], m["reserveShareBps"], tx)
    market.setLateFeeBpsPerDay(m["lateFeeBpsPerDay"], tx)
    market.setMinTicket(m["minTicket"], tx)
    market.setResaleTerms(m["resaleFeeBps"], m["maxPremiumBps"], m["minYieldBps"], tx)
    market.setMaxOpenLoansPerBorrower(m["maxOpenLoansPerBorrower"], tx)
    market.setPersonCaps(m["personCapIndividual"], m["personCapEntity"], tx)
    reserve.setCap(P.RESERVE["capBps"], P.RESERVE["capAbsolute"], tx)
    pricing_fields = (
        "grade",
        "letter",
        "aprBps",
        "maxPrincipal",
        "allowed",
        "minRiskClass",
        "collateralRequired",
    )
    manifest.parameters(
        "LoanMarket",
        {
            **m,
            "treasury": holders.treasury,
            "pricing": [{k: g[k] for k in pricing_fields} for g in grades],
        },
    )
    manifest.parameters("ReserveFund", P.RESERVE)


def _configure_local_collateral(
    c, vault, manifest: ManifestBuilder, deployed, holders: RoleHolders, tx: dict
) -> None:
    col = P.LOCAL_COLLATERAL
    token = deployed("MockCollateralToken", c.MockCollateralToken.deploy(col["symbol"], col["decimals"], tx))
    feed = deployed("MockAggregatorV3", c.MockAggregatorV3.deploy(col["feedDecimals"], col["price"], tx))
    vault.grantRole(role("RISK_ROLE"), holders.deployer, tx)
    vault.configureCollateral(
        token,
        (
            feed,
            col["heartbeat"],
            col["decimals"],
            col["maxLtvBps"],
            col["liquidationThresholdBps"],
            col["liquidationDiscountBps"],
        ),
        tx,
    )
    collateral = {"token": token.address, "feed": feed.address, **col}
    manifest.parameters("CollateralVault", {"collateral": [collateral]})
