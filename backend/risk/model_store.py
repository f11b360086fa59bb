"""The scorecard in use: loaded once per (directory, grade bands) and shared by every request."""

from __future__ import annotations

import threading
from pathlib import Path

from backend.risk.config import RiskSettings
from backend.risk.scorecard import Scorecard

_cache: dict[tuple[str, tuple[float, ...] | None], Scorecard] = {}
_lock = threading.Lock()


def get_scorecard(settings: RiskSettings) -> Scorecard:
    key = (
        str(Path(settings.model_dir).resolve()),
        tuple(settings.grade_bands) if settings.grade_bands else None,
    )
    with _lock:
        card = _cache.get(key)
        if card is None:
            card = _cache[key] = Scorecard.load(settings.model_dir, settings.grade_bands)
        return card
