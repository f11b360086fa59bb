"""Gas of attestations and oracle batches, measured from real transactions (tx gas_used).

Prints a table, writes reports/gas-identity-oracle.json and checks the oracle budgets for a batch of
100 (gas is deterministic for fixed inputs): at most 27,000 gas per borrower on a first write and
8,000 on a refresh, counted as the whole transaction divided by 100 ("perBorrower") and as the
marginal cost of one more borrower ("marginalPerBorrower", from the 10- and 100-borrower batches).

A refresh is mostly fixed costs per borrower: ~1,000 for its 64 packed calldata bytes, 5,000 for the
cold read and write of its storage word, 512 for its 64 log bytes, plus its share of the
transaction's fixed cost (21,000 base, two signatures and their recovery, the round write, two logs).
"""

import json
from pathlib import Path

import pytest
from brownie import chain
from eth_utils import keccak, to_checksum_address
from helpers.builders import attest_args, attestation, report
from helpers.eip712 import attestation_tuple, pack_reports, sign_attestation, sign_batch

REFRESH_BUDGET = 8_000
FIRST_WRITE_BUDGET = 27_000
REPORT_PATH = Path("reports/gas-identity-oracle.json")

GAS = {}


@pytest.fixture(scope="module", autouse=True)
def gas_report():
    yield GAS
    REPORT_PATH.parent.mkdir(parents=True, exist_ok=True)
    REPORT_PATH.write_text(json.dumps(GAS, indent=2, sort_keys=True) + "\n")
    width = max(len(k) for k in GAS)
    print("\n\nGas (tx gas_used)")
    for key in sorted(GAS):
        print(f"  {key:<{width}}  {GAS[key]:>10,}")
    print(f"written to {REPORT_PATH}")


def _borrowers(count, tag="b"):
    return [to_checksum_address(keccak(text=f"{tag}{i}")[12:]) for i in range(count)]


def _reports(borrowers, as_of):
    # Varied, realistic values: scores 300..849, grades A..G, PD 0.5%..35%, hashed reason codes.
    return [
        report(
            b,
            as_of=as_of,
            score=300 + (i * 37) % 550,
            grade=1 + i % 7,
            pdBps=50 + (i * 113) % 3450,
            modelVersion=3,
            reasonsHash="0x" + keccak(text=f"reasons:{b}:{as_of}").hex(),
        )
        for i, b in enumerate(borrowers)
    ]


def _submit(oracle, keys, sender, round_, reports):
    deadline = chain.time() + 3600
    signatures = sign_batch(keys[:2], oracle, round_, deadline, reports)
    return oracle.submitBatch(round_, deadline, pack_reports(reports), signatures, {"from": sender})


def _measure(oracle, keys, sender, size):
    """Gas of a first write and of a refresh of `size` borrowers."""
    if (size, "first") not in MEASURED:
        borrowers = _borrowers(size)
        now = chain.time()
        first = _submit(oracle, keys, sender, 1, _reports(borrowers, now - 3600))
        refresh = _submit(oracle, keys, sender, 2, _reports(borrowers, now - 60))
        chain.undo(2)  # the next measurement starts from the same state
        MEASURED[(size, "first")] = first.gas_used
        MEASURED[(size, "refresh")] = refresh.gas_used
        for kind in ("first", "refresh"):
            GAS[f"CreditOracle.submitBatch/{size}/{kind}"] = MEASURED[(size, kind)]
            GAS[f"CreditOracle.submitBatch/{size}/{kind}/perBorrower"] = MEASURED[(size, kind)] // size
    return MEASURED[(size, "first")], MEASURED[(size, "refresh")]


MEASURED = {}


@pytest.mark.parametrize("size", [1, 10, 100])
def test_gas_submit_batch(oracle, oracle_keys, accounts, size):
    first, refresh = _measure(oracle, oracle_keys, accounts[4], size)
    assert refresh < first


def test_gas_marginal_borrower_within_budgets(oracle, oracle_keys, accounts):
    first_10, refresh_10 = _measure(oracle, oracle_keys, accounts[4], 10)
    first_100, refresh_100 = _measure(oracle, oracle_keys, accounts[4], 100)
    marginal_first = (first_100 - first_10) // 90
    marginal_refresh = (refresh_100 - refresh_10) // 90
    GAS["CreditOracle.submitBatch/first/marginalPerBorrower"] = marginal_first
    GAS["CreditOracle.submitBatch/refresh/marginalPerBorrower"] = marginal_refresh
    assert marginal_first <= FIRST_WRITE_BUDGET
    assert marginal_refresh <= REFRESH_BUDGET


def test_gas_first_write_of_100_within_budget(oracle, oracle_keys, accounts):
    first, _ = _measure(oracle, oracle_keys, accounts[4], 100)
    assert first / 100 <= FIRST_WRITE_BUDGET


def test_gas_refresh_of_100_within_budget(oracle, oracle_keys, accounts):
    _, refresh = _measure(oracle, oracle_keys, accounts[4], 100)
    assert refresh / 100 <= REFRESH_BUDGET


def test_gas_attest(registry, attester, accounts):
    new = registry.attest(*attest_args(accounts[5]).values(), {"from": attester})
    update = registry.attest(*attest_args(accounts[5], level=1).values(), {"from": attester})
    GAS["IdentityRegistry.attest/new"] = new.gas_used
    GAS["IdentityRegistry.attest/update"] = update.gas_used


def test_gas_attest_with_signature(registry, attester_key, accounts):
    wallet = accounts[6]
    a0 = attestation(wallet, nonce=0)
    new = registry.attestWithSignature(
        attestation_tuple(a0), sign_attestation(attester_key, registry, a0), {"from": wallet}
    )
    a1 = attestation(wallet, nonce=1, level=1)
    update = registry.attestWithSignature(
        attestation_tuple(a1), sign_attestation(attester_key, registry, a1), {"from": wallet}
    )
    GAS["IdentityRegistry.attestWithSignature/new"] = new.gas_used
    GAS["IdentityRegistry.attestWithSignature/update"] = update.gas_used


def test_gas_freeze_revoke(registry, attester, compliance, accounts):
    registry.attest(*attest_args(accounts[5]).values(), {"from": attester})
    GAS["IdentityRegistry.freeze"] = registry.freeze(accounts[5], 1, {"from": compliance}).gas_used
    GAS["IdentityRegistry.unfreeze"] = registry.unfreeze(accounts[5], 1, {"from": compliance}).gas_used
    GAS["IdentityRegistry.revoke"] = registry.revoke(accounts[5], 1, {"from": attester}).gas_used
