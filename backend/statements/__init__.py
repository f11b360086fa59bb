"""Wallet statements: monthly and annual, computed from the chain index (no table of their own)."""
