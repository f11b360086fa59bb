"""Fixtures of this folder, defined in disclosure_support.py so tests can import its constants under a
unique module name."""

from disclosure_support import *  # noqa: F403
