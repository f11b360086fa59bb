"""The API's one wire convention, as pydantic types (README "API conventions").

- `ApiModel`: every request and response body. Keys are camelCase on the wire (an alias generator;
  Python code uses snake_case names, and requests may use either), responses are validated from ORM
  rows (`from_attributes`) rather than mapped by hand.
- `Amount` / `AmountIn`: integer base units as decimal strings ("1234567890123456789"), so 18-decimal
  amounts survive JavaScript; inputs refuse JSON numbers and floats.
- `Timestamp`: a time as ISO 8601 UTC ("2026-01-31T12:00:00Z"); integer Unix seconds (block
  timestamps, the chain's clock) are converted on the way out.
- `Page[T]`: `{"items": [...], "nextCursor": "..." | null}`, with an opaque cursor (`encode_cursor`).
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from datetime import UTC, datetime
from typing import Annotated, Any, Generic, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    WithJsonSchema,
)
from pydantic.alias_generators import to_camel

from backend.core.problems import invalid_cursor

UINT256_MAX = 2**256 - 1
INT64_MAX = 2**63 - 1
# Ids and counts in the API stay within JavaScript's safe integers (and so within a JSON Schema bound a
# double can hold exactly): 2^53 - 1.
ID_MAX = 2**53 - 1
ADDRESS_PATTERN = r"^0x[0-9a-fA-F]{40}$"
HASH_PATTERN = r"^0x[0-9a-fA-F]{64}$"
_DIGITS = re.compile(r"^[0-9]{1,78}$")


class ApiModel(BaseModel):
    """Base of every API body: camelCase keys, validated from attributes, serialised by alias."""

    model_config = ConfigDict(
        alias_generator=to_camel,
        validate_by_name=True,
        validate_by_alias=True,
        serialize_by_alias=True,
        from_attributes=True,
    )


class ApiInput(ApiModel):
    """Base of request bodies: unknown keys are refused (a typo is an error, not a silent default), and
    values must have the JSON type the schema says (strict: "12" is not the integer 12)."""

    model_config = ConfigDict(extra="forbid", strict=True)


# ------------------------------------------------------------------------------------------ amounts


def _amount_out(value: Any) -> int:
    # Read models keep uint256 values as decimal text; integers come from integer columns.
    if isinstance(value, str) and _DIGITS.match(value):
        return int(value)
    return value


def _amount_in(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, str):
        raise ValueError('amounts are decimal strings of integer base units, e.g. "2500000000"')
    if not _DIGITS.match(value):
        raise ValueError('an amount is 1-78 decimal digits of integer base units, e.g. "2500000000"')
    number = int(value)
    if number > UINT256_MAX:
        raise ValueError("an amount fits in 256 bits")
    return number


_AMOUNT_SCHEMA = {"type": "string", "pattern": "^[0-9]{1,78}$", "examples": ["2500000000"]}

Amount = Annotated[
    int,
    BeforeValidator(_amount_out),
    PlainSerializer(str, return_type=str),
    WithJsonSchema(_AMOUNT_SCHEMA),
]
"""A base-unit amount in a response: a decimal string on the wire."""

AmountIn = Annotated[int, BeforeValidator(_amount_in), WithJsonSchema(_AMOUNT_SCHEMA)]
"""A base-unit amount in a request: a decimal string; JSON numbers (and so floats) are refused."""


# ------------------------------------------------------------------------------------------ times


def _timestamp(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return datetime.fromtimestamp(value, UTC)
    if isinstance(value, datetime) and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def _iso_z(value: datetime) -> str:
    value = value.astimezone(UTC)
    text = value.isoformat(timespec="milliseconds" if value.microsecond else "seconds")
    return text.replace("+00:00", "Z")


Timestamp = Annotated[
    datetime,
    BeforeValidator(_timestamp),
    PlainSerializer(_iso_z, return_type=str),
    WithJsonSchema({"type": "string", "format": "date-time", "examples": ["2026-01-31T12:00:00Z"]}),
]
"""A time: ISO 8601 in UTC with a `Z`; Unix seconds (block timestamps) are accepted from rows."""


# ------------------------------------------------------------------------------------------ inputs


def whole_number(value: Any) -> Any:
    # JSON has one number type: 12.0 is the integer 12 (as JSON Schema says); 12.5 and "12" are not.
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


WholeNumber = Annotated[int, BeforeValidator(whole_number)]
"""An integer in a request body: a JSON number without a fraction (strict models refuse "12")."""

Address = Annotated[
    str,
    Field(pattern=ADDRESS_PATTERN, min_length=42, max_length=42, examples=["0x" + "ab" * 20]),
]
NonEmpty = Annotated[str, Field(min_length=1, max_length=200)]


def _checksum(value: str) -> str:
    from eth_utils import to_checksum_address

    return to_checksum_address(value)


ChecksumAddress = Annotated[Address, AfterValidator(_checksum)]


# ------------------------------------------------------------------------------------------ pages

T = TypeVar("T")


class Page(ApiModel, Generic[T]):
    """A page of a list: pass `nextCursor` back as `cursor` for the next page; null on the last page."""

    items: list[T]
    next_cursor: str | None = Field(default=None, description="opaque; null when there is no next page")


def encode_cursor(kind: str, position: dict[str, Any]) -> str:
    raw = json.dumps({"k": kind, **position}, separators=(",", ":"), sort_keys=True).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(kind: str, cursor: str | None, fields: dict[str, type]) -> dict[str, Any] | None:
    """The position a cursor of list `kind` holds, checked field by field; 422 `invalid-cursor` else."""
    if cursor is None:
        return None
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError) as exc:
        raise invalid_cursor() from exc
    if not isinstance(data, dict) or data.get("k") != kind:
        raise invalid_cursor()
    position = {}
    for name, kind_type in fields.items():
        value = data.get(name)
        if kind_type is int:
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= INT64_MAX:
                raise invalid_cursor()
        elif kind_type is str:
            if not isinstance(value, str) or len(value) > 200:
                raise invalid_cursor()
        elif value is not None and not isinstance(value, kind_type):
            raise invalid_cursor()
        position[name] = value
    return position
