"""Every module that declares tables on `Base.metadata`. Alembic and create_app import this.

Each domain adds its models module to MODEL_MODULES (one line). A listed module that does not exist yet
is skipped; an import error inside an existing module is raised.
"""

from __future__ import annotations

import importlib
import logging

logger = logging.getLogger("peerlend.db")

MODEL_MODULES = [
    "backend.core.models",
    "backend.auth.models",
    "backend.kyc.models",
    "backend.suitability.models",
    "backend.risk.models",
    "backend.chain.indexer.models",
    "backend.oracle_feed.models",
]


def import_all_models() -> list[str]:
    loaded = []
    for name in MODEL_MODULES:
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name is not None and (name == exc.name or name.startswith(exc.name + ".")):
                logger.debug("models module %s not present", name)
                continue
            raise
        loaded.append(name)
    return loaded
