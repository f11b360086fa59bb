"""Imports point from the domains to the infrastructure ([tool.importlinter] in pyproject.toml): the
chain client, outbox and indexer know no domain, and domains plug their read models in through
backend/projections.py."""

import subprocess
import sys
from pathlib import Path

import pytest

from backend.chain.indexer.registry import Projections
from backend.core.settings import ROOT


def test_the_import_contracts_hold():
    lint_imports = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run(  # noqa: S603 - the venv's own tool, fixed arguments
        [str(lint_imports), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "0 broken" in result.stdout


def test_one_event_has_one_handler():
    projections = Projections()
    projections.register({("LoanMarket", "LoanListed"): lambda s, e: None})
    with pytest.raises(ValueError, match="handled twice"):
        projections.register({("LoanMarket", "LoanListed"): lambda s, e: None})


def test_every_read_model_is_registered_once():
    from backend.projections import ALL_READ_MODELS, PROJECTIONS

    names = [m.__tablename__ for m in ALL_READ_MODELS]
    assert len(names) == len(set(names))
    assert {"chain_loans", "chain_identities", "chain_credit_records", "market_note_offers"} <= set(names)
    assert ("LoanMarket", "LoanListed") in PROJECTIONS.handlers
