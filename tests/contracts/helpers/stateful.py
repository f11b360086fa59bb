"""`state_machine`: Brownie's stateful-test runner, usable with Brownie 1.22's compiled wheels.

Brownie 1.22 ships `brownie.test.stateful` compiled with mypyc, and the compiled module rejects the
state-machine class it generates itself ("_BrownieStateMachine object expected; got
BrownieStateMachine"). The wheel also ships the module's Python source next to it; loading that
source gives the same runner (same rules/invariants/initialize naming, snapshot per example)
without the compiled type check. Use exactly like `brownie.test.state_machine`.
"""

import importlib.util
import os
from pathlib import Path

import brownie.test

_source = Path(brownie.test.__file__).with_name("stateful.py")
_spec = importlib.util.spec_from_file_location("brownie_test_stateful_source", _source)
_module = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_module)

state_machine = _module.state_machine


def stateful_settings(examples, steps):
    """Hypothesis settings for a stateful suite: `make test` runs `examples` fixed (derandomized) sequences
    of up to `steps` steps, so the suite and its coverage checks behave the same in every run; `make fuzz`
    sets PEERLEND_FUZZ_EXAMPLES and runs that many fresh random sequences instead."""
    fuzz = int(os.environ.get("PEERLEND_FUZZ_EXAMPLES", "0"))
    return {
        "max_examples": fuzz or examples,
        "stateful_step_count": steps,
        "deadline": None,
        "derandomize": not fuzz,
        "database": None,
    }
