"""Disclosure HTTP API.

GET  /v2/disclosure/platform                    public: the platform figures at the index's latest block
GET  /v2/disclosure/snapshots/{period}          public: a month's published disclosure and its anchor
GET  /v2/disclosure/snapshots/{period}/document public: the exact bytes whose SHA-256 is anchored
POST /v2/disclosure/snapshots/publish           admin: one publishing pass now (what the worker does)
GET  /v2/disclosure/loans/{loanId}              public: a loan's disclosure, the borrower anonymised
GET  /v2/disclosure/exports/{kind}/{period}     regulator: a signed export (loans, positions, aml-cases)

Public routes answer from the read cache until the index moves (backend/core/read_cache.py).
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Depends, Path, Query, Request, Response

from backend.chain.client import ChainClient
from backend.core.deps import Operator, SessionDep, SettingsDep, require_roles
from backend.core.problems import problem_responses
from backend.core.read_cache import cached_by_index
from backend.core.routing import api_router
from backend.core.schemas import ID_MAX
from backend.disclosure import exports, problems, publishing, service, signing
from backend.disclosure.dependencies import DisclosureSettingsDep
from backend.disclosure.loan_page import loan_disclosure
from backend.disclosure.schemas import LoanDisclosure, PlatformDisclosure, PublishOut, SnapshotOut

router = api_router(tags=["disclosure"])

Period = Annotated[
    str,
    Path(pattern=r"^[0-9]{4}-(0[1-9]|1[0-2])$", description="a month, yyyy-mm (UTC)", examples=["2026-11"]),
]
ExportKind = Literal["loans", "positions", "aml-cases"]


@router.get("/disclosure/platform", response_model=PlatformDisclosure)
@cached_by_index
def get_platform(session: SessionDep, disclosure: DisclosureSettingsDep) -> PlatformDisclosure:
    """Volume, borrowers and lenders, outstanding principal and its concentration, delinquency by tier,
    default and loss rates, vintage curves, the reserve fund's coverage, fees and secondary-market volume,
    computed from the chain index at its latest block. Each field's description defines its figure."""
    return service.platform_disclosure(session, disclosure.top_borrowers)


@router.get(
    "/disclosure/snapshots/{period}", response_model=SnapshotOut, responses=problem_responses(404, 409, 422)
)
@cached_by_index
def get_snapshot(period: Period, session: SessionDep) -> SnapshotOut:
    """The month's disclosure as published at its end, with the transaction and block that anchored its
    SHA-256 in the DisclosureRegistry. `peerlend disclosure verify <period>` checks it against the chain."""
    return service.snapshot(session, period)


@router.get(
    "/disclosure/snapshots/{period}/document",
    responses={
        200: {
            "description": "the snapshot's canonical JSON, byte for byte: its SHA-256 is the anchored hash",
            "content": {"application/json": {}},
        },
        **problem_responses(404, 409, 422),
    },
)
@cached_by_index
def get_snapshot_document(period: Period, session: SessionDep) -> Response:
    """The stored bytes themselves (`sha256sum` of them is `anchor.contentHash` without its 0x)."""
    content, sha256 = service.snapshot_document(session, period)
    return Response(content=content, media_type="application/json", headers={"X-Content-SHA256": sha256})


@router.post(
    "/disclosure/snapshots/publish", response_model=PublishOut, responses=problem_responses(401, 403, 409)
)
def publish_snapshots(
    request: Request,
    settings: SettingsDep,
    disclosure: DisclosureSettingsDep,
    _: Annotated[Operator, Depends(require_roles("admin"))],
) -> PublishOut:
    """One publishing pass, as the worker runs it: every ended month's snapshot stored and anchored once."""
    if not settings.rpc_url:
        raise problems.chain_not_configured()
    state = request.app.state
    result = publishing.publish_due(
        state.sessionmaker, state.engine, settings.chain_id, disclosure, ChainClient.from_settings(settings)
    )
    return PublishOut(
        computed=result.computed, sent=result.sent, waiting=result.waiting, anchored=result.anchored
    )


@router.get("/disclosure/loans/{loanId}", response_model=LoanDisclosure, responses=problem_responses(404))
@cached_by_index
def get_loan_disclosure(
    loan_id: Annotated[int, Path(alias="loanId", ge=0, le=ID_MAX)], session: SessionDep, settings: SettingsDep
) -> LoanDisclosure:
    """The loan's terms, purpose, repayment source and expected yield, its borrower in bands that do not
    identify them with their other loans here, the risk notice and the legal statement."""
    return loan_disclosure(session, loan_id, settings.resolved_manifest_path)


@router.get(
    "/disclosure/exports/{kind}/{period}",
    responses={
        200: {
            "description": "the export's bytes; X-Export-SHA256, X-Export-Signature and X-Export-Signer "
            'carry its detached signature (README "Disclosure and regulator reporting")',
            "content": {"application/json": {}, "text/csv": {}},
        },
        **problem_responses(401, 403, 409, 422),
    },
)
def get_export(
    kind: ExportKind,
    period: Period,
    session: SessionDep,
    settings: SettingsDep,
    disclosure: DisclosureSettingsDep,
    operator: Annotated[Operator, Depends(require_roles("regulator"))],
    format: Annotated[Literal["json", "csv"], Query(description="json (canonical) or csv")] = "json",
) -> Response:
    """A month's regulator export, the same bytes every time for the same month once it has ended, signed
    by the disclosure key and recorded in the audit log."""
    signed = exports.signed_export(
        session, operator.actor, kind, period, format, settings.chain_id, disclosure.key
    )
    headers = {
        **signed.signature.headers(signing.HEADERS),
        "X-Export-Schema": signed.schema,
        "Content-Disposition": f'attachment; filename="{signed.filename}"',
        "Cache-Control": "no-store",
    }
    return Response(content=signed.body, media_type=signed.media_type, headers=headers)
