"""Fixtures of this folder, defined in system_support.py so tests can import its constants and helpers
under a unique module name (every folder's conftest.py is importable as plain `conftest`)."""

from system_support import *  # noqa: F403
