"""Disclosure: monthly snapshots and their anchors (backend/disclosure/models.py), and the repayment source
a loan application states (loan_applications.repayment_source, disclosed with the loan).

disclosure_snapshots holds each month's published document as its canonical bytes with their SHA-256;
disclosure_anchors is the read model of the DisclosureRegistry's SnapshotAnchored events.

Revision ID: 0021_disclosure
Revises: 0020_collections
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0021_disclosure"
down_revision = "0020_collections"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "disclosure_snapshots",
        sa.Column("period", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("schema_version", sa.String(32), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("period_end", sa.BigInteger(), nullable=False),
        sa.Column("last_block", sa.BigInteger(), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "disclosure_anchors",
        sa.Column("period", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("content_hash", sa.String(66), nullable=False),
        sa.Column("publisher", sa.String(42), nullable=False),
        sa.Column("registry", sa.String(42), nullable=False),
        sa.Column("block_number", sa.BigInteger(), nullable=False),
        sa.Column("block_hash", sa.String(66), nullable=False),
        sa.Column("log_index", sa.Integer(), nullable=False),
        sa.Column("tx_hash", sa.String(66), nullable=False),
        sa.Column("anchored_at", sa.BigInteger(), nullable=False),
    )
    with op.batch_alter_table("loan_applications") as batch:
        batch.add_column(sa.Column("repayment_source", sa.String(24), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("loan_applications") as batch:
        batch.drop_column("repayment_source")
    op.drop_table("disclosure_anchors")
    op.drop_table("disclosure_snapshots")
