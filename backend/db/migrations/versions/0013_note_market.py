"""The note market's read models: standing offers and completed sales (backend/market/models.py).

Revision ID: 0013_note_market
Revises: 0012_attestation_deadline
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013_note_market"
down_revision = "0012_attestation_deadline"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "market_note_offers",
        sa.Column("note_id", sa.BigInteger(), primary_key=True, autoincrement=False),
        sa.Column("loan_id", sa.BigInteger(), nullable=False),
        sa.Column("seller", sa.String(42), nullable=False),
        sa.Column("price", sa.BigInteger(), nullable=False),
        sa.Column("expiry", sa.BigInteger(), nullable=False),
        sa.Column("offered_at", sa.BigInteger(), nullable=False),
        sa.Column("offered_block", sa.BigInteger(), nullable=False),
    )
    op.create_index("ix_market_note_offers_loan_id", "market_note_offers", ["loan_id"])
    op.create_index("ix_market_note_offers_seller", "market_note_offers", ["seller"])
    op.create_table(
        "market_note_sales",
        sa.Column("block_number", sa.BigInteger(), primary_key=True, autoincrement=False),
        sa.Column("log_index", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("note_id", sa.BigInteger(), nullable=False),
        sa.Column("loan_id", sa.BigInteger(), nullable=False),
        sa.Column("seller", sa.String(42), nullable=False),
        sa.Column("buyer", sa.String(42), nullable=False),
        sa.Column("price", sa.BigInteger(), nullable=False),
        sa.Column("fee", sa.BigInteger(), nullable=False),
        sa.Column("seller_earned", sa.BigInteger(), nullable=False),
        sa.Column("principal_at_sale", sa.BigInteger(), nullable=False),
        sa.Column("timestamp", sa.BigInteger(), nullable=False),
        sa.Column("tx_hash", sa.String(66), nullable=False),
    )
    for column in ("note_id", "loan_id", "seller", "buyer"):
        op.create_index(f"ix_market_note_sales_{column}", "market_note_sales", [column])


def downgrade() -> None:
    op.drop_table("market_note_sales")
    op.drop_table("market_note_offers")
