"""`python -m backend.main`: serve the API with uvicorn on the configured host and port."""

from __future__ import annotations

import os

import uvicorn

from backend.core.settings import get_settings

# Longer than any client or proxy keeps an idle connection (nginx 75 s, most load balancers 60 s): a
# server that closes first races the client's next request on that connection, which then fails with
# "server disconnected" although the server was healthy.
KEEP_ALIVE_SECONDS = 90


def main() -> None:
    settings = get_settings()
    if settings.workers > 1 and settings.should_auto_migrate:
        # Once, here, rather than in every worker at once (they would race on the same tables).
        from backend.db.migrate import upgrade

        upgrade("head", settings)
        os.environ["PEERLEND_AUTO_MIGRATE"] = "false"
    # The app logs each request itself (JSON, masked, with request id): uvicorn's access log is off.
    uvicorn.run(
        "backend.app:create_app",
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=settings.workers,
        log_config=None,
        access_log=False,
        timeout_keep_alive=KEEP_ALIVE_SECONDS,
        proxy_headers=settings.forwarded_allow_ips is not None,
        forwarded_allow_ips=settings.forwarded_allow_ips,
    )


if __name__ == "__main__":
    main()
