from tests.support.chain import deployed_chain  # noqa: F401
from tests.support.postgres import postgres_server, postgres_url  # noqa: F401
from tests.support.server import server_factory  # noqa: F401
