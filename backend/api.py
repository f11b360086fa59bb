"""Routers mounted under /v1.

Each domain adds ONE import line anywhere in this file, binding its APIRouter to a name ending in
`_router`, e.g. `from backend.kyc.router import router as kyc_router  # noqa: F401`.
`ROUTERS` collects them in file order when read, so the position of the line does not matter.
"""

from fastapi import APIRouter

from backend.auth.router import admin_router as auth_admin_router  # noqa: F401, I001
from backend.auth.router import router as auth_router  # noqa: F401


def _collect() -> list[APIRouter]:
    return [
        value
        for name, value in globals().items()
        if name.endswith("_router") and isinstance(value, APIRouter)
    ]


def __getattr__(name: str) -> list[APIRouter]:
    if name == "ROUTERS":  # computed on access (PEP 562), after every import line has run
        return _collect()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


from backend.kyc.router import router as kyc_router  # noqa: F401, E402
from backend.loans.router import router as loans_router  # noqa: F401, E402
from backend.oracle_feed.router import router as oracle_feed_router  # noqa: F401, E402
from backend.risk.router import router as risk_router  # noqa: F401, E402
from backend.suitability.router import router as suitability_router  # noqa: F401, E402
