"""Credit report ids are 64-bit: the API accepts ids up to 2^53 - 1 (`ID_MAX`), and on PostgreSQL a
32-bit column turned a lookup of a larger id into a database error instead of "not found". SQLite's
integer primary key is 64-bit already, so only PostgreSQL changes.

Revision ID: 0017_wide_report_ids
Revises: 0016_chain_outbox
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017_wide_report_ids"
down_revision = "0016_chain_outbox"
branch_labels = None
depends_on = None

COLUMNS = (("credit_reports", "id"), ("oracle_refresh_requests", "report_id"))


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, column in COLUMNS:
        op.alter_column(table, column, type_=sa.BigInteger(), existing_type=sa.Integer())


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, column in COLUMNS:
        op.alter_column(table, column, type_=sa.Integer(), existing_type=sa.BigInteger())
