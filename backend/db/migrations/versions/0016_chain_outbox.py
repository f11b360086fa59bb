"""The service's chain transactions, recorded before they are sent (backend/chain/outbox.py).

Revision ID: 0016_chain_outbox
Revises: 0015_idempotency_leases
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016_chain_outbox"
down_revision = "0015_idempotency_leases"
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "chain_outbox",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("purpose", sa.String(64), nullable=False),
        sa.Column("object_type", sa.String(64), nullable=False),
        sa.Column("object_id", sa.String(128), nullable=False),
        sa.Column("chain_id", sa.BigInteger(), nullable=False),
        sa.Column("sender", sa.String(42), nullable=False),
        sa.Column("nonce", sa.BigInteger(), nullable=False),
        sa.Column("tx_hash", sa.String(66), nullable=False),
        sa.Column("raw_tx", sa.LargeBinary(), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("block_number", sa.BigInteger(), nullable=True),
        sa.Column("block_hash", sa.String(66), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
        sa.UniqueConstraint("tx_hash", name="uq_chain_outbox_tx_hash"),
    )
    op.create_index("ix_chain_outbox_object_id", "chain_outbox", ["object_id"])
    op.create_index("ix_chain_outbox_status", "chain_outbox", ["status"])


def downgrade() -> None:
    op.drop_index("ix_chain_outbox_status", table_name="chain_outbox")
    op.drop_index("ix_chain_outbox_object_id", table_name="chain_outbox")
    op.drop_table("chain_outbox")
