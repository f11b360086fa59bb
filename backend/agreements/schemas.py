"""Agreement bodies (camelCase keys; amounts as decimal strings of base units)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field

from backend.core.schemas import (
    HASH_PATTERN,
    Address,
    Amount,
    AmountIn,
    ApiInput,
    ApiModel,
    Timestamp,
    WholeNumber,
    whole_number,
)

AgreementId = Annotated[str, Field(pattern=r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")]
Hash = Annotated[str, Field(pattern=HASH_PATTERN)]


class AgreementIn(ApiInput):
    """The listing the borrower intends, within its approved application's signed offer."""

    application_id: AgreementId
    principal: AmountIn
    min_fill: AmountIn = 0  # 0: the principal
    # The bounds sit before the validator (or on the field), so the schema shows them as minimum/maximum;
    # after a BeforeValidator pydantic keeps them as unknown keywords that clients cannot see.
    num_periods: Annotated[int, Field(ge=1, le=600), BeforeValidator(whole_number)] | None = None
    listing_deadline: WholeNumber = Field(ge=1, le=2**40 - 1)  # unix seconds, the chain's clock
    collateral_token: Address = "0x" + "00" * 20
    collateral_amount: AmountIn = 0


class SignatureIn(ApiInput):
    signature: Annotated[str, Field(pattern=r"^0x[0-9a-fA-F]{130}$")]


class AgreementOut(ApiModel):
    id: str
    application_id: str
    borrower: str
    template_version: str
    status: Literal["draft", "signed"]
    text: str
    agreement_hash: str
    typed_data: dict[str, Any]
    signature: str | None
    signed_at: Timestamp | None
    # the `list` call's arguments besides the offer: the market binds `agreementHash`
    listing_params: dict[str, Any]


class BorrowerSignature(ApiModel):
    signature: str | None
    recovered: str | None
    verified: bool  # recovered from the EIP-712 typed data and equal to the loan's borrower


class Binding(ApiModel):
    agreement_hash: str
    matches_signed: bool
    tx_hash: str
    block_number: int
    bound_at: Timestamp


class Acceptance(ApiModel):
    note_id: Amount
    lender: str
    agreement_hash: str
    verified: bool  # the hash the funding accepted is the loan's
    tx_hash: str
    block_number: int
    accepted_at: Timestamp


class LoanAgreementOut(ApiModel):
    loan_id: int
    agreement_id: str | None
    template_version: str | None
    borrower: str
    agreement_hash: str
    text: str
    borrower_signature: BorrowerSignature
    binding: Binding
    acceptances: list[Acceptance]
    verified: bool  # the borrower's signature, the binding and every acceptance check out
