"""Discrimination, stability and cost metrics of a fitted scorecard."""

from __future__ import annotations

import numpy as np
from sklearn.metrics import roc_auc_score, roc_curve


def expected_cost(p_bad: np.ndarray, y: np.ndarray, cutoff: float, cost_fp: float, cost_fn: float) -> float:
    """Cost per applicant when rejecting P(bad) > cutoff. cost_fp: accepting a bad applicant (the costly
    error of a lender); cost_fn: rejecting a good one (lost business)."""
    accept = p_bad <= cutoff
    bad_accepted = np.sum(accept & (y == 1))
    good_rejected = np.sum(~accept & (y == 0))
    return float((bad_accepted * cost_fp + good_rejected * cost_fn) / len(y))


def theory_cutoff(cost_fp: float, cost_fn: float) -> float:
    """Bayes rule for a calibrated P(bad): reject when P(bad) * cost_fp > (1 - P(bad)) * cost_fn."""
    return cost_fn / (cost_fn + cost_fp)


def empirical_best_cutoff(
    p_bad: np.ndarray, y: np.ndarray, cost_fp: float, cost_fn: float
) -> tuple[float, float]:
    candidates = np.unique(np.concatenate([[0.0, 1.0], p_bad]))
    costs = np.array([expected_cost(p_bad, y, c, cost_fp, cost_fn) for c in candidates])
    i = int(np.argmin(costs))
    return float(candidates[i]), float(costs[i])


def ks_statistic(p_bad: np.ndarray, y: np.ndarray) -> float:
    fpr, tpr, _ = roc_curve(y, p_bad)
    return float(np.max(tpr - fpr))


def psi(expected: np.ndarray, actual: np.ndarray, edges: np.ndarray) -> float:
    """Population stability index of `actual` against `expected` over the given bin edges."""
    e = np.histogram(expected, bins=edges)[0] / len(expected)
    a = np.histogram(actual, bins=edges)[0] / len(actual)
    e = np.clip(e, 1e-4, None)
    a = np.clip(a, 1e-4, None)
    return float(np.sum((a - e) * np.log(a / e)))


def decile_edges(values: np.ndarray) -> np.ndarray:
    edges = np.unique(np.quantile(values, np.linspace(0, 1, 11)))
    edges[0], edges[-1] = -np.inf, np.inf
    return edges


def discrimination(p_bad: np.ndarray, y: np.ndarray) -> dict:
    auc = float(roc_auc_score(y, p_bad))
    return {"auc": round(auc, 5), "gini": round(2 * auc - 1, 5), "ks": round(ks_statistic(p_bad, y), 5)}
