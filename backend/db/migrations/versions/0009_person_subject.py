"""Person subject: the keyed hash that links one person's wallets on-chain.

IdentityRegistry attestations now carry `subject` (the same for every wallet of one person; LoanMarket
caps a person's borrowing across wallets by it) and `entity`. The KYC application keeps the subject it
attests (applications stored before this revision get theirs from their encrypted record when next
attested), and the indexed identities mirror both fields.

Revision ID: 0009_person_subject
Revises: 0008_credit_record_refresh
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_person_subject"
down_revision = "0008_credit_record_refresh"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("kyc_applications") as batch:
        batch.add_column(sa.Column("subject", sa.String(66), nullable=True))
    with op.batch_alter_table("chain_identities") as batch:
        batch.add_column(sa.Column("subject", sa.String(66), nullable=True))
        batch.add_column(sa.Column("entity", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.create_index("ix_chain_identities_subject", ["subject"])


def downgrade() -> None:
    with op.batch_alter_table("chain_identities") as batch:
        batch.drop_index("ix_chain_identities_subject")
        batch.drop_column("entity")
        batch.drop_column("subject")
    with op.batch_alter_table("kyc_applications") as batch:
        batch.drop_column("subject")
