"""Loans API tests: the real app over HTTP with the synthetic lifecycle indexed into its database."""

import pytest

from tests.backend.loans.lifecycle import lifecycle, store


@pytest.fixture(scope="module")
def loans_server(module_server_factory):
    server = module_server_factory(rate_limit_enabled=False)
    with server.session() as session:
        store(session, lifecycle())
        session.commit()
    return server
