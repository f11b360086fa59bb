"""Fixtures of this folder, defined in roles_support.py so tests can import its constants and helpers
under a unique module name (every folder's conftest.py is importable as plain `conftest`)."""

from roles_support import *  # noqa: F403
