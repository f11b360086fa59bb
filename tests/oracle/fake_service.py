"""An in-memory stand-in for the service's oracle feed, same HTTP contract as backend/oracle_feed."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

from fastapi import FastAPI, Header, HTTPException, Query

API_KEY = "test-oracle-key-0123456789"


class FakeFeed:
    def __init__(self):
        self.reports: dict[str, dict] = {}
        self.acks: list[dict] = []
        self.refresh_requests: list[list[str]] = []
        self.refresh_outcomes: dict[str, str] = {}  # borrower -> outcome the service answers (else lapsed)
        self.down = False
        self._lock = threading.Lock()
        self._next = 1

    def add(self, **fields) -> str:
        with self._lock:
            report_id = f"r{self._next}"
            self._next += 1
            self.reports[report_id] = {"id": report_id, "status": "pending", **fields}
            return report_id

    def status(self, report_id: str) -> str:
        return self.reports[report_id]["status"]

    def app(self) -> FastAPI:
        app = FastAPI()

        def guard(key: str | None):
            if self.down:
                raise HTTPException(503, "down")
            if key != API_KEY:
                raise HTTPException(401, "bad key")

        @app.get("/v2/oracle/reports")
        def reports(
            status: str | None = None,
            ids: list[str] | None = Query(None),  # noqa: B008 - FastAPI's way to declare a repeated parameter
            limit: int = 100,
            x_api_key: str | None = Header(None),
        ):
            guard(x_api_key)
            with self._lock:
                items = list(self.reports.values())
            if ids:
                wanted = set(ids)
                items = [r for r in items if r["id"] in wanted]
            if status:
                items = [r for r in items if r["status"] == status]
            return {"items": [_wire(r) for r in items[:limit]], "nextCursor": None}

        @app.post("/v2/oracle/reports/ack")
        def ack(body: dict, x_api_key: str | None = Header(None)):
            guard(x_api_key)
            with self._lock:
                for a in body["acks"]:
                    self.acks.append(a)
                    report = self.reports.get(a["id"])
                    if report and report["status"] in ("pending", "submitted"):
                        report.update(status=a["status"], round=a.get("round"), reason=a.get("reason"))
            return {"updated": len(body["acks"])}

        @app.post("/v2/oracle/reports/refresh")
        def refresh(body: dict, x_api_key: str | None = Header(None)):
            guard(x_api_key)
            self.refresh_requests.append(body["borrowers"])
            results = [
                {"borrower": b, "outcome": self.refresh_outcomes.get(b, "lapsed"), "detail": "fake feed"}
                for b in body["borrowers"]
            ]
            return {"queued": body["borrowers"], "results": results}

        return app


def _wire(report: dict) -> dict:
    """A report as the API sends it: times as ISO 8601 UTC."""
    out = dict(report)
    if isinstance(out.get("asOf"), int):
        out["asOf"] = datetime.fromtimestamp(out["asOf"], UTC).isoformat().replace("+00:00", "Z")
    return out
