"""Chain loans: what the reserve fund covered of a defaulted loan and what it has recovered since.

A reserve cover no longer forgives the borrower: the fund takes over the notes' claim to the principal
it paid, and recovers it after the notes' uncovered loss. The read model keeps both amounts so a note's
principal returned counts the cover and leaves out the reserve's recoveries.

Revision ID: 0005_reserve_subrogation
Revises: 0004_chain
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_reserve_subrogation"
down_revision = "0004_chain"
branch_labels = None
depends_on = None

COLUMNS = ("reserve_covered", "reserve_recovered")


def upgrade() -> None:
    with op.batch_alter_table("chain_loans") as batch:
        for name in COLUMNS:
            batch.add_column(sa.Column(name, sa.BigInteger(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("chain_loans") as batch:
        for name in reversed(COLUMNS):
            batch.drop_column(name)
