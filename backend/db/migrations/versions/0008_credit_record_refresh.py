"""Credit record refresh: re-scores of approved applications before their on-chain record reaches maxAge.

An application can now have several credit reports (its decision, then refreshes), so the unique
constraint on `credit_reports.application_id` becomes an index and each report says where it came from.
Refresh requests keep what the latest request came to.

Revision ID: 0008_credit_record_refresh
Revises: 0007_revoked_tokens
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_credit_record_refresh"
down_revision = "0007_revoked_tokens"
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("credit_reports") as batch:
        batch.drop_constraint("uq_credit_reports_application_id", type_="unique")
        batch.add_column(sa.Column("origin", sa.String(12), nullable=False, server_default="application"))
        batch.create_index("ix_credit_reports_application_id", ["application_id"])
    with op.batch_alter_table("oracle_refresh_requests") as batch:
        batch.add_column(sa.Column("outcome", sa.String(16), nullable=True))
        batch.add_column(sa.Column("detail", sa.Text(), nullable=True))
        batch.add_column(sa.Column("report_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("resolved_at", _TS, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("oracle_refresh_requests") as batch:
        for name in ("resolved_at", "report_id", "detail", "outcome"):
            batch.drop_column(name)
    # Refreshes go first: without them every application has at most one report again.
    op.execute("DELETE FROM credit_reports WHERE origin = 'refresh'")
    with op.batch_alter_table("credit_reports") as batch:
        batch.drop_index("ix_credit_reports_application_id")
        batch.drop_column("origin")
        batch.create_unique_constraint("uq_credit_reports_application_id", ["application_id"])
