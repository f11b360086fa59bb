"""Note market and auto-invest HTTP API.

GET  /v2/market/offers                       public: standing offers (indexed), by grade, remaining term,
                                             yield and days past due; newest, cheapest or best yield first;
                                             answered from the read cache until the index moves
GET  /v2/market/notes/{noteId}/quote         public: LoanMarketLens.quote at a price, read from the chain
GET  /v2/wallets/{address}/resale            the wallet or an operator: its offers, sales, purchases, and
                                             the gain or loss its sales realised
GET  /v2/wallets/{address}/early-exit        the wallet or an operator: the cash from selling every note
                                             at one discount to par (LoanMarket.offerNotes)
POST /v2/auto-invest/mandates/typed-data     public: EIP-712 typed data of a mandate for the wallet to sign
GET  /v2/wallets/{address}/auto-invest       the wallet or an operator: its AutoInvest ledger and mandate
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Path, Query
from pydantic import Field

from backend.core.deps import SessionDep, SettingsDep
from backend.core.problems import problem_responses
from backend.core.read_cache import cached_by_index
from backend.core.routing import api_router
from backend.core.schemas import UINT256_MAX
from backend.loans.dependencies import OwnedWallet
from backend.market import service
from backend.market.schemas import (
    AutoInvestAccountOut,
    EarlyExitOut,
    MandateIn,
    MandateTypedData,
    OfferPage,
    QuoteOut,
    ResaleOut,
)

router = api_router(tags=["market"])

NoteId = Annotated[int, Path(alias="noteId", ge=1, le=2**64 - 1, description="loanId << 32 | index")]


@router.get("/market/offers", response_model=OfferPage)
@cached_by_index
def list_offers(
    session: SessionDep,
    grade: Annotated[
        list[Annotated[int, Field(ge=1, le=7)]] | None,
        Query(description="1 = A .. 7 = G; repeat for several", max_length=7),
    ] = None,
    max_periods_left: Annotated[
        int | None, Query(alias="maxPeriodsLeft", ge=0, le=65_535, description="remaining installments")
    ] = None,
    min_yield_bps: Annotated[int | None, Query(alias="minYieldBps", ge=-5_000, le=1_000_000)] = None,
    max_days_past_due: Annotated[int | None, Query(alias="maxDaysPastDue", ge=0, le=100_000)] = None,
    sort: Literal["newest", "price", "yield"] = "newest",
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(min_length=1, max_length=512)] = None,
) -> OfferPage:
    """Offers the chain still honours at the index's clock: unexpired, by the note's holder, on a loan
    that is being repaid or has defaulted."""
    return service.list_offers(
        session, grade, sort, limit, cursor, max_periods_left, min_yield_bps, max_days_past_due
    )


@router.get(
    "/market/notes/{noteId}/quote", response_model=QuoteOut, responses=problem_responses(404, 409, 422, 502)
)
def quote(
    note_id: NoteId,
    settings: SettingsDep,
    price: Annotated[int, Query(ge=0, le=UINT256_MAX, description="stablecoin base units")],
) -> QuoteOut:
    """Par, yield to maturity, days past due, distress and the highest price the market accepts."""
    return service.quote(settings, note_id, price)


@router.get("/wallets/{address}/resale", response_model=ResaleOut, responses=problem_responses(401, 403))
def resale(wallet: OwnedWallet, session: SessionDep) -> ResaleOut:
    return service.resale_of(session, wallet)


@router.get(
    "/wallets/{address}/early-exit",
    response_model=EarlyExitOut,
    responses=problem_responses(401, 403, 409, 502),
)
def early_exit(
    wallet: OwnedWallet,
    session: SessionDep,
    settings: SettingsDep,
    discount_bps: Annotated[int, Query(alias="discountBps", ge=0, le=10_000)] = 0,
) -> EarlyExitOut:
    return service.early_exit(session, settings, wallet, discount_bps)


@router.post(
    "/auto-invest/mandates/typed-data",
    response_model=MandateTypedData,
    responses=problem_responses(409, 422, 502),
)
def mandate_typed_data(body: MandateIn, settings: SettingsDep) -> MandateTypedData:
    """The wallet signs the returned typed data; anyone submits it to AutoInvest.setMandateBySig."""
    return service.mandate_typed_data(settings, body)


@router.get(
    "/wallets/{address}/auto-invest",
    response_model=AutoInvestAccountOut,
    responses=problem_responses(401, 403, 409, 502),
)
def auto_invest_account(wallet: OwnedWallet, settings: SettingsDep) -> AutoInvestAccountOut:
    return service.auto_invest_account(settings, wallet)
