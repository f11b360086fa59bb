"""Every router of the API, mounted under /v2 in this order. A new domain adds its router here."""

from fastapi import APIRouter

from backend.agreements.router import router as agreements_router
from backend.aml.router import router as aml_router
from backend.auth.router import admin_router as auth_admin_router
from backend.auth.router import router as auth_router
from backend.collections.router import router as collections_router
from backend.complaints.router import admin_router as complaints_admin_router
from backend.complaints.router import router as complaints_router
from backend.disclosure.router import router as disclosure_router
from backend.kyc.router import router as kyc_router
from backend.loans.router import router as loans_router
from backend.market.router import router as market_router
from backend.notifications.router import router as notifications_router
from backend.oracle_feed.router import router as oracle_feed_router
from backend.restructuring.router import router as restructuring_router
from backend.risk.router import router as risk_router
from backend.statements.router import router as statements_router
from backend.suitability.router import router as suitability_router

ROUTERS: list[APIRouter] = [
    auth_router,
    auth_admin_router,
    kyc_router,
    suitability_router,
    risk_router,
    loans_router,
    market_router,
    restructuring_router,
    oracle_feed_router,
    aml_router,
    notifications_router,
    disclosure_router,
    statements_router,
    complaints_router,
    complaints_admin_router,
    agreements_router,
    collections_router,
]
