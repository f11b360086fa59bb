"""Lending contract events -> loans, schedules, repayments, notes, portfolios (filled in below)."""

from __future__ import annotations

HANDLERS: dict = {}
