"""How notices write amounts and times: stablecoin base units (6 decimals) as exact decimals, chain times
as UTC."""

from __future__ import annotations

from datetime import UTC, datetime

DECIMALS = 6


def amount(base_units: int) -> str:
    """1234560000 -> "1,234.56": every significant decimal, at least two."""
    whole, fraction = divmod(abs(int(base_units)), 10**DECIMALS)
    digits = f"{fraction:0{DECIMALS}d}".rstrip("0").ljust(2, "0")
    return f"{'-' if base_units < 0 else ''}{whole:,}.{digits}"


def when(timestamp: int) -> str:
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d %H:%M UTC")


def day(timestamp: int) -> str:
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d")
