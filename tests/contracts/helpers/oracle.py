"""Submitting signed score batches to CreditOracle in tests."""

from brownie import chain

from helpers.eip712 import pack_reports, sign_batch


def submit(oracle, keys, sender, round_, reports, deadline=None, signatures=None):
    """Signs (unless `signatures` is given) and submits a batch; returns the transaction."""
    if deadline is None:
        deadline = chain.time() + 3600
    if signatures is None:
        signatures = sign_batch(keys, oracle, round_, deadline, reports)
    return oracle.submitBatch(round_, deadline, pack_reports(reports), signatures, {"from": sender})


def record_dict(report):
    """The CreditRecord `recordOf` should return after `report` was accepted."""
    return {k: report[k] for k in ("score", "grade", "pdBps", "modelVersion", "asOf")}
