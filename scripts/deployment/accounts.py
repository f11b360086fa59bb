"""Who deploys and who holds each operational role.

On a local chain (anvil, chain id 31337) every role is a well-known account of anvil's default mnemonic,
so the service, the oracle nodes and the demo can sign without any key material being configured.
On any other chain the deployer key comes from the environment and each role holder is an address the
operator names; nothing falls back to a development key.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from brownie import accounts

from scripts.deployment.local_accounts import ANVIL_MNEMONIC, FIRST_USER_INDEX, local_account
from scripts.deployment.local_accounts import ROLE_INDEX as LOCAL_ROLE_INDEX

LOCAL_CHAIN_IDS = {1337, 31337}
LOCAL_ACCOUNT_COUNT = 20


@dataclass
class RoleHolders:
    deployer: object  # brownie account that signs the deployment
    attester: str
    compliance: str
    pauser: str
    oracle_signers: list[str]
    submitter: str
    offer_signer: str  # the risk service's key: signs the offers listings must stay within
    treasury: str
    proposers: list[str]  # may schedule governed changes on the timelock
    users: list[str] = field(default_factory=list)
    # The disclosure service's key: anchors the monthly disclosure (DisclosureRegistry's PUBLISHER_ROLE)
    # and signs regulator exports. Empty: no registry is deployed (deploy_system alone, in contract tests).
    disclosure_publisher: str = ""

    def as_manifest(self) -> dict:
        return {
            "deployer": self.deployer.address,
            "attester": self.attester,
            "compliance": self.compliance,
            "pauser": self.pauser,
            "oracleSigners": self.oracle_signers,
            "submitter": self.submitter,
            "offerSigner": self.offer_signer,
            "treasury": self.treasury,
            "proposers": self.proposers,
            "disclosurePublisher": self.disclosure_publisher,
            "users": self.users,
        }


def is_local(chain_id: int) -> bool:
    return chain_id in LOCAL_CHAIN_IDS


def role_holders(chain_id: int) -> RoleHolders:
    return _local_holders() if is_local(chain_id) else _configured_holders()


def _local_holders() -> RoleHolders:
    local = accounts.from_mnemonic(ANVIL_MNEMONIC, count=LOCAL_ACCOUNT_COUNT)
    idx = LOCAL_ROLE_INDEX
    return RoleHolders(
        deployer=local[idx["deployer"]],
        attester=local[idx["attester"]].address,
        compliance=local[idx["compliance"]].address,
        pauser=local[idx["compliance"]].address,
        oracle_signers=sorted(local[idx[f"oracle{i}"]].address for i in (1, 2, 3)),
        submitter=local[idx["submitter"]].address,
        offer_signer=local[idx["offerSigner"]].address,
        treasury=local[idx["deployer"]].address,
        proposers=[local[idx["deployer"]].address],
        users=[a.address for a in local[FIRST_USER_INDEX:]],
        disclosure_publisher=local_account(idx["disclosure"]).address,
    )


def _required_env(name: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        raise SystemExit(f"deploy: {name} must be set to deploy to a non-local chain")
    return value


def _configured_holders() -> RoleHolders:
    deployer = accounts.add(_required_env("PEERLEND_DEPLOYER_KEY"))
    signers = [s.strip() for s in _required_env("PEERLEND_ORACLE_SIGNERS").split(",") if s.strip()]
    return RoleHolders(
        deployer=deployer,
        attester=_required_env("PEERLEND_ATTESTER"),
        compliance=_required_env("PEERLEND_COMPLIANCE"),
        pauser=_required_env("PEERLEND_PAUSER"),
        oracle_signers=sorted(signers),
        submitter=_required_env("PEERLEND_ORACLE_SUBMITTER"),
        offer_signer=_required_env("PEERLEND_OFFER_SIGNER"),
        treasury=_required_env("PEERLEND_TREASURY"),
        proposers=[p.strip() for p in _required_env("PEERLEND_GOVERNANCE_PROPOSERS").split(",") if p.strip()],
        disclosure_publisher=_required_env("PEERLEND_DISCLOSURE_PUBLISHER"),
    )
