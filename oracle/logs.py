"""Logging for the oracle processes, with a filter that scrubs key material from every record."""

from __future__ import annotations

import logging
import re

REDACTED = "[REDACTED]"


class SecretFilter(logging.Filter):
    """Replaces each registered secret (with or without 0x, any case) in a record's final message."""

    def __init__(self, secrets: list[str] | None = None):
        super().__init__()
        self._patterns: list[re.Pattern] = []
        for secret in secrets or []:
            self.add(secret)

    def add(self, secret: str) -> None:
        bare = secret[2:] if secret.lower().startswith("0x") else secret
        if len(bare) >= 16:
            self._patterns.append(re.compile(f"(0x)?{re.escape(bare)}", re.IGNORECASE))

    def scrub(self, text: str) -> str:
        for pattern in self._patterns:
            text = pattern.sub(REDACTED, text)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        scrubbed = self.scrub(message)
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.scrub(record.exc_text)
        if scrubbed != message:
            record.msg, record.args = scrubbed, None
        return True


def setup_logging(level: str = "INFO", secrets: list[str] | None = None) -> SecretFilter:
    """Root logging with the secret filter on every handler (handlers, not loggers, see every record)."""
    secret_filter = SecretFilter(secrets)
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    for handler in logging.getLogger().handlers:
        handler.addFilter(secret_filter)
    for chatty in ("httpx", "httpcore", "uvicorn.access", "web3", "urllib3"):
        logging.getLogger(chatty).setLevel(max(logging.WARNING, logging.getLogger().level))
    return secret_filter
