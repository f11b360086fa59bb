"""Training: any binary-outcome CSV, artifact reproduces the model, the committed default model."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from backend.risk.cli import main
from backend.risk.config import DEFAULT_MODEL_DIR
from backend.risk.scorecard import Scorecard
from backend.risk.training.data import load_dataset
from backend.risk.training.export import build_scorecard
from backend.risk.training.fit import RANDOM_STATE, Candidate, fit_final, holdout_split, out_of_fold_repeats
from tests.backend.risk.synthetic import write_synthetic_csv

ROOT = Path(__file__).resolve().parents[3]
GERMAN = ROOT / "data" / "german_credit" / "german_credit.csv"
METRIC_KEYS = {
    "auc",
    "gini",
    "ks",
    "psi",
    "expected_cost",
    "cutoff_pd",
    "test_size",
    "test_bad_rate",
    "accept_all_cost",
    "reject_all_cost",
    "training_seconds",
}


@pytest.fixture(scope="module")
def synthetic_model(tmp_path_factory) -> tuple[Path, Path, str]:
    work = tmp_path_factory.mktemp("synthetic")
    csv_path = write_synthetic_csv(work / "loans.csv")
    out = work / "model"
    import contextlib
    import io

    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        rc = main(
            [
                "model",
                "train",
                "--data",
                str(csv_path),
                "--target",
                "defaulted",
                "--bad",
                "yes",
                "--out",
                str(out),
                "--folds",
                "3",
                "--repeats",
                "1",
                "--c-grid",
                "0.5,2",
                "--min-prebin-grid",
                "0.05",
                "--version",
                "3",
                "--name",
                "synthetic",
            ]
        )
    assert rc == 0
    return csv_path, out, buffer.getvalue()


def test_training_on_another_csv_writes_artifact_metrics_and_plots(synthetic_model):
    _, out, _ = synthetic_model
    for name in ("scorecard.json", "metrics.json", "roc.png", "score_distribution.png", "calibration.png"):
        assert (out / name).stat().st_size > 0, name
    metrics = json.loads((out / "metrics.json").read_text())
    assert METRIC_KEYS <= set(metrics)
    assert 0.5 < metrics["auc"] <= 1 and metrics["gini"] == pytest.approx(2 * metrics["auc"] - 1, abs=1e-4)
    assert metrics["test_size"] == 180 and metrics["cutoff_pd"] == pytest.approx(1 / 6)
    assert metrics["expected_cost"] <= min(metrics["reject_all_cost"], metrics["accept_all_cost"])


def test_identifier_and_constant_columns_are_dropped_with_a_message(synthetic_model):
    _, out, printed = synthetic_model
    assert "dropping column 'customer_id': identifier" in printed
    assert "dropping column 'source_system': near-constant" in printed
    card = json.loads((out / "scorecard.json").read_text())
    names = {f["name"] for f in card["feature_list"]}
    assert "customer_id" not in names and "source_system" not in names
    assert card["training_data"]["dropped_columns"].keys() == {"customer_id", "source_system"}
    types = {f["name"]: f["type"] for f in card["feature_list"]}
    assert types.get("region") in (None, "categorical") and types.get("income") in (None, "numerical")


def test_artifact_is_versioned_and_complete(synthetic_model):
    _, out, printed = synthetic_model
    card = json.loads((out / "scorecard.json").read_text())
    assert card["version"] == 3 and card["name"] == "synthetic" and len(card["training_data"]["sha256"]) == 64
    assert {"optbinning", "scikit-learn"} <= set(card["libraries"]) and card["created_at"]
    assert [g["grade"] for g in card["grades"]] == list("ABCDEFG")
    assert (
        card["decision"]["review_low_pd"] < card["decision"]["cutoff_pd"] < card["decision"]["review_high_pd"]
    )
    for feature in card["features"]:
        assert feature["bins"] and "points" in feature["missing"]
    income = next((f for f in card["features"] if f["name"] == "income"), None)
    if income is not None:  # 10% missing incomes: the missing bin is learned, not imposed
        assert income["missing"]["count"] > 0 and income["missing"]["policy"].startswith("empirical")
    assert "select binning/regularisation" in printed and "done in" in printed  # progress with timings


def test_scorecard_points_reproduce_predict_proba_on_the_synthetic_data(synthetic_model):
    csv_path, out, _ = synthetic_model
    artifact = json.loads((out / "scorecard.json").read_text())
    ds = load_dataset(csv_path, "defaulted", "yes", say=lambda *_: None)
    X_tr, X_te, y_tr, _ = holdout_split(ds.X, ds.y)
    hp = artifact["hyperparameters"]
    pipe = fit_final(
        X_tr, y_tr, ds.numerical, ds.categorical, Candidate(hp["C"], hp["min_prebin_size"], hp["min_iv"])
    )
    card = Scorecard(artifact)
    rows = ds.X.to_dict(orient="records")
    mine = np.array([card.score(r).pd for r in rows])
    theirs = pipe.predict_proba(ds.X)[:, 1]
    policy_rows = np.zeros(len(rows), dtype=bool)
    for f in artifact["features"]:
        if f["missing"]["count"] == 0:
            policy_rows |= ds.X[f["name"]].isna().to_numpy()
    assert np.abs(mine - theirs)[~policy_rows].max() < 1e-6
    assert ds.X.isna().to_numpy().any()  # the comparison did include rows with missing values


def test_committed_german_model_reproduces_a_refit_of_its_own_hyperparameters():
    artifact = json.loads((DEFAULT_MODEL_DIR / "scorecard.json").read_text())
    excluded = tuple(k for k, why in artifact["training_data"]["dropped_columns"].items() if "exclude" in why)
    ds = load_dataset(GERMAN, "creditability", "bad", say=lambda *_: None, exclude=excluded)
    assert ds.sha256 == artifact["training_data"]["sha256"]
    X_tr, _, y_tr, _ = holdout_split(ds.X, ds.y)
    hp = artifact["hyperparameters"]
    pipe = fit_final(
        X_tr, y_tr, ds.numerical, ds.categorical, Candidate(hp["C"], hp["min_prebin_size"], hp["min_iv"])
    )
    card = Scorecard(artifact)
    mine = np.array([r.pd for r in card.score_many(ds.X.to_dict(orient="records"))])
    assert np.abs(mine - pipe.predict_proba(ds.X)[:, 1]).max() < 1e-6
    rebuilt = build_scorecard(pipe, X_tr, y_tr, pdo=20, base_score=600, base_odds=50)
    assert rebuilt["base_points"] == pytest.approx(artifact["base_points"], abs=1e-6)


def test_committed_german_model_meets_its_metrics():
    metrics = json.loads((DEFAULT_MODEL_DIR / "metrics.json").read_text())
    assert METRIC_KEYS <= set(metrics)
    assert metrics["test_size"] == 300 and metrics["reject_all_cost"] == pytest.approx(0.70)
    assert metrics["auc"] >= 0.80
    assert metrics["expected_cost"] < metrics["reject_all_cost"]
    for plot in ("roc.png", "score_distribution.png", "calibration.png"):
        assert (DEFAULT_MODEL_DIR / plot).is_file()


def test_cross_validation_gives_the_same_predictions_in_parallel_as_in_one_process(tmp_path):
    ds = load_dataset(write_synthetic_csv(tmp_path / "loans.csv"), "defaulted", "yes", say=lambda *_: None)
    cand = Candidate(0.5, 0.05, 0.0)
    seeds = [RANDOM_STATE, RANDOM_STATE + 1]
    alone = out_of_fold_repeats(ds.X, ds.y, ds.numerical, ds.categorical, cand, 3, seeds, jobs=1)
    side_by_side = out_of_fold_repeats(ds.X, ds.y, ds.numerical, ds.categorical, cand, 3, seeds, jobs=2)
    for a, b in zip(alone, side_by_side, strict=True):
        assert np.array_equal(a, b)
    assert not np.array_equal(alone[0], alone[1])  # each seed reshuffles the folds
    assert all(((p > 0) & (p < 1)).all() for p in alone)  # every row got an out-of-fold prediction


def test_a_csv_without_both_outcomes_is_refused(tmp_path, capsys):
    path = tmp_path / "one_class.csv"
    path.write_text("x,y\n1,good\n2,good\n3,good\n")
    assert (
        main(
            [
                "model",
                "train",
                "--data",
                str(path),
                "--target",
                "y",
                "--bad",
                "bad",
                "--out",
                str(tmp_path / "o"),
            ]
        )
        == 2
    )
    assert "both 'bad' and other values" in capsys.readouterr().err
