"""Collections: cases by delinquency tier, contacts, promises to pay (backend/collections/models.py).

Cases (one per episode of a loan's lateness, by a unique (loan, opening installment); one open case per
loan, by a partial unique index), their tier history, SLAs per tier, tier notices (one per case and
tier), the contact log (notes encrypted) and promises to pay (one open per case, by a partial unique
index).

Revision ID: 0020_collections
Revises: 0019_aml
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

# 64-bit ids on PostgreSQL, as the API accepts them (backend/db/types.py RowId).
ROW_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

revision = "0020_collections"
down_revision = "0019_aml"
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "collection_cases",
        sa.Column("id", ROW_ID, primary_key=True, autoincrement=True),
        sa.Column("loan_id", sa.BigInteger(), nullable=False),
        sa.Column("borrower", sa.String(42), nullable=False),
        sa.Column("opened_period", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("tier", sa.Integer(), nullable=False),
        sa.Column("max_tier", sa.Integer(), nullable=False),
        sa.Column("days_past_due", sa.Integer(), nullable=False),
        sa.Column("late_since", sa.BigInteger(), nullable=False),
        sa.Column("opened_at", sa.BigInteger(), nullable=False),
        sa.Column("tier_entered_at", sa.BigInteger(), nullable=False),
        sa.Column("evaluated_at", sa.BigInteger(), nullable=False),
        sa.Column("evaluated_block", sa.BigInteger(), nullable=False),
        sa.Column("assignee", sa.String(32), nullable=True),
        sa.Column("assigned_at", sa.BigInteger(), nullable=True),
        sa.Column("first_contact_at", sa.BigInteger(), nullable=True),
        sa.Column("legal_referred_at", sa.BigInteger(), nullable=True),
        sa.Column("closed_at", sa.BigInteger(), nullable=True),
        sa.Column("resolution", sa.String(16), nullable=True),
        sa.Column("close_reason", sa.String(16), nullable=True),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
        sa.UniqueConstraint("loan_id", "opened_period", name="uq_collection_cases_episode"),
    )
    open_case = sa.text("state = 'open'")
    op.create_index(
        "uq_collection_cases_open_loan",
        "collection_cases",
        ["loan_id"],
        unique=True,
        sqlite_where=open_case,
        postgresql_where=open_case,
    )
    op.create_index("ix_collection_cases_state_tier", "collection_cases", ["state", "tier"])
    op.create_index("ix_collection_cases_assignee", "collection_cases", ["assignee", "state"])

    op.create_table(
        "collection_tier_changes",
        sa.Column("id", ROW_ID, primary_key=True, autoincrement=True),
        sa.Column("case_id", ROW_ID, sa.ForeignKey("collection_cases.id"), nullable=False),
        sa.Column("loan_id", sa.BigInteger(), nullable=False),
        sa.Column("from_tier", sa.Integer(), nullable=False),
        sa.Column("to_tier", sa.Integer(), nullable=False),
        sa.Column("entered_at", sa.BigInteger(), nullable=False),
        sa.Column("days_past_due", sa.Integer(), nullable=False),
        sa.Column("observed_at", sa.BigInteger(), nullable=False),
    )
    op.create_index("ix_collection_tier_changes_case", "collection_tier_changes", ["case_id", "entered_at"])

    op.create_table(
        "collection_slas",
        sa.Column("case_id", ROW_ID, sa.ForeignKey("collection_cases.id"), primary_key=True),
        sa.Column("tier", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("requirement", sa.String(24), nullable=False),
        sa.Column("started_at", sa.BigInteger(), nullable=False),
        sa.Column("due_at", sa.BigInteger(), nullable=False),
        sa.Column("met_at", sa.BigInteger(), nullable=True),
    )

    op.create_table(
        "collection_notices",
        sa.Column("case_id", ROW_ID, sa.ForeignKey("collection_cases.id"), primary_key=True),
        sa.Column("tier", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("notification_id", sa.Integer(), sa.ForeignKey("notifications.id"), nullable=True),
        sa.Column("decided_at", sa.BigInteger(), nullable=False),
    )

    op.create_table(
        "collection_contacts",
        sa.Column("id", ROW_ID, primary_key=True, autoincrement=True),
        sa.Column("case_id", ROW_ID, sa.ForeignKey("collection_cases.id"), nullable=False),
        sa.Column("operator", sa.String(32), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("outcome", sa.String(24), nullable=False),
        sa.Column("reason", sa.String(24), nullable=True),
        sa.Column("note_ciphertext", sa.Text(), nullable=True),
        sa.Column("contacted_at", sa.BigInteger(), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
    )
    op.create_index("ix_collection_contacts_case", "collection_contacts", ["case_id", "id"])

    op.create_table(
        "collection_promises",
        sa.Column("id", ROW_ID, primary_key=True, autoincrement=True),
        sa.Column("case_id", ROW_ID, sa.ForeignKey("collection_cases.id"), nullable=False),
        sa.Column("loan_id", sa.BigInteger(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("promised_for", sa.Date(), nullable=False),
        sa.Column("deadline", sa.BigInteger(), nullable=False),
        sa.Column("made_at", sa.BigInteger(), nullable=False),
        sa.Column("made_block", sa.BigInteger(), nullable=False),
        sa.Column("made_by", sa.String(32), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("paid", sa.BigInteger(), nullable=False),
        sa.Column("resolved_at", sa.BigInteger(), nullable=True),
        sa.Column("created_at", _TS, nullable=False),
    )
    op.create_index("ix_collection_promises_case", "collection_promises", ["case_id", "id"])
    op.create_index("ix_collection_promises_status", "collection_promises", ["status"])
    open_promise = sa.text("status = 'open'")
    op.create_index(
        "uq_collection_promises_open_case",
        "collection_promises",
        ["case_id"],
        unique=True,
        sqlite_where=open_promise,
        postgresql_where=open_promise,
    )


def downgrade() -> None:
    op.drop_index("uq_collection_promises_open_case", table_name="collection_promises")
    op.drop_table("collection_promises")
    op.drop_table("collection_contacts")
    op.drop_table("collection_notices")
    op.drop_table("collection_slas")
    op.drop_table("collection_tier_changes")
    op.drop_index("uq_collection_cases_open_loan", table_name="collection_cases")
    op.drop_table("collection_cases")
