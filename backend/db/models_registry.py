"""Every module that declares tables on `Base.metadata`. Alembic and create_app import this.

Each domain adds its models module to MODEL_MODULES (one line). A module missing from this list has no
migration autogenerate support and no tables at test start-up, so a wrong name fails loudly here.
"""

from __future__ import annotations

import importlib

MODEL_MODULES = [
    "backend.core.models",
    "backend.auth.models",
    "backend.kyc.models",
    "backend.suitability.models",
    "backend.risk.models",
    "backend.chain.indexer.models",
    "backend.chain.outbox",
    "backend.oracle_feed.models",
    "backend.market.models",
    "backend.loans.models",
    "backend.notifications.models",
    "backend.servicing.models",
    "backend.restructuring.models",
    "backend.aml.models",
    "backend.complaints.models",
    "backend.agreements.models",
    "backend.collections.models",
    "backend.disclosure.models",
]


def import_all_models() -> list[str]:
    loaded = []
    for name in MODEL_MODULES:
        importlib.import_module(name)
        loaded.append(name)
    return loaded
