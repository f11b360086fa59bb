"""HTTP client of the PeerLend service's oracle feed (operator API key with the `oracle` role).

  GET  /v1/oracle/reports?status=pending&limit=N   pending reports, oldest first
  GET  /v1/oracle/reports?ids=a,b,c                 the given reports, whatever their status
  POST /v1/oracle/reports/ack                       {"acks": [{"id", "status", "round", "txHash", "reason"}]}
  POST /v1/oracle/reports/refresh                   {"borrowers": [...]} -> new pending reports

Report JSON: {"id", "status", "borrower", "score", "grade", "pdBps", "modelVersion", "asOf", "reasonsHash"}.
"""

from __future__ import annotations

from collections.abc import Sequence

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
        return self._request("GET", "/v1/oracle/reports", params={"status": "pending", "limit": limit})[
            "items"
        ]

    def reports_by_id(self, ids: Sequence[str]) -> list[dict]:
        if not ids:
            return []
        return self._request(
            "GET", "/v1/oracle/reports", params={"ids": ",".join(map(str, ids)), "limit": len(ids)}
        )["items"]

    def ack(self, acks: Sequence[dict]) -> dict:
        return self._request("POST", "/v1/oracle/reports/ack", json={"acks": list(acks)})

    def refresh(self, borrowers: Sequence[str]) -> dict:
        return self._request("POST", "/v1/oracle/reports/refresh", json={"borrowers": list(borrowers)})
