"""Running the `peerlend` operator CLI in a subprocess, against a given database."""

from __future__ import annotations

import os
import subprocess
import sys

from backend.core.settings import ROOT


def run_peerlend(*args: str, database_url: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PEERLEND_DATABASE_URL": database_url, "PEERLEND_ENV": "test"}
    return subprocess.run(  # noqa: S603 - a fixed argv: this interpreter and our CLI
        [sys.executable, "-m", "backend.cli", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
