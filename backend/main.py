"""`python -m backend.main`: serve the API with uvicorn on the configured host and port."""

from __future__ import annotations

import uvicorn

from backend.core.settings import get_settings


def main() -> None:
    settings = get_settings()
    # The app logs each request itself (JSON, masked, with request id): uvicorn's access log is off.
    uvicorn.run(
        "backend.app:create_app",
        factory=True,
        host=settings.host,
        port=settings.port,
        log_config=None,
        access_log=False,
        proxy_headers=settings.forwarded_allow_ips is not None,
        forwarded_allow_ips=settings.forwarded_allow_ips,
    )


if __name__ == "__main__":
    main()
