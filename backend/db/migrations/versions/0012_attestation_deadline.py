"""Signed attestations can be fetched again: the deadline they were signed with is kept (Unix seconds on
the chain's clock), so the same signature is returned until it passes and a fresh one after.

Revision ID: 0012_attestation_deadline
Revises: 0011_loan_market_split
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012_attestation_deadline"
down_revision = "0011_loan_market_split"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("kyc_applications") as batch:
        batch.add_column(sa.Column("attestation_deadline", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("kyc_applications") as batch:
        batch.drop_column("attestation_deadline")
