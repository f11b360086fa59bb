"""Notifications and servicing: contact points (encrypted), preferences, notices (the in-app inbox), their
deliveries (the outbox, unique per notice and channel), and the reminder scheduler's records of
reminders (unique per loan, installment and offset) and late notices (per loan, installment and tier).

Revision ID: 0018_notifications
Revises: 0017_wide_report_ids
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018_notifications"
down_revision = "0017_wide_report_ids"
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "notification_contacts",
        sa.Column("wallet", sa.String(42), primary_key=True),
        sa.Column("email_ciphertext", sa.Text(), nullable=True),
        sa.Column("webhook_url_ciphertext", sa.Text(), nullable=True),
        sa.Column("webhook_secret_ciphertext", sa.Text(), nullable=True),
        sa.Column("updated_at", _TS, nullable=False),
    )
    op.create_table(
        "notification_preferences",
        sa.Column("wallet", sa.String(42), primary_key=True),
        sa.Column("kind", sa.String(48), primary_key=True),
        sa.Column("email", sa.Boolean(), nullable=False),
        sa.Column("webhook", sa.Boolean(), nullable=False),
        sa.Column("inbox", sa.Boolean(), nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
    )
    op.create_table(
        "notifications",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("event_id", sa.String(36), nullable=False),
        sa.Column("event_key", sa.String(160), nullable=False),
        sa.Column("recipient", sa.String(42), nullable=False),
        sa.Column("kind", sa.String(48), nullable=False),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("guard", sa.String(64), nullable=True),
        sa.Column("occurred_at", sa.BigInteger(), nullable=True),
        sa.Column("inbox", sa.Boolean(), nullable=False),
        sa.Column("read_at", _TS, nullable=True),
        sa.Column("created_at", _TS, nullable=False),
        sa.UniqueConstraint("event_id", name="uq_notifications_event_id"),
        sa.UniqueConstraint("event_key", "recipient", name="uq_notifications_event_key_recipient"),
    )
    op.create_index("ix_notifications_kind", "notifications", ["kind"])
    op.create_index("ix_notifications_recipient_id", "notifications", ["recipient", "id"])
    op.create_table(
        "notification_deliveries",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column(
            "notification_id",
            sa.Integer(),
            sa.ForeignKey(
                "notifications.id", name="fk_notification_deliveries_notification_id_notifications"
            ),
            nullable=False,
        ),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("stage", sa.String(16), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", _TS, nullable=False),
        sa.Column("owner", sa.String(96), nullable=True),
        sa.Column("lease_until", _TS, nullable=True),
        sa.Column("last_error", sa.String(120), nullable=True),
        sa.Column("reason", sa.String(48), nullable=True),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("sent_at", _TS, nullable=True),
        sa.Column("updated_at", _TS, nullable=False),
        sa.UniqueConstraint(
            "notification_id", "channel", name="uq_notification_deliveries_notification_channel"
        ),
    )
    op.create_index(
        "ix_notification_deliveries_due", "notification_deliveries", ["status", "next_attempt_at"]
    )
    op.create_table(
        "servicing_reminders",
        sa.Column("loan_id", sa.BigInteger(), primary_key=True, autoincrement=False),
        sa.Column("period", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("offset_days", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("due_at", sa.BigInteger(), nullable=False),
        sa.Column("decided_at_chain", sa.BigInteger(), nullable=False),
        sa.Column(
            "notification_id",
            sa.Integer(),
            sa.ForeignKey("notifications.id", name="fk_servicing_reminders_notification_id_notifications"),
            nullable=True,
        ),
        sa.Column("created_at", _TS, nullable=False),
    )
    op.create_table(
        "servicing_late_notices",
        sa.Column("loan_id", sa.BigInteger(), primary_key=True, autoincrement=False),
        sa.Column("period", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("tier", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("days_past_due", sa.Integer(), nullable=False),
        sa.Column("decided_at_chain", sa.BigInteger(), nullable=False),
        sa.Column("holders", sa.Integer(), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("servicing_late_notices")
    op.drop_table("servicing_reminders")
    op.drop_index("ix_notification_deliveries_due", table_name="notification_deliveries")
    op.drop_table("notification_deliveries")
    op.drop_index("ix_notifications_recipient_id", table_name="notifications")
    op.drop_index("ix_notifications_kind", table_name="notifications")
    op.drop_table("notifications")
    op.drop_table("notification_preferences")
    op.drop_table("notification_contacts")
