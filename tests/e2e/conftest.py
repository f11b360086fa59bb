from tests.support.chain import deployed_chain  # noqa: F401
