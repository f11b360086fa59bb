"""A wallet's contact points, sealed at rest: each field AES-GCM encrypted under the service keyring with
its wallet and column as associated data (backend/privacy). Plaintext exists only in memory, for the
owner's own preferences page and for the sender putting a message on its way."""

from __future__ import annotations

import ipaddress
import re
import secrets
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from sqlalchemy.orm import Session

from backend.notifications.models import NotificationContact, contact_aad
from backend.privacy.crypto import Keyring

_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
# a local part without spaces, quotes or the characters that separate addresses; a dotted domain
EMAIL = re.compile(rf"^[^@\s<>\"(),;:\\\[\]]{{1,64}}@{_LABEL}(?:\.{_LABEL})+$")
SECRET_PREFIX = "whsec_"  # noqa: S105 - a prefix telling what the value is, not a secret
FIELDS = ("email", "webhook_url", "webhook_secret")


@dataclass(frozen=True)
class ContactPoints:
    email: str | None = None
    webhook_url: str | None = None
    webhook_secret: str | None = None


def read_contacts(session: Session, keyring: Keyring, wallet: str) -> ContactPoints:
    row = session.get(NotificationContact, wallet)
    if row is None:
        return ContactPoints()
    return ContactPoints(
        **{field: _open(keyring, wallet, field, getattr(row, f"{field}_ciphertext")) for field in FIELDS}
    )


def seal(keyring: Keyring, wallet: str, field: str, value: str | None) -> str | None:
    return None if value is None else keyring.encrypt(value.encode(), contact_aad(wallet, field))


def _open(keyring: Keyring, wallet: str, field: str, envelope: str | None) -> str | None:
    return None if envelope is None else keyring.decrypt(envelope, contact_aad(wallet, field)).decode()


def new_webhook_secret() -> str:
    """The key a subscriber verifies signatures with (HMAC-SHA256 over `timestamp.body`)."""
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def email_problem(address: str) -> str | None:
    """Why `address` is not an email address we can send to, or None."""
    if len(address) > 254 or not EMAIL.match(address):
        return "not an email address (local-part@domain)"
    return None


def webhook_url_problem(url: str, production: bool) -> str | None:
    """Why `url` cannot receive webhooks, or None: http(s) with a host, no credentials in it, https only
    in production; in production an IP literal in a private range is refused here already (names are
    resolved and checked again at each delivery, see `private_address`)."""
    if len(url) > 2048:
        return "longer than 2048 characters"
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018 - raises on a port out of range
    except ValueError:
        return "not a URL"
    if parts.scheme not in ("http", "https") or not host:
        return "an http or https URL with a host"
    if parts.username or parts.password:
        return "credentials do not belong in the URL; verify the signature instead"
    if production:
        if parts.scheme != "https":
            return "https only"
        if _is_private(host):
            return "a private, loopback or link-local address"
    return None


def _is_private(host: str) -> bool:
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return host.lower() in ("localhost",) or host.lower().endswith(".localhost")
    return not address.is_global


def private_address(url: str) -> bool:
    """Whether the URL's host resolves (now) to any address that is not globally routable."""
    host = urlsplit(url).hostname or ""
    if _is_private(host):
        return True
    try:
        infos = socket.getaddrinfo(host, None)
    except OSError:
        return False  # the request fails on its own and is retried
    return any(not ipaddress.ip_address(str(info[4][0]).split("%")[0]).is_global for info in infos)
