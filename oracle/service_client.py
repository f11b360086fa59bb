"""HTTP client of the PeerLend service's oracle feed (operator API key with the `oracle` role).

  GET  /v2/oracle/reports?status=pending&limit=N   pending reports, oldest first
  GET  /v2/oracle/reports?ids=a&ids=b               the given reports, whatever their status
  POST /v2/oracle/reports/ack                       {"acks": [{"id", "status", "round", "txHash", "reason"}]}
  POST /v2/oracle/reports/refresh                   {"borrowers": [...]} -> new pending reports

Report JSON: {"id", "status", "borrower", "score", "grade", "pdBps", "modelVersion", "asOf", "reasonsHash"}.
The API gives times as ISO 8601 UTC (README "API conventions"); reports are handed to the oracle with `asOf`
in Unix seconds, the value the nodes sign and the contract compares.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import httpx

from oracle.retry import retry_call


class ServiceUnavailable(Exception):
    pass


class ServiceClient:
    def __init__(
        self, base_url: str, api_key: str, *, timeout: float = 10.0, attempts: int = 4, backoff: float = 0.5
    ):
        self._client = httpx.Client(
            base_url=base_url.rstrip("/"), timeout=timeout, headers={"X-API-Key": api_key}
        )
        self._attempts = attempts
        self._backoff = backoff

    def close(self) -> None:
        self._client.close()

    def _request(self, method: str, path: str, **kwargs) -> dict:
        def once():
            response = self._client.request(method, path, **kwargs)
            if response.status_code >= 500:
                raise httpx.RemoteProtocolError(f"{response.status_code} from {path}")
            response.raise_for_status()
            return response.json()

        try:
            return retry_call(
                once, what=f"{method} {path}", attempts=self._attempts, base_delay=self._backoff
            )
        except httpx.TransportError as exc:
            raise ServiceUnavailable(str(exc)) from exc

    def pending_reports(self, limit: int = 200) -> list[dict]:
        reply = self._request("GET", "/v2/oracle/reports", params={"status": "pending", "limit": limit})
        return [_report(r) for r in reply["items"]]

    def reports_by_id(self, ids: Sequence[str]) -> list[dict]:
        if not ids:
            return []
        reply = self._request(
            "GET", "/v2/oracle/reports", params={"ids": [str(i) for i in ids], "limit": len(ids)}
        )
        return [_report(r) for r in reply["items"]]

    def ack(self, acks: Sequence[dict]) -> dict:
        # Report ids are integers on the wire; the oracle keeps them as text.
        body = [{**a, "id": int(a["id"])} if str(a["id"]).isdigit() else a for a in acks]
        return self._request("POST", "/v2/oracle/reports/ack", json={"acks": body})

    def refresh(self, borrowers: Sequence[str]) -> dict:
        return self._request("POST", "/v2/oracle/reports/refresh", json={"borrowers": list(borrowers)})


def unix_seconds(value: int | str) -> int:
    """An API time (ISO 8601, "...Z") as Unix seconds; integers pass through."""
    if isinstance(value, int):
        return value
    return int(datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp())


def _report(item: dict) -> dict:
    return {**item, "asOf": unix_seconds(item["asOf"])}
