"""Shared helpers for the Brownie contract tests (importable as `helpers` from tests/contracts)."""
