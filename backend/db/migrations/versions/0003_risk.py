"""Risk: loan applications with their credit decision, and credit reports pending for the oracle.

Revision ID: 0003_risk
Revises: 0002_kyc
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_risk"
down_revision = "0002_kyc"
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "loan_applications",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("wallet", sa.String(42), nullable=False),
        sa.Column("identity_hash", sa.String(64), nullable=True),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("term_months", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(16), nullable=False),
        sa.Column("monthly_income", sa.BigInteger(), nullable=False),
        sa.Column("attributes", sa.JSON(), nullable=False),
        sa.Column("model_name", sa.String(64), nullable=False),
        sa.Column("model_version", sa.Integer(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("score_raw", sa.Float(), nullable=False),
        sa.Column("pd_bps", sa.Integer(), nullable=False),
        sa.Column("grade", sa.Integer(), nullable=False),
        sa.Column("bins", sa.JSON(), nullable=False),
        sa.Column("reason_codes", sa.JSON(), nullable=False),
        sa.Column("fraud_hits", sa.JSON(), nullable=False),
        sa.Column("decision", sa.String(8), nullable=False),
        sa.Column("decision_reasons", sa.JSON(), nullable=False),
        sa.Column("offer", sa.JSON(), nullable=True),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("reviewed_by", sa.String(128), nullable=True),
        sa.Column("reviewed_at", _TS, nullable=True),
        sa.Column("review_note", sa.Text(), nullable=True),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_loan_applications"),
    )
    op.create_index("ix_loan_applications_wallet", "loan_applications", ["wallet"])
    op.create_index("ix_loan_applications_identity_hash", "loan_applications", ["identity_hash"])
    op.create_index("ix_loan_applications_status", "loan_applications", ["status"])
    op.create_index("ix_loan_applications_created_at", "loan_applications", ["created_at"])

    op.create_table(
        "credit_reports",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("application_id", sa.String(36), nullable=False),
        sa.Column("borrower", sa.String(42), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("grade", sa.Integer(), nullable=False),
        sa.Column("pd_bps", sa.Integer(), nullable=False),
        sa.Column("model_version", sa.Integer(), nullable=False),
        sa.Column("as_of", sa.BigInteger(), nullable=False),
        sa.Column("reasons_hash", sa.String(66), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("round", sa.BigInteger(), nullable=True),
        sa.Column("tx_hash", sa.String(66), nullable=True),
        sa.Column("reject_reason", sa.Text(), nullable=True),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_credit_reports"),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["loan_applications.id"],
            name="fk_credit_reports_application_id_loan_applications",
        ),
        sa.UniqueConstraint("application_id", name="uq_credit_reports_application_id"),
    )
    op.create_index("ix_credit_reports_borrower", "credit_reports", ["borrower"])
    op.create_index("ix_credit_reports_status", "credit_reports", ["status"])


def downgrade() -> None:
    op.drop_index("ix_credit_reports_status", table_name="credit_reports")
    op.drop_index("ix_credit_reports_borrower", table_name="credit_reports")
    op.drop_table("credit_reports")
    for column in ("created_at", "status", "identity_hash", "wallet"):
        op.drop_index(f"ix_loan_applications_{column}", table_name="loan_applications")
    op.drop_table("loan_applications")
