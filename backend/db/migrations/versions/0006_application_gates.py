"""Risk: per-applicant gate rows that serialise concurrent loan applications of one wallet or person.

Revision ID: 0006_application_gates
Revises: 0005_reserve_subrogation
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_application_gates"
down_revision = "0005_reserve_subrogation"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "risk_application_gates",
        sa.Column("subject", sa.String(length=80), nullable=False),
        sa.Column("applications", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("subject", name="pk_risk_application_gates"),
    )


def downgrade() -> None:
    op.drop_table("risk_application_gates")
