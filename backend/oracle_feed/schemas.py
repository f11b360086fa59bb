"""Oracle feed wire format. Report fields are named as in the Solidity struct (what nodes sign)."""

from __future__ import annotations

from typing import Literal

from eth_utils import is_address, to_checksum_address
from pydantic import BaseModel, Field, field_validator


class OracleReport(BaseModel):
    id: int
    status: str
    borrower: str
    score: int
    grade: int
    pdBps: int  # noqa: N815
    modelVersion: int  # noqa: N815
    asOf: int  # noqa: N815
    reasonsHash: str  # noqa: N815
    round: int | None = None
    txHash: str | None = None  # noqa: N815
    reason: str | None = None


class ReportPage(BaseModel):
    items: list[OracleReport]


class Ack(BaseModel):
    id: int
    status: Literal["signed", "submitted", "confirmed", "rejected", "pending"]
    round: int | None = Field(default=None, ge=0)
    txHash: str | None = Field(default=None, pattern=r"^0x[0-9a-fA-F]{64}$")  # noqa: N815
    reason: str | None = Field(default=None, max_length=500)


class AckRequest(BaseModel):
    acks: list[Ack] = Field(max_length=1000)


class AckResult(BaseModel):
    id: int
    status: str | None
    applied: bool
    detail: str | None = None


class AckResponse(BaseModel):
    results: list[AckResult]


class RefreshRequestIn(BaseModel):
    borrowers: list[str] = Field(max_length=1000)

    @field_validator("borrowers")
    @classmethod
    def _addresses(cls, value: list[str]) -> list[str]:
        bad = [b for b in value if not is_address(b)]
        if bad:
            raise ValueError(f"not addresses: {', '.join(repr(b[:50]) for b in bad[:5])}")
        # One outcome per borrower, in the order first asked.
        return list(dict.fromkeys(to_checksum_address(b) for b in value))


class RefreshResult(BaseModel):
    borrower: str
    outcome: Literal["reported", "waiting", "lapsed"]
    detail: str
    reportId: int | None = None  # noqa: N815 - the new report (reported) or the one on its way (waiting)


class RefreshResponse(BaseModel):
    queued: list[str]  # every borrower asked about, checksummed
    results: list[RefreshResult]


class RoundView(BaseModel):
    round: int
    reports: int
    submitter: str
    txHash: str  # noqa: N815
    blockNumber: int  # noqa: N815
    timestamp: int


class RoundsStatus(BaseModel):
    lastRound: int | None  # noqa: N815 - as indexed from BatchSubmitted events
    indexedBlock: int | None  # noqa: N815
    reports: dict[str, int]  # credit report counts by status
    rounds: list[RoundView]
