"""Rate-limit windows in the database, so every API process enforces one limit (backend/core/ratelimit.py).

Revision ID: 0014_rate_limit_windows
Revises: 0013_note_market
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014_rate_limit_windows"
down_revision = "0013_note_market"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rate_limit_windows",
        sa.Column("key", sa.String(255), primary_key=True),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("expires_at", sa.Float(), nullable=False),
    )
    op.create_index("ix_rate_limit_windows_expires_at", "rate_limit_windows", ["expires_at"])


def downgrade() -> None:
    op.drop_index("ix_rate_limit_windows_expires_at", table_name="rate_limit_windows")
    op.drop_table("rate_limit_windows")
