"""Signed loan offers: what the risk service signed for an approved application, kept so that every
read of the application returns the same offer.

`signed_offer` holds the EIP-712 typed data, the signature and its digest (or why no offer could be
signed yet); `offer_nonce` the offer's uint256 nonce as decimal text, unique, which LoanMarket's
OfferUsed event names when the offer lists a loan.

Revision ID: 0010_signed_offers
Revises: 0009_person_subject
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_signed_offers"
down_revision = "0009_person_subject"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("loan_applications") as batch:
        batch.add_column(sa.Column("signed_offer", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("offer_nonce", sa.String(78), nullable=True))
        batch.create_index("ix_loan_applications_offer_nonce", ["offer_nonce"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("loan_applications") as batch:
        batch.drop_index("ix_loan_applications_offer_nonce")
        batch.drop_column("offer_nonce")
        batch.drop_column("signed_offer")
