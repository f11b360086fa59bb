"""Deploys the four parts of the loan market in the order they check each other.

LoanMarket keeps the hot paths and delegates every other call to LoanMarketExt, which passes what it
does not implement on to LoanMarketOrigination, which passes the rest on to LoanMarketRestructuring;
each is built for the same stablecoin, identity registry, credit oracle and note, and each checks the
next at construction. Clients talk to the
market's address through the merged ABI, `ILoanMarket`. The deploy script and the contract tests both
deploy through this function, so the wiring exists once.
"""

from __future__ import annotations

from typing import NamedTuple

from brownie.network import state
from brownie.network.contract import ProjectContract


class LoanMarketParts(NamedTuple):
    market: object  # the whole market: LoanMarket's address with the merged ILoanMarket ABI
    core: object  # LoanMarket
    extension: object  # LoanMarketExt
    origination: object  # LoanMarketOrigination
    restructuring: object  # LoanMarketRestructuring
    note: object  # LoanNote, bound to the market


# Contracts the deployer creates from the note on, up to and including LoanMarket itself.
_NOTE_TO_CORE = 5


def deploy_loan_market(
    c, stablecoin, registry, oracle, reserve, treasury, admin, tx: dict
) -> LoanMarketParts:
    """`c` is the Brownie project (its contract containers and `interface`).

    The note and the market name each other in their code: the note is deployed first, bound to the
    address LoanMarket will have, which is the deployer's contract address four transactions later. The
    four deployments follow at once, and LoanMarket's constructor refuses a note bound elsewhere, so a
    transaction slipped in between fails the deployment instead of wiring a wrong market."""
    deployer = tx["from"]
    core_address = deployer.get_deployment_address(deployer.nonce + _NOTE_TO_CORE - 1)
    note = c.LoanNote.deploy(core_address, tx)
    restructuring = c.LoanMarketRestructuring.deploy(stablecoin, registry, oracle, note, tx)
    origination = c.LoanMarketOrigination.deploy(stablecoin, registry, oracle, note, restructuring, tx)
    extension = c.LoanMarketExt.deploy(stablecoin, registry, oracle, note, origination, tx)
    core = c.LoanMarket.deploy(stablecoin, registry, oracle, note, extension, reserve, treasury, admin, tx)
    return LoanMarketParts(merged_market(c, core), core, extension, origination, restructuring, note)


def merged_market(c, core) -> ProjectContract:
    """LoanMarket's project build with the merged ABI, registered as Brownie's object for that address:
    Brownie decodes return values, events and reverts with the object it holds for an address, and
    needs a project build (with source maps) to explain a revert."""
    build = dict(core._build)
    # The merged interface as compiled with the contracts (build/contracts), which Brownie rebuilds whenever
    # a part of it changes; its copy under build/interfaces is regenerated only when its own file does.
    build["abi"] = c._build.get("ILoanMarket")["abi"]
    market = ProjectContract(c, build, core.address, tx=core.tx)
    state._add_contract(market)
    return market
