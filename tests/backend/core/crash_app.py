"""The API plus one test route, for tests that kill the API process in the middle of a request.

`POST /v2/_test/recorded` is a unit of work as every domain route is: it records an audit row and
commits, then waits as long as its `X-Test-Pause` header says (the window in which a test kills the
process), then answers. Served with `uvicorn tests.backend.core.crash_app:create_app --factory`.
"""

from __future__ import annotations

import time
from typing import Annotated

from fastapi import FastAPI, Header
from pydantic import BaseModel

from backend.app import create_app as create_api
from backend.core.deps import RequiredIdempotencyKey, SessionDep
from backend.core.models import AuditLog
from backend.core.routing import api_router
from backend.core.versions import API_PREFIX

router = api_router(prefix="/_test", tags=["test"])


class RecordIn(BaseModel):
    ref: str


@router.post("/recorded", status_code=201)
def record(
    body: RecordIn,
    session: SessionDep,
    _key: RequiredIdempotencyKey,
    pause: Annotated[float, Header(alias="X-Test-Pause")] = 0.0,
) -> dict:
    session.add(AuditLog(actor="crash-test", action="test.recorded", object_type="test", object_id=body.ref))
    session.commit()
    time.sleep(pause)
    return {"ref": body.ref}


def create_app() -> FastAPI:
    app = create_api()
    app.include_router(router, prefix=API_PREFIX)
    return app
