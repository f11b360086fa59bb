"""`ThroughTimelock`: a caller that acts as the timelock, the way every governed change of the deployed
system is made: a proposer schedules the call, the delay passes, and the call is executed. A revert of
the target comes back unchanged (TimelockController bubbles it), so role checks read the same as for a
wallet, with the timelock as the account."""

from itertools import count

from brownie import chain

ZERO32 = "0x" + "00" * 32
_salts = count(1)  # a fresh operation id for every call, even the same call twice


class ThroughTimelock:
    def __init__(self, timelock, proposer):
        self.timelock = timelock
        self.proposer = proposer
        self.address = timelock.address

    def __str__(self):
        return self.address

    def __repr__(self):
        return f"<ThroughTimelock {self.address}>"

    def perform(self, contract, fn_name, args):
        """Schedules `contract.fn_name(*args)`, waits out the delay and executes it; returns the execution."""
        data = getattr(contract, fn_name).encode_input(*args)
        salt = "0x" + next(_salts).to_bytes(32, "big").hex()
        delay = self.timelock.getMinDelay()
        self.timelock.schedule(contract, 0, data, ZERO32, salt, delay, {"from": self.proposer})
        chain.sleep(delay + 1)
        return self.timelock.execute(contract, 0, data, ZERO32, salt, {"from": self.proposer})
