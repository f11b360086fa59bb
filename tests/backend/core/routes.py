"""Test-only routes that exercise the shared dependencies the way domain routers use them."""

import itertools
import logging

from fastapi import APIRouter, Depends
from pydantic import BaseModel

from backend.auth.dependencies import (
    CurrentWallet,
    IdempotencyKey,
    RequiredIdempotencyKey,
    rate_limit,
    wallet_rate_limit,
)
from backend.core.context import get_request_id
from backend.core.problems import Problem
from backend.core.settings import get_settings

router = APIRouter(prefix="/v2/_test")
_ids = itertools.count(1)


class ThingIn(BaseModel):
    name: str
    amount: int = 0


@router.get("/settings-sync")
def settings_sync() -> dict:
    return {"siwe_domain": get_settings().siwe_domain, "request_id": get_request_id()}


@router.get("/settings-async")
async def settings_async() -> dict:
    return {"siwe_domain": get_settings().siwe_domain, "request_id": get_request_id()}


@router.get("/log")
def log_personal_data() -> dict:
    logging.getLogger("peerlend.test").warning(
        "applicant 11010519491231002X phone 13812345678 mail zhang@example.com card 4111111111111111",
        extra={"full_name": "Zhang San", "wallet": "0x00000000000000000000000000000000DeaDBeef"},
    )
    return {"ok": True}


@router.get("/boom")
def boom() -> dict:
    raise RuntimeError("database password is hunter2")


@router.get("/problem")
def problem() -> dict:
    raise Problem(
        status=422,
        title="Invalid national ID",
        detail="checksum mismatch",
        type="invalid-national-id",
        errors=[{"field": "national_id", "code": "checksum"}],
    )


@router.get("/items/{item_id}")
def item(item_id: int) -> dict:
    return {"id": item_id}


@router.post("/things", status_code=201)
def create_thing(body: ThingIn, _key: IdempotencyKey) -> dict:
    return {"id": next(_ids), "name": body.name, "amount": body.amount}


@router.post("/wallet-things", status_code=201)
def create_wallet_thing(body: ThingIn, wallet: CurrentWallet, _key: RequiredIdempotencyKey) -> dict:
    return {"id": next(_ids), "owner": wallet, "name": body.name}


@router.post("/failing-things", status_code=201)
def create_failing_thing(body: ThingIn, _key: IdempotencyKey) -> dict:
    if body.amount < 0:
        raise Problem(status=422, title="Negative amount", type="negative-amount")
    return {"id": next(_ids), "name": body.name}


@router.post("/submissions", status_code=201, dependencies=[Depends(wallet_rate_limit("submit"))])
def submit(wallet: CurrentWallet) -> dict:
    return {"ok": True, "wallet": wallet}


@router.post("/submissions-open", status_code=201, dependencies=[Depends(rate_limit("submit"))])
def submit_open() -> dict:
    return {"ok": True}


@router.get("/limited", dependencies=[Depends(rate_limit("tiny", per="ip"))])
def limited() -> dict:
    return {"ok": True}
