"""schemathesis over every operation of the OpenAPI schema, three ways: unauthenticated, with an operator
API key (every role) and with a wallet's SIWE token. Every check schemathesis has runs (no 5xx, responses
and status codes as documented, invalid data refused, valid data accepted, authentication not ignored).

One allowance: a 422 whose problem `type` is a business rule (an opaque cursor this list never returned,
a national ID whose checksum fails, an amount outside the lending limits) answers schema-valid data the
schema cannot tell apart; schema violations are `validation-error` and must not happen to valid data.

`make test` runs a few examples per operation and mode (PEERLEND_FUZZ_EXAMPLES unset: 5); `make fuzz`
raises it (toolchain/fuzz.sh sets PEERLEND_FUZZ_EXAMPLES, 500 by default).
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from eth_account import Account
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tests.support.server import create_operator_key, siwe_login

EXAMPLES = int(os.environ.get("PEERLEND_FUZZ_EXAMPLES", "5"))
SCHEMA_VIOLATION = "validation-error"


@pytest.fixture(scope="module")
def fuzz_server(module_server_factory):
    # Rate limits off: schemathesis sends far more than a client would; abuse control has its own tests.
    server = module_server_factory(rate_limit_enabled=False)
    server.operator_key = create_operator_key(server, "admin", "reviewer", "compliance", "oracle")
    server.wallet = Account.create()
    server.wallet_token = siwe_login(server, server.wallet)
    return server


@pytest.fixture(scope="module")
def api_schema(fuzz_server):
    return schemathesis.openapi.from_url(f"{fuzz_server}/openapi.json")


def business_aware_positive_data_acceptance(ctx, response, case):
    """positive_data_acceptance, except for a 422 refusing schema-valid data on a business rule."""
    if response.status_code == 422:
        try:
            kind = response.json().get("type")
        except ValueError:
            kind = None
        if kind and kind != SCHEMA_VIOLATION:
            return None
    return positive_data_acceptance(ctx, response, case)


def _headers(server, mode: str, case) -> dict[str, str]:
    if mode == "operator":
        return {"X-API-Key": server.operator_key}
    if mode == "wallet":
        if case.operation.path.endswith("/auth/signout"):
            return {"Authorization": f"Bearer {siwe_login(server, server.wallet)}"}  # a token to spend
        return {"Authorization": f"Bearer {server.wallet_token}"}
    return {}


def _fuzz(server, api_schema, mode: str) -> dict[str, str]:
    """Every operation, positive and negative data, up to EXAMPLES cases each; the first failure of each
    (operation, data mode) is collected, so one run reports them all."""
    failures: dict[str, str] = {}
    operations = 0
    for result in api_schema.get_all_operations():
        operation = result.ok()
        operations += 1
        for generation in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @given(case=operation.as_strategy(generation))
            @settings(
                max_examples=EXAMPLES,
                deadline=None,
                suppress_health_check=list(HealthCheck),
                derandomize=EXAMPLES <= 5,  # `make test`: the same cases every run; `make fuzz`: fresh ones
                database=None,
                phases=[Phase.explicit, Phase.generate],  # report the first failure, do not shrink it
            )
            def run(case):
                case.call_and_validate(
                    base_url=str(server),
                    headers=_headers(server, mode, case),
                    excluded_checks=[positive_data_acceptance],
                    additional_checks=[business_aware_positive_data_acceptance],
                )

            try:
                run()
            except Unsatisfiable:  # nothing to make invalid: an operation without parameters or body
                continue
            except (Exception, BaseExceptionGroup) as exc:
                failures[f"{operation.label} ({generation.value})"] = _summary(exc)
    assert operations >= 35, f"only {operations} operations in the schema"
    return failures


def _summary(exc: Exception) -> str:
    """The failure's kinds (- ST...), its answer and how to reproduce it, from schemathesis' report."""
    text = str(exc)
    keep = [line.strip() for line in text.splitlines() if line.strip().startswith(("- ST", "[", "curl", "`"))]
    return "\n".join(keep)[:1500] or text[:1500]


def test_anonymous(fuzz_server, api_schema):
    failures = _fuzz(fuzz_server, api_schema, "anonymous")
    assert not failures, "\n\n".join(f"{k}:\n{v}" for k, v in failures.items())


def test_with_an_operator_key(fuzz_server, api_schema):
    failures = _fuzz(fuzz_server, api_schema, "operator")
    assert not failures, "\n\n".join(f"{k}:\n{v}" for k, v in failures.items())


def test_with_a_wallet_token(fuzz_server, api_schema):
    failures = _fuzz(fuzz_server, api_schema, "wallet")
    assert not failures, "\n\n".join(f"{k}:\n{v}" for k, v in failures.items())
