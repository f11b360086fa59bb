"""Deploying the three-part loan market in tests exactly as the deploy script does
(scripts/deployment/market.py): the object returned is the whole market, with the merged ABI."""

import brownie

from scripts.deployment.market import deploy_loan_market


def loan_market(token, identity, oracle, note, reserve, treasury, admin):
    project = brownie.project.get_loaded_projects()[0]
    return deploy_loan_market(
        project, token, identity, oracle, note, reserve, treasury, admin, {"from": admin}
    ).market
