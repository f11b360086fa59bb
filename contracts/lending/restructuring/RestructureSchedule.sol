// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ILoanMarketTypes} from "../../interfaces/ILoanMarketTypes.sol";
import {MAX_PERIODS} from "../../common/Constants.sol";
import {AnnuityMath} from "../AnnuityMath.sol";
import {LoanAccounting} from "../LoanAccounting.sol";

/// @title The schedule a restructuring gives a loan, and where that schedule starts
/// @notice Rules in {ILoanMarketRestructuring}. Works on a memory copy of a drawn loan accrued to `nowTs`:
///         the market's restructuring module executes with it, the lens previews with it, so the schedule
///         a proposal would give and the one it gives are computed once.
/// @dev The new schedule is the loan's own fields re-based, not a second schedule beside it: the accrual,
///      the waterfall and the distribution to notes (LoanAccounting, LoanMarket) run on it unchanged, and
///      a repay pays nothing for the feature. Only a walk of the schedule's balances (days past due while
///      principal is behind) needs where it starts, which the market keeps in one word per restructured
///      loan (`pack`).
library RestructureSchedule {
    /// @notice A holiday lasts at most this many periods (per restructuring).
    uint256 internal constant MAX_HOLIDAY_PERIODS = 12;

    uint256 private constant BALANCE_BITS = 96;
    uint256 private constant PERIOD_SHIFT = 96;
    uint256 private constant CHARGES_SHIFT = 112;

    /// @return whether `extra` more installments and a holiday of `holiday` periods are terms `loan` (drawn,
    ///         accrued) may take now: something changes, the holiday within its bound, the schedule within
    ///         MAX_PERIODS installments, and at least one installment left to pay
    function valid(ILoanMarketTypes.Loan memory loan, uint256 extra, uint256 holiday) internal pure returns (bool) {
        if (extra + holiday == 0 || holiday > MAX_HOLIDAY_PERIODS) return false;
        uint256 n = uint256(loan.numPeriods) + extra;
        return n <= MAX_PERIODS && n > loan.duePeriods;
    }

    /// @notice Re-bases `loan` on the schedule the terms give (they must be `valid`): everything outstanding
    ///         then is repaid in equal installments over the installments not yet due plus `extra`, the
    ///         first one `holiday` periods after the next due date (after `nowTs`). Unpaid interest, due or
    ///         not, falls due with that first installment, as does the interest accruing until then; late
    ///         fees already charged stay owed and are paid first, so the first installment carries them
    ///         too (`firstCharges`). No principal is forgiven or added.
    /// @return base where the new schedule starts (see ILoanMarketTypes.ScheduleBase)
    /// @return firstDue the first new due date
    function rebase(
        ILoanMarketTypes.Loan memory loan,
        uint256 extra,
        uint256 holiday,
        uint256 nowTs
    ) internal pure returns (ILoanMarketTypes.ScheduleBase memory base, uint256 firstDue) {
        uint256 len = loan.periodLength;
        uint256 due = loan.duePeriods;
        uint256 anchor = _anchor(loan, holiday, nowTs);
        firstDue = anchor + (due + 1) * len; // > nowTs
        uint256 n = uint256(loan.numPeriods) + extra; // > due (valid)
        uint256 r = AnnuityMath.ratePerPeriod(loan.aprBps, len);
        uint256 balance = loan.principalOutstanding;

        base.restructured = true;
        base.balance = balance;
        base.period = due;
        base.firstCharges =
            uint256(loan.lateFeeUnpaid) +
            loan.interestUnpaid +
            LoanAccounting._interest(balance, r, firstDue - nowTs, len);
        loan.drawnAt = uint40(anchor);
        loan.numPeriods = uint16(n); // <= MAX_PERIODS (valid)
        loan.installment = uint128(AnnuityMath.installment(balance, r, n - due));
        loan.schedBalance = uint128(balance);
        // Nothing is overdue any more: all unpaid interest is the first new installment's.
        loan.interestNotDue = loan.interestUnpaid;
    }

    /// @return the new schedule's anchor: due period `duePeriods + 1` falls `holiday` periods after the
    ///         next due date. Periods begun since the old anchor count: a loan past maturity has run over
    ///         its last due date, one in an earlier holiday has not reached its next; either way the next
    ///         due date is one period after.
    function _anchor(ILoanMarketTypes.Loan memory loan, uint256 holiday, uint256 nowTs) private pure returns (uint256) {
        uint256 len = loan.periodLength;
        uint256 due = loan.duePeriods;
        uint256 anchor = loan.drawnAt;
        uint256 passed = nowTs > anchor ? (nowTs - anchor) / len : 0;
        if (passed < due) passed = due;
        return anchor + (passed - due + holiday) * len;
    }

    /// @return out the schedule in force from `base` on: installments base.period + 1 .. numPeriods of
    ///         `loan`, the first carrying base.firstCharges (late fees and interest) as its interest
    function rows(
        ILoanMarketTypes.Loan memory loan,
        ILoanMarketTypes.ScheduleBase memory base
    ) internal pure returns (ILoanMarketTypes.Installment[] memory out) {
        uint256 n = loan.numPeriods;
        uint256 len = loan.periodLength;
        uint256 r = AnnuityMath.ratePerPeriod(loan.aprBps, len);
        uint256 b = base.balance;
        out = new ILoanMarketTypes.Installment[](n - base.period);
        for (uint256 k = base.period + 1; k <= n; ++k) {
            // The principal part is the schedule's step (one period's interest on the scheduled balance),
            // as the accrual steps the contractual balance; only the first row's interest differs.
            (uint256 i, uint256 p) = AnnuityMath.scheduledStep(b, r, loan.installment, k, n);
            if (k == base.period + 1) i = base.firstCharges;
            b -= p;
            out[k - base.period - 1] = ILoanMarketTypes.Installment(
                uint40(uint256(loan.drawnAt) + k * len),
                uint128(i + p),
                uint128(i),
                uint128(p)
            );
        }
    }

    /// @return the base as one storage word: balance (96 bits: at most a loan's uint96 principal), period
    ///         (16 bits) and first charges (144 bits: two uint128 unpaid amounts plus less than that accruing)
    function pack(ILoanMarketTypes.ScheduleBase memory base) internal pure returns (uint256) {
        return base.balance | (base.period << PERIOD_SHIFT) | (base.firstCharges << CHARGES_SHIFT);
    }

    /// @return base the base packed in `word`, of a loan that carries the restructured flag
    function unpack(uint256 word) internal pure returns (ILoanMarketTypes.ScheduleBase memory base) {
        base.restructured = true;
        base.balance = word & ((1 << BALANCE_BITS) - 1);
        base.period = uint16(word >> PERIOD_SHIFT);
        base.firstCharges = word >> CHARGES_SHIFT;
    }
}
