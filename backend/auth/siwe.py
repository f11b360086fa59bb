"""A strict EIP-4361 (Sign-In with Ethereum) message parser and builder.

Only the exact layout of the standard is accepted: anything unexpected is a malformed message, never
silently ignored, because the signed text is the whole authorization.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from eth_account import Account
from eth_account.messages import encode_defunct
from eth_utils import is_checksum_address

_HEADER = re.compile(
    r"^(?:(?P<scheme>[a-zA-Z][a-zA-Z0-9+.-]*)://)?(?P<domain>[^\s/?#]+) wants you to sign in with your "
    r"Ethereum account:$"
)
_ADDRESS = re.compile(r"^0x[0-9a-fA-F]{40}$")
_NONCE = re.compile(r"^[A-Za-z0-9]{8,64}$")
_URI = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:\S+$")
_RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$")
_OPTIONAL_FIELDS = (
    ("Expiration Time", "expiration_time"),
    ("Not Before", "not_before"),
    ("Request ID", "request_id"),
)


class SiweMessageError(ValueError):
    """The text is not a well-formed EIP-4361 message."""


@dataclass(frozen=True)
class SiweMessage:
    domain: str
    address: str
    statement: str | None
    uri: str
    version: str
    chain_id: int
    nonce: str
    issued_at: datetime
    expiration_time: datetime | None = None
    not_before: datetime | None = None
    request_id: str | None = None
    resources: tuple[str, ...] = field(default_factory=tuple)
    scheme: str | None = None

    def to_text(self) -> str:
        return build_message(
            domain=self.domain,
            address=self.address,
            statement=self.statement,
            uri=self.uri,
            chain_id=self.chain_id,
            nonce=self.nonce,
            issued_at=self.issued_at,
            expiration_time=self.expiration_time,
            not_before=self.not_before,
            request_id=self.request_id,
            resources=self.resources,
            scheme=self.scheme,
            version=self.version,
        )


def _timestamp(value: str, name: str) -> datetime:
    if not _RFC3339.match(value):
        raise SiweMessageError(f"{name} is not an RFC 3339 timestamp")
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise SiweMessageError(f"{name} is not a valid timestamp") from exc
    return parsed


def format_timestamp(value: datetime) -> str:
    return value.isoformat(timespec="seconds").replace("+00:00", "Z")


def parse_message(text: str) -> SiweMessage:
    if "\r" in text:
        raise SiweMessageError("line endings must be LF")
    lines = text.split("\n")
    pos = 0

    def take(what: str) -> str:
        nonlocal pos
        if pos >= len(lines):
            raise SiweMessageError(f"message ends before {what}")
        line = lines[pos]
        pos += 1
        return line

    header = _HEADER.match(take("the header"))
    if not header:
        raise SiweMessageError(
            "first line must be '<domain> wants you to sign in with your Ethereum account:'"
        )
    address = take("the address")
    if not _ADDRESS.match(address):
        raise SiweMessageError("second line must be a 0x-prefixed Ethereum address")
    if not is_checksum_address(address):
        raise SiweMessageError("address must be EIP-55 checksummed")
    if take("the blank line after the address") != "":
        raise SiweMessageError("expected a blank line after the address")

    statement: str | None = None
    line = take("the statement or URI")
    if line == "":
        pass  # no statement: the grammar keeps both blank lines
    else:
        if line.startswith("URI: "):
            raise SiweMessageError("expected a blank line before URI")
        statement = line
        if take("the blank line after the statement") != "":
            raise SiweMessageError("statement must be a single line followed by a blank line")

    def tagged(tag: str) -> str:
        line = take(tag)
        prefix = f"{tag}: "
        if not line.startswith(prefix):
            raise SiweMessageError(f"expected '{prefix}...'")
        return line[len(prefix) :]

    uri = tagged("URI")
    if not _URI.match(uri):
        raise SiweMessageError("URI is not an RFC 3986 URI")
    version = tagged("Version")
    if version != "1":
        raise SiweMessageError("Version must be 1")
    chain_text = tagged("Chain ID")
    if not chain_text.isdigit() or chain_text.startswith("0"):
        raise SiweMessageError("Chain ID must be a positive integer")
    nonce = tagged("Nonce")
    if not _NONCE.match(nonce):
        raise SiweMessageError("Nonce must be 8 or more alphanumeric characters")
    issued_at = _timestamp(tagged("Issued At"), "Issued At")

    optional: dict[str, object] = {}
    for tag, attr in _OPTIONAL_FIELDS:
        if pos < len(lines) and lines[pos].startswith(f"{tag}: "):
            value = tagged(tag)
            optional[attr] = value if attr == "request_id" else _timestamp(value, tag)
    resources: list[str] = []
    if pos < len(lines) and lines[pos] == "Resources:":
        pos += 1
        while pos < len(lines) and lines[pos].startswith("- "):
            resource = lines[pos][2:]
            if not _URI.match(resource):
                raise SiweMessageError("resource is not a URI")
            resources.append(resource)
            pos += 1
    if pos != len(lines):
        raise SiweMessageError(f"unexpected content on line {pos + 1}")

    return SiweMessage(
        domain=header.group("domain"),
        scheme=header.group("scheme"),
        address=address,
        statement=statement,
        uri=uri,
        version=version,
        chain_id=int(chain_text),
        nonce=nonce,
        issued_at=issued_at,
        resources=tuple(resources),
        **optional,  # type: ignore[arg-type]
    )


def build_message(
    *,
    domain: str,
    address: str,
    uri: str,
    chain_id: int,
    nonce: str,
    issued_at: datetime,
    statement: str | None = None,
    expiration_time: datetime | None = None,
    not_before: datetime | None = None,
    request_id: str | None = None,
    resources: tuple[str, ...] | list[str] = (),
    scheme: str | None = None,
    version: str = "1",
) -> str:
    lines = [
        f"{scheme + '://' if scheme else ''}{domain} wants you to sign in with your Ethereum account:",
        address,
        "",
    ]
    if statement:
        lines += [statement, ""]
    else:
        lines += [""]
    lines += [
        f"URI: {uri}",
        f"Version: {version}",
        f"Chain ID: {chain_id}",
        f"Nonce: {nonce}",
        f"Issued At: {format_timestamp(issued_at)}",
    ]
    if expiration_time is not None:
        lines.append(f"Expiration Time: {format_timestamp(expiration_time)}")
    if not_before is not None:
        lines.append(f"Not Before: {format_timestamp(not_before)}")
    if request_id is not None:
        lines.append(f"Request ID: {request_id}")
    if resources:
        lines.append("Resources:")
        lines += [f"- {r}" for r in resources]
    return "\n".join(lines)


def recover_signer(message: str, signature: str) -> str:
    """EIP-191 personal-sign recovery; raises ValueError on a malformed signature."""
    try:
        return Account.recover_message(encode_defunct(text=message), signature=signature)
    except Exception as exc:  # eth_keys raises several unrelated types for bad input
        raise ValueError("signature cannot be recovered") from exc
