"""The AML commands of the `peerlend` CLI: a backfill over an index built before monitoring existed
raises what the rules find, once; `verify` tells a signed export from a tampered one."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from backend.aml import service
from backend.aml.config import AmlSettings
from backend.aml.models import AmlAlert
from backend.cli import main
from backend.core.models import AuditLog
from backend.core.settings import reset_settings, use_settings
from backend.db.session import dispose_engine
from tests.backend.aml.script import USD, Script
from tests.backend.factories.wallets import wallet


@pytest.fixture
def cli(app_settings):
    token = use_settings(app_settings)
    yield lambda *argv: main(list(argv))
    reset_settings(token)
    dispose_engine(app_settings.database_url)


def test_a_backfill_raises_what_the_live_rules_missed_and_nothing_twice(session, cli, capsys):
    chain = Script(session, observed=False)
    borrower, lender = wallet(), wallet()
    chain.attest(borrower, "0x" + "c1" * 32)
    chain.attest(lender, "0x" + "c2" * 32)
    chain.fund(chain.list_loan(borrower, 60_000 * USD), lender, 50_000 * USD)
    session.commit()
    assert session.scalars(select(AmlAlert)).all() == []

    assert cli("aml", "backfill", "--from-block", "0") == 0
    assert "judged 4 events from block 0: 1 new alert(s)" in capsys.readouterr().out
    assert cli("aml", "backfill", "--from-block", "0") == 0
    assert ": 0 new alert(s)" in capsys.readouterr().out
    session.expire_all()
    [alert] = session.scalars(select(AmlAlert)).all()
    assert alert.rule == "large_transaction" and alert.wallet == lender
    assert len(session.scalars(select(AuditLog).where(AuditLog.action == "aml.backfilled")).all()) == 2


def test_verify_accepts_the_export_as_signed_and_refuses_a_changed_byte(
    session, app_settings, cli, tmp_path, capsys
):
    chain = Script(session)
    borrower, lender = wallet(), wallet()
    chain.attest(borrower, "0x" + "c3" * 32)
    chain.fund(chain.list_loan(borrower, 60_000 * USD), lender, 50_000 * USD)
    session.commit()
    case_id = session.scalars(select(AmlAlert.case_id)).one()
    data, signed = service.export_case(session, app_settings, AmlSettings(), case_id, "csv", "operator:o1")
    exported = tmp_path / "case.csv"
    exported.write_bytes(data)
    args = ("aml", "verify", str(exported), "--signature", signed.signature, "--signer", signed.signer)
    assert cli(*args, "--sha256", signed.sha256) == 0
    assert "signature valid" in capsys.readouterr().out
    exported.write_bytes(data.replace(b"transaction", b"transactioN", 1))
    assert cli(*args) == 1
    assert "SIGNATURE INVALID" in capsys.readouterr().out
