"""A notification-sending worker as its own process (`python -m <module>`), as `make up` runs it, on the
test's database and SMTP sink, which tests kill with SIGKILL and start again on the same database."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from backend.core.settings import ROOT


class WorkerProcess:
    def __init__(self, module: str, database_url: str, smtp_port: int, log_path: Path, **env: str) -> None:
        self.module = module
        self.env = {
            k: v for k, v in os.environ.items() if not k.startswith("PEERLEND_") and k != "DATABASE_URL"
        }
        self.env.update(
            {
                "PEERLEND_ENV": "test",
                "PEERLEND_DATABASE_URL": database_url,
                "PEERLEND_LOG_JSON": "false",
                "PEERLEND_NOTIFICATIONS_SMTP_PORT": str(smtp_port),
                "PEERLEND_NOTIFICATIONS_POLL_SECONDS": "0.05",
                "PEERLEND_NOTIFICATIONS_BACKOFF_BASE_SECONDS": "0.05",
                **env,
            }
        )
        self.log_path = log_path
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> WorkerProcess:
        with self.log_path.open("a") as log:
            self.process = subprocess.Popen(  # noqa: S603 - fixed argv
                [sys.executable, "-m", self.module],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        return self

    def kill(self) -> None:
        assert self.process is not None
        os.kill(self.process.pid, signal.SIGKILL)

    def log(self) -> str:
        return self.log_path.read_text()[-4000:] if self.log_path.exists() else ""

    def check_alive(self) -> None:
        if self.process is not None and self.process.poll() is not None:
            raise AssertionError(f"{self.module} exited with {self.process.returncode}:\n{self.log()}")

    def wait_killed(self, timeout: float = 60) -> None:
        """Waits for the process to die of SIGKILL (and reaps it, so its pid is gone)."""
        assert self.process is not None
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            raise AssertionError(f"{self.module} was not killed:\n{self.log()}") from None
        assert self.process.returncode == -signal.SIGKILL, self.log()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
