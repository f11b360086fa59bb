"""Chain loans after the loan market split: fees fixed per loan at drawdown, the reason a listing
expired, the signed offer it was listed with, and collateral amounts of any size.

Collateral events now come from the CollateralVault, in the collateral token's own units, which for an
18-decimal token pass 2^63 at 9.2 tokens: `collateral_amount` becomes decimal text (as token transfer
amounts already are).

Revision ID: 0011_loan_market_split
Revises: 0010_signed_offers
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011_loan_market_split"
down_revision = "0010_signed_offers"
branch_labels = None
depends_on = None

FEES = ("servicing_fee_bps", "reserve_share_bps", "late_fee_bps_per_day")


def upgrade() -> None:
    with op.batch_alter_table("chain_loans") as batch:
        for name in FEES:
            batch.add_column(sa.Column(name, sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("expiry_reason", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("offer_nonce", sa.String(78), nullable=True))
        batch.create_index("ix_chain_loans_offer_nonce", ["offer_nonce"])
        batch.alter_column(
            "collateral_amount",
            existing_type=sa.BigInteger(),
            type_=sa.String(80),
            existing_nullable=False,
            postgresql_using="collateral_amount::varchar",
        )


def downgrade() -> None:
    with op.batch_alter_table("chain_loans") as batch:
        batch.alter_column(
            "collateral_amount",
            existing_type=sa.String(80),
            type_=sa.BigInteger(),
            existing_nullable=False,
            postgresql_using="collateral_amount::bigint",
        )
        batch.drop_index("ix_chain_loans_offer_nonce")
        batch.drop_column("offer_nonce")
        batch.drop_column("expiry_reason")
        for name in reversed(FEES):
            batch.drop_column(name)
