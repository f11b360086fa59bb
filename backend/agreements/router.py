"""Loan agreements HTTP API.

Borrower (signed-in wallet; another wallet's agreement is a 404, as if it did not exist):
  POST /v2/agreements                        the agreement of an approved application's signed offer and
                                             the intended listing: text, hash, EIP-712 typed data to sign
  GET  /v2/agreements/{agreementId}          one of the wallet's own
  POST /v2/agreements/{agreementId}/signature  the borrower's EIP-712 signature (recovered and checked)
Public:
  GET  /v2/loans/{loanId}/agreement          a listed loan's agreement as HTML (default), PDF or JSON
                                             (`Accept`, or `?format=html|pdf|json`, which wins), with the
                                             signatures and their verification
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Literal

from fastapi import Depends, Path, Query, Request, Response

from backend.agreements import problems, render, service
from backend.agreements.config import AgreementSettings
from backend.agreements.schemas import AgreementId, AgreementIn, AgreementOut, LoanAgreementOut, SignatureIn
from backend.agreements.service import FeeSource
from backend.core.deps import CurrentWallet, IdempotencyKey, SessionDep, SettingsDep
from backend.core.problems import problem_responses
from backend.core.routing import api_router
from backend.core.settings import Settings
from backend.db.types import utcnow

router = api_router(tags=["agreements"])

Id = Annotated[AgreementId, Path(alias="agreementId")]
Format = Literal["html", "pdf", "json"]
MEDIA: dict[Format, str] = {"html": "text/html", "pdf": "application/pdf", "json": "application/json"}


def _options(request: Request) -> AgreementSettings:
    options = getattr(request.app.state, "agreement_settings", None)
    if options is None:
        options = request.app.state.agreement_settings = AgreementSettings()
    return options


def _fees(request: Request, settings: SettingsDep) -> FeeSource:
    """The market's fees, read from the chain when needed; `app.state.agreement_fees` (a callable
    returning `render.Fees`) replaces the chain in tests."""
    override: FeeSource | None = getattr(request.app.state, "agreement_fees", None)
    if override is not None:
        return override
    chain_settings: Settings = settings
    return lambda: service.market_fees(chain_settings)


def _clock(request: Request) -> datetime:
    clock: Callable[[], datetime] = getattr(request.app.state, "agreements_clock", None) or utcnow
    return clock()


Options = Annotated[AgreementSettings, Depends(_options)]
Fees = Annotated[FeeSource, Depends(_fees)]
Now = Annotated[datetime, Depends(_clock)]


@router.post(
    "/agreements",
    response_model=AgreementOut,
    status_code=201,
    responses=problem_responses(401, 404, 409, 422, 503),
)
def prepare_agreement(
    body: AgreementIn,
    wallet: CurrentWallet,
    session: SessionDep,
    options: Options,
    fees: Fees,
    _key: IdempotencyKey,
) -> AgreementOut:
    """The agreement for the wallet's approved application and the listing it intends (within the signed
    offer): its text, keccak-256 hash and the EIP-712 typed data to sign. The same terms give the same
    agreement again."""
    return service.prepare(session, options, wallet, body, fees)


@router.get("/agreements/{agreementId}", response_model=AgreementOut, responses=problem_responses(401, 404))
def get_agreement(agreement_id: Id, wallet: CurrentWallet, session: SessionDep) -> AgreementOut:
    return service.get_own(session, wallet, agreement_id)


@router.post(
    "/agreements/{agreementId}/signature",
    response_model=AgreementOut,
    responses=problem_responses(401, 404, 409, 422),
)
def sign_agreement(
    agreement_id: Id, body: SignatureIn, wallet: CurrentWallet, session: SessionDep, now: Now
) -> AgreementOut:
    """Stores the borrower's EIP-712 signature of the agreement's typed data; it must recover to the
    agreement's borrower. List with the agreement's hash afterwards."""
    return service.sign(session, wallet, agreement_id, body.signature, now)


def negotiate(accept: str | None, explicit: Format | None) -> Format:
    """`?format=` if given, else the first of the Accept header's types this route offers (HTML when none
    is named or `*/*`)."""
    if explicit is not None:
        return explicit
    if not accept or not accept.strip():
        return "html"
    ranked = []
    for index, part in enumerate(accept.split(",")):
        media, *params = (p.strip().lower() for p in part.split(";"))
        quality = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        ranked.append((-quality, index, media))
    for quality, _, media in sorted(ranked):
        if quality >= 0:
            continue
        if media in ("*/*", "text/*", "text/html"):
            return "html"
        for fmt, offered in MEDIA.items():
            if media in (offered, offered.split("/")[0] + "/*"):
                return fmt
    raise problems.not_acceptable(accept)


@router.get(
    "/loans/{loanId}/agreement",
    response_model=LoanAgreementOut,
    responses={
        **problem_responses(404, 406),
        200: {
            "content": {
                "text/html": {"schema": {"type": "string"}},
                "application/pdf": {"schema": {"type": "string", "format": "binary"}},
            }
        },
    },
)
def loan_agreement(
    request: Request,
    session: SessionDep,
    loan_id: Annotated[int, Path(alias="loanId", ge=1, le=2**63 - 1)],
    fmt: Annotated[Format | None, Query(alias="format", description="overrides Accept")] = None,
) -> LoanAgreementOut | Response:
    """A listed loan's agreement with the borrower's EIP-712 signature (recovered and matched with the
    loan's borrower), the hash bound at listing and each lender's acceptance from its funding event."""
    chosen = negotiate(request.headers.get("accept"), fmt)
    view = service.loan_agreement(session, loan_id)
    if chosen == "json":
        return view
    if chosen == "pdf":
        return Response(
            render.agreement_pdf(view),
            media_type="application/pdf",
            headers={"Content-Disposition": f'inline; filename="loan-{loan_id}-agreement.pdf"'},
        )
    return Response(render.agreement_html(view), media_type="text/html; charset=utf-8")
