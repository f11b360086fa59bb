"""Loan agreements: the rendered agreements borrowers sign (text, hash, EIP-712 signature), and the
read models of their on-chain binding at listing and acceptance at each funding.

Revision ID: 0024_agreements
Revises: 0023_restructuring
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0024_agreements"
down_revision = "0023_restructuring"
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "loan_agreements",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("application_id", sa.String(36), nullable=False),
        sa.Column("wallet", sa.String(42), nullable=False),
        sa.Column("template_version", sa.String(16), nullable=False),
        sa.Column("terms", sa.JSON(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("agreement_hash", sa.String(66), nullable=False, unique=True),
        sa.Column("status", sa.String(8), nullable=False),
        sa.Column("signature", sa.String(132), nullable=True),
        sa.Column("signed_at", _TS, nullable=True),
        sa.Column("created_at", _TS, nullable=False),
    )
    op.create_index("ix_loan_agreements_application_id", "loan_agreements", ["application_id"])
    op.create_index("ix_loan_agreements_wallet_created", "loan_agreements", ["wallet", "created_at"])
    op.create_table(
        "chain_agreement_bindings",
        sa.Column("loan_id", sa.BigInteger(), primary_key=True, autoincrement=False),
        sa.Column("agreement_hash", sa.String(66), nullable=False),
        sa.Column("block_number", sa.BigInteger(), nullable=False),
        sa.Column("log_index", sa.Integer(), nullable=False),
        sa.Column("tx_hash", sa.String(66), nullable=False),
        sa.Column("bound_at", sa.BigInteger(), nullable=False),
    )
    op.create_index(
        "ix_chain_agreement_bindings_agreement_hash", "chain_agreement_bindings", ["agreement_hash"]
    )
    op.create_table(
        "chain_agreement_acceptances",
        sa.Column("note_id", sa.BigInteger(), primary_key=True, autoincrement=False),
        sa.Column("loan_id", sa.BigInteger(), nullable=False),
        sa.Column("lender", sa.String(42), nullable=False),
        sa.Column("agreement_hash", sa.String(66), nullable=False),
        sa.Column("block_number", sa.BigInteger(), nullable=False),
        sa.Column("log_index", sa.Integer(), nullable=False),
        sa.Column("tx_hash", sa.String(66), nullable=False),
        sa.Column("accepted_at", sa.BigInteger(), nullable=False),
    )
    op.create_index("ix_chain_agreement_acceptances_loan_id", "chain_agreement_acceptances", ["loan_id"])


def downgrade() -> None:
    op.drop_table("chain_agreement_acceptances")
    op.drop_table("chain_agreement_bindings")
    op.drop_table("loan_agreements")
