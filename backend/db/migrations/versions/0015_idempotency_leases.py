"""Idempotency reservations carry a lease (token, owner process, expiry), so a retry can take over the
key of a request whose process died (backend/core/idempotency.py).

Revision ID: 0015_idempotency_leases
Revises: 0014_rate_limit_windows
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015_idempotency_leases"
down_revision = "0014_rate_limit_windows"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("idempotency_keys") as batch:
        batch.add_column(sa.Column("lease", sa.String(32), nullable=True))
        batch.add_column(sa.Column("owner", sa.String(80), nullable=True))
        batch.add_column(sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("idempotency_keys") as batch:
        batch.drop_column("locked_until")
        batch.drop_column("owner")
        batch.drop_column("lease")
