"""Real receivers for notification tests, on loopback: an SMTP sink (demo/mail_sink.py's handler, with
hooks that act when a given recipient is named or a message arrives) and a webhook receiver (an HTTP
server that answers from a script of status codes, dedupes on the event id header, and can act on a
request before answering)."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller

from backend.notifications.channels.webhook import EVENT_ID_HEADER
from demo.mail_sink import MailDirHandler, received
from tests.support.anvil import free_port


class ScriptedMailHandler(MailDirHandler):
    """Answers RCPT for an address from `rcpt_replies` (a list per address, consumed in order; "250 OK"
    once empty), and runs `on_data(envelope)` after storing a message, before answering it."""

    def __init__(self, directory: Path) -> None:
        super().__init__(directory)
        self.rcpt_replies: dict[str, list[str]] = {}
        self.on_rcpt: Callable[[str], None] | None = None
        self.on_data: Callable[[Any], None] | None = None

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        if self.on_rcpt is not None:
            self.on_rcpt(address)
        replies = self.rcpt_replies.get(address)
        if replies:
            reply = replies.pop(0)
            if not reply.startswith("250"):
                return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        answer = await super().handle_DATA(server, session, envelope)
        if self.on_data is not None:
            self.on_data(envelope)
        return answer


@dataclass
class MailSink:
    directory: Path
    port: int
    handler: ScriptedMailHandler

    def messages(self) -> list[Any]:
        return received(self.directory)


@contextmanager
def mail_sink(directory: Path) -> Iterator[MailSink]:
    handler = ScriptedMailHandler(directory)
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield MailSink(directory, port, handler)
    finally:
        controller.stop()


@dataclass
class Hit:
    headers: dict[str, str]
    body: bytes
    status: int


@dataclass
class WebhookReceiver:
    url: str
    script: list[int] = field(default_factory=list)  # status codes to answer, in order; then 200
    hits: list[Hit] = field(default_factory=list)
    processed: dict[str, dict[str, Any]] = field(default_factory=dict)  # event id -> body, deduped
    on_request: Callable[[Hit], None] | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    def wait_for(self, count: int, timeout: float = 30.0) -> list[Hit]:
        import time

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if len(self.hits) >= count:
                    return list(self.hits)
            time.sleep(0.02)
        raise AssertionError(f"{len(self.hits)} webhook requests, expected {count}")


@contextmanager
def webhook_receiver() -> Iterator[WebhookReceiver]:
    port = free_port()
    receiver = WebhookReceiver(url=f"http://127.0.0.1:{port}/hooks/peerlend")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            with receiver.lock:
                status = receiver.script.pop(0) if receiver.script else 200
                hit = Hit(dict(self.headers.items()), body, status)
                receiver.hits.append(hit)
            if receiver.on_request is not None:
                receiver.on_request(hit)
            if 200 <= status < 300:
                # what a receiver does with the event id: process each event once
                receiver.processed.setdefault(hit.headers[EVENT_ID_HEADER], json.loads(body))
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
