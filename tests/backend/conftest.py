"""Fixtures shared by every service test folder (the real app over HTTP; see tests/support/server.py)."""

from tests.support.server import live_server, module_server_factory, server_factory  # noqa: F401
