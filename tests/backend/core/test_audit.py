"""The audit log is append-only: the ORM refuses changes, and so does the database itself."""

import pytest
from sqlalchemy import delete, select, text, update
from sqlalchemy.exc import DatabaseError

from backend.core.audit import AuditLogImmutable, list_audit, record_audit
from backend.core.models import AuditLog


@pytest.fixture
def entry_id(server):
    with server.session() as session:
        entry = record_audit(
            session,
            "operator:test",
            "kyc.application.approved",
            "kyc_application",
            "42",
            {"status": "pending"},
            {"status": "approved"},
        )
        session.commit()
        return entry.id


def test_record_audit_appends_an_entry(server, entry_id):
    with server.session() as session:
        entry = session.get(AuditLog, entry_id)
        assert (entry.actor, entry.action, entry.object_type, entry.object_id) == (
            "operator:test",
            "kyc.application.approved",
            "kyc_application",
            "42",
        )
        assert entry.before == {"status": "pending"} and entry.after == {"status": "approved"}
        assert entry.occurred_at.tzinfo is not None


def test_personal_data_is_masked_in_before_and_after(server):
    with server.session() as session:
        entry = record_audit(
            session,
            "operator:test",
            "kyc.identity.updated",
            "identity",
            "7",
            {"full_name": "Zhang San", "phone": "13812345678", "status": "new"},
            {
                "national_id": "11010519491231002X",
                "note": "card 4111 1111 1111 1111 ok",
                "contact": {"email": "zhang@example.com"},
            },
        )
        session.commit()
        stored = session.get(AuditLog, entry.id)
    assert stored.before == {"full_name": "***", "phone": "***", "status": "new"}
    assert stored.after["national_id"] == "***"
    assert "4111 1111 1111 1111" not in stored.after["note"] and stored.after["note"].endswith("ok")
    assert stored.after["contact"]["email"] == "***"


def test_orm_update_is_refused(server, entry_id):
    with server.session() as session:
        entry = session.get(AuditLog, entry_id)
        entry.action = "kyc.application.rejected"
        with pytest.raises(AuditLogImmutable):
            session.commit()


def test_orm_delete_is_refused(server, entry_id):
    with server.session() as session:
        session.delete(session.get(AuditLog, entry_id))
        with pytest.raises(AuditLogImmutable):
            session.commit()


@pytest.mark.parametrize(
    "statement",
    [
        update(AuditLog).where(AuditLog.id > 0).values(actor="someone-else"),
        delete(AuditLog).where(AuditLog.id > 0),
    ],
)
def test_bulk_statements_are_refused(server, entry_id, statement):
    with server.session() as session, pytest.raises(AuditLogImmutable):
        session.execute(statement)


@pytest.mark.parametrize("sql", ["UPDATE audit_log SET actor = 'x'", "DELETE FROM audit_log"])
def test_database_refuses_raw_sql_changes(server, entry_id, sql):
    with server.session() as session:
        with pytest.raises(DatabaseError, match="append-only"):
            session.execute(text(sql))
        session.rollback()
        assert session.get(AuditLog, entry_id).actor == "operator:test"


def test_entries_commit_and_roll_back_with_the_change(server):
    with server.session() as session:
        record_audit(session, "operator:test", "never.happened", "thing", "1", None, None)
        session.rollback()
        assert session.scalars(select(AuditLog).where(AuditLog.action == "never.happened")).all() == []


def test_list_audit_filters_and_pages(server, entry_id):
    with server.session() as session:
        newest = list_audit(session, object_type="kyc_application", object_id="42", limit=1)
        assert newest[0].id >= entry_id
        older = list_audit(session, before_id=newest[0].id, limit=5)
        assert all(e.id < newest[0].id for e in older)


def test_before_and_after_accept_common_python_values(server):
    import datetime
    import decimal
    import uuid

    when = datetime.datetime(2026, 1, 2, tzinfo=datetime.UTC)
    ident = uuid.UUID(int=7)
    with server.session() as session:
        entry = record_audit(
            session,
            "system:test",
            "loan.priced",
            "loan",
            "9",
            None,
            {"at": when, "rate": decimal.Decimal("0.125"), "id": ident, "hash": b"\x01\x02"},
        )
        session.commit()
        stored = session.get(AuditLog, entry.id).after
    assert stored == {"at": "2026-01-02T00:00:00+00:00", "rate": 0.125, "id": str(ident), "hash": "0x0102"}
