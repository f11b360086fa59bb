"""Complaints: filings (text encrypted), their SLA deadlines and resolution, and the messages on them
(encrypted). Wallet statements need no table: they are computed from the chain index.

Revision ID: 0022_complaints
Revises: 0021_disclosure
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0022_complaints"
down_revision = "0021_disclosure"
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "complaints",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("wallet", sa.String(42), nullable=False),
        sa.Column("category", sa.String(32), nullable=False),
        sa.Column("loan_id", sa.BigInteger(), nullable=True),
        sa.Column("text_ciphertext", sa.Text(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("filed_at", _TS, nullable=False),
        sa.Column("acknowledge_by", _TS, nullable=False),
        sa.Column("resolve_by", _TS, nullable=False),
        sa.Column("acknowledged_at", _TS, nullable=True),
        sa.Column("resolved_at", _TS, nullable=True),
        sa.Column("outcome", sa.String(24), nullable=True),
        sa.Column("closed_at", _TS, nullable=True),
        sa.Column("escalated_at", _TS, nullable=True),
        sa.Column("escalation_reason", sa.String(32), nullable=True),
        sa.Column("updated_at", _TS, nullable=False),
    )
    op.create_index("ix_complaints_wallet_filed", "complaints", ["wallet", "filed_at"])
    op.create_index("ix_complaints_status_filed", "complaints", ["status", "filed_at"])
    op.create_table(
        "complaint_messages",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("complaint_id", sa.String(36), sa.ForeignKey("complaints.id"), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("author", sa.String(80), nullable=False),
        sa.Column("body_ciphertext", sa.Text(), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
    )
    op.create_index("ix_complaint_messages_complaint", "complaint_messages", ["complaint_id", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_complaint_messages_complaint", table_name="complaint_messages")
    op.drop_table("complaint_messages")
    op.drop_index("ix_complaints_status_filed", table_name="complaints")
    op.drop_index("ix_complaints_wallet_filed", table_name="complaints")
    op.drop_table("complaints")
