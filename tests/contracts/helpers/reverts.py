"""`assert_reverts_with`: expect a revert with one custom error, and exactly its arguments when given.

Brownie 1.22 decodes a custom error into `revert_msg` as "Name: arg1, arg2" using the error ABIs of
every compiled contract (keyed by selector). With arguments we build the expected revert data from
the error's ABI and the arguments, run it through the same decoder and compare strings, so a wrong
error, a wrong argument or an argument in the wrong place all fail. Without arguments only the error
is checked (for errors whose arguments a test cannot know, such as a recovered signer).
Every contract test folder uses this one helper, as the `err` and `reverts_with` fixtures.
"""

from contextlib import contextmanager

import brownie
import pytest
from brownie.exceptions import VirtualMachineError, _errors, decode_typed_error
from eth_abi import encode
from eth_utils import keccak
from hexbytes import HexBytes


def _signature(abi):
    return f"{abi['name']}({','.join(i['type'] for i in abi['inputs'])})"


def _project_errors():
    """Error ABIs declared by the loaded project's contracts (Brownie's own registry, keyed by
    selector, also holds errors of every other project compiled on this machine)."""
    found = []
    for project in brownie.project.get_loaded_projects():
        for container in project:
            found.extend(item for item in container.abi if item.get("type") == "error")
    return found


def _matching(abis, error):
    if "(" in error:
        return [abi for abi in abis if _signature(abi) == error.replace(" ", "")]
    return [abi for abi in abis if abi["name"] == error]


def _error_abi(error, arity=None):
    """`error` is a name ("InvalidLevel") or, when two errors share a name, a full signature.

    Two errors may share a name with different parameters (none of PeerLend's do since the shared ones
    moved to IPeerLendErrors, but Brownie's registry also holds other projects' errors); the number of
    arguments the test passes picks between them, and only a remaining tie needs the full signature."""
    matches = _matching(_project_errors(), error) or _matching(_errors.values(), error)
    if not matches:
        raise LookupError(f"no compiled contract declares the error {error!r}")
    if arity is not None and len({_signature(abi) for abi in matches}) > 1:
        matches = [abi for abi in matches if len(abi["inputs"]) == arity] or matches
    if len({_signature(abi) for abi in matches}) > 1:
        names = sorted({_signature(abi) for abi in matches})
        raise LookupError(f"{error!r} is ambiguous, pass one of {names}")
    return matches[0]


def _normalise(abi_type, value):
    if abi_type == "address":
        return str(getattr(value, "address", value))
    if abi_type.startswith("bytes") and isinstance(value, str):
        return HexBytes(value)
    return value


def expected_revert_msg(error, *args):
    """The `revert_msg` Brownie reports for `error(args)`."""
    abi = _error_abi(error, arity=len(args))
    types = [i["type"] for i in abi["inputs"]]
    if len(types) != len(args):
        raise TypeError(f"{_signature(abi)} takes {len(types)} arguments, got {len(args)}")
    selector = keccak(text=_signature(abi))[:4]
    data = selector + encode(types, [_normalise(t, a) for t, a in zip(types, args, strict=False)])
    return decode_typed_error("0x" + data.hex())


@contextmanager
def assert_reverts_with(error, *args):
    """Context manager: the block must revert with `error`, and with exactly `args` when given.

    with assert_reverts_with("InvalidLevel", 3):
        registry.attest(wallet, 3, 1, 840, expiry, commitment, {"from": attester})
    """
    expected = expected_revert_msg(error, *args) if args else None
    with pytest.raises(VirtualMachineError) as info:
        yield info
    actual = info.value.revert_msg or ""
    if expected is not None:
        assert actual == expected, f"reverted with {actual!r}, expected {expected!r}"
        return
    name = error.split("(")[0]
    assert actual.partition(": ")[0] == name, f"reverted with {actual!r}, expected {name}"


def call_expecting(call, error):
    """For model-based tests: runs `call`, which must succeed when `error` is None (its result is
    returned) and otherwise revert with exactly `error` = (name, *args)."""
    if error is None:
        return call()
    expected = expected_revert_msg(*error)
    with pytest.raises(VirtualMachineError) as info:
        call()
    assert info.value.revert_msg == expected, (info.value.revert_msg, error)
