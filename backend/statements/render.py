"""A statement as CSV: one table, one `record` column saying what each row is.

    record,name,at,blockNumber,logIndex,kind,loanId,noteId,amount,principal,interest,fees,source,...
    total,funded,,,,,,,2500000000,...            one row per figure of `positions` and `totals`
    position,,,,,,7,1792,,950000000,...          one per note: opening / closing principal and unclaimed
    entry,,2027-03-01T09:30:00Z,120,3,repayment,...

Amounts are integer base units, as in JSON: a spreadsheet sums them exactly.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from backend.core.schemas import ApiModel
from backend.statements.schemas import AnnualSummary, MonthlyStatement

COLUMNS = [
    "record",
    "name",
    "at",
    "blockNumber",
    "logIndex",
    "kind",
    "loanId",
    "noteId",
    "amount",
    "principal",
    "interest",
    "fees",
    "source",
    "afterWriteOff",
    "price",
    "fee",
    "earned",
    "servicingFee",
    "reserveShare",
    "openingPrincipal",
    "closingPrincipal",
    "openingUnclaimed",
    "closingUnclaimed",
    "txHash",
]


def _flat(prefix: str, data: dict[str, Any]) -> list[tuple[str, Any]]:
    rows: list[tuple[str, Any]] = []
    for key, value in data.items():
        if isinstance(value, dict):
            rows.extend(_flat(f"{prefix}{key}.", value))
        else:
            rows.append((f"{prefix}{key}", value))
    return rows


def _dump(model: ApiModel) -> dict[str, Any]:
    return model.model_dump(mode="json", by_alias=True)


def statement_csv(statement: MonthlyStatement | AnnualSummary) -> str:
    body = _dump(statement)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    head = {k: body[k] for k in ("wallet", "start", "end", "final", "asOf", "closingBlock")}
    head["period"] = body.get("period", body.get("year"))
    if isinstance(statement, AnnualSummary):
        head["xirrBps"] = body["xirrBps"]
    for name, value in (
        _flat("", head) + _flat("positions.", body["positions"]) + _flat("totals.", body["totals"])
    ):
        writer.writerow({"record": "total", "name": name, "amount": "" if value is None else value})
    for note in body["notes"]:
        writer.writerow({"record": "position", **note})
    for entry in body.get("entries", ()):
        writer.writerow({"record": "entry", **entry})
    for flow in body.get("cashFlows", ()):
        writer.writerow({"record": "cash_flow", **flow})
    return out.getvalue()
