// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {ILoanMarketTypes} from "../interfaces/ILoanMarketTypes.sol";
import {BPS, RAY} from "../common/Constants.sol";
import {BoundedMath} from "../common/BoundedMath.sol";
import {AnnuityMath} from "../lending/AnnuityMath.sol";

/// @title What a note is worth: par, distress, present value and yield to maturity (see {INoteMarket})
/// @notice Works on a memory copy of the loan accrued to `nowTs`. Amounts a note is owed are rounded down,
///         so the bounds never let a buyer pay for more than the note will receive.
library NotePricing {
    /// @notice A loan more than this many days past due makes its notes distressed.
    uint256 internal constant DISTRESSED_AFTER_DAYS = 30;
    /// @dev Yield search range, bps a year. Below -50% the discount factors of a long loan grow large
    ///      enough to matter to uint256; a quote outside the range reports its end.
    int256 internal constant MIN_YIELD_BPS = -5_000;
    int256 internal constant MAX_YIELD_BPS = 1_000_000;

    struct Valuation {
        uint256 principal; //       the note's share of the outstanding principal
        uint256 interest; //        its share of accrued interest, net of fees
        uint256 par; //             principal + interest
        uint256 daysPastDue;
        bool distressed;
    }

    /// @dev `loan` is drawn or defaulted and accrued to now; `daysPastDue_` its days past due now, against
    ///      the schedule in force (the market's `_daysPastDue`, or the lens's).
    function valuation(
        ILoanMarketTypes.Loan memory loan,
        uint256 share,
        uint256 daysPastDue_
    ) internal pure returns (Valuation memory v) {
        uint256 funded = loan.funded;
        v.principal = (share * loan.principalOutstanding) / funded;
        v.interest = BoundedMath.mulDivDown(share, loan.interestUnpaid * _keepBps(loan), funded * BPS);
        v.par = v.principal + v.interest;
        v.daysPastDue = daysPastDue_;
        v.distressed = loan.status == ILoanMarketTypes.LoanStatus.Defaulted || v.daysPastDue > DISTRESSED_AFTER_DAYS;
    }

    /// @return cap the highest price the market accepts for the note now: par plus `maxPremiumBps`, and,
    ///         unless distressed, no more than the present value of its flows at `minYieldBps`
    function maxPrice(
        ILoanMarketTypes.Loan memory loan,
        uint256 share,
        Valuation memory v,
        ILoanMarketTypes.MarketConfig memory c,
        uint256 nowTs
    ) internal pure returns (uint256 cap) {
        cap = (v.par * (BPS + c.maxPremiumBps)) / BPS;
        if (!v.distressed) cap = Math.min(cap, presentValue(loan, share, int256(uint256(c.minYieldBps)), nowTs));
    }

    /// @return whether `price` is within the bounds; the cap is computed only when it matters
    /// @dev At or below par, a note yields at least its loan's APR net of fees (at par it yields exactly
    ///      that: flows of principal plus interest at the net rate, discounted at the net rate, are worth
    ///      the balance). So the present value is needed only for a premium, or a minimum yield above the
    ///      loan's net rate. This keeps a purchase at or below par from walking the schedule.
    function withinBounds(
        ILoanMarketTypes.Loan memory loan,
        uint256 share,
        Valuation memory v,
        ILoanMarketTypes.MarketConfig memory c,
        uint256 nowTs,
        uint256 price
    ) internal pure returns (bool) {
        if (price == 0) return false;
        if (price <= v.par && (v.distressed || c.minYieldBps <= (uint256(loan.aprBps) * _keepBps(loan)) / BPS)) {
            return true;
        }
        return price <= maxPrice(loan, share, v, c, nowTs);
    }

    /// @return the note's remaining net flows discounted at `yieldBps` a year (compounded per period):
    ///         what is overdue, paid now; then the contractual installments on the remaining balance (the
    ///         smaller of the outstanding and the scheduled balance), less fees on their interest
    function presentValue(
        ILoanMarketTypes.Loan memory loan,
        uint256 share,
        int256 yieldBps,
        uint256 nowTs
    ) internal pure returns (uint256) {
        uint256 keep = _keepBps(loan);
        uint256 out = loan.principalOutstanding;
        uint256 b = loan.schedBalance;
        uint256 dueInterest = loan.interestUnpaid - loan.interestNotDue;
        // Sums are kept scaled by the discount factor (ray), so rounding happens once at the end.
        uint256 total = ((out > b ? out - b : 0) + ((uint256(loan.lateFeeUnpaid) + dueInterest) * keep) / BPS) * RAY;
        if (loan.status == ILoanMarketTypes.LoanStatus.Drawn) {
            total += _scheduled(loan, out < b ? out : b, keep, _firstDiscount(loan, yieldBps, nowTs), yieldBps);
        }
        return Math.mulDiv(total, share, uint256(loan.funded) * RAY);
    }

    /// @return d the discount factor (ray) of the first remaining due date, a fraction of a period away:
    ///         simple interest for the fraction, as the loan accrues
    function _firstDiscount(
        ILoanMarketTypes.Loan memory loan,
        int256 yieldBps,
        uint256 nowTs
    ) private pure returns (uint256 d) {
        uint256 len = loan.periodLength;
        uint256 dueDate = uint256(loan.drawnAt) + (uint256(loan.duePeriods) + 1) * len; // after an accrued nowTs
        uint256 tau = dueDate > nowTs ? dueDate - nowTs : 0;
        return (RAY * RAY) / uint256(int256(RAY) + (_perPeriod(yieldBps, len) * int256(tau)) / int256(len));
    }

    /// @return total the installments due after now on balance `b`, net of fees on their interest, each
    ///         discounted (ray-scaled sum) from `d` on, one more period at `yieldBps` each
    function _scheduled(
        ILoanMarketTypes.Loan memory loan,
        uint256 b,
        uint256 keep,
        uint256 d,
        int256 yieldBps
    ) private pure returns (uint256 total) {
        uint256 n = loan.numPeriods;
        uint256 r = AnnuityMath.ratePerPeriod(loan.aprBps, loan.periodLength);
        // 1 + rho > 0: yieldBps > -BPS and a period is at most a year
        uint256 onePlus = uint256(int256(RAY) + _perPeriod(yieldBps, loan.periodLength));
        uint256 inst = loan.installment;
        for (uint256 k = uint256(loan.duePeriods) + 1; k <= n && b != 0; ++k) {
            (uint256 i, uint256 p) = AnnuityMath.scheduledStep(b, r, inst, k, n);
            b -= p;
            total += (p + (i * keep) / BPS) * d;
            d = (d * RAY) / onePlus;
        }
    }

    /// @return the yield per period of `len` seconds, signed ray
    function _perPeriod(int256 yieldBps, uint256 len) private pure returns (int256) {
        return (yieldBps * int256(RAY / BPS) * int256(len)) / int256(AnnuityMath.YEAR);
    }

    /// @return yieldBps the highest yield (bps a year, within the search range) at which the note's flows
    ///         are worth at least `price`
    function yieldToMaturity(
        ILoanMarketTypes.Loan memory loan,
        uint256 share,
        uint256 price,
        uint256 nowTs
    ) internal pure returns (int256 yieldBps) {
        int256 lo = MIN_YIELD_BPS;
        int256 hi = MAX_YIELD_BPS;
        if (presentValue(loan, share, lo, nowTs) < price) return lo;
        if (presentValue(loan, share, hi, nowTs) >= price) return hi;
        // present value falls as the yield rises: keep PV(lo) >= price > PV(hi)
        while (hi - lo > 1) {
            int256 mid = (lo + hi) / 2;
            if (presentValue(loan, share, mid, nowTs) >= price) lo = mid;
            else hi = mid;
        }
        return lo;
    }

    /// @return installments of the loan not yet due
    function remainingPeriods(ILoanMarketTypes.Loan memory loan) internal pure returns (uint256) {
        if (loan.status != ILoanMarketTypes.LoanStatus.Drawn) return 0;
        return uint256(loan.numPeriods) - loan.duePeriods;
    }

    /// @dev The share of interest and late fees that reaches the notes: all of a recovery after default,
    ///      what the servicing fee and reserve share leave of a performing loan's.
    function _keepBps(ILoanMarketTypes.Loan memory loan) private pure returns (uint256) {
        if (loan.status != ILoanMarketTypes.LoanStatus.Drawn) return BPS;
        return BPS - loan.servicingFeeBps - loan.reserveShareBps;
    }
}
