"""`python -m backend.main`: serve the API with uvicorn on the configured host and port."""

from __future__ import annotations

import uvicorn

from backend.core.settings import get_settings


def main() -> None:
    settings = get_settings()
    uvicorn.run("backend.app:create_app", factory=True, host=settings.host, port=settings.port,
                log_config=None, access_log=False, proxy_headers=False)


if __name__ == "__main__":
    main()
