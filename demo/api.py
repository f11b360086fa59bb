"""The platform's HTTP API as a client sees it: Sign-In with Ethereum (EIP-4361) for wallets, an operator
API key for staff, problem-detail errors raised as `ApiError`."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import httpx
from eth_account.messages import encode_defunct


class ApiError(RuntimeError):
    def __init__(self, method: str, path: str, response: httpx.Response):
        self.status = response.status_code
        try:
            self.problem = response.json()
        except ValueError:
            self.problem = {"detail": response.text[:500]}
        title = self.problem.get("title", "") if isinstance(self.problem, dict) else ""
        detail = self.problem.get("detail", "") if isinstance(self.problem, dict) else self.problem
        errors = self.problem.get("errors") if isinstance(self.problem, dict) else None
        super().__init__(
            f"{method} {path} -> {self.status} {title}: {detail}" + (f" {errors}" if errors else "")
        )


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds").replace("+00:00", "Z")


def siwe_message(nonce: dict, address: str) -> str:
    """EIP-4361 message for the nonce document the service issued (domain, uri, chain id, statement)."""
    now = datetime.now(UTC).replace(microsecond=0)
    return "\n".join(
        [
            f"{nonce['domain']} wants you to sign in with your Ethereum account:",
            address,
            "",
            nonce["statement"],
            "",
            f"URI: {nonce['uri']}",
            "Version: 1",
            f"Chain ID: {nonce['chainId']}",
            f"Nonce: {nonce['nonce']}",
            f"Issued At: {_iso(now)}",
            f"Expiration Time: {_iso(now + timedelta(minutes=10))}",
        ]
    )


class Api:
    """One HTTP client per caller (a wallet's bearer token or an operator's key)."""

    def __init__(self, base_url: str, headers: dict | None = None, timeout: float = 60.0):
        self.base_url = base_url.rstrip("/")
        self.http = httpx.Client(base_url=self.base_url, headers=headers or {}, timeout=timeout)

    def close(self) -> None:
        self.http.close()

    def request(
        self,
        method: str,
        path: str,
        *,
        expect: tuple[int, ...] = (200, 201),
        idempotent: bool = False,
        **kwargs,
    ) -> dict | list:
        headers = kwargs.pop("headers", {})
        if idempotent:
            headers["Idempotency-Key"] = str(uuid.uuid4())
        response = self.http.request(method, path, headers=headers, **kwargs)
        if response.status_code not in expect:
            raise ApiError(method, path, response)
        return response.json() if response.content else {}

    def get(self, path: str, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path: str, body: dict | None = None, **kwargs):
        return self.request("POST", path, json=body if body is not None else {}, **kwargs)

    @classmethod
    def operator(cls, base_url: str, key: str) -> Api:
        return cls(base_url, headers={"X-API-Key": key})

    @classmethod
    def sign_in(cls, base_url: str, account) -> Api:
        """SIWE: fetch a nonce, sign the EIP-4361 message with the wallet key, keep the bearer token."""
        anonymous = cls(base_url)
        try:
            nonce = anonymous.post("/v2/auth/nonce", expect=(201,))
            message = siwe_message(nonce, account.address)
            signature = account.sign_message(encode_defunct(text=message)).signature.hex()
            token = anonymous.post(
                "/v2/auth/siwe",
                {
                    "message": message,
                    "signature": signature if signature.startswith("0x") else "0x" + signature,
                },
            )["accessToken"]
        finally:
            anonymous.close()
        return cls(base_url, headers={"Authorization": f"Bearer {token}"})
