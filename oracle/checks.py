"""What a signer node checks before it signs. Each function returns the reasons it refuses (empty: ok).

A node signs a batch only if every report passes; the reasons go back to the aggregator per report so
one bad report is isolated instead of blocking the batch.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from oracle.signing import CreditReport


@dataclass(frozen=True)
class Policy:
    score_min: int = 0
    score_max: int = 1000
    allowed_model_versions: frozenset[int] = field(default_factory=frozenset)  # empty: any (development)
    pd_bands_bps: tuple[int, ...] | None = None  # 7 upper bounds A..G
    max_score_change: int = 250
    max_grade_change: int = 3
    max_future_skew: int = 300
    max_deadline_seconds: int = 3600
    max_batch: int = 100

    @classmethod
    def from_settings(cls, s) -> Policy:
        bands = s.pd_bands_bps()
        return cls(
            score_min=s.score_min,
            score_max=s.score_max,
            allowed_model_versions=frozenset(s.model_versions()),
            pd_bands_bps=tuple(bands) if bands else None,
            max_score_change=s.max_score_change,
            max_grade_change=s.max_grade_change,
            max_future_skew=s.max_future_skew_seconds,
            max_deadline_seconds=s.max_deadline_seconds,
            max_batch=s.batch_max_reports,
        )


def check_ranges(r: CreditReport, p: Policy) -> list[str]:
    reasons = []
    if not p.score_min <= r.score <= p.score_max:
        reasons.append(f"score {r.score} outside {p.score_min}..{p.score_max}")
    if not 1 <= r.grade <= 7:
        reasons.append(f"grade {r.grade} outside 1..7")
    if not 0 <= r.pdBps <= 10_000:
        reasons.append(f"pdBps {r.pdBps} outside 0..10000")
    if r.borrower == "0x" + "0" * 40:
        reasons.append("zero borrower")
    return reasons


def check_grade_matches_pd(r: CreditReport, p: Policy) -> list[str]:
    """The grade is the PD band the PD falls in (one basis point of rounding tolerance)."""
    bands = p.pd_bands_bps
    if not bands or not 1 <= r.grade <= 7:
        return []
    upper = bands[r.grade - 1]
    lower = bands[r.grade - 2] if r.grade > 1 else -1
    if r.pdBps > upper + 1 or (r.grade > 1 and r.pdBps < lower):
        return [f"grade {r.grade} inconsistent with pdBps {r.pdBps} (band {max(lower, 0)}..{upper})"]
    return []


def check_model(r: CreditReport, p: Policy) -> list[str]:
    if p.allowed_model_versions and r.modelVersion not in p.allowed_model_versions:
        return [f"model version {r.modelVersion} not allowed"]
    return []


def check_against_record(r: CreditReport, record: dict | None, p: Policy, now: int) -> list[str]:
    """Time and rate-of-change limits against the borrower's current on-chain record."""
    reasons = []
    if r.asOf > now + p.max_future_skew:
        reasons.append(f"asOf {r.asOf} in the future (now {now})")
    if record and record.get("grade"):
        if r.asOf <= record["asOf"]:
            reasons.append(f"asOf {r.asOf} not after the on-chain asOf {record['asOf']}")
        if abs(r.score - record["score"]) > p.max_score_change:
            reasons.append(f"score change {record['score']} -> {r.score} exceeds {p.max_score_change}")
        if abs(r.grade - record["grade"]) > p.max_grade_change:
            reasons.append(f"grade change {record['grade']} -> {r.grade} exceeds {p.max_grade_change}")
    return reasons


def check_report(r: CreditReport, record: dict | None, p: Policy, now: int) -> list[str]:
    return (
        check_ranges(r, p)
        + check_grade_matches_pd(r, p)
        + check_model(r, p)
        + check_against_record(r, record, p, now)
    )


def check_batch_frame(
    round_: int, deadline: int, reports: Sequence[CreditReport], last_round: int, now: int, p: Policy
) -> list[str]:
    """Batch-level reasons: these refuse the whole batch, not one report."""
    reasons = []
    if round_ <= last_round:
        reasons.append(f"round {round_} not after the on-chain round {last_round}")
    if deadline <= now:
        reasons.append(f"deadline {deadline} passed (now {now})")
    elif deadline > now + p.max_deadline_seconds:
        reasons.append(f"deadline {deadline} more than {p.max_deadline_seconds}s ahead")
    if not reports:
        reasons.append("empty batch")
    if len(reports) > p.max_batch:
        reasons.append(f"{len(reports)} reports exceed the cap {p.max_batch}")
    return reasons


def duplicate_borrowers(reports: Sequence[CreditReport]) -> set[str]:
    seen: set[str] = set()
    dup: set[str] = set()
    for r in reports:
        (dup if r.borrower in seen else seen).add(r.borrower)
    return dup
