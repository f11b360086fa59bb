"""Population stability of incoming applications against the training population stored in the artifact.

PSI = sum((actual - expected) * ln(actual / expected)) over bins, shares floored at 1e-4. Conventional
reading: < 0.10 stable, 0.10-0.25 watch, > 0.25 shifted (investigate, consider retraining).

With few samples the shares are noise (two applications in one bin read as a "shift"), so no index is
reported until each side holds at least MIN_SAMPLES (the training side: the artifact's `rows`)."""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Sequence
from typing import Any

from backend.risk.scorecard import Scorecard

FLOOR = 1e-4
MIN_SAMPLES = 100


def psi(expected: Sequence[float], actual: Sequence[float]) -> float:
    total = 0.0
    for e, a in zip(expected, actual, strict=True):
        e, a = max(e, FLOOR), max(a, FLOOR)
        total += (a - e) * math.log(a / e)
    return total


def status_for(value: float | None) -> str:
    if value is None:
        return "insufficient_data"
    return "stable" if value < 0.10 else "watch" if value <= 0.25 else "shifted"


def population_stability(card: Scorecard, scores: Sequence[float], bins: Sequence[dict[str, str]]) -> dict:
    ref = card.artifact.get("monitoring") or {}
    n = len(scores)
    reference_rows = int(ref.get("rows") or 0)
    if n < MIN_SAMPLES or reference_rows < MIN_SAMPLES:
        return {
            "count": n,
            "reference_count": reference_rows,
            "min_samples": MIN_SAMPLES,
            "score_psi": None,
            "status": status_for(None),
            "features": {
                name: {"psi": None, "status": status_for(None)} for name in ref.get("feature_shares", {})
            },
        }
    edges = ref["score_edges"]
    counts = [0] * (len(edges) + 1)
    for s in scores:
        counts[bisect_right(edges, s)] += 1
    score_psi = psi(ref["score_shares"], [c / n for c in counts])
    features: dict[str, dict[str, Any]] = {}
    for name, shares in ref["feature_shares"].items():
        keys = list(shares)
        tally = dict.fromkeys(keys, 0)
        for b in bins:
            key = b.get(name)
            if key in tally:
                tally[key] += 1
        value = psi([shares[k] for k in keys], [tally[k] / n for k in keys])
        features[name] = {"psi": round(value, 5), "status": status_for(value)}
    return {
        "count": n,
        "reference_count": reference_rows,
        "min_samples": MIN_SAMPLES,
        "score_psi": round(score_psi, 5),
        "status": status_for(score_psi),
        "score_bins": {
            "edges": edges,
            "expected": ref["score_shares"],
            "actual": [round(c / n, 5) for c in counts],
        },
        "features": dict(sorted(features.items(), key=lambda kv: -kv[1]["psi"])),
    }
