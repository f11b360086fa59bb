"""Chain: indexer checkpoint, blocks, decoded events, read models; oracle refresh requests.

Revision ID: 0004_chain
Revises: 0003_risk
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_chain"
down_revision = "0003_risk"
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=True)

TABLES = [
    "chain_checkpoints",
    "chain_blocks",
    "chain_events",
    "chain_identities",
    "chain_credit_records",
    "chain_oracle_rounds",
    "chain_loans",
    "chain_loan_installments",
    "chain_repayments",
    "chain_notes",
    "chain_portfolios",
    "chain_wallet_transactions",
    "oracle_refresh_requests",
]


def upgrade() -> None:
    op.create_table(
        "chain_checkpoints",
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("chain_id", sa.BigInteger(), nullable=False),
        sa.Column("last_block", sa.BigInteger(), nullable=False),
        sa.Column("last_block_hash", sa.String(66), nullable=True),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_chain_checkpoints")),
    )
    op.create_table(
        "chain_blocks",
        sa.Column("number", sa.BigInteger(), nullable=False),
        sa.Column("hash", sa.String(66), nullable=False),
        sa.Column("timestamp", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("number", name=op.f("pk_chain_blocks")),
    )
    op.create_table(
        "chain_events",
        sa.Column("id", sa.Integer(), nullable=False, autoincrement=True),
        sa.Column("block_number", sa.BigInteger(), nullable=False),
        sa.Column("block_hash", sa.String(66), nullable=False),
        sa.Column("block_timestamp", sa.BigInteger(), nullable=False),
        sa.Column("tx_hash", sa.String(66), nullable=False),
        sa.Column("log_index", sa.Integer(), nullable=False),
        sa.Column("address", sa.String(42), nullable=False),
        sa.Column("contract", sa.String(64), nullable=False),
        sa.Column("event", sa.String(64), nullable=False),
        sa.Column("args", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chain_events")),
        sa.UniqueConstraint("block_hash", "log_index", name="uq_chain_events_block_log"),
    )
    op.create_index("ix_chain_events_name", "chain_events", ["contract", "event"])
    op.create_index("ix_chain_events_order", "chain_events", ["block_number", "log_index"])
    op.create_index("ix_chain_events_tx_hash", "chain_events", ["tx_hash"])
    op.create_table(
        "chain_identities",
        sa.Column("wallet", sa.String(42), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("risk_class", sa.Integer(), nullable=False),
        sa.Column("jurisdiction", sa.Integer(), nullable=False),
        sa.Column("expires_at", sa.BigInteger(), nullable=False),
        sa.Column("frozen", sa.Boolean(), nullable=False),
        sa.Column("commitment", sa.String(66), nullable=True),
        sa.Column("attester", sa.String(42), nullable=True),
        sa.Column("updated_block", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("wallet", name=op.f("pk_chain_identities")),
    )
    op.create_table(
        "chain_credit_records",
        sa.Column("borrower", sa.String(42), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("grade", sa.Integer(), nullable=False),
        sa.Column("pd_bps", sa.Integer(), nullable=False),
        sa.Column("model_version", sa.Integer(), nullable=False),
        sa.Column("as_of", sa.BigInteger(), nullable=False),
        sa.Column("reasons_hash", sa.String(66), nullable=False),
        sa.Column("round", sa.BigInteger(), nullable=False),
        sa.Column("updated_block", sa.BigInteger(), nullable=False),
        sa.Column("tx_hash", sa.String(66), nullable=False),
        sa.PrimaryKeyConstraint("borrower", name=op.f("pk_chain_credit_records")),
    )
    op.create_table(
        "chain_oracle_rounds",
        sa.Column("round", sa.BigInteger(), nullable=False),
        sa.Column("reports", sa.Integer(), nullable=False),
        sa.Column("submitter", sa.String(42), nullable=False),
        sa.Column("tx_hash", sa.String(66), nullable=False),
        sa.Column("block_number", sa.BigInteger(), nullable=False),
        sa.Column("timestamp", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("round", name=op.f("pk_chain_oracle_rounds")),
    )
    op.create_table(
        "chain_loans",
        sa.Column("loan_id", sa.BigInteger(), nullable=False),
        sa.Column("borrower", sa.String(42), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("principal", sa.BigInteger(), nullable=False),
        sa.Column("term", sa.Integer(), nullable=False),
        sa.Column("period_seconds", sa.BigInteger(), nullable=False),
        sa.Column("rate_bps", sa.Integer(), nullable=False),
        sa.Column("grade", sa.Integer(), nullable=False),
        sa.Column("funded", sa.BigInteger(), nullable=False),
        sa.Column("lenders", sa.Integer(), nullable=False),
        sa.Column("collateral_token", sa.String(42), nullable=True),
        sa.Column("collateral_amount", sa.BigInteger(), nullable=False),
        sa.Column("listing_deadline", sa.BigInteger(), nullable=False),
        sa.Column("listed_at", sa.BigInteger(), nullable=False),
        sa.Column("drawn_at", sa.BigInteger(), nullable=True),
        sa.Column("drawn_amount", sa.BigInteger(), nullable=False),
        sa.Column("origination_fee", sa.BigInteger(), nullable=False),
        sa.Column("installment", sa.BigInteger(), nullable=False),
        sa.Column("principal_repaid", sa.BigInteger(), nullable=False),
        sa.Column("interest_paid", sa.BigInteger(), nullable=False),
        sa.Column("fees_paid", sa.BigInteger(), nullable=False),
        sa.Column("recovered", sa.BigInteger(), nullable=False),
        sa.Column("written_down", sa.BigInteger(), nullable=False),
        sa.Column("periods_paid", sa.Integer(), nullable=False),
        sa.Column("closed_at", sa.BigInteger(), nullable=True),
        sa.Column("updated_block", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("loan_id", name=op.f("pk_chain_loans")),
    )
    op.create_index("ix_chain_loans_borrower", "chain_loans", ["borrower"])
    op.create_index("ix_chain_loans_filter", "chain_loans", ["status", "grade", "term"])
    op.create_table(
        "chain_loan_installments",
        sa.Column("loan_id", sa.BigInteger(), nullable=False),
        sa.Column("period", sa.Integer(), nullable=False),
        sa.Column("due_at", sa.BigInteger(), nullable=False),
        sa.Column("payment", sa.BigInteger(), nullable=False),
        sa.Column("principal", sa.BigInteger(), nullable=False),
        sa.Column("interest", sa.BigInteger(), nullable=False),
        sa.Column("balance_after", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("loan_id", "period", name=op.f("pk_chain_loan_installments")),
    )
    op.create_table(
        "chain_repayments",
        sa.Column("block_number", sa.BigInteger(), nullable=False),
        sa.Column("log_index", sa.Integer(), nullable=False),
        sa.Column("loan_id", sa.BigInteger(), nullable=False),
        sa.Column("payer", sa.String(42), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("interest", sa.BigInteger(), nullable=False),
        sa.Column("principal", sa.BigInteger(), nullable=False),
        sa.Column("fees", sa.BigInteger(), nullable=False),
        sa.Column("timestamp", sa.BigInteger(), nullable=False),
        sa.Column("tx_hash", sa.String(66), nullable=False),
        sa.PrimaryKeyConstraint("block_number", "log_index", name=op.f("pk_chain_repayments")),
    )
    op.create_index("ix_chain_repayments_loan_id", "chain_repayments", ["loan_id"])
    op.create_table(
        "chain_notes",
        sa.Column("note_id", sa.BigInteger(), nullable=False),
        sa.Column("loan_id", sa.BigInteger(), nullable=False),
        sa.Column("owner", sa.String(42), nullable=False),
        sa.Column("original_lender", sa.String(42), nullable=False),
        sa.Column("principal", sa.BigInteger(), nullable=False),
        sa.Column("claimed", sa.BigInteger(), nullable=False),
        sa.Column("principal_returned", sa.BigInteger(), nullable=False),
        sa.Column("written_down", sa.BigInteger(), nullable=False),
        sa.Column("refunded", sa.Boolean(), nullable=False),
        sa.Column("updated_block", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("note_id", name=op.f("pk_chain_notes")),
    )
    op.create_index("ix_chain_notes_loan_id", "chain_notes", ["loan_id"])
    op.create_index("ix_chain_notes_owner", "chain_notes", ["owner"])
    op.create_table(
        "chain_portfolios",
        sa.Column("wallet", sa.String(42), nullable=False),
        sa.Column("invested", sa.BigInteger(), nullable=False),
        sa.Column("outstanding", sa.BigInteger(), nullable=False),
        sa.Column("received", sa.BigInteger(), nullable=False),
        sa.Column("losses", sa.BigInteger(), nullable=False),
        sa.Column("notes", sa.Integer(), nullable=False),
        sa.Column("borrowed", sa.BigInteger(), nullable=False),
        sa.Column("repaid", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("wallet", name=op.f("pk_chain_portfolios")),
    )
    op.create_table(
        "chain_wallet_transactions",
        sa.Column("block_number", sa.BigInteger(), nullable=False),
        sa.Column("log_index", sa.Integer(), nullable=False),
        sa.Column("wallet", sa.String(42), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("contract", sa.String(64), nullable=False),
        sa.Column("counterparty", sa.String(42), nullable=True),
        sa.Column("loan_id", sa.BigInteger(), nullable=True),
        sa.Column("note_id", sa.BigInteger(), nullable=True),
        sa.Column("amount", sa.String(80), nullable=False),
        sa.Column("timestamp", sa.BigInteger(), nullable=False),
        sa.Column("tx_hash", sa.String(66), nullable=False),
        sa.PrimaryKeyConstraint(
            "block_number", "log_index", "wallet", name=op.f("pk_chain_wallet_transactions")
        ),
    )
    op.create_index(
        "ix_chain_wallet_tx_wallet", "chain_wallet_transactions", ["wallet", "block_number", "log_index"]
    )
    op.create_table(
        "oracle_refresh_requests",
        sa.Column("borrower", sa.String(42), nullable=False),
        sa.Column("requests", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("requested_at", _TS, nullable=False),
        sa.PrimaryKeyConstraint("borrower", name=op.f("pk_oracle_refresh_requests")),
    )


def downgrade() -> None:
    for table in reversed(TABLES):
        op.drop_table(table)
