// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {ILoanMarketTypes} from "../interfaces/ILoanMarketTypes.sol";
import {BPS, RAY} from "../common/Constants.sol";
import {BoundedMath} from "../common/BoundedMath.sol";
import {AnnuityMath} from "./AnnuityMath.sol";

/// @title Accrual, delinquency and payment waterfall of one loan (in memory)
/// @notice Rules in {ILoanMarket}. All functions work on a memory copy that the market writes back. The
///         late-fee rate is the loan's own, fixed at drawdown.
library LoanAccounting {
    uint256 internal constant LATE_FEE_DENOMINATOR = BPS * 1 days;
    /// @dev anyone may mark a loan defaulted once it is more than this many days past due
    uint256 internal constant DEFAULT_AFTER_DAYS = 90;

    /// @notice Brings a drawn loan to `nowTs`: accrues interest on the outstanding principal segment by
    ///         segment between due dates, makes it due at each due date passed, steps the contractual
    ///         balance and accrues late fees. Defaulted loans are frozen.
    function accrue(ILoanMarketTypes.Loan memory loan, uint256 nowTs) internal pure {
        if (loan.status != ILoanMarketTypes.LoanStatus.Drawn) return;
        uint256 lateFeeBps = loan.lateFeeBpsPerDay;
        uint256 t = loan.lastAccrual;
        if (nowTs <= t) return;
        uint256 len = loan.periodLength;
        uint256 anchor = loan.drawnAt;
        // A restructuring's holiday can put the anchor ahead of now: then no due date has passed since it.
        uint256 dueNow = nowTs > anchor ? (nowTs - anchor) / len : 0;
        if (dueNow > loan.numPeriods) dueNow = loan.numPeriods;
        if (dueNow < loan.duePeriods) dueNow = loan.duePeriods; // (the same case) due periods never fall
        uint256 r = AnnuityMath.ratePerPeriod(loan.aprBps, len);

        uint256 fee = loan.lateFeeUnpaid + _lateFee(overdue(loan), lateFeeBps, nowTs - t);
        for (uint256 k = uint256(loan.duePeriods) + 1; k <= dueNow; ++k) {
            fee += _passDueDate(loan, k, r, t, lateFeeBps, nowTs);
            t = uint256(loan.drawnAt) + k * len;
        }
        loan.duePeriods = uint16(dueNow);
        uint256 maturity = uint256(loan.drawnAt) + uint256(loan.numPeriods) * len;
        if (t < maturity) {
            uint256 accrued = _interest(loan.principalOutstanding, r, Math.min(nowTs, maturity) - t, len);
            loan.interestUnpaid += uint128(accrued);
            loan.interestNotDue += uint128(accrued);
        }
        loan.lateFeeUnpaid = uint128(fee);
        loan.lastAccrual = uint40(nowTs);
    }

    /// @dev Due date `k` passes: interest accrued since `t` joins the due interest, the contractual
    ///      balance steps down, and what became overdue pays late fees from the due date on.
    function _passDueDate(
        ILoanMarketTypes.Loan memory loan,
        uint256 k,
        uint256 r,
        uint256 t,
        uint256 lateFeeBps,
        uint256 nowTs
    ) private pure returns (uint256 fee) {
        uint256 len = loan.periodLength;
        uint256 dueDate = uint256(loan.drawnAt) + k * len; // > t: t is before the next unprocessed due date
        uint256 before = overdue(loan);
        loan.interestUnpaid += uint128(_interest(loan.principalOutstanding, r, dueDate - t, len));
        loan.interestNotDue = 0; // everything accrued up to a due date is due
        (, uint256 p) = AnnuityMath.scheduledStep(loan.schedBalance, r, loan.installment, k, loan.numPeriods);
        loan.schedBalance -= uint128(p);
        // overdue never decreases here: due interest only grows and the scheduled balance only falls
        fee = _lateFee(overdue(loan) - before, lateFeeBps, nowTs - dueDate);
    }

    /// @return unpaid interest of past periods plus principal above the contractual balance (no fees)
    function overdue(ILoanMarketTypes.Loan memory loan) internal pure returns (uint256) {
        uint256 iu = loan.interestUnpaid;
        uint256 cur = loan.interestNotDue;
        uint256 out = loan.principalOutstanding;
        uint256 b = loan.schedBalance;
        return (iu > cur ? iu - cur : 0) + (out > b ? out - b : 0);
    }

    function payoff(ILoanMarketTypes.Loan memory loan) internal pure returns (uint256) {
        return uint256(loan.lateFeeUnpaid) + loan.interestUnpaid + loan.principalOutstanding;
    }

    /// @notice Days since the oldest unpaid due date of the schedule in force, rounded up; 0 when current.
    /// @dev Payments reach principal only after all interest, so due date k is paid once the principal
    ///      is down to its contractual balance b_k (exactly what `amountDue` asks for). Counting the
    ///      overdue amount in installments instead would over-count: interest on unpaid principal makes
    ///      two missed installments weigh more than two. Due interest with principal on or ahead of
    ///      schedule (a borrower who prepaid) dates from the latest due date. The schedule starts at
    ///      `baseBalance` after `basePeriod` due periods: the principal and 0 for a loan never restructured,
    ///      else its latest restructuring's base (see {ILoanMarketRestructuring}).
    function daysPastDue(
        ILoanMarketTypes.Loan memory loan,
        uint256 nowTs,
        uint256 baseBalance,
        uint256 basePeriod
    ) internal pure returns (uint256) {
        if (overdue(loan) == 0) return 0;
        uint256 k = loan.duePeriods; // >= 1 whenever something is overdue
        uint256 out = loan.principalOutstanding;
        if (out > loan.schedBalance) {
            // walk the contractual balances forward from the base to the first one the principal has not
            // reached; it exists because b_duePeriods = schedBalance < out, and out <= the base (principal
            // never grows)
            uint256 r = AnnuityMath.ratePerPeriod(loan.aprBps, loan.periodLength);
            uint256 b = baseBalance;
            k = basePeriod;
            while (out <= b) {
                ++k;
                (, uint256 p) = AnnuityMath.scheduledStep(b, r, loan.installment, k, loan.numPeriods);
                b -= p;
            }
        }
        uint256 dueDate = uint256(loan.drawnAt) + k * loan.periodLength;
        return nowTs > dueDate ? Math.ceilDiv(nowTs - dueDate, 1 days) : 0;
    }

    /// @return tier 0 current, 1 for 1-30 days past due, 2 for 31-90, 3 beyond (defaultable)
    function delinquencyTier(uint256 daysPastDue_) internal pure returns (uint8) {
        if (daysPastDue_ == 0) return 0;
        if (daysPastDue_ <= 30) return 1;
        if (daysPastDue_ <= DEFAULT_AFTER_DAYS) return 2;
        return 3;
    }

    /// @notice Applies `amount` (<= payoff) late fee -> interest -> principal.
    function applyPayment(
        ILoanMarketTypes.Loan memory loan,
        uint256 amount
    ) internal pure returns (uint256 late, uint256 interest, uint256 principal) {
        late = Math.min(amount, loan.lateFeeUnpaid);
        amount -= late;
        interest = Math.min(amount, loan.interestUnpaid);
        principal = amount - interest; // amount <= payoff, so principal <= outstanding
        loan.lateFeeUnpaid -= uint128(late);
        loan.interestUnpaid -= uint128(interest);
        loan.principalOutstanding -= uint128(principal);
        // interest is paid oldest first: what remains unpaid is the most recent, not yet due, part
        if (loan.interestNotDue > loan.interestUnpaid) loan.interestNotDue = loan.interestUnpaid;
    }

    /// @return rows the contractual schedule for `principal` drawn at `start`
    function schedule(
        uint256 principal,
        uint256 aprBps,
        uint256 periodLength,
        uint256 n,
        uint256 start
    ) internal pure returns (ILoanMarketTypes.Installment[] memory rows) {
        uint256 r = AnnuityMath.ratePerPeriod(aprBps, periodLength);
        uint256 inst = AnnuityMath.installment(principal, r, n);
        uint256 b = principal;
        rows = new ILoanMarketTypes.Installment[](n);
        for (uint256 k = 1; k <= n; ++k) {
            (uint256 i, uint256 p) = AnnuityMath.scheduledStep(b, r, inst, k, n);
            b -= p;
            rows[k - 1] = ILoanMarketTypes.Installment(
                uint40(start + k * periodLength),
                uint128(i + p),
                uint128(i),
                uint128(p)
            );
        }
    }

    /// @return interest on `principal` for `elapsed` seconds at `r` per `len` seconds, rounded up
    function _interest(uint256 principal, uint256 r, uint256 elapsed, uint256 len) internal pure returns (uint256) {
        if (principal == 0 || r == 0 || elapsed == 0) return 0;
        return BoundedMath.mulDivUp(principal, r * elapsed, len * RAY);
    }

    function _lateFee(uint256 amount, uint256 bps, uint256 secondsLate) private pure returns (uint256) {
        if (amount == 0 || bps == 0 || secondsLate == 0) return 0;
        return BoundedMath.mulDivUp(amount, bps * secondsLate, LATE_FEE_DENOMINATOR);
    }
}
