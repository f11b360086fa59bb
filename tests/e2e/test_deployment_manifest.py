"""The manifest written by scripts/deploy.py describes what is really on the chain."""

from web3 import Web3


def role_id(name: str) -> bytes:
    return Web3.keccak(text=name)


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


def test_deployer_holds_no_operational_role(deployed_chain):
    registry = deployed_chain.contract("IdentityRegistry")
    deployer = deployed_chain.accounts["deployer"].address
    assert not registry.functions.hasRole(role_id("ATTESTER_ROLE"), deployer).call()
    assert not registry.functions.hasRole(role_id("COMPLIANCE_ROLE"), deployer).call()


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
    assert accounts["attester"] == deployed_chain.accounts["attester"].address
    assert accounts["submitter"] == deployed_chain.accounts["submitter"].address
