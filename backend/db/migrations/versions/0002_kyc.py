"""KYC: suitability assessments, KYC applications (encrypted personal data, keyed hashes, screening,
risk, attestation) and the manual review queue.

Revision ID: 0002_kyc
Revises: 0001_foundation
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_kyc"
down_revision = "0001_foundation"
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "suitability_assessments",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("wallet", sa.String(42), nullable=False),
        sa.Column("questionnaire_version", sa.Integer(), nullable=False),
        sa.Column("answers_ciphertext", sa.Text(), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("risk_class", sa.Integer(), nullable=False),
        sa.Column("caps_applied", sa.JSON(), nullable=False),
        sa.Column("assessed_at", _TS, nullable=False),
        sa.Column("expires_at", _TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_suitability_assessments"),
    )
    op.create_index("ix_suitability_assessments_wallet", "suitability_assessments", ["wallet"])
    op.create_index("ix_suitability_assessments_assessed_at", "suitability_assessments", ["assessed_at"])

    op.create_table(
        "kyc_applications",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("wallet", sa.String(42), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("jurisdiction", sa.String(2), nullable=False),
        sa.Column("jurisdiction_numeric", sa.Integer(), nullable=False),
        sa.Column("id_scheme", sa.String(32), nullable=False),
        sa.Column("pii_ciphertext", sa.Text(), nullable=False),
        sa.Column("national_id_hash", sa.String(64), nullable=False),
        sa.Column("bank_card_hash", sa.String(64), nullable=False),
        sa.Column("phone_hash", sa.String(64), nullable=False),
        sa.Column("commitment", sa.String(66), nullable=False),
        sa.Column("provider", sa.String(32), nullable=False),
        sa.Column("provider_result", sa.JSON(), nullable=True),
        sa.Column("screening_outcome", sa.String(16), nullable=False),
        sa.Column("screening_result", sa.JSON(), nullable=False),
        sa.Column("risk_level", sa.String(8), nullable=False),
        sa.Column("risk_points", sa.Integer(), nullable=False),
        sa.Column("risk_factors", sa.JSON(), nullable=False),
        sa.Column("edd_required", sa.Boolean(), nullable=False),
        sa.Column("review_reasons", sa.JSON(), nullable=False),
        sa.Column("reject_reasons", sa.JSON(), nullable=False),
        sa.Column("kyc_level", sa.Integer(), nullable=False),
        sa.Column("attestation_mode", sa.String(16), nullable=False),
        sa.Column("attestation_status", sa.String(16), nullable=False),
        sa.Column("attestation_tx", sa.String(66), nullable=True),
        sa.Column("attestation_risk_class", sa.Integer(), nullable=True),
        sa.Column("attestation_suitability_id", sa.String(36), nullable=True),
        sa.Column("attestation_expires_at", _TS, nullable=True),
        sa.Column("attestation_error", sa.Text(), nullable=True),
        sa.Column("attested_at", _TS, nullable=True),
        sa.Column("decided_at", _TS, nullable=True),
        sa.Column("decided_by", sa.String(128), nullable=True),
        sa.Column("decision_note", sa.Text(), nullable=True),
        sa.Column("revoked_at", _TS, nullable=True),
        sa.Column("revoked_by", sa.String(128), nullable=True),
        sa.Column("revoke_reason", sa.String(32), nullable=True),
        sa.Column("revoke_tx", sa.String(66), nullable=True),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_kyc_applications"),
        sa.ForeignKeyConstraint(
            ["attestation_suitability_id"],
            ["suitability_assessments.id"],
            # the naming convention's name is 70 characters, over PostgreSQL's 63
            name="fk_kyc_applications_attestation_suitability",
        ),
    )
    for column in ("wallet", "status", "national_id_hash", "bank_card_hash", "phone_hash", "created_at"):
        op.create_index(f"ix_kyc_applications_{column}", "kyc_applications", [column])
    active = sa.text("status IN ('in_review', 'approved')")
    op.create_index(
        "uq_kyc_applications_active_wallet",
        "kyc_applications",
        ["wallet"],
        unique=True,
        sqlite_where=active,
        postgresql_where=active,
    )

    op.create_table(
        "kyc_review_items",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("application_id", sa.String(36), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("risk_level", sa.String(8), nullable=False),
        sa.Column("edd_required", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(8), nullable=False),
        sa.Column("outcome", sa.String(16), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("closed_at", _TS, nullable=True),
        sa.Column("closed_by", sa.String(128), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_kyc_review_items"),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["kyc_applications.id"],
            name="fk_kyc_review_items_application_id_kyc_applications",
        ),
    )
    for column in ("application_id", "status", "created_at"):
        op.create_index(f"ix_kyc_review_items_{column}", "kyc_review_items", [column])


def downgrade() -> None:
    op.drop_table("kyc_review_items")
    op.drop_table("kyc_applications")
    op.drop_table("suitability_assessments")
