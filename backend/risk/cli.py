"""`peerlend model train ...`: train a scorecard on any CSV with a binary outcome.

Also runnable as `python -m backend.risk.cli model train ...`. Training libraries are imported only when
the command runs, so the service's CLI does not need the training extra."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def _names(text: str | None) -> list[str]:
    return [t.strip() for t in (text or "").split(",") if t.strip()]


def _grid(args: argparse.Namespace) -> dict:
    from backend.risk.training.fit import DEFAULT_GRID

    grid = dict(DEFAULT_GRID)
    if args.c_grid:
        grid["C"] = [float(v) for v in _names(args.c_grid)]
    if args.min_prebin_grid:
        grid["min_prebin_size"] = [float(v) for v in _names(args.min_prebin_grid)]
    return grid


def _train(args: argparse.Namespace) -> int:
    from backend.risk.training.data import DatasetError
    from backend.risk.training.run import TrainConfig, train

    cfg = TrainConfig(
        data=Path(args.data),
        target=args.target,
        bad=args.bad,
        out=Path(args.out),
        cost_fp=args.cost_fp,
        cost_fn=args.cost_fn,
        pdo=args.pdo,
        base_score=args.base_score,
        base_odds=args.base_odds,
        version=args.version,
        name=args.name,
        folds=args.folds,
        repeats=args.repeats,
        review_points=args.review_points,
        exclude=tuple(_names(args.exclude)),
        grid=_grid(args),
        **({"jobs": args.jobs} if args.jobs else {}),
    )
    try:
        train(cfg)
    except DatasetError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


def _pricing_table(args: argparse.Namespace) -> int:
    from backend.risk.config import PRICING_TABLE_PATH, RiskSettings
    from backend.risk.pricing import write_pricing_table
    from backend.risk.scorecard import Scorecard

    settings = RiskSettings()
    card = Scorecard.load(args.model or settings.model_dir, settings.grade_bands)
    path = write_pricing_table(card, settings, Path(args.out) if args.out else PRICING_TABLE_PATH)
    print(f"wrote {path} for model {card.name} v{card.version}")
    return 0


def register(subparsers) -> None:
    model = subparsers.add_parser("model", help="credit scorecard models")
    sub = model.add_subparsers(dest="model_command", required=True)
    p = sub.add_parser("train", help="train a WoE logistic scorecard on a CSV with a binary outcome")
    p.add_argument("--data", required=True, help="CSV file, one row per applicant")
    p.add_argument("--target", required=True, help="outcome column")
    p.add_argument("--bad", required=True, help="value of the outcome column that means default/bad")
    p.add_argument("--out", required=True, help="output directory for scorecard.json, metrics.json, plots")
    p.add_argument("--cost-fp", type=float, default=5.0, help="cost of accepting a bad applicant (default 5)")
    p.add_argument(
        "--cost-fn", type=float, default=1.0, help="cost of rejecting a good applicant (default 1)"
    )
    p.add_argument("--pdo", type=float, default=20.0, help="points to double the odds (default 20)")
    p.add_argument("--base-score", type=float, default=600.0, help="score at the base odds (default 600)")
    p.add_argument(
        "--base-odds", type=float, default=50.0, help="good:bad odds at the base score (default 50)"
    )
    p.add_argument("--version", type=int, default=1, help="model version (integer, goes on-chain)")
    p.add_argument("--name", default=None, help="model name (default: data file name)")
    p.add_argument("--folds", type=int, default=5, help="cross-validation folds for model selection")
    p.add_argument("--repeats", type=int, default=3, help="reshuffled cross-validation repeats")
    p.add_argument(
        "--review-points",
        type=float,
        default=10.0,
        help="half-width of the manual-review band around the cutoff, in score points",
    )
    p.add_argument(
        "--exclude",
        default=None,
        help="comma-separated columns never to use (e.g. protected characteristics)",
    )
    p.add_argument(
        "--jobs", type=int, default=None, help="cross-validation worker processes (default: one per core)"
    )
    p.add_argument("--c-grid", default=None, help="comma-separated inverse regularisation strengths to try")
    p.add_argument("--min-prebin-grid", default=None, help="comma-separated minimum pre-bin shares to try")
    p.set_defaults(handler=_train)
    t = sub.add_parser("pricing-table", help="export the per-grade pricing table LoanMarket enforces")
    t.add_argument("--model", default=None, help="scorecard directory (default: PEERLEND_RISK_MODEL_DIR)")
    t.add_argument("--out", default=None, help="output file (default: backend/risk/pricing_table.json)")
    t.set_defaults(handler=_pricing_table)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="peerlend")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return int(args.handler(args) or 0)


if __name__ == "__main__":
    raise SystemExit(main())
