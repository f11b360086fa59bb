"""Approval attests on-chain (IdentityRegistry.isEligible), revocation and freezes undo it, and the
wallet-submitted path (attestWithSignature) works with the service's EIP-712 signature."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from eth_utils import to_bytes
from pydantic import SecretStr

from tests.backend.kyc.kyc_support import CLASS_5_ANSWERS, Wallet, submission


@pytest.fixture(scope="module")
def registry(deployed_chain):
    return deployed_chain.contract("IdentityRegistry")


def applied(server, body=None, answers=None, account=None) -> tuple[Wallet, dict]:
    wallet = Wallet(server, account)
    wallet.answer(answers)
    reply = wallet.apply(body or submission())
    assert reply.status_code == 201, reply.text
    return wallet, reply.json()


def test_auto_approval_attests_on_chain(kyc_server, registry):
    wallet, app = applied(kyc_server, answers=CLASS_5_ANSWERS)
    assert app["status"] == "approved"
    att = app["attestation"]
    assert att["status"] == "attested" and att["mode"] == "direct" and att["txHash"].startswith("0x")
    assert registry.functions.isEligible(wallet.address).call() is True
    level, risk_class, jurisdiction, expires_at, frozen, entity, commitment, subject = (
        registry.functions.identityOf(wallet.address).call()
    )
    assert (level, risk_class, jurisdiction, frozen, entity) == (2, 5, 156, False, False)
    assert "0x" + commitment.hex() == att["commitment"]
    assert "0x" + subject.hex() == att["subject"] and subject != b"\x00" * 32
    expected = datetime.now(UTC) + timedelta(days=365)
    assert abs(expires_at - expected.timestamp()) < 120
    assert registry.functions.riskClassOf(wallet.address).call() == 5


def test_without_liveness_the_attestation_is_level_1(kyc_server, registry):
    wallet, app = applied(kyc_server, submission(liveness_token=None))
    assert app["attestation"]["level"] == 1
    assert registry.functions.identityOf(wallet.address).call()[0] == 1


def test_reviewer_approval_attests_on_chain(kyc_server, registry):
    wallet, app = applied(kyc_server, submission(full_name="Viktor Drozdov"))  # namesake → review
    assert app["status"] == "in_review"
    assert registry.functions.isEligible(wallet.address).call() is False
    reply = kyc_server.operators.http("reviewer").post(
        f"/v2/kyc/applications/{app['id']}/approve", json={"reason": "false_positive", "note": "DOB differs"}
    )
    assert reply.status_code == 200, reply.text
    assert reply.json()["status"] == "approved" and reply.json()["attestation"]["status"] == "attested"
    assert registry.functions.isEligible(wallet.address).call() is True
    assert (
        wallet.http.get("/v2/kyc/application").json()["attestation"]["txHash"]
        == reply.json()["attestation"]["txHash"]
    )


def test_compliance_revocation_makes_the_wallet_ineligible(kyc_server, registry):
    wallet, app = applied(kyc_server)
    assert registry.functions.isEligible(wallet.address).call() is True
    reply = kyc_server.operators.http("compliance").post(
        f"/v2/kyc/applications/{app['id']}/revoke", json={"reason": "fraud", "note": "case 17"}
    )
    assert reply.status_code == 200, reply.text
    body = reply.json()
    assert body["status"] == "revoked" and body["revokeReason"] == "fraud"
    assert body["attestation"]["status"] == "revoked"
    assert registry.functions.isEligible(wallet.address).call() is False
    assert registry.functions.identityOf(wallet.address).call()[0] == 0
    again = kyc_server.operators.http("compliance").post(
        f"/v2/kyc/applications/{app['id']}/revoke", json={"reason": "fraud"}
    )
    assert again.status_code == 409
    # A revoked wallet cannot simply apply again.
    assert wallet.apply().json()["type"] == "kyc-identity-revoked"


def test_wallet_submits_the_signed_attestation_itself(kyc_server, registry, deployed_chain):
    account = deployed_chain.accounts["user3"]  # funded: the wallet pays its own gas on this path
    wallet, app = applied(kyc_server, submission(attestation_mode="signature"), account=account)
    att = app["attestation"]
    assert att["mode"] == "signature" and att["status"] == "signed" and att["txHash"] is None
    signed = att["signed"]
    assert signed["registry"] == registry.address and signed["chainId"] == deployed_chain.chain_id
    fields = signed["attestation"]
    assert (
        fields["wallet"] == account.address
        and fields["nonce"] == registry.functions.nonces(account.address).call()
    )
    assert registry.functions.isEligible(account.address).call() is False

    w3 = deployed_chain.w3
    as_tuple = (
        fields["wallet"],
        fields["level"],
        fields["riskClass"],
        fields["jurisdiction"],
        fields["expiresAt"],
        to_bytes(hexstr=fields["commitment"]),
        to_bytes(hexstr=fields["subject"]),
        fields["entity"],
        fields["nonce"],
        fields["deadline"],
    )
    assert fields["subject"] == att["subject"] and fields["entity"] is False
    call = registry.functions.attestWithSignature(as_tuple, to_bytes(hexstr=signed["signature"]))
    tx = call.build_transaction(
        {
            "from": account.address,
            "nonce": w3.eth.get_transaction_count(account.address),
            "chainId": deployed_chain.chain_id,
        }
    )
    receipt = w3.eth.wait_for_transaction_receipt(
        w3.eth.send_raw_transaction(account.sign_transaction(tx).raw_transaction)
    )
    assert receipt["status"] == 1
    assert registry.functions.isEligible(account.address).call() is True
    identity = registry.functions.identityOf(account.address).call()
    assert ("0x" + identity[6].hex(), "0x" + identity[7].hex()) == (att["commitment"], att["subject"])
    # The service notices the wallet's submission on the next status read.
    assert wallet.http.get("/v2/kyc/application").json()["attestation"]["status"] == "attested"


def test_signed_attestation_can_be_fetched_again_and_is_signed_anew_once_lapsed(kyc_server, deployed_chain):
    from backend.kyc.models import KycApplication

    wallet, app = applied(kyc_server, submission(attestation_mode="signature"))
    signed = app["attestation"]["signed"]
    # The deadline is on the chain's clock: the latest block's time plus the signature's validity.
    chain_now = deployed_chain.w3.eth.get_block("latest")["timestamp"]
    deadline = signed["attestation"]["deadline"]
    assert abs(deadline - (chain_now + 3600)) <= 5
    assert datetime.fromisoformat(signed["deadline"].replace("Z", "+00:00")).timestamp() == deadline

    again = wallet.http.get("/v2/kyc/application/attestation")
    assert again.status_code == 200, again.text
    assert (
        again.json()["signature"] == signed["signature"]
        and again.json()["attestation"] == signed["attestation"]
    )

    with kyc_server.session() as session:  # the deadline passes (as it would on the chain's clock)
        session.query(KycApplication).filter_by(id=app["id"]).update({"attestation_deadline": chain_now - 1})
        session.commit()
    fresh = wallet.http.get("/v2/kyc/application/attestation").json()
    assert fresh["attestation"]["deadline"] > chain_now
    with kyc_server.session() as session:
        assert session.get(KycApplication, app["id"]).attestation_deadline == fresh["attestation"]["deadline"]

    other, _ = applied(kyc_server)  # direct mode: nothing waits to be submitted by the wallet
    missing = other.http.get("/v2/kyc/application/attestation")
    assert missing.status_code == 404 and missing.json()["type"] == "kyc-signed-attestation-not-found"


def test_signature_mode_can_be_requested_again_after_approval(kyc_server, deployed_chain):
    wallet, app = applied(kyc_server)
    reply = wallet.http.post("/v2/kyc/application/attestation", json={"mode": "signature"})
    assert reply.status_code == 200, reply.text
    signed = reply.json()["attestation"]["signed"]
    assert (
        signed["attestation"]["wallet"] == wallet.address
        and len(bytes.fromhex(signed["signature"][2:])) == 65
    )


def test_renewal_after_a_new_questionnaire_updates_the_risk_class(kyc_server, registry):
    wallet, app = applied(kyc_server)
    assert registry.functions.riskClassOf(wallet.address).call() == 3
    wallet.answer(CLASS_5_ANSWERS)
    reply = wallet.http.post("/v2/kyc/application/attestation", json={})
    assert reply.status_code == 200, reply.text
    assert reply.json()["attestation"]["riskClass"] == 5
    assert registry.functions.riskClassOf(wallet.address).call() == 5


def test_attestation_renewal_needs_an_approved_application(kyc_server):
    wallet, app = applied(kyc_server, submission(full_name="Viktor Drozdov"))
    reply = wallet.http.post("/v2/kyc/application/attestation", json={})
    assert reply.status_code == 409 and reply.json()["type"] == "kyc-not-approved"


def test_compliance_freeze_and_unfreeze(kyc_server, registry, deployed_chain):
    compliance = kyc_server.operators.http("compliance")
    wallet, _ = applied(kyc_server)
    path = f"/v2/kyc/wallets/{wallet.address}"
    unconfigured = compliance.post(f"{path}/freeze", json={"reason": "aml_alert"})  # no signer yet
    assert unconfigured.status_code == 409
    assert unconfigured.json()["type"].endswith("compliance-signer-missing")

    # KYC settings are derived once, when the app is made: give the running app a compliance signer.
    key = "0x" + bytes(deployed_chain.accounts["compliance"].key).hex()
    state = kyc_server.app.state
    original = state.kyc_settings
    state.kyc_settings = original.model_copy(update={"compliance_private_key": SecretStr(key)})
    try:
        reply = compliance.post(f"{path}/freeze", json={"reason": "aml_alert"})
        assert reply.status_code == 200, reply.text
        assert registry.functions.isEligible(wallet.address).call() is False
        assert compliance.post(f"{path}/freeze", json={"reason": "aml_alert"}).status_code == 409
        assert compliance.post(f"{path}/unfreeze", json={"reason": "other"}).status_code == 200
        assert registry.functions.isEligible(wallet.address).call() is True
        assert (
            kyc_server.operators.http("reviewer").post(f"{path}/freeze", json={"reason": "other"}).status_code
            == 403
        )
    finally:
        state.kyc_settings = original
    assert compliance.post("/v2/kyc/wallets/0x1234/freeze", json={"reason": "other"}).status_code == 422


def test_chain_failure_keeps_the_approval_and_the_wallet_retries(
    module_server_factory, deployed_chain, registry, tmp_path
):
    # The server cannot build its IdentityRegistry client (no ABI in its build dir): every attestation fails.
    server = module_server_factory(
        rate_limit_enabled=False, **deployed_chain.server_settings(build_dir=tmp_path)
    )
    wallet, app = applied(server)
    assert app["status"] == "approved"
    assert app["attestation"]["status"] == "failed" and "make compile" in app["attestation"]["error"]
    assert registry.functions.isEligible(wallet.address).call() is False

    server.settings.build_dir = deployed_chain.build_dir  # the operator fixes the deployment
    retry = wallet.http.post("/v2/kyc/application/attestation", json={})
    assert retry.status_code == 200, retry.text
    assert (
        retry.json()["attestation"]["status"] == "attested" and retry.json()["attestation"]["error"] is None
    )
    assert registry.functions.isEligible(wallet.address).call() is True


def test_revert_reasons_are_decoded_into_the_attestation_error(
    module_server_factory, deployed_chain, registry
):
    not_attester = deployed_chain.accounts["user9"]
    server = module_server_factory(
        rate_limit_enabled=False,
        **deployed_chain.server_settings(attester_private_key="0x" + bytes(not_attester.key).hex()),
    )
    wallet, app = applied(server)
    assert app["status"] == "approved" and app["attestation"]["status"] == "failed"
    assert "AccessControlUnauthorizedAccount" in app["attestation"]["error"]
    assert registry.functions.isEligible(wallet.address).call() is False


def test_every_sensitive_action_is_audited_without_personal_data(kyc_server):
    body = submission(full_name="Viktor Drozdov")
    wallet, app = applied(kyc_server, body)
    reviewer = kyc_server.operators.http("reviewer")
    assert reviewer.get(f"/v2/kyc/review-queue/{app['id']}").status_code == 200
    assert reviewer.post(
        f"/v2/kyc/applications/{app['id']}/approve", json={"reason": "false_positive"}
    ).is_success
    revoke = kyc_server.operators.http("compliance").post(
        f"/v2/kyc/applications/{app['id']}/revoke", json={"reason": "data_error"}
    )
    assert revoke.status_code == 200

    from sqlalchemy import select

    from backend.core.models import AuditLog

    with kyc_server.session() as session:
        entries = list(
            session.scalars(select(AuditLog).where(AuditLog.object_id == app["id"]).order_by(AuditLog.id))
        )
        suitability = session.scalar(
            select(AuditLog).where(
                AuditLog.actor == f"wallet:{wallet.address}", AuditLog.action == "suitability.assessed"
            )
        )
    assert [e.action for e in entries] == [
        "kyc.application.submitted",
        "kyc.application.pii_viewed",
        "kyc.application.approved",
        "kyc.attestation.attested",
        "kyc.identity.revoked",
    ]
    assert suitability is not None
    assert entries[0].actor == f"wallet:{wallet.address}"
    assert entries[2].actor.startswith("operator:") and entries[2].after["reason"] == "false_positive"
    assert entries[4].after["tx"].startswith("0x")
    dumped = json.dumps([[e.before, e.after] for e in entries])
    for field in ("full_name", "national_id_number", "phone", "bank_card_number", "date_of_birth"):
        assert body[field] not in dumped
