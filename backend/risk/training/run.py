"""Train a scorecard on a CSV with a binary outcome and write the artifact, metrics and plots."""

from __future__ import annotations

import json
import math
import platform
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.metadata import version as pkg_version
from pathlib import Path

import numpy as np

from backend.risk.scorecard import MISSING, OTHER, Scorecard
from backend.risk.training import evaluate as ev
from backend.risk.training.data import load_dataset
from backend.risk.training.export import build_scorecard
from backend.risk.training.fit import (
    DEFAULT_GRID,
    RANDOM_STATE,
    TEST_SIZE,
    candidates,
    default_jobs,
    fit_final,
    holdout_split,
    select,
)
from backend.risk.training.plots import write_plots
from backend.risk.training.progress import Progress

# Governed PD bands (upper bound of P(bad) per grade A..F; G is everything above). Chosen so the grades
# split the approvable population and the review band, and so each step roughly 1.5x the previous PD.
DEFAULT_GRADE_BANDS = (0.03, 0.05, 0.08, 0.12, 0.17, 0.25, 1.0)


@dataclass
class TrainConfig:
    data: Path
    target: str
    bad: str
    out: Path
    cost_fp: float = 5.0
    cost_fn: float = 1.0
    pdo: float = 20.0
    base_score: float = 600.0
    base_odds: float = 50.0
    version: int = 1
    name: str | None = None
    test_size: float = TEST_SIZE
    folds: int = 5
    repeats: int = 3
    review_points: float = 10.0
    grid: dict = field(default_factory=lambda: dict(DEFAULT_GRID))
    grade_bands: tuple = DEFAULT_GRADE_BANDS
    exclude: tuple[str, ...] = ()
    jobs: int = field(default_factory=default_jobs)


def _libraries() -> dict:
    out = {"python": platform.python_version()}
    for lib in ("optbinning", "scikit-learn", "pandas", "numpy", "matplotlib"):
        try:
            out[lib] = pkg_version(lib)
        except Exception:
            out[lib] = "unknown"
    return out


def _monitoring_reference(card: Scorecard, rows: list[dict]) -> dict:
    """Training distributions the service compares incoming applications with (PSI)."""
    results = card.score_many(rows)
    scores = np.array([r.score_raw for r in results])
    edges = [float(e) for e in np.unique(np.quantile(scores, np.linspace(0, 1, 11)))[1:-1]]
    counts = np.bincount(np.searchsorted(edges, scores, side="right"), minlength=len(edges) + 1)
    feats = {}
    for f in card.features:
        keys = [str(i) for i in range(len(f.bins))] + [MISSING, OTHER]
        tally = dict.fromkeys(keys, 0)
        for r in results:
            tally[r.bins[f.name]] += 1
        feats[f.name] = {k: round(v / len(results), 6) for k, v in tally.items()}
    return {
        "score_edges": edges,
        "score_shares": [round(c / len(scores), 6) for c in counts],
        "feature_shares": feats,
        "rows": len(rows),
    }


def train(cfg: TrainConfig, progress: Progress | None = None) -> dict:
    progress = progress or Progress()
    say = progress.say
    out = Path(cfg.out)
    out.mkdir(parents=True, exist_ok=True)

    with progress.step(f"load {cfg.data}"):
        ds = load_dataset(cfg.data, cfg.target, cfg.bad, say=say, exclude=tuple(cfg.exclude))
        say(
            f"{ds.n_rows} rows, bad rate {ds.y.mean():.3f}, {len(ds.numerical)} numerical + "
            f"{len(ds.categorical)} categorical features"
        )
    X_tr, X_te, y_tr, y_te = holdout_split(ds.X, ds.y, cfg.test_size)
    cutoff = ev.theory_cutoff(cfg.cost_fp, cfg.cost_fn)

    with progress.step("select binning/regularisation by cross-validation on the training split"):
        say(
            f"{len(candidates(cfg.grid))} candidates x {cfg.repeats} repeats x {cfg.folds} folds "
            f"on {cfg.jobs} workers"
        )
        best, oof, cv_table = select(
            X_tr,
            y_tr,
            ds.numerical,
            ds.categorical,
            cfg.grid,
            cfg.folds,
            cfg.repeats,
            cutoff,
            cfg.cost_fp,
            cfg.cost_fn,
            say,
            jobs=cfg.jobs,
        )
        say(f"selected {best.as_dict()}")

    with progress.step("fit binning + logistic regression on the training split"):
        pipe = fit_final(X_tr, y_tr, ds.numerical, ds.categorical, best)

    with progress.step("export scorecard and verify it against the model"):
        artifact = build_scorecard(
            pipe, X_tr, y_tr, pdo=cfg.pdo, base_score=cfg.base_score, base_odds=cfg.base_odds
        )
        artifact["grades"] = [
            {"grade": g, "pd_max": b} for g, b in zip("ABCDEFG", cfg.grade_bands, strict=True)
        ]
        artifact["decision"] = {}
        artifact["version"] = cfg.version
        card = Scorecard(artifact)
        rows_tr = X_tr.to_dict(orient="records")
        rows_te = X_te.to_dict(orient="records")
        p_tr = pipe.predict_proba(X_tr)[:, 1]
        p_te = pipe.predict_proba(X_te)[:, 1]
        card_tr = np.array([r.pd for r in card.score_many(rows_tr)])
        card_te = np.array([r.pd for r in card.score_many(rows_te)])
        # Rows with a value missing where training saw none score by policy (worst bin), not as the
        # model's neutral WoE; every other row must agree with predict_proba.
        worst_missing = [f["name"] for f in artifact["features"] if f["missing"]["count"] == 0]
        same_tr = ~X_tr[worst_missing].isna().any(axis=1).to_numpy()
        same_te = ~X_te[worst_missing].isna().any(axis=1).to_numpy()
        diffs = np.concatenate([np.abs(card_tr - p_tr)[same_tr], np.abs(card_te - p_te)[same_te]])
        max_diff = float(diffs.max()) if len(diffs) else 0.0
        if max_diff > 1e-6:
            raise RuntimeError(f"exported scorecard disagrees with the model: max |PD diff| = {max_diff:.3g}")
        say(f"scorecard reproduces predict_proba (max |diff| {max_diff:.2e}) on {len(diffs)} rows")

    with progress.step("choose cutoff and evaluate on the test split"):
        oof_best_cut, oof_best_cost = ev.empirical_best_cutoff(oof, y_tr, cfg.cost_fp, cfg.cost_fn)
        oof_theory_cost = ev.expected_cost(oof, y_tr, cutoff, cfg.cost_fp, cfg.cost_fn)
        # points <-> PD: the review band is +-review_points score points around the cutoff score.
        cutoff_score = card.offset + card.factor * math.log((1 - cutoff) / cutoff)
        review_low_pd = card.pd_from_score(cutoff_score + cfg.review_points)
        review_high_pd = card.pd_from_score(cutoff_score - cfg.review_points)
        artifact["decision"] = {
            "cutoff_pd": cutoff,
            "cutoff_score": cutoff_score,
            "review_points": cfg.review_points,
            "review_low_pd": review_low_pd,
            "review_high_pd": review_high_pd,
            "cost_fp": cfg.cost_fp,
            "cost_fn": cfg.cost_fn,
            "rule": "decline when PD > review_high_pd; "
            "manual review when review_low_pd < PD <= review_high_pd; "
            "approve otherwise. cutoff_pd = cost_fn / (cost_fn + cost_fp) (Bayes rule), verified on "
            "out-of-fold training predictions",
            "verification": {
                "oof_expected_cost_at_cutoff": round(oof_theory_cost, 5),
                "oof_best_cutoff": round(oof_best_cut, 5),
                "oof_expected_cost_at_best": round(oof_best_cost, 5),
            },
        }
        score_tr = np.array([r.score_raw for r in card.score_many(rows_tr)])
        score_te = np.array([r.score_raw for r in card.score_many(rows_te)])
        metrics = {
            **ev.discrimination(p_te, y_te),
            "psi": round(ev.psi(score_tr, score_te, ev.decile_edges(score_tr)), 5),
            "expected_cost": round(ev.expected_cost(p_te, y_te, cutoff, cfg.cost_fp, cfg.cost_fn), 5),
            "cutoff_pd": cutoff,
            "cutoff_score": round(cutoff_score, 2),
            "cost_fp": cfg.cost_fp,
            "cost_fn": cfg.cost_fn,
            "accept_all_cost": round(cfg.cost_fp * float(y_te.mean()), 5),
            "reject_all_cost": round(cfg.cost_fn * float(1 - y_te.mean()), 5),
            "test_size": int(len(y_te)),
            "test_bad_rate": round(float(y_te.mean()), 5),
            "train_size": int(len(y_tr)),
            "train_bad_rate": round(float(y_tr.mean()), 5),
            "approval_rate_at_cutoff": round(float((p_te <= cutoff).mean()), 5),
            "train": {
                **ev.discrimination(p_tr, y_tr),
                "expected_cost": round(ev.expected_cost(p_tr, y_tr, cutoff, cfg.cost_fp, cfg.cost_fn), 5),
            },
            "cross_validation": {
                "folds": cfg.folds,
                "repeats": cfg.repeats,
                "selected": best.as_dict(),
                "candidates": cv_table,
                **artifact["decision"]["verification"],
            },
            "grade_distribution_test": {
                g: int(n)
                for g, n in zip(
                    "ABCDEFG", np.bincount([card.grade_for(p) - 1 for p in card_te], minlength=7), strict=True
                )
            },
            "scorecard_max_pd_diff": max_diff,
            "split": {"test_size": cfg.test_size, "stratified": True, "random_state": RANDOM_STATE},
        }
        say(
            f"test AUC {metrics['auc']:.4f}  Gini {metrics['gini']:.4f}  KS {metrics['ks']:.4f}  "
            f"PSI {metrics['psi']:.4f}  expected cost {metrics['expected_cost']:.4f} "
            f"at PD cutoff {cutoff:.4f} "
            f"(reject-all {metrics['reject_all_cost']:.2f}, accept-all {metrics['accept_all_cost']:.2f})"
        )

    with progress.step("plots"):
        plots = write_plots(out, y_te, p_te, score_te, cutoff_score, cfg.name or Path(cfg.data).stem)

    artifact.update(
        {
            "name": cfg.name or Path(cfg.data).stem.replace("_", "-"),
            "version": cfg.version,
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "target": {"column": cfg.target, "bad_value": cfg.bad},
            "training_data": {
                "file": Path(cfg.data).name,
                "sha256": ds.sha256,
                "rows": ds.n_rows,
                "bad_rate": round(float(ds.y.mean()), 5),
                "dropped_columns": ds.dropped,
                "numerical": ds.numerical,
                "categorical": ds.categorical,
            },
            "feature_list": [{"name": f["name"], "type": f["type"]} for f in artifact["features"]],
            "hyperparameters": {
                **best.as_dict(),
                "monotonic_trend": "auto_asc_desc (numerical)",
                "metric_missing": "empirical",
                "class_weight": None,
            },
            "libraries": _libraries(),
            "metrics": {
                k: metrics[k]
                for k in (
                    "auc",
                    "gini",
                    "ks",
                    "psi",
                    "expected_cost",
                    "cutoff_pd",
                    "test_size",
                    "test_bad_rate",
                )
            },
            "plots": plots,
        }
    )
    artifact["monitoring"] = _monitoring_reference(Scorecard(artifact), rows_tr)
    metrics["training_seconds"] = round(progress.elapsed, 2)
    metrics["step_seconds"] = dict(progress.timings)
    artifact["training_seconds"] = metrics["training_seconds"]
    (out / "scorecard.json").write_text(json.dumps(_key_order(artifact), indent=1, default=_jsonable) + "\n")
    (out / "metrics.json").write_text(json.dumps(metrics, indent=1, default=_jsonable) + "\n")
    say(
        f"wrote {out / 'scorecard.json'}, {out / 'metrics.json'} and {len(plots)} plots "
        f"in {progress.elapsed:.1f}s"
    )
    return metrics


_FIRST = (
    "format",
    "name",
    "version",
    "created_at",
    "target",
    "training_data",
    "libraries",
    "hyperparameters",
    "metrics",
    "scaling",
    "intercept",
    "base_points",
    "feature_list",
    "grades",
    "decision",
)


def _key_order(artifact: dict) -> dict:
    ordered = {k: artifact[k] for k in _FIRST if k in artifact}
    ordered.update({k: v for k, v in artifact.items() if k not in ordered})
    return ordered


def _jsonable(value):
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    if isinstance(value, np.ndarray):
        return value.tolist()
    raise TypeError(f"not JSON serialisable: {type(value)}")
