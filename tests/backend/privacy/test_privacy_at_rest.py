"""Personal data never reaches the database in plaintext, and encrypted records survive key rotation."""

import base64
import json
import os
from datetime import date
from pathlib import Path

import httpx
from sqlalchemy import select, text

from backend.cli import main as cli_main
from backend.core.settings import reset_settings, use_settings
from backend.kyc.models import KycApplication
from backend.suitability.models import SuitabilityAssessment
from tests.backend.kyc.kyc_support import CLASS_3_ANSWERS, Wallet, cn_id, submission
from tests.support.postgres import shared_postgres
from tests.support.server import create_operator_key, start_server


def database_bytes(server) -> bytes:
    """Every byte the database keeps on disk. SQLite: the main file plus the write-ahead log (recent pages
    live in the WAL until a checkpoint). PostgreSQL: its whole data directory (tables, WAL) after a
    checkpoint, so pages still in shared buffers are on disk too."""
    if not server.database_url.startswith("postgresql"):
        db_path = server.db_path
        return b"".join(p.read_bytes() for p in db_path.parent.glob(db_path.name + "*") if p.is_file())
    with server.session() as session:
        session.execute(text("CHECKPOINT"))
    return b"".join(p.read_bytes() for p in Path(shared_postgres()).rglob("*") if p.is_file())


def needles(body: dict) -> dict[str, list[bytes]]:
    """Each personal value in the forms it could be stored: raw UTF-8, JSON-escaped, and compact variants."""
    forms: dict[str, list[bytes]] = {}
    for field in ("full_name", "national_id_number", "date_of_birth", "phone", "bank_card_number"):
        value = body[field]
        variants = {value, json.dumps(value)[1:-1], value.replace(" ", ""), value.lstrip("+")}
        if field == "date_of_birth":
            variants.add(value.replace("-", ""))  # 19900517 also occurs inside the ID number
        if field == "bank_card_number":
            variants.add(value[-8:])  # no long fragment either
        forms[field] = [v.encode("utf-8") for v in variants if v]
    return forms


def test_database_file_holds_no_plaintext_personal_data(kyc_server):
    dob = date(1968, 3, 14)
    bodies = [
        submission(full_name="Quentin Oyelaran-Vasquez"),  # approved and attested
        submission(full_name="陈晓明", liveness_token=None),  # non-ASCII name
        submission(full_name="Viktor Drozdov", dob=dob, national_id_number=cn_id(dob)),  # review + PII view
        submission(full_name="Mismatch Zebulon Farquharson"),  # rejected
    ]
    reviewer = kyc_server.operators.http("reviewer")
    for body in bodies:
        wallet = Wallet(kyc_server)
        wallet.answer(CLASS_3_ANSWERS)
        reply = wallet.apply(body, **{"Idempotency-Key": os.urandom(8).hex()})
        assert reply.status_code == 201, reply.text
        if reply.json()["status"] == "in_review":
            assert reviewer.get(f"/v2/kyc/review-queue/{reply.json()['id']}").status_code == 200
            decision = {"reason": "false_positive", "note": "enhanced due diligence: documents verified"}
            approved = reviewer.post(f"/v2/kyc/applications/{reply.json()['id']}/approve", json=decision)
            assert approved.status_code == 200, approved.text

    raw = database_bytes(kyc_server)
    assert len(raw) > 50_000 and b"kyc_applications" in raw  # really the database we wrote to
    found = {
        (field, form.decode())
        for body in bodies
        for field, forms in needles(body).items()
        for form in forms
        if form in raw
    }
    assert found == set(), f"plaintext personal data in the database file: {found}"
    # …while the commitment and keyed hashes are there.
    with kyc_server.session() as session:
        app = session.scalars(select(KycApplication)).first()
        assert app.pii_ciphertext.startswith("v1.k1.") and len(app.national_id_hash) == 64


def test_records_encrypted_under_a_retired_key_stay_readable(tmp_path, monkeypatch):
    old_key = base64.urlsafe_b64encode(os.urandom(32)).decode()
    new_key = base64.urlsafe_b64encode(os.urandom(32)).decode()
    dob = date(1968, 3, 14)
    body = submission(full_name="Viktor Drozdov", dob=dob, national_id_number=cn_id(dob))
    with start_server(
        tmp_path, rate_limit_enabled=False, encryption_key=old_key, encryption_key_id="k1"
    ) as server:
        wallet = Wallet(server)
        wallet.answer()
        app = wallet.apply(body).json()
        assert app["status"] == "in_review"
        admin_key = server.admin_key

    monkeypatch.setenv("PEERLEND_ENCRYPTION_KEYS_RETIRED", json.dumps({"k1": old_key}))
    with start_server(
        tmp_path,
        rate_limit_enabled=False,
        encryption_key=new_key,
        encryption_key_id="k2",
        bootstrap_admin_key=admin_key,
    ) as server:
        reviewer = create_operator_key(server, "reviewer")
        detail = httpx.get(f"{server}/v2/kyc/review-queue/{app['id']}", headers={"X-API-Key": reviewer})
        assert detail.status_code == 200, detail.text
        assert detail.json()["applicant"]["nationalIdNumber"] == body["national_id_number"]
        # New records are sealed with the current key.
        newcomer = Wallet(server)
        newcomer.answer()
        fresh = newcomer.apply().json()
        with server.session() as session:
            assert session.get(KycApplication, fresh["id"]).pii_ciphertext.startswith("v1.k2.")
            assert session.get(KycApplication, app["id"]).pii_ciphertext.startswith("v1.k1.")

        # `peerlend kyc rewrap` moves everything to the current key…
        token = use_settings(server.settings)
        try:
            assert cli_main(["kyc", "rewrap"]) == 0
        finally:
            reset_settings(token)
        with server.session() as session:
            envelopes = [a.pii_ciphertext for a in session.scalars(select(KycApplication))]
            envelopes += [s.answers_ciphertext for s in session.scalars(select(SuitabilityAssessment))]
        assert envelopes and all(e.startswith("v1.k2.") for e in envelopes)

    # …after which the retired key can be dropped.
    monkeypatch.delenv("PEERLEND_ENCRYPTION_KEYS_RETIRED")
    with start_server(
        tmp_path,
        rate_limit_enabled=False,
        encryption_key=new_key,
        encryption_key_id="k2",
        bootstrap_admin_key=admin_key,
    ) as server:
        detail = httpx.get(
            f"{server}/v2/kyc/review-queue/{app['id']}",
            headers={"X-API-Key": create_operator_key(server, "reviewer")},
        )
        assert detail.json()["applicant"]["fullName"] == "Viktor Drozdov"
