"""Deploying the three-part loan market in tests exactly as the deploy script does
(scripts/deployment/market.py): the object returned is the whole market, with the merged ABI."""

import brownie

from scripts.deployment.market import deploy_loan_market


def loan_market(token, identity, oracle, reserve, treasury, admin):
    """The whole market and the note bound to it."""
    project = brownie.project.get_loaded_projects()[0]
    parts = deploy_loan_market(project, token, identity, oracle, reserve, treasury, admin, {"from": admin})
    return parts.market, parts.note
