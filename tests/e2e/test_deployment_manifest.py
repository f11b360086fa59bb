"""The manifest written by scripts/deploy.py describes what is really on the chain."""

from web3 import Web3


def role_id(name: str) -> bytes:
    return b"\x00" * 32 if name == "DEFAULT_ADMIN_ROLE" else Web3.keccak(text=name)


def test_every_manifest_contract_has_code(deployed_chain):
    w3 = deployed_chain.w3
    for name, entry in deployed_chain.manifest["contracts"].items():
        assert len(w3.eth.get_code(entry["address"])) > 0, name
        assert entry["block"] >= deployed_chain.manifest["deployBlock"]


def test_manifest_roles_are_granted_on_chain(deployed_chain):
    for contract_name, roles in deployed_chain.manifest["roles"].items():
        contract = deployed_chain.contract(contract_name)
        for role, holders in roles.items():
            for holder in holders:
                assert contract.functions.hasRole(role_id(role), holder).call(), (contract_name, role, holder)


ADMIN = b"\x00" * 32
GOVERNED = {
    "IdentityRegistry": ["ATTESTER_ROLE", "COMPLIANCE_ROLE"],
    "CreditOracle": ["GOVERNOR_ROLE"],
    "LoanMarket": ["RISK_ROLE", "PAUSER_ROLE", "OFFER_SIGNER_ROLE"],
    "ReserveFund": ["RISK_ROLE"],
    "CollateralVault": ["RISK_ROLE", "PAUSER_ROLE"],
}


def test_deployer_keeps_no_role_after_deployment(deployed_chain):
    deployer = deployed_chain.accounts["deployer"].address
    for name, roles in GOVERNED.items():
        contract = deployed_chain.contract(name)
        assert not contract.functions.hasRole(ADMIN, deployer).call(), name
        for role in roles:
            assert not contract.functions.hasRole(role_id(role), deployer).call(), (name, role)


def test_timelock_holds_every_admin_role(deployed_chain):
    timelock = deployed_chain.manifest["contracts"]["PeerLendTimelock"]["address"]
    for name in GOVERNED:
        assert deployed_chain.contract(name).functions.hasRole(ADMIN, timelock).call(), name


def test_pricing_table_on_chain_matches_the_risk_engine_table(deployed_chain):
    import json

    from tests.support.anvil import ROOT

    market = deployed_chain.contract("LoanMarket")
    table = json.loads((ROOT / "backend/risk/pricing_table.json").read_text())["grades"]
    for g in table:
        apr, max_principal, allowed, min_risk_class, collateral = market.functions.gradeTerms(
            g["grade"]
        ).call()
        assert (apr, max_principal, allowed, collateral) == (
            g["aprBps"],
            g["maxPrincipal"],
            g["allowed"],
            g["collateralRequired"],
        ), g["grade"]
        assert market.functions.minRiskClassForGrade(g["grade"]).call() == g["minRiskClass"] == min_risk_class


def test_oracle_parameters_match_manifest(deployed_chain):
    oracle = deployed_chain.contract("CreditOracle")
    params = deployed_chain.manifest["parameters"]["CreditOracle"]
    assert oracle.functions.threshold().call() == params["threshold"] == 2
    assert oracle.functions.maxAge().call() == params["maxAge"]
    assert sorted(oracle.functions.signers().call()) == sorted(params["signers"])
    expected = sorted(deployed_chain.accounts[f"oracle{i}"].address for i in (1, 2, 3))
    assert sorted(params["signers"]) == expected


def test_manifest_accounts_are_the_local_role_holders(deployed_chain):
    accounts = deployed_chain.manifest["accounts"]
    for role in ("attester", "submitter", "offerSigner"):
        assert accounts[role] == deployed_chain.accounts[role].address, role
    assert deployed_chain.manifest["roles"]["LoanMarket"]["OFFER_SIGNER_ROLE"] == [accounts["offerSigner"]]


def test_the_split_market_is_one_address_with_the_merged_abi(deployed_chain):
    contracts = deployed_chain.manifest["contracts"]
    assert contracts["LoanMarket"]["abi"] == "ILoanMarket"
    market = deployed_chain.contract("LoanMarket")
    ext, origination = contracts["LoanMarketExt"]["address"], contracts["LoanMarketOrigination"]["address"]
    # LoanMarket delegates to its extension, which delegates to origination; all answer at one address
    assert market.functions.extension().call() == ext
    assert market.functions.origination().call() == origination
    assert market.functions.loanCount().call() >= 0  # an extension view, through LoanMarket's fallback
    assert market.functions.ACCEPT_WINDOW().call() > 0  # an origination view, two fallbacks down
    assert (
        len(deployed_chain.w3.eth.get_code(ext)) > 0 and len(deployed_chain.w3.eth.get_code(origination)) > 0
    )


def test_local_offer_signer_is_the_services_default(deployed_chain):
    from backend.core.settings import Settings

    signer = deployed_chain.manifest["accounts"]["offerSigner"]
    key = Settings(env="development").offer_signer_private_key.get_secret_value()
    assert deployed_chain.accounts["offerSigner"].address == signer
    assert "0x" + bytes(deployed_chain.accounts["offerSigner"].key).hex() == key


def test_schedule_lens_reads_the_deployed_market(deployed_chain):
    lens = deployed_chain.contract("LoanMarketLens")
    assert lens.functions.market().call() == deployed_chain.manifest["contracts"]["LoanMarket"]["address"]
