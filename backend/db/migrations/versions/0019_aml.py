"""Anti-money-laundering monitoring: alerts, cases and their dispositions (backend/aml/models.py).

Alerts and their transactions, cases (one open case per subject, by a partial unique index),
dispositions (one waiting for a second officer per case), filed reports, uploaded sanctions lists and
one screening job per identity and list.

Revision ID: 0019_aml
Revises: 0018_notifications
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

# 64-bit ids on PostgreSQL, as the API accepts them (backend/db/types.py RowId).
ROW_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

revision = "0019_aml"
down_revision = "0018_notifications"
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "aml_cases",
        sa.Column("id", ROW_ID, primary_key=True, autoincrement=True),
        sa.Column("subject_key", sa.String(80), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("alert_count", sa.Integer(), nullable=False),
        sa.Column("narrative_ciphertext", sa.Text(), nullable=True),
        sa.Column("opened_at", _TS, nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
        sa.Column("closed_at", _TS, nullable=True),
    )
    op.create_index("ix_aml_cases_subject_key", "aml_cases", ["subject_key"])
    op.create_index("ix_aml_cases_status", "aml_cases", ["status"])
    open_case = sa.text("status IN ('open', 'escalated', 'frozen')")
    op.create_index(
        "uq_aml_cases_open_subject",
        "aml_cases",
        ["subject_key"],
        unique=True,
        sqlite_where=open_case,
        postgresql_where=open_case,
    )

    op.create_table(
        "aml_alerts",
        sa.Column("id", ROW_ID, primary_key=True, autoincrement=True),
        sa.Column("dedup_key", sa.String(200), nullable=False),
        sa.Column("rule", sa.String(32), nullable=False),
        sa.Column("subject_key", sa.String(80), nullable=False),
        sa.Column("wallet", sa.String(42), nullable=True),
        sa.Column("case_id", ROW_ID, sa.ForeignKey("aml_cases.id"), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("amount", sa.String(80), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("tx_hash", sa.String(66), nullable=True),
        sa.Column("log_index", sa.Integer(), nullable=True),
        sa.Column("block_number", sa.BigInteger(), nullable=True),
        sa.Column("chain_time", sa.BigInteger(), nullable=True),
        sa.Column("created_at", _TS, nullable=False),
        sa.UniqueConstraint("dedup_key", name="uq_aml_alerts_dedup_key"),
    )
    for column in ("rule", "subject_key", "wallet", "case_id", "status", "created_at"):
        op.create_index(f"ix_aml_alerts_{column}", "aml_alerts", [column])

    op.create_table(
        "aml_alert_transactions",
        sa.Column("alert_id", ROW_ID, sa.ForeignKey("aml_alerts.id"), primary_key=True),
        sa.Column("tx_hash", sa.String(66), primary_key=True),
        sa.Column("log_index", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("wallet", sa.String(42), primary_key=True),
        sa.Column("block_number", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(24), nullable=False),
        sa.Column("amount", sa.String(80), nullable=False),
        sa.Column("timestamp", sa.BigInteger(), nullable=False),
    )

    op.create_table(
        "aml_dispositions",
        sa.Column("id", ROW_ID, primary_key=True, autoincrement=True),
        sa.Column("case_id", ROW_ID, sa.ForeignKey("aml_cases.id"), nullable=False),
        sa.Column("action", sa.String(24), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("reason_ciphertext", sa.Text(), nullable=False),
        sa.Column("proposed_by", sa.String(128), nullable=False),
        sa.Column("proposed_at", _TS, nullable=False),
        sa.Column("decided_by", sa.String(128), nullable=True),
        sa.Column("decided_at", _TS, nullable=True),
        sa.Column("decision_ciphertext", sa.Text(), nullable=True),
        sa.Column("outcome", sa.JSON(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("effective_at", _TS, nullable=True),
    )
    op.create_index("ix_aml_dispositions_case_id", "aml_dispositions", ["case_id"])
    op.create_index("ix_aml_dispositions_status", "aml_dispositions", ["status"])
    pending = sa.text("status IN ('proposed', 'approved')")
    op.create_index(
        "uq_aml_dispositions_pending_case",
        "aml_dispositions",
        ["case_id"],
        unique=True,
        sqlite_where=pending,
        postgresql_where=pending,
    )

    op.create_table(
        "aml_reports",
        sa.Column("id", ROW_ID, primary_key=True, autoincrement=True),
        sa.Column("case_id", ROW_ID, sa.ForeignKey("aml_cases.id"), nullable=False),
        sa.Column("disposition_id", ROW_ID, sa.ForeignKey("aml_dispositions.id"), nullable=False),
        sa.Column("document_ciphertext", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("signature", sa.String(132), nullable=False),
        sa.Column("signer", sa.String(42), nullable=False),
        sa.Column("filed_by", sa.String(128), nullable=False),
        sa.Column("approved_by", sa.String(128), nullable=False),
        sa.Column("filed_at", _TS, nullable=False),
        sa.UniqueConstraint("disposition_id", name="uq_aml_reports_disposition_id"),
    )
    op.create_index("ix_aml_reports_case_id", "aml_reports", ["case_id"])

    op.create_table(
        "aml_sanctions_lists",
        sa.Column("id", ROW_ID, primary_key=True, autoincrement=True),
        sa.Column("version", sa.String(64), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("entries", sa.JSON(), nullable=False),
        sa.Column("uploaded_by", sa.String(128), nullable=False),
        sa.Column("uploaded_at", _TS, nullable=False),
        sa.Column("due_at", _TS, nullable=False),
        sa.Column("identities", sa.Integer(), nullable=False),
    )

    op.create_table(
        "aml_screening_jobs",
        sa.Column("id", ROW_ID, primary_key=True, autoincrement=True),
        sa.Column("list_id", ROW_ID, sa.ForeignKey("aml_sanctions_lists.id"), nullable=False),
        sa.Column("application_id", sa.String(36), sa.ForeignKey("kyc_applications.id"), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("outcome", sa.String(16), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("screened_at", _TS, nullable=True),
        sa.UniqueConstraint("list_id", "application_id", name="uq_aml_screening_jobs_list_application"),
    )
    op.create_index("ix_aml_screening_jobs_list_id", "aml_screening_jobs", ["list_id"])
    op.create_index("ix_aml_screening_jobs_status_id", "aml_screening_jobs", ["status", "id"])


def downgrade() -> None:
    op.drop_table("aml_screening_jobs")
    op.drop_table("aml_sanctions_lists")
    op.drop_table("aml_reports")
    op.drop_index("uq_aml_dispositions_pending_case", table_name="aml_dispositions")
    op.drop_table("aml_dispositions")
    op.drop_table("aml_alert_transactions")
    op.drop_table("aml_alerts")
    op.drop_index("uq_aml_cases_open_subject", table_name="aml_cases")
    op.drop_table("aml_cases")
