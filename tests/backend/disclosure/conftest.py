"""Disclosure tests on the deployed system share the session's chain."""

from tests.support.chain import deployed_chain  # noqa: F401
