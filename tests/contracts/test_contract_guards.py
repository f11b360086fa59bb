"""Guards of the contract layer's shape: every production contract keeps 2 KiB of room under EIP-170,
and the four parts of the split loan market agree on every storage slot, share no function selector,
and together implement exactly the merged ILoanMarket ABI clients use."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from eth_utils import function_signature_to_4byte_selector

from toolchain.contract_sizes import EIP170, HEADROOM, production_contracts

ROOT = Path(__file__).resolve().parents[2]
BUILD = ROOT / "build" / "contracts"
MARKET_PARTS = {
    "LoanMarket": "contracts/lending/LoanMarket.sol",
    "LoanMarketExt": "contracts/lending/LoanMarketExt.sol",
    "LoanMarketOrigination": "contracts/lending/LoanMarketOrigination.sol",
    "LoanMarketRestructuring": "contracts/lending/LoanMarketRestructuring.sol",
}


def _artifact(name):
    return json.loads((BUILD / f"{name}.json").read_text())


def test_every_production_contract_keeps_2kib_under_eip170():
    sizes = dict(production_contracts())
    assert {
        "LoanMarket",
        "LoanMarketExt",
        "LoanMarketOrigination",
        "LoanMarketRestructuring",
        "CollateralVault",
        "CreditOracle",
    } <= set(sizes)
    too_big = {name: size for name, size in sizes.items() if size > EIP170 - HEADROOM}
    assert not too_big, f"contracts with less than {HEADROOM} bytes under EIP-170: {too_big}"


def _selectors(abi):
    out = {}
    for item in abi:
        if item.get("type") == "function":
            signature = f"{item['name']}({','.join(_type(i) for i in item['inputs'])})"
            out["0x" + function_signature_to_4byte_selector(signature).hex()] = signature
    return out


def _type(item):
    if item["type"].startswith("tuple"):
        return f"({','.join(_type(c) for c in item['components'])}){item['type'][5:]}"
    return item["type"]


def test_no_selector_is_implemented_by_two_parts_of_the_market():
    parts = {name: _selectors(_artifact(name)["abi"]) for name in MARKET_PARTS}
    names = list(parts)
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            shared = set(parts[a]) & set(parts[b])
            assert not shared, f"{a} and {b} both implement {[parts[a][s] for s in shared]}"


def test_the_parts_implement_exactly_the_merged_abi():
    merged = _selectors(_artifact("ILoanMarket")["abi"])
    implemented = {}
    for name in MARKET_PARTS:
        implemented.update(_selectors(_artifact(name)["abi"]))
    # set-up entry points are called by the market's constructor and the deploy check, not by clients
    internal = {
        "initialize(address,address,address)",
        "extensionBoundTo()",
        "originationBoundTo()",
        "origination()",
        "restructuringBoundTo()",
        "restructuring()",
    }
    assert set(merged.values()) - set(implemented.values()) == set()
    assert set(implemented.values()) - set(merged.values()) - internal == set()


@pytest.fixture(scope="module")
def layouts():
    args = [f"{path}:{name}" for name, path in MARKET_PARTS.items()]
    node = shutil.which("node") or "node"
    out = subprocess.run(  # noqa: S603 - fixed argv: the project's own script
        [node, str(ROOT / "toolchain" / "storage-layout.cjs"), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    return json.loads(out.stdout)


def test_the_parts_of_the_market_agree_on_every_slot(layouts):
    core = layouts["LoanMarket"]
    assert core, "LoanMarket declares its storage through LoanMarketStorage"
    for name in ("LoanMarketExt", "LoanMarketOrigination", "LoanMarketRestructuring"):
        assert layouts[name][: len(core)] == core, f"{name} lays out the shared storage differently"
    assert layouts["LoanMarketOrigination"] == core  # the origination module adds nothing
    assert layouts["LoanMarketRestructuring"] == core  # nor does the restructuring module
    extra = layouts["LoanMarketExt"][len(core) :]
    assert [v["label"] for v in extra] == ["_roles"]  # AccessControl's map, after everything shared
    assert int(extra[0]["slot"]) > max(int(v["slot"]) for v in core)


def test_the_merged_abi_decodes_the_errors_calls_at_the_market_meet():
    """A front end holding only ILoanMarket decodes the stablecoin's and the vault's reverts too."""
    errors = {item["name"] for item in _artifact("ILoanMarket")["abi"] if item.get("type") == "error"}
    assert {"ERC20InsufficientAllowance", "ERC20InsufficientBalance"} <= errors  # the token's
    assert {"InsufficientCollateral", "StalePrice", "SequencerDown"} <= errors  # the vault's
    assert {"OfferSignerNotAuthorized", "PersonLimitExceeded", "NotSuitable"} <= errors  # its own
