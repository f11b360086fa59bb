"""Oracle feed wire format. Report fields are named as in the Solidity struct (what nodes sign); `asOf` is
an ISO time like every time of the API (the oracle's client turns it back into the Unix seconds it
signs)."""

from __future__ import annotations

from typing import Annotated, Literal

from eth_utils import is_address, to_checksum_address
from pydantic import BeforeValidator, Field, field_validator

from backend.core.schemas import (
    HASH_PATTERN,
    ID_MAX,
    Address,
    ApiInput,
    ApiModel,
    Page,
    Timestamp,
    WholeNumber,
    whole_number,
)


class OracleReport(ApiModel):
    id: int
    status: str
    borrower: Address
    score: int
    grade: int
    pd_bps: int
    model_version: int
    as_of: Timestamp
    reasons_hash: str
    round: int | None = None
    tx_hash: str | None = None
    reason: str | None = Field(default=None, validation_alias="reject_reason")


class ReportPage(Page[OracleReport]):
    pass


class Ack(ApiInput):
    id: WholeNumber = Field(ge=1, le=ID_MAX)
    status: Literal["signed", "submitted", "confirmed", "rejected", "pending"]
    round: Annotated[int, Field(ge=0, le=ID_MAX), BeforeValidator(whole_number)] | None = None
    tx_hash: str | None = Field(default=None, pattern=HASH_PATTERN)
    reason: str | None = Field(default=None, max_length=500)


class AckRequest(ApiInput):
    acks: list[Ack] = Field(max_length=1000)


class AckResult(ApiModel):
    id: int
    status: str | None
    applied: bool
    detail: str | None = None


class AckResponse(ApiModel):
    results: list[AckResult]


class RefreshRequestIn(ApiInput):
    borrowers: list[Address] = Field(max_length=1000)

    @field_validator("borrowers")
    @classmethod
    def _addresses(cls, value: list[str]) -> list[str]:
        bad = [b for b in value if not is_address(b)]
        if bad:
            raise ValueError(f"not addresses: {', '.join(repr(b[:50]) for b in bad[:5])}")
        # One outcome per borrower, in the order first asked.
        return list(dict.fromkeys(to_checksum_address(b) for b in value))


class RefreshResult(ApiModel):
    borrower: Address
    outcome: Literal["reported", "waiting", "lapsed"]
    detail: str
    report_id: int | None = None  # the new report (reported) or the one on its way (waiting)


class RefreshResponse(ApiModel):
    queued: list[Address]  # every borrower asked about, checksummed
    results: list[RefreshResult]


class RoundView(ApiModel):
    round: int
    reports: int
    submitter: Address
    tx_hash: str
    block_number: int
    timestamp: Timestamp


class RoundsStatus(ApiModel):
    last_round: int | None  # as indexed from BatchSubmitted events
    indexed_block: int | None
    reports: dict[str, int]  # credit report counts by status
    rounds: list[RoundView]
