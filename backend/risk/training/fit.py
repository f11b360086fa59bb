"""WoE binning (optbinning) + logistic regression, hyper-parameters chosen by cross-validation on the
training split only: the test split is never looked at until the final evaluation."""

from __future__ import annotations

import itertools
import os
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
from joblib import Parallel, delayed
from optbinning import BinningProcess
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold, train_test_split
from sklearn.pipeline import Pipeline

from backend.risk.training.evaluate import expected_cost

RANDOM_STATE = 42
TEST_SIZE = 0.3


def holdout_split(
    X: pd.DataFrame, y: np.ndarray, test_size: float = TEST_SIZE, seed: int = RANDOM_STATE
) -> tuple[pd.DataFrame, pd.DataFrame, np.ndarray, np.ndarray]:
    """The evaluation protocol: a split stratified on the outcome (1 = bad). X_train, X_test, y_train,
    y_test. Stratifying on this encoding matters: the same seed on the raw labels gives other rows."""
    return train_test_split(X, y, test_size=test_size, stratify=y, random_state=seed)


# Candidate grid. Small on purpose: the data sets are small and each candidate refits the binning per
# fold (the binning sees the target, so fitting it outside the folds would leak).
DEFAULT_GRID: dict[str, list] = {
    "C": [0.05, 0.2, 1.0],
    "min_prebin_size": [0.02, 0.05, 0.1],
    "min_iv": [0.0],
}


@dataclass(frozen=True)
class Candidate:
    C: float
    min_prebin_size: float
    min_iv: float

    def as_dict(self) -> dict:
        return {"C": self.C, "min_prebin_size": self.min_prebin_size, "min_iv": self.min_iv}


def build_pipeline(numerical: list[str], categorical: list[str], cand: Candidate) -> Pipeline:
    names = list(numerical) + list(categorical)
    # Monotone WoE for numeric attributes (ascending, descending or peaked, whichever fits), which is what
    # makes a scorecard explainable: more months of employment never costs points in one range and earns
    # them in the next. Categories are ordered by bad rate, so no trend is imposed on them.
    fit_params = {n: {"monotonic_trend": "auto_asc_desc"} for n in numerical}
    selection = {"iv": {"min": cand.min_iv}} if cand.min_iv > 0 else None
    binning = BinningProcess(
        variable_names=names,
        categorical_variables=list(categorical),
        max_n_prebins=20,
        min_prebin_size=cand.min_prebin_size,
        binning_fit_params=fit_params,
        # Missing values score with the empirical WoE of the missing bin (0 = neutral when training had none).
        binning_transform_params={n: {"metric_missing": "empirical"} for n in names},
        selection_criteria=selection,
    )
    lr = LogisticRegression(C=cand.C, max_iter=1000)
    return Pipeline([("binning", binning), ("lr", lr)])


def candidates(grid: dict[str, list]) -> list[Candidate]:
    keys = ("C", "min_prebin_size", "min_iv")
    return [
        Candidate(**dict(zip(keys, combo, strict=True)))
        for combo in itertools.product(*(grid[k] for k in keys))
    ]


def default_jobs() -> int:
    """Worker processes for cross-validation: one per core the process may use."""
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


def _fold_predictions(X, y, numerical, categorical, cand: Candidate, train_idx, test_idx) -> np.ndarray:
    # Runs in a worker process, where the parent's warning filters do not apply.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pipe = build_pipeline(numerical, categorical, cand).fit(X.iloc[train_idx], y[train_idx])
        return pipe.predict_proba(X.iloc[test_idx])[:, 1]


def out_of_fold_repeats(
    X: pd.DataFrame, y: np.ndarray, numerical, categorical, cand: Candidate, folds: int, seeds, jobs: int
) -> list[np.ndarray]:
    """Out-of-fold P(bad) for every training row, once per seed (binning and regression refitted inside
    each fold). The folds of all seeds run side by side; the result does not depend on `jobs`."""
    splits = [
        (seed, train_idx, test_idx)
        for seed in seeds
        for train_idx, test_idx in StratifiedKFold(folds, shuffle=True, random_state=seed).split(X, y)
    ]
    predictions = Parallel(n_jobs=jobs)(
        delayed(_fold_predictions)(X, y, numerical, categorical, cand, train_idx, test_idx)
        for _, train_idx, test_idx in splits
    )
    oof = {seed: np.zeros(len(y)) for seed in seeds}
    for (seed, _, test_idx), p in zip(splits, predictions, strict=True):
        oof[seed][test_idx] = p
    return [oof[seed] for seed in seeds]


def select(
    X,
    y,
    numerical,
    categorical,
    grid: dict[str, list],
    folds: int,
    repeats: int,
    cutoff: float,
    cost_fp: float,
    cost_fn: float,
    say,
    jobs: int = 1,
) -> tuple[Candidate, np.ndarray, list[dict]]:
    """Pick the candidate with the lowest out-of-fold expected cost at the cost-matrix cutoff (the business
    objective), averaged over `repeats` reshuffled K-fold runs because single-split costs on a few hundred
    rows move by several hundredths; ties go to the higher out-of-fold AUC. Returns the winner, its
    out-of-fold P(bad) from the first repeat (used to verify the cutoff) and the whole table."""
    results = []
    best: tuple[float, float, Candidate, np.ndarray] | None = None
    seeds = [RANDOM_STATE + r for r in range(repeats)]
    for cand in candidates(grid):
        runs = out_of_fold_repeats(X, y, numerical, categorical, cand, folds, seeds, jobs)
        costs = [expected_cost(oof, y, cutoff, cost_fp, cost_fn) for oof in runs]
        aucs = [roc_auc_score(y, oof) for oof in runs]
        first = runs[0]
        cost, auc = float(np.mean(costs)), float(np.mean(aucs))
        results.append({**cand.as_dict(), "cv_expected_cost": round(cost, 5), "cv_auc": round(auc, 5)})
        say(f"  cv {folds}-fold x{repeats}: {cand.as_dict()} expected_cost={cost:.4f} auc={auc:.4f}")
        if best is None or cost < best[0] - 1e-9 or (abs(cost - best[0]) <= 1e-9 and auc > best[1]):
            best = (cost, auc, cand, first)
    assert best is not None
    return best[2], best[3], results


def fit_final(X, y, numerical, categorical, cand: Candidate) -> Pipeline:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return build_pipeline(numerical, categorical, cand).fit(X, y)
