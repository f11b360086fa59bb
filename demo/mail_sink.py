"""A local SMTP sink: accepts every message on loopback and writes it to a directory, one `.eml` file per
message (aiosmtpd, a development dependency). `make up` runs it on 127.0.0.1:8025 writing to .run/mail/,
where the notification senders' default settings deliver, so reminder emails can be read locally; the
tests run it in-process.

    python -m demo.mail_sink --dir .run/mail --port 8025
"""

from __future__ import annotations

import argparse
import itertools
import os
import signal
import threading
import time
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller

_sequence = itertools.count(1)


class MailDirHandler:
    """Writes each accepted message to `directory` (written aside, then renamed: a reader never sees half
    a message). Subclasses may act on RCPT or DATA first (tests stop a sender there)."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        name = f"{time.time_ns()}-{os.getpid()}-{next(_sequence)}.eml"
        partial = self.directory / f".{name}.part"
        content = envelope.original_content or envelope.content
        partial.write_bytes(content if isinstance(content, bytes) else content.encode())
        os.replace(partial, self.directory / name)
        return "250 OK: queued"


def serve(directory: Path, host: str = "127.0.0.1", port: int = 8025, handler: Any = None) -> Controller:
    controller = Controller(handler or MailDirHandler(directory), hostname=host, port=port)
    controller.start()
    return controller


def received(directory: Path) -> list[EmailMessage]:
    """The messages in `directory`, oldest first."""
    files = sorted(Path(directory).glob("*.eml"), key=lambda p: tuple(int(x) for x in p.stem.split("-")))
    return [message_from_bytes(p.read_bytes(), policy=policy.default) for p in files]  # type: ignore[misc]


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m demo.mail_sink", description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path, default=Path(".run/mail"))
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8025)
    args = parser.parse_args()
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    controller = serve(args.dir, args.host, args.port)
    print(f"mail sink on {args.host}:{args.port}, writing to {args.dir}", flush=True)
    stop.wait()
    controller.stop()


if __name__ == "__main__":
    main()
