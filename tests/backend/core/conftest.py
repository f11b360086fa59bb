import pytest

from tests.backend.core.routes import router


@pytest.fixture(scope="module")
def server(module_server_factory):
    """A server with the test-only routes; limits on for /submissions and /limited only."""
    return module_server_factory(
        routers=[router],
        rate_limits={
            "signin": "1000/minute",
            "submit": "3/minute",
            "tiny": "2/hour",
            "default": "1000/minute",
        },
    )
