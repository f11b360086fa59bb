"""How low the expected cost goes on German Credit: the default scorecard against a per-bin variant of
itself and other model families, on the stated split (stratified 70/30, random_state=42) and on the
stratified 70/30 splits of random_state 0 to 49.

    .venv/bin/python -m scripts.analysis.cost_ceiling      (needs the training extra; about 3 minutes)

Columns: cost at the Bayes cutoff P(bad) > 1/6 with a 95 % bootstrap interval over the 300 test rows;
the hindsight cost, at the cutoff that happens to minimise cost on those rows (a ceiling: no procedure
can choose it before seeing them); and the mean cost over those 50 splits, which is what the procedure
can be expected to deliver on a fresh draw of applicants. Hyper-parameters stay as the committed model
has them, so nothing here is tuned on any test split.

A second table compares ways of choosing the scorecard's cutoff on the same 50 splits: the Bayes rule,
the cutoff that minimises the out-of-fold training cost (what the training command reports as
`oof_best_cutoff`), and the Bayes rule after Platt recalibration on out-of-fold predictions."""

from __future__ import annotations

import json
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np
from joblib import Parallel, delayed
from optbinning import BinningProcess
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from backend.risk.config import DEFAULT_MODEL_DIR
from backend.risk.training.data import Dataset, load_dataset
from backend.risk.training.evaluate import empirical_best_cutoff, expected_cost, theory_cutoff
from backend.risk.training.fit import (
    RANDOM_STATE,
    Candidate,
    default_jobs,
    fit_final,
    holdout_split,
    out_of_fold_repeats,
)

ROOT = Path(__file__).resolve().parents[2]
GERMAN = ROOT / "data" / "german_credit" / "german_credit.csv"
COST_FP, COST_FN = 5.0, 1.0
CUTOFF = theory_cutoff(COST_FP, COST_FN)
BOOTSTRAP_RESAMPLES = 2000
OTHER_SPLITS = 50


def _model_families(ds: Dataset, default: Candidate) -> dict[str, Callable]:
    def one_hot() -> ColumnTransformer:
        return ColumnTransformer(
            [
                ("numerical", StandardScaler(), ds.numerical),
                ("categorical", OneHotEncoder(handle_unknown="ignore"), ds.categorical),
            ]
        )

    def bin_indicators() -> Pipeline:
        # The scorecard's own binning, but one coefficient per bin instead of one per attribute.
        names = ds.numerical + ds.categorical
        binning = BinningProcess(
            variable_names=names,
            categorical_variables=ds.categorical,
            max_n_prebins=20,
            min_prebin_size=default.min_prebin_size,
            binning_fit_params={n: {"monotonic_trend": "auto_asc_desc"} for n in ds.numerical},
            binning_transform_params={n: {"metric": "indices", "metric_missing": "empirical"} for n in names},
        )
        return Pipeline(
            [
                ("binning", binning),
                ("indicators", OneHotEncoder(handle_unknown="ignore")),
                ("lr", LogisticRegression(C=0.3, max_iter=3000)),
            ]
        )

    return {
        f"default scorecard (WoE logistic, C={default.C})": lambda X, y: fit_final(
            X, y, ds.numerical, ds.categorical, default
        ),
        "same bins, one coefficient per bin, C=0.3": lambda X, y: bin_indicators().fit(X, y),
        "one-hot logistic, C=1": lambda X, y: make_pipeline(
            one_hot(), LogisticRegression(C=1.0, max_iter=2000)
        ).fit(X, y),
        "one-hot logistic, C=0.1": lambda X, y: make_pipeline(
            one_hot(), LogisticRegression(C=0.1, max_iter=2000)
        ).fit(X, y),
        "random forest, 500 trees": lambda X, y: make_pipeline(
            one_hot(), RandomForestClassifier(500, min_samples_leaf=3, random_state=RANDOM_STATE)
        ).fit(X, y),
        "gradient boosting, depth 3": lambda X, y: make_pipeline(
            one_hot(),
            HistGradientBoostingClassifier(max_depth=3, learning_rate=0.05, random_state=RANDOM_STATE),
        ).fit(X, y),
    }


def _test_predictions(ds: Dataset, fit: Callable, seed: int) -> tuple[np.ndarray, np.ndarray]:
    warnings.simplefilter("ignore")
    X_tr, X_te, y_tr, y_te = holdout_split(ds.X, ds.y, seed=seed)
    return fit(X_tr, y_tr).predict_proba(X_te)[:, 1], y_te


def _bootstrap_interval(p: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    rng = np.random.default_rng(RANDOM_STATE)
    draws = [
        expected_cost(p[idx], y[idx], CUTOFF, COST_FP, COST_FN)
        for idx in (rng.integers(0, len(y), len(y)) for _ in range(BOOTSTRAP_RESAMPLES))
    ]
    low, high = np.quantile(draws, [0.025, 0.975])
    return float(low), float(high)


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-9, 1 - 1e-9)
    return np.log(p / (1 - p)).reshape(-1, 1)


def _cutoff_procedures(ds: Dataset, default: Candidate, seed: int) -> tuple[float, float, float]:
    """Test cost of the scorecard on one split under three cutoff rules, each fixed from training rows."""
    warnings.simplefilter("ignore")
    X_tr, X_te, y_tr, y_te = holdout_split(ds.X, ds.y, seed=seed)
    seeds = [RANDOM_STATE + r for r in range(3)]
    runs = out_of_fold_repeats(X_tr, y_tr, ds.numerical, ds.categorical, default, 5, seeds, jobs=1)
    p = fit_final(X_tr, y_tr, ds.numerical, ds.categorical, default).predict_proba(X_te)[:, 1]
    oof_cut, _ = empirical_best_cutoff(runs[0], y_tr, COST_FP, COST_FN)
    platt = LogisticRegression(C=1e6).fit(_logit(np.concatenate(runs)), np.tile(y_tr, len(runs)))
    recalibrated = platt.predict_proba(_logit(p))[:, 1]
    return (
        expected_cost(p, y_te, CUTOFF, COST_FP, COST_FN),
        expected_cost(p, y_te, oof_cut, COST_FP, COST_FN),
        expected_cost(recalibrated, y_te, CUTOFF, COST_FP, COST_FN),
    )


def main() -> None:
    warnings.simplefilter("ignore")
    artifact = json.loads((DEFAULT_MODEL_DIR / "scorecard.json").read_text())
    excluded = tuple(k for k, why in artifact["training_data"]["dropped_columns"].items() if "exclude" in why)
    ds = load_dataset(GERMAN, "creditability", "bad", say=lambda *_: None, exclude=excluded)
    hp = artifact["hyperparameters"]
    default = Candidate(hp["C"], hp["min_prebin_size"], hp["min_iv"])
    families = _model_families(ds, default)
    print(f"excluded columns: {', '.join(excluded)}; cost of rejecting everyone 0.700")
    print(
        f"| model | AUC, split {RANDOM_STATE} | cost at 1/6 (95% bootstrap) | hindsight cutoff → cost "
        f"| mean cost, splits 0–{OTHER_SPLITS - 1} | of them <= 0.50 |"
    )
    print("|---|---|---|---|---|---|")
    for name, fit in families.items():
        p, y = _test_predictions(ds, fit, RANDOM_STATE)
        low, high = _bootstrap_interval(p, y)
        best_cut, best_cost = empirical_best_cutoff(p, y, COST_FP, COST_FN)
        others = Parallel(n_jobs=default_jobs())(
            delayed(_test_predictions)(ds, fit, seed) for seed in range(OTHER_SPLITS)
        )
        costs = np.array([expected_cost(q, z, CUTOFF, COST_FP, COST_FN) for q, z in others])
        print(
            f"| {name} | {roc_auc_score(y, p):.3f} "
            f"| {expected_cost(p, y, CUTOFF, COST_FP, COST_FN):.3f} ({low:.3f}–{high:.3f}) "
            f"| {best_cut:.3f} → {best_cost:.3f} | {costs.mean():.3f} | {int((costs <= 0.5).sum())} |",
            flush=True,
        )

    costs = np.array(
        Parallel(n_jobs=default_jobs())(
            delayed(_cutoff_procedures)(ds, default, seed) for seed in range(OTHER_SPLITS)
        )
    )
    print(f"\n| scorecard cutoff rule | mean cost, splits 0–{OTHER_SPLITS - 1} | split {RANDOM_STATE} |")
    print("|---|---|---|")
    rules = ("Bayes, P(bad) > 1/6", "out-of-fold cost minimum", "Platt-recalibrated, then 1/6")
    for i, rule in enumerate(rules):
        print(f"| {rule} | {costs[:, i].mean():.3f} | {costs[RANDOM_STATE, i]:.3f} |")


if __name__ == "__main__":
    main()
