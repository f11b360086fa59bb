"""ROC, score distribution by outcome and calibration plots (PNG, matplotlib Agg: no display needed)."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from sklearn.calibration import calibration_curve
from sklearn.metrics import roc_curve


def write_plots(
    out: Path, y: np.ndarray, p_bad: np.ndarray, score: np.ndarray, cutoff_score: float, title: str
) -> list[str]:
    files = []
    fpr, tpr, _ = roc_curve(y, p_bad)
    fig, ax = plt.subplots(figsize=(5, 5))
    ax.plot(fpr, tpr, label="scorecard")
    ax.plot([0, 1], [0, 1], "--", color="grey", label="random")
    ax.set(
        xlabel="false positive rate (good flagged bad)",
        ylabel="true positive rate (bad caught)",
        title=f"ROC — {title} (test)",
    )
    ax.legend(loc="lower right")
    fig.tight_layout()
    fig.savefig(out / "roc.png", dpi=100)
    plt.close(fig)
    files.append("roc.png")

    fig, ax = plt.subplots(figsize=(6, 4))
    bins = np.linspace(score.min(), score.max(), 30).tolist()
    ax.hist(score[y == 0], bins=bins, alpha=0.6, label="good", density=True)
    ax.hist(score[y == 1], bins=bins, alpha=0.6, label="bad", density=True)
    ax.axvline(cutoff_score, color="black", linestyle="--", label="cutoff")
    ax.set(xlabel="score", ylabel="density", title=f"Score by outcome — {title} (test)")
    ax.legend()
    fig.tight_layout()
    fig.savefig(out / "score_distribution.png", dpi=100)
    plt.close(fig)
    files.append("score_distribution.png")

    n_bins = max(3, min(10, len(y) // 30))
    frac_bad, mean_pd = calibration_curve(y, p_bad, n_bins=n_bins, strategy="quantile")
    fig, ax = plt.subplots(figsize=(5, 5))
    ax.plot(mean_pd, frac_bad, "o-", label="scorecard")
    ax.plot([0, 1], [0, 1], "--", color="grey", label="perfect calibration")
    ax.set(xlabel="predicted PD", ylabel="observed bad rate", title=f"Calibration — {title} (test)")
    ax.legend()
    fig.tight_layout()
    fig.savefig(out / "calibration.png", dpi=100)
    plt.close(fig)
    files.append("calibration.png")
    return files
