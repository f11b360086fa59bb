"""Turn a fitted (BinningProcess + LogisticRegression) pipeline into the scorecard JSON artifact.

Every bin's WoE is read back through optbinning's own transform (one representative value per bin), so
the artifact reproduces exactly what the regression was trained on; export then re-scores the data with
the plain-Python scorer and refuses to write an artifact that disagrees with predict_proba."""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
import pandas as pd
from sklearn.pipeline import Pipeline

from backend.risk.training.labels import category_text, feature_label, numeric_bin_text

UNSEEN = "\x00unseen-category\x00"


def _woe(optb, values: list) -> np.ndarray:
    return np.asarray(
        optb.transform(
            np.asarray(values, dtype=object if optb.dtype == "categorical" else float),
            metric="woe",
            metric_missing="empirical",
        ),
        dtype=float,
    )


def _feature_spec(name: str, optb, coef: float, factor: float, x_train: pd.Series, y: np.ndarray) -> dict:
    def pts(woe: float) -> float:
        # points = -factor * coef * woe: the attribute's share of -factor * logit(P(bad))
        return float(-factor * coef * woe)

    missing_woe = float(_woe(optb, [np.nan])[0])
    spec: dict[str, Any] = {
        "name": name,
        "type": optb.dtype,
        "label": feature_label(name),
        "coefficient": float(coef),
    }
    try:
        with warnings.catch_warnings():  # optbinning's totals row trips a pandas dtype deprecation
            warnings.simplefilter("ignore")
            spec["iv"] = round(float(optb.binning_table.build().loc["Totals", "IV"]), 5)
    except Exception:
        spec["iv"] = None
    bins: list[dict] = []
    if optb.dtype == "numerical":
        splits = [float(s) for s in optb.splits]
        reps = [splits[0] - 1.0] + splits if splits else [0.0]
        woes = _woe(optb, reps)
        edges = [-math.inf] + splits + [math.inf]
        xs = x_train.to_numpy(dtype=float)
        finite = xs[~np.isnan(xs)]
        integer = bool(len(finite)) and bool(np.all(np.mod(finite, 1) == 0))
        for i, w in enumerate(woes):
            lo, hi = edges[i], edges[i + 1]
            in_bin = (xs >= lo) & (xs < hi) & ~np.isnan(xs)
            bins.append(
                {
                    "lower": None if math.isinf(lo) else lo,
                    "upper": None if math.isinf(hi) else hi,
                    "label": f"[{lo:g}, {hi:g})",
                    "text": numeric_bin_text(lo, hi, integer),
                    "woe": float(w),
                    "points": pts(w),
                    "count": int(in_bin.sum()),
                    "bad_rate": round(float(y[in_bin].mean()), 5) if in_bin.any() else None,
                }
            )
        spec["splits"] = splits
        miss = np.isnan(xs)
    else:
        cats = sorted({str(v) for v in x_train.dropna().unique()})
        idx = np.asarray(optb.transform(np.asarray(cats, dtype=object), metric="indices"), dtype=int)
        woes = _woe(optb, cats)
        groups: dict[int, list[str]] = {}
        group_woe: dict[int, float] = {}
        for c, i, w in zip(cats, idx, woes, strict=True):
            groups.setdefault(int(i), []).append(c)
            group_woe[int(i)] = float(w)
        xs = x_train.astype(object)
        for i in sorted(groups):
            members = groups[i]
            in_bin = xs.isin(members).to_numpy()
            bins.append(
                {
                    "categories": members,
                    "label": " | ".join(members),
                    "texts": {c: category_text(c) for c in members},
                    "woe": group_woe[i],
                    "points": pts(group_woe[i]),
                    "count": int(in_bin.sum()),
                    "bad_rate": round(float(y[in_bin].mean()), 5) if in_bin.any() else None,
                }
            )
        other_woe = float(_woe(optb, [UNSEEN])[0])
        spec["other"] = {"woe": other_woe, "points": pts(other_woe)}
        miss = x_train.isna().to_numpy()
    spec["bins"] = bins
    if miss.any():
        spec["missing"] = {
            "woe": missing_woe,
            "points": pts(missing_woe),
            "count": int(miss.sum()),
            "policy": "empirical WoE of the applicants who left it empty",
        }
    else:
        # Training saw no missing value, so optbinning's neutral WoE 0 would let an applicant drop an
        # unfavourable answer and score better than with it. An absent value scores as the worst bin.
        worst = min(bins, key=lambda b: b["points"])
        spec["missing"] = {
            "woe": worst["woe"],
            "points": worst["points"],
            "count": 0,
            "policy": "worst bin: no missing values in training",
        }
    return spec


def build_scorecard(
    pipeline: Pipeline,
    X_train: pd.DataFrame,
    y_train: np.ndarray,
    *,
    pdo: float,
    base_score: float,
    base_odds: float,
) -> dict:
    binning = pipeline.named_steps["binning"]
    lr = pipeline.named_steps["lr"]
    selected = list(binning.get_support(names=True))
    factor = pdo / math.log(2)
    offset = base_score - factor * math.log(base_odds)
    intercept = float(lr.intercept_[0])
    features = [
        _feature_spec(name, binning.get_binned_variable(name), float(coef), factor, X_train[name], y_train)
        for name, coef in zip(selected, lr.coef_[0], strict=True)
    ]
    return {
        "format": "peerlend-scorecard/1",
        "scaling": {
            "pdo": pdo,
            "base_score": base_score,
            "base_odds": base_odds,
            "factor": factor,
            "offset": offset,
            "meaning": "score = offset + factor * ln(odds good:bad); +pdo points doubles the odds",
        },
        "intercept": intercept,
        "base_points": offset - factor * intercept,
        "features": features,
    }
