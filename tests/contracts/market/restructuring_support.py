"""Helpers of the restructuring tests (test_restructure_*.py, test_restructured_schedule.py): proposing,
approving and executing a new schedule on the `drawn` loan of market_support (10,000 USD, 12 x 30 days,
9% APR, four notes of 2,500 held by lenders[0..3]), and the independent loan model
(tests/support/loan_model.py) that says what the chain must show after it.
"""

import copy

import brownie
from helpers.chain_time import latest_timestamp, pin_next_block_time
from helpers.eip712 import sign_restructure_approval
from helpers.keys import dev_key
from market_support import BPS, DAY, GRADES, LATE_BPS_PER_DAY, RESERVE_BPS, SERVICING_BPS, USD, note_id

from tests.support.loan_model import LoanModel

PERIOD = 30 * DAY
APR = GRADES[2][0]
LENDER_INDEX = 5  # lenders[i] is accounts[5 + i]


def notes_of(loan_id, count=4):
    return [note_id(loan_id, i) for i in range(count)]


def propose(market, loan_id, borrower, extra=0, holiday=0, expiry_in=7 * DAY):
    """The borrower's proposal, open for `expiry_in` from the latest block; returns its id."""
    expiry = latest_timestamp() + expiry_in
    return market.proposeRestructure(loan_id, extra, holiday, expiry, {"from": borrower}).return_value


def approve(market, loan_id, proposal_id, lenders, indexes):
    """lenders[i] approves for its own note i of the loan, for each i in `indexes`."""
    for i in indexes:
        market.approveRestructure(loan_id, proposal_id, [note_id(loan_id, i)], {"from": lenders[i]})


def execute(market, loan_id, indexes, sender):
    return market.executeRestructure(
        loan_id, [note_id(loan_id, i) for i in sorted(indexes)], {"from": sender}
    )


def lender_key(i):
    """The private key of lenders[i], for signed approvals."""
    return dev_key(LENDER_INDEX + i)


def signed(market, loan_id, proposal_id, i, deadline=None, nonce=None, **domain):
    """lenders[i]'s signed approval: (deadline, signature)."""
    holder = lender_key(i).address
    deadline = deadline if deadline is not None else latest_timestamp() + DAY
    nonce = market.restructureNonce(holder) if nonce is None else nonce
    return deadline, sign_restructure_approval(
        lender_key(i), market, loan_id, proposal_id, nonce, deadline, **domain
    )


def model_of(market, loan_id, lenders):
    """The loan as the model says it stands just after drawdown (from its terms, not its accrual)."""
    loan = market.getLoan(loan_id)
    shares = {str(lenders[i]): 2_500 * USD for i in range(4)}
    return LoanModel.drawn(loan["principal"], shares, APR, PERIOD, loan["numPeriods"], loan["drawnAt"])


def repay_at(market, model, loan_id, payer, amount, when=None):
    """Repays `amount` in a block at `when` (default: the next second), moves the model the same way and
    checks the chain split the payment as the model did. Returns the model's (late, interest, principal)."""
    ts = pin_next_block_time() if when is None else _pin(when)
    model.accrue(ts, LATE_BPS_PER_DAY)
    split = model.apply(min(amount, model.payoff()))
    model.credit_lenders(to_notes(*split))
    ev = market.repay(loan_id, amount, {"from": payer}).events["LoanRepaid"]
    assert (ev["lateFee"], ev["interest"], ev["principal"]) == split
    return split


def at(market, ts, fn, *args):
    """Runs `fn(*args)` (a transaction) in a block at exactly `ts`."""
    _pin(ts)
    return fn(*args)


def _pin(ts):
    brownie.web3.provider.make_request("evm_setNextBlockTimestamp", [ts])
    return ts


def assert_matches(market, model, loan_id):
    """Every accrual field the model keeps equals the chain's view (accrued to the latest block), to the
    base unit. A view writes nothing, so the model is accrued on a copy: each accrual the chain stores
    rounds its own segment, and the model must round at the same moments."""
    loan = market.getLoan(loan_id, block_identifier="latest")
    model = copy.deepcopy(model)
    model.accrue(brownie.web3.eth.get_block("latest").timestamp, LATE_BPS_PER_DAY)
    got = {
        "principalOutstanding": loan["principalOutstanding"],
        "interestUnpaid": loan["interestUnpaid"],
        "interestNotDue": loan["interestNotDue"],
        "lateFeeUnpaid": loan["lateFeeUnpaid"],
        "schedBalance": loan["schedBalance"],
        "duePeriods": loan["duePeriods"],
        "drawnAt": loan["drawnAt"],
        "numPeriods": loan["numPeriods"],
        "installment": loan["installment"],
    }
    want = {
        "principalOutstanding": model.principal_out,
        "interestUnpaid": model.interest_unpaid,
        "interestNotDue": model.interest_not_due,
        "lateFeeUnpaid": model.late_fee,
        "schedBalance": model.sched_balance,
        "duePeriods": model.due_periods,
        "drawnAt": model.drawn_at,
        "numPeriods": model.n,
        "installment": model.installment,
    }
    assert got == want


def to_notes(late, interest, principal):
    """What reaches the notes of a performing loan's payment: all of it less the servicing fee and the
    reserve share, each rounded up on late fees and interest (ILoanMarket, Distribution)."""
    base = late + interest
    servicing = -(-base * SERVICING_BPS // BPS)
    reserve = min(-(-base * RESERVE_BPS // BPS), base - servicing)
    return base + principal - servicing - reserve
