"""A small synthetic credit data set unlike German Credit: an id column, a constant column, missing
values in numeric and categorical columns, a yes/no outcome."""

from __future__ import annotations

import csv
import math
import random
from pathlib import Path


def write_synthetic_csv(path: Path, rows: int = 600, seed: int = 7) -> Path:
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not secrets
    regions = ["north", "south", "east", "west"]
    employment = ["salaried", "self-employed", "student", "retired"]
    with open(path, "w", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(
            [
                "customer_id",
                "source_system",
                "income",
                "age",
                "utilisation",
                "region",
                "employment",
                "defaulted",
            ]
        )
        for i in range(rows):
            income = rng.lognormvariate(8, 0.5)
            age = rng.randint(19, 75)
            utilisation = rng.random()
            region = rng.choice(regions)
            job = rng.choice(employment)
            logit = (
                -1.0
                - 0.0004 * (income - 3000)
                + 2.2 * (utilisation - 0.5)
                - 0.02 * (age - 40)
                + {"student": 0.8, "self-employed": 0.4}.get(job, 0.0)
                + (0.3 if region == "east" else 0.0)
            )
            bad = rng.random() < 1 / (1 + math.exp(-logit))
            out.writerow(
                [
                    100_000 + i,
                    "crm",
                    "" if rng.random() < 0.1 else f"{income:.2f}",
                    age,
                    f"{utilisation:.4f}",
                    "" if rng.random() < 0.08 else region,
                    job,
                    "yes" if bad else "no",
                ]
            )
    return path
