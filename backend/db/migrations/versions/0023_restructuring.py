"""Restructuring proposals and their approvals (backend/restructuring/models.py), and on the loan book
where the schedule in force starts and how many restructurings a loan has had (chain_loans).

Revision ID: 0023_restructuring
Revises: 0022_complaints
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0023_restructuring"
down_revision = "0022_complaints"
branch_labels = None
depends_on = None

LOAN_COLUMNS = ("schedule_base_period", "restructurings")


def upgrade() -> None:
    op.create_table(
        "chain_restructure_proposals",
        sa.Column("proposal_id", sa.BigInteger(), primary_key=True, autoincrement=False),
        sa.Column("loan_id", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("extra_periods", sa.Integer(), nullable=False),
        sa.Column("holiday_periods", sa.Integer(), nullable=False),
        sa.Column("expiry", sa.BigInteger(), nullable=False),
        sa.Column("proposed_at", sa.BigInteger(), nullable=False),
        sa.Column("proposed_block", sa.BigInteger(), nullable=False),
        sa.Column("proposed_tx", sa.String(66), nullable=False),
        sa.Column("closed_at", sa.BigInteger(), nullable=True),
        sa.Column("approved_principal", sa.BigInteger(), nullable=True),
        sa.Column("base_period", sa.Integer(), nullable=True),
        sa.Column("base_balance", sa.BigInteger(), nullable=True),
        sa.Column("num_periods", sa.Integer(), nullable=True),
        sa.Column("installment", sa.BigInteger(), nullable=True),
        sa.Column("first_due_at", sa.BigInteger(), nullable=True),
        sa.Column("maturity", sa.BigInteger(), nullable=True),
        sa.Column("first_charges", sa.String(80), nullable=True),
        sa.Column("updated_block", sa.BigInteger(), nullable=False),
    )
    op.create_index(
        "ix_chain_restructure_proposals_loan", "chain_restructure_proposals", ["loan_id", "proposal_id"]
    )
    op.create_table(
        "chain_restructure_approvals",
        sa.Column("proposal_id", sa.BigInteger(), primary_key=True, autoincrement=False),
        sa.Column("note_id", sa.BigInteger(), primary_key=True, autoincrement=False),
        sa.Column("loan_id", sa.BigInteger(), nullable=False),
        sa.Column("holder", sa.String(42), nullable=False),
        sa.Column("share", sa.BigInteger(), nullable=False),
        sa.Column("approved_at", sa.BigInteger(), nullable=False),
        sa.Column("block_number", sa.BigInteger(), nullable=False),
        sa.Column("tx_hash", sa.String(66), nullable=False),
    )
    op.create_index("ix_chain_restructure_approvals_loan", "chain_restructure_approvals", ["loan_id"])
    with op.batch_alter_table("chain_loans") as batch:
        for name in LOAN_COLUMNS:
            batch.add_column(sa.Column(name, sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("chain_loans") as batch:
        for name in reversed(LOAN_COLUMNS):
            batch.drop_column(name)
    op.drop_table("chain_restructure_approvals")
    op.drop_table("chain_restructure_proposals")
