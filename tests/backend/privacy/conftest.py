from tests.backend.kyc.kyc_support import kyc_server  # noqa: F401
from tests.support.chain import deployed_chain  # noqa: F401
from tests.support.server import module_server_factory, server_factory  # noqa: F401
