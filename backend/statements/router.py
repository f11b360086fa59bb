"""Wallet statements HTTP API.

GET /v2/wallets/{address}/statements/{yyyy-mm}        a calendar month's statement (chain time, UTC)
GET /v2/wallets/{address}/statements/annual/{yyyy}    a year's summary with its XIRR

JSON by default; `Accept: text/csv` or `application/pdf` (or `?format=csv|pdf|json`, which wins) for the
others; an Accept that admits none of the three is a 406. The signed-in wallet reads its own statements;
another wallet gets 403 (`forbidden`: the address and its activity are public on the chain, the statement
is not). Operators with the reviewer (complaints), compliance (AML) or supervisor role may read any
wallet's, and each such read is audited (`statement.read`).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from eth_utils import to_checksum_address
from fastapi import Depends, Path, Query, Request, Response

from backend.auth.dependencies import ApiKeyHeader, OptionalWallet, operator_from_key
from backend.auth.service import Operator
from backend.core.deps import SessionDep
from backend.core.problems import missing_roles, problem_responses, unauthenticated, validation_failed
from backend.core.routing import api_router
from backend.core.schemas import ADDRESS_PATTERN
from backend.statements import pdf, problems, render, service
from backend.statements.config import StatementSettings
from backend.statements.schemas import AnnualSummary, MonthlyStatement

router = api_router(tags=["statements"])

READER_ROLES = frozenset({"reviewer", "compliance", "supervisor"})
Format = Literal["json", "csv", "pdf"]
MEDIA: dict[Format, str] = {"json": "application/json", "csv": "text/csv", "pdf": "application/pdf"}
_ALTERNATIVES: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {
            "text/csv": {"schema": {"type": "string"}},
            "application/pdf": {"schema": {"type": "string", "format": "binary"}},
        }
    }
}


class Reader:
    def __init__(self, wallet: str, operator: Operator | None) -> None:
        self.wallet, self.operator = wallet, operator


def statement_reader(
    request: Request,
    wallet: OptionalWallet,
    api_key: ApiKeyHeader,
    address: Annotated[str, Path(pattern=ADDRESS_PATTERN, description="wallet address")],
) -> Reader:
    target = to_checksum_address(address)
    if api_key:
        operator = operator_from_key(request, api_key)
        if not operator.roles & READER_ROLES:
            raise missing_roles(READER_ROLES)
        return Reader(target, operator)
    if wallet is None:
        raise unauthenticated()
    if wallet != target:
        raise problems.not_your_wallet()
    return Reader(target, None)


StatementReader = Annotated[Reader, Depends(statement_reader)]


def _settings(request: Request) -> StatementSettings:
    options = getattr(request.app.state, "statement_settings", None)
    if options is None:
        options = request.app.state.statement_settings = StatementSettings()
    return options


def negotiate(accept: str | None, explicit: Format | None) -> Format:
    """`?format=` if given, else the Accept type of highest quality among the three (JSON on a tie)."""
    if explicit is not None:
        return explicit
    if not accept or not accept.strip():
        return "json"
    best: tuple[float, int, Format] | None = None
    offered: list[Format] = ["json", "csv", "pdf"]
    ranges = []
    for part in accept.split(","):
        media, *params = (p.strip() for p in part.split(";"))
        quality = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        ranges.append((media.lower(), quality))
    for rank, fmt in enumerate(offered):
        kind, sub = MEDIA[fmt].split("/")
        matches = [
            (3 if m == MEDIA[fmt] else 2 if m == f"{kind}/*" else 1, q)
            for m, q in ranges
            if m in (MEDIA[fmt], f"{kind}/*", "*/*")
        ]
        if not matches:
            continue
        quality = max(matches)[1]  # the most specific range decides
        if quality > 0 and (best is None or (quality, -rank) > (best[0], best[1])):
            best = (quality, -rank, fmt)
    if best is None:
        raise problems.not_acceptable(accept)
    return best[2]


def _respond(
    statement: MonthlyStatement | AnnualSummary, fmt: Format, name: str
) -> MonthlyStatement | AnnualSummary | Response:
    if fmt == "json":
        return statement
    if fmt == "csv":
        return Response(
            render.statement_csv(statement),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
        )
    body = (
        pdf.monthly_pdf(statement) if isinstance(statement, MonthlyStatement) else pdf.annual_pdf(statement)
    )
    return Response(
        body,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{name}.pdf"'},
    )


FormatQuery = Annotated[Format | None, Query(alias="format", description="overrides Accept")]


@router.get(
    "/wallets/{address}/statements/annual/{year}",
    response_model=AnnualSummary,
    responses={**problem_responses(401, 403, 406, 422), **_ALTERNATIVES},
)
def get_annual_summary(
    reader: StatementReader,
    session: SessionDep,
    request: Request,
    year: Annotated[int, Path(ge=1970, le=9998)],
    fmt: FormatQuery = None,
) -> MonthlyStatement | AnnualSummary | Response:
    """The wallet's year: totals, positions at both ends, its cash flows and their XIRR (bps, floor)."""
    chosen = negotiate(request.headers.get("accept"), fmt)
    summary = service.annual_summary(session, _settings(request), reader.wallet, year, reader.operator)
    return _respond(summary, chosen, f"peerlend-{reader.wallet}-{year}")


@router.get(
    "/wallets/{address}/statements/{period}",
    response_model=MonthlyStatement,
    responses={**problem_responses(401, 403, 406, 422), **_ALTERNATIVES},
)
def get_monthly_statement(
    reader: StatementReader,
    session: SessionDep,
    request: Request,
    period: Annotated[
        str, Path(pattern=r"^(19[7-9][0-9]|[2-9][0-9]{3})-(0[1-9]|1[0-2])$", examples=["2027-03"])
    ],
    fmt: FormatQuery = None,
) -> MonthlyStatement | AnnualSummary | Response:
    """One calendar month of the wallet's notes: positions, fundings, repayments split into principal,
    interest and fees, recoveries, losses, claims, purchases and sales, every line of it."""
    chosen = negotiate(request.headers.get("accept"), fmt)
    year, month = (int(x) for x in period.split("-"))
    if year > 9998:  # its end, January of year 10000, is beyond any date
        raise validation_failed(
            [{"loc": ["path", "period"], "msg": "a month before 9999", "type": "value_error"}]
        )
    statement = service.monthly_statement(
        session, _settings(request), reader.wallet, year, month, reader.operator
    )
    return _respond(statement, chosen, f"peerlend-{reader.wallet}-{period}")
