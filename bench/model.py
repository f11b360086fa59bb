"""Model section: discrimination and cost of the default credit model, read from its metrics.json
(written by `peerlend model train`; test-split figures, with the training split beside them)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
FIELDS = (
    "auc",
    "gini",
    "ks",
    "psi",
    "expected_cost",
    "cutoff_pd",
    "accept_all_cost",
    "reject_all_cost",
    "approval_rate_at_cutoff",
    "test_size",
    "test_bad_rate",
)


def default_model_dir() -> Path:
    try:
        from backend.risk.config import RiskSettings

        return Path(RiskSettings().model_dir)
    except Exception:
        candidates = sorted((ROOT / "backend" / "risk" / "artifacts").glob("*/metrics.json"))
        if not candidates:
            raise RuntimeError("no backend/risk/artifacts/*/metrics.json") from None
        return candidates[-1].parent


def run() -> dict:
    model_dir = default_model_dir()
    path = model_dir / "metrics.json"
    if not path.exists():
        raise RuntimeError(f"{path.relative_to(ROOT)} missing: train the model (`peerlend model train`)")
    metrics = json.loads(path.read_text())
    out: dict[str, Any] = {"model": model_dir.name, "metrics_file": str(path.relative_to(ROOT))}
    out.update({k: metrics[k] for k in FIELDS if k in metrics})
    if isinstance(metrics.get("train"), dict):
        train = metrics["train"]
        out["train"] = {k: train[k] for k in ("auc", "ks", "expected_cost") if k in train}
    card = model_dir / "scorecard.json"
    if card.exists():
        artifact = json.loads(card.read_text())
        out["version"] = artifact.get("version")
    missing = [k for k in ("auc", "ks", "expected_cost") if k not in out]
    if missing:
        out["error"] = f"metrics.json lacks {', '.join(missing)}"
    return out
