"""Score applications from the exported scorecard JSON with plain Python (no solver stack in the service).

Artifact layout (format "peerlend-scorecard/1", written by backend/risk/training/export.py):
  scaling          pdo, base_score, base_odds, factor = pdo/ln 2, offset = base_score - factor * ln(base_odds)
  base_points      offset - factor * intercept
  features[]       name, type ("numerical" | "categorical"), label, coefficient, bins[] with points,
                   missing (points for an absent value), other (points for an unseen category)
  grades[]         governed PD bands: {"grade": "A", "pd_max": 0.02} ... last band pd_max 1.0
  decision         cutoff_pd, review_low_pd, review_high_pd, cost_fp, cost_fn
  monitoring       training distributions of the score and of each feature's bins (PSI reference)

score = base_points + sum(points); ln(odds good:bad) = (score - offset) / factor; PD = 1 / (1 + odds).
Points are kept unrounded so the PD equals the logistic model's probability; the integer score is the
rounded sum.
"""

from __future__ import annotations

import json
import math
from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

GRADE_LETTERS = "ABCDEFG"
MISSING = "missing"
OTHER = "other"
MAX_REASONS = 4


class ScorecardError(ValueError):
    """A value cannot be scored (for example text given for a numeric attribute)."""


@dataclass(frozen=True)
class Reason:
    code: str  # "<feature>:<bin>", stable across runs of the same model version
    feature: str
    text: str  # plain words, e.g. "Checking account balance below 0 DM"
    points_lost: float  # points below the best attainable bin of this feature


@dataclass
class ScoreResult:
    score_raw: float
    score: int
    pd: float
    pd_bps: int
    grade: int  # 1..7 = A..G
    points: dict[str, float] = field(default_factory=dict)
    bins: dict[str, str] = field(default_factory=dict)
    reasons: list[Reason] = field(default_factory=list)

    @property
    def grade_letter(self) -> str:
        return GRADE_LETTERS[self.grade - 1]

    @property
    def reason_codes(self) -> list[str]:
        return [r.code for r in self.reasons]


def _is_missing(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and value.strip() == ""


def _number(value: Any, feature: str) -> float:
    if isinstance(value, bool):
        raise ScorecardError(f"{feature}: expected a number, got a boolean")
    try:
        out = float(value)
    except (TypeError, ValueError):
        raise ScorecardError(f"{feature}: expected a number, got {value!r}") from None
    if math.isinf(out):
        raise ScorecardError(f"{feature}: expected a finite number")
    return out


class _Feature:
    def __init__(self, spec: Mapping[str, Any]) -> None:
        self.name: str = spec["name"]
        self.type: str = spec["type"]
        self.label: str = spec.get("label") or self.name
        self.bins: list[dict] = list(spec["bins"])
        self.missing: dict = spec["missing"]
        self.other: dict = spec.get("other") or spec["missing"]
        self.missing_count: int = int(self.missing.get("count", 0))
        self.splits: list[float] = [float(s) for s in spec.get("splits", [])]
        self.category_bin: dict[str, int] = {}
        for i, b in enumerate(self.bins):
            for cat in b.get("categories", []):
                self.category_bin[str(cat)] = i
        every = [b["points"] for b in self.bins] + [self.missing["points"]]
        self.best_points: float = max(every)

    @property
    def categories(self) -> list[str]:
        return list(self.category_bin)

    def locate(self, value: Any) -> tuple[str, float, str]:
        """(bin key, points, plain-words description of the applicant's value)."""
        if _is_missing(value):
            return MISSING, float(self.missing["points"]), "not provided"
        if self.type == "numerical":
            x = _number(value, self.name)
            # bisect_right == numpy.digitize(right=False): bin i holds splits[i-1] <= x < splits[i]
            i = bisect_right(self.splits, x)
            b = self.bins[i]
            return str(i), float(b["points"]), b.get("text") or b.get("label", "")
        text = str(value).strip()
        j = self.category_bin.get(text)
        if j is None:
            return OTHER, float(self.other["points"]), f"'{text}' (not seen in training)"
        return str(j), float(self.bins[j]["points"]), self.bins[j].get("texts", {}).get(text, text)


class Scorecard:
    def __init__(self, artifact: Mapping[str, Any], grade_bands: Sequence[float] | None = None) -> None:
        self.artifact = dict(artifact)
        self.name: str = artifact.get("name", "scorecard")
        self.version: int = int(artifact["version"])
        scaling = artifact["scaling"]
        self.factor: float = float(scaling["factor"])
        self.offset: float = float(scaling["offset"])
        self.base_points: float = float(artifact["base_points"])
        self.features: list[_Feature] = [_Feature(f) for f in artifact["features"]]
        self.by_name = {f.name: f for f in self.features}
        bands = grade_bands or [float(g["pd_max"]) for g in artifact["grades"]]
        if len(bands) != 7 or any(b2 <= b1 for b1, b2 in zip(bands, bands[1:], strict=False)):
            raise ScorecardError("grade bands must be 7 strictly increasing PD upper bounds (A..G)")
        self.grade_bands: list[float] = [float(b) for b in bands]
        self.decision: dict = dict(artifact["decision"])

    @classmethod
    def load(cls, path: str | Path, grade_bands: Sequence[float] | None = None) -> Scorecard:
        path = Path(path)
        if path.is_dir():
            path = path / "scorecard.json"
        return cls(json.loads(path.read_text()), grade_bands)

    def pd_from_score(self, score_raw: float) -> float:
        log_odds_good = (score_raw - self.offset) / self.factor
        if log_odds_good >= 0:
            return math.exp(-log_odds_good) / (1.0 + math.exp(-log_odds_good))
        return 1.0 / (1.0 + math.exp(log_odds_good))

    def grade_for(self, pd: float) -> int:
        for i, upper in enumerate(self.grade_bands):
            if pd <= upper:
                return i + 1
        return 7

    def score(self, features: Mapping[str, Any], max_reasons: int = MAX_REASONS) -> ScoreResult:
        total = self.base_points
        points: dict[str, float] = {}
        bins: dict[str, str] = {}
        reasons: list[Reason] = []
        for f in self.features:
            key, pts, described = f.locate(features.get(f.name))
            total += pts
            points[f.name] = pts
            bins[f.name] = key
            lost = f.best_points - pts
            if lost > 1e-9:
                reasons.append(
                    Reason(
                        code=f"{f.name}:{key}",
                        feature=f.name,
                        text=f"{f.label} {described}".strip(),
                        points_lost=lost,
                    )
                )
        reasons.sort(key=lambda r: (-r.points_lost, r.feature))
        pd = self.pd_from_score(total)
        return ScoreResult(
            score_raw=total,
            score=int(round(total)),
            pd=pd,
            pd_bps=min(10_000, max(0, int(round(pd * 10_000)))),
            grade=self.grade_for(pd),
            points=points,
            bins=bins,
            reasons=reasons[:max_reasons],
        )

    def score_many(self, rows: Iterable[Mapping[str, Any]]) -> list[ScoreResult]:
        return [self.score(r) for r in rows]

    def table(self) -> list[dict]:
        """The scorecard as a flat table (feature, bin, points) for the model card."""
        out = []
        for f in self.features:
            for i, b in enumerate(f.bins):
                out.append(
                    {
                        "feature": f.name,
                        "label": f.label,
                        "bin": str(i),
                        "attribute": b.get("label", ""),
                        "points": round(float(b["points"]), 2),
                    }
                )
            out.append(
                {
                    "feature": f.name,
                    "label": f.label,
                    "bin": MISSING,
                    "attribute": "missing",
                    "points": round(float(f.missing["points"]), 2),
                }
            )
        return out
