"""The attestation's `subject` names the person behind a wallet: the same for every wallet of one person
(LoanMarket caps a person's borrowing across wallets by it), different across people, and a keyed hash
that reveals nobody, though it is public on-chain."""

import hashlib

import pytest
from eth_utils import keccak

from backend.privacy import KeyedHasher, person_subject
from tests.backend.kyc.kyc_support import Wallet, submission

ZERO = b"\x00" * 32


@pytest.fixture(scope="module")
def registry(deployed_chain):
    return deployed_chain.contract("IdentityRegistry")


def attested(server, body: dict) -> tuple[Wallet, dict]:
    """A new wallet submits `body`; a reviewer approves it when it went to review (a second wallet of a
    known person does); the attestation is on-chain when this returns."""
    wallet = Wallet(server)
    wallet.answer()
    reply = wallet.apply(body)
    assert reply.status_code == 201, reply.text
    app = reply.json()
    if app["status"] == "in_review":
        reply = server.operators.http("reviewer").post(
            f"/v2/kyc/applications/{app['id']}/approve",
            json={"reason": "same_person", "note": "second wallet of a verified customer"},
        )
        assert reply.status_code == 200, reply.text
        app = reply.json()
    assert app["attestation"]["status"] == "attested", app["attestation"]
    return wallet, app


def on_chain_subject(registry, wallet: Wallet) -> bytes:
    identity = registry.functions.identityOf(wallet.address).call()
    assert identity[5] is False  # entity: KYC here admits individuals
    return bytes(identity[7])


def test_two_wallets_of_one_person_share_the_subject_and_others_do_not(kyc_server, registry):
    person = submission()
    first, first_app = attested(kyc_server, person)
    # the same person from another wallet, with another phone and card: sent to review, then approved
    again = {
        **submission(),
        "full_name": person["full_name"],
        "national_id_number": person["national_id_number"],
        "date_of_birth": person["date_of_birth"],
    }
    second, second_app = attested(kyc_server, again)
    assert "duplicate_identity" in second_app["reviewReasons"]
    other, _ = attested(kyc_server, submission())

    subjects = [on_chain_subject(registry, w) for w in (first, second, other)]
    assert subjects[0] == subjects[1] != subjects[2]
    assert ZERO not in subjects
    assert first_app["attestation"]["subject"] == "0x" + subjects[0].hex()


def test_the_subject_is_a_keyed_hash_that_reveals_nobody(kyc_server, registry):
    person = submission()
    wallet, app = attested(kyc_server, person)
    subject = on_chain_subject(registry, wallet)
    id_number = person["national_id_number"]

    # what the service computes under its own key...
    hash_key = kyc_server.settings.hash_key.get_secret_value()
    assert subject.hex() == person_subject(KeyedHasher(hash_key), "CN", id_number)[2:]
    # ...and no one without that key can: not a plain hash of the ID number in any usual form,
    guesses = [id_number, f"CN:{id_number}", f"cn_resident_id:{id_number}", id_number.lower()]
    for guess in guesses:
        assert subject not in (keccak(text=guess), hashlib.sha256(guess.encode()).digest())
    # another key gives another subject for the same person,
    other_key = KeyedHasher("another-key-of-at-least-16-bytes")
    assert person_subject(other_key, "CN", id_number)[2:] != subject.hex()
    # and it is not the keyed lookup hash stored beside the KYC record (its own purpose tag)
    with kyc_server.session() as session:
        from backend.kyc.models import KycApplication

        stored = session.get(KycApplication, app["id"])
        assert stored.subject == "0x" + subject.hex() and stored.national_id_hash != subject.hex()


def test_an_application_stored_without_a_subject_gets_it_from_its_record(kyc_server, registry):
    person = submission()
    wallet, app = attested(kyc_server, person)
    expected = on_chain_subject(registry, wallet)
    from backend.kyc.models import KycApplication

    with kyc_server.session() as session:  # as a row written before subjects existed
        session.get(KycApplication, app["id"]).subject = None
        session.commit()
    renewed = wallet.http.post("/v2/kyc/application/attestation", json={})
    assert renewed.status_code == 200, renewed.text
    assert renewed.json()["attestation"]["subject"] == "0x" + expected.hex()
    assert on_chain_subject(registry, wallet) == expected
