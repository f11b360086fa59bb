"""Load any CSV with a binary outcome: detect feature types, drop identifiers and near-constant columns."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

# A column whose most frequent value covers at least this share of rows carries no usable signal.
NEAR_CONSTANT_SHARE = 0.99


class DatasetError(ValueError):
    """The CSV cannot be used for training (missing target, one class only, no usable feature...)."""


@dataclass
class Dataset:
    X: pd.DataFrame
    y: np.ndarray  # 1 = bad (the event the model predicts), 0 = good
    numerical: list[str]
    categorical: list[str]
    target: str
    bad_value: str
    sha256: str
    n_rows: int
    dropped: dict[str, str] = field(default_factory=dict)  # column -> why

    @property
    def features(self) -> list[str]:
        return [c for c in self.X.columns]


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 16), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _is_identifier(col: pd.Series) -> bool:
    """Unique per row. A float column with fractional values (an income, a ratio) is unique by nature and
    is kept; integer or text columns unique on every row are keys, not attributes."""
    non_null = col.dropna()
    if len(non_null) != len(col) or non_null.nunique() != len(col):
        return False
    if pd.api.types.is_float_dtype(col):
        return bool(np.all(np.mod(non_null.to_numpy(), 1) == 0))
    return True


def _is_near_constant(col: pd.Series) -> bool:
    shares = col.value_counts(dropna=False, normalize=True)
    return len(shares) <= 1 or float(shares.iloc[0]) >= NEAR_CONSTANT_SHARE


def load_dataset(
    path: str | Path, target: str, bad_value: str, say=print, exclude: tuple[str, ...] = ()
) -> Dataset:
    path = Path(path)
    df = pd.read_csv(path)
    if target not in df.columns:
        raise DatasetError(f"target column {target!r} not in {path.name}; columns: {', '.join(df.columns)}")

    labelled = df[target].notna()
    if not labelled.all():
        say(f"dropping {int((~labelled).sum())} rows with no value in target {target!r}")
        df = df[labelled].reset_index(drop=True)
    y = (df[target].astype(str).str.strip() == str(bad_value)).to_numpy(dtype=int)
    if y.sum() == 0 or y.sum() == len(y):
        seen = sorted(df[target].astype(str).unique().tolist())[:10]
        raise DatasetError(f"target {target!r} must have both {bad_value!r} and other values; saw {seen}")

    unknown = set(exclude) - set(df.columns)
    if unknown:
        raise DatasetError(f"--exclude names columns not in {path.name}: {', '.join(sorted(unknown))}")
    dropped: dict[str, str] = {}
    numerical: list[str] = []
    categorical: list[str] = []
    for name in df.columns:
        if name == target:
            continue
        col = df[name]
        if name in exclude:
            dropped[name] = "excluded by policy (--exclude)"
        elif _is_identifier(col):
            dropped[name] = "identifier (unique per row)"
        elif _is_near_constant(col):
            dropped[name] = f"near-constant (one value in >= {NEAR_CONSTANT_SHARE:.0%} of rows)"
        elif pd.api.types.is_bool_dtype(col):
            categorical.append(name)
        elif pd.api.types.is_numeric_dtype(col):
            numerical.append(name)
        else:
            categorical.append(name)
    for name, why in dropped.items():
        say(f"dropping column {name!r}: {why}")
    if not numerical and not categorical:
        raise DatasetError("no usable feature column left after dropping identifiers and constants")

    X = pd.DataFrame(index=df.index)
    for name in df.columns:
        if name in numerical:
            X[name] = df[name].astype(float)
        elif name in categorical:
            # object dtype with NaN for missing: what optbinning expects for categorical variables
            X[name] = df[name].map(lambda v: v if pd.isna(v) else str(v).strip()).astype(object)
    return Dataset(
        X=X,
        y=y,
        numerical=numerical,
        categorical=categorical,
        target=target,
        bad_value=str(bad_value),
        sha256=file_sha256(path),
        n_rows=len(df),
        dropped=dropped,
    )
