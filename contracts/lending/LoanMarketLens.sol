// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ILoanMarket} from "../interfaces/ILoanMarket.sol";
import {ILoanMarketTypes} from "../interfaces/ILoanMarketTypes.sol";
import {ILoanMarketErrors} from "../interfaces/ILoanMarketErrors.sol";
import {LoanAccounting} from "./LoanAccounting.sol";
import {NoteIds} from "../common/NoteIds.sol";
import {BPS} from "../common/Constants.sol";
import {NotePricing} from "../market/NotePricing.sol";
import {RestructureSchedule} from "./restructuring/RestructureSchedule.sol";

/// @title Read-only views of the loan market that do not fit in its bytecode (EIP-170)
/// @notice Stateless; deploy one per market. The schedule is the contractual one in force (see {ILoanMarket}
///         and, after a restructuring, {ILoanMarketRestructuring}); amounts due and delinquency are
///         computed from the market's loan accrued to the current block.
contract LoanMarketLens {
    ILoanMarket public immutable market;

    /// @dev LoanMarketStorage.FLAG_RESTRUCTURED: the loan's schedule is a restructuring's.
    uint8 private constant RESTRUCTURED = 8;

    constructor(ILoanMarket market_) {
        market = market_;
    }

    /// @return rows the contractual schedule (due date, installment, interest part, principal part).
    ///         Before drawdown: a preview for the requested principal drawn now. After a restructuring: the
    ///         schedule in force from it on, installments basePeriod + 1 .. numPeriods (`scheduleBaseOf`;
    ///         the earlier ones are in the events), the first carrying the interest unpaid at the
    ///         restructuring and what accrues to its due date.
    function schedule(uint256 loanId) external view returns (ILoanMarketTypes.Installment[] memory rows) {
        ILoanMarketTypes.Loan memory loan = market.getLoan(loanId);
        if (loan.flags & RESTRUCTURED != 0) return RestructureSchedule.rows(loan, market.scheduleBaseOf(loanId));
        uint256 start = loan.drawnAt != 0 ? loan.drawnAt : block.timestamp;
        return LoanAccounting.schedule(loan.principal, loan.aprBps, loan.periodLength, loan.numPeriods, start);
    }

    /// @return rows the schedule the loan's open restructuring proposal would give it if executed in this
    ///         block (as `schedule` shows it once executed). Reverts `RestructureNotProposed` without an
    ///         open proposal and `InvalidRestructureTerms` when the terms no longer fit the loan.
    function restructurePreview(uint256 loanId) external view returns (ILoanMarketTypes.Installment[] memory rows) {
        ILoanMarketTypes.RestructureProposal memory p = market.restructureProposal(loanId);
        ILoanMarketTypes.Loan memory loan = market.getLoan(loanId); // accrued to this block
        if (!p.open || loan.status != ILoanMarketTypes.LoanStatus.Drawn) {
            revert ILoanMarketErrors.RestructureNotProposed(loanId);
        }
        if (!RestructureSchedule.valid(loan, p.extraPeriods, p.holidayPeriods)) {
            revert ILoanMarketErrors.InvalidRestructureTerms(loanId, p.extraPeriods, p.holidayPeriods);
        }
        (ILoanMarketTypes.ScheduleBase memory base, ) = RestructureSchedule.rebase(
            loan,
            p.extraPeriods,
            p.holidayPeriods,
            block.timestamp
        );
        return RestructureSchedule.rows(loan, base);
    }

    /// @return 0 when current; otherwise what a payment must be to become current under the waterfall:
    ///         late fees + all accrued interest + principal above the contractual balance. The whole
    ///         remaining debt once defaulted. Fees keep accruing per second: pay a little more, the
    ///         excess goes to principal.
    function amountDue(uint256 loanId) external view returns (uint256) {
        ILoanMarketTypes.Loan memory loan = market.getLoan(loanId); // accrued to this block
        if (loan.status == ILoanMarketTypes.LoanStatus.Defaulted) return LoanAccounting.payoff(loan);
        if (loan.status != ILoanMarketTypes.LoanStatus.Drawn) return 0;
        if (LoanAccounting.overdue(loan) == 0 && loan.lateFeeUnpaid == 0) return 0;
        // The waterfall pays all accrued interest before principal, so clearing overdue principal
        // takes the interest accrued since the last due date too.
        uint256 principalOverdue =
            loan.principalOutstanding > loan.schedBalance ? loan.principalOutstanding - loan.schedBalance : 0;
        return uint256(loan.lateFeeUnpaid) + loan.interestUnpaid + principalOverdue;
    }

    /// @return days (rounded up) since the oldest unpaid due date, by the rule `markDefault` applies
    ///         (see LoanAccounting.daysPastDue); 0 when current or not drawn
    function daysPastDue(uint256 loanId) public view returns (uint256) {
        ILoanMarketTypes.Loan memory loan = market.getLoan(loanId);
        if (loan.status != ILoanMarketTypes.LoanStatus.Drawn) return 0;
        return _daysPastDue(loanId, loan);
    }

    /// @return 0 current, 1 for 1-30 days past the oldest unpaid due date, 2 for 31-90, 3 beyond
    ///         (the loan may be marked defaulted); 0 for a loan that is not drawn
    function delinquencyTier(uint256 loanId) external view returns (uint8) {
        return LoanAccounting.delinquencyTier(daysPastDue(loanId));
    }

    /// @dev Against the schedule in force: a restructured loan's starts at its base (`scheduleBaseOf`).
    function _daysPastDue(uint256 loanId, ILoanMarketTypes.Loan memory loan) private view returns (uint256) {
        uint256 balance = loan.principal;
        uint256 period;
        if (loan.flags & RESTRUCTURED != 0) {
            ILoanMarketTypes.ScheduleBase memory base = market.scheduleBaseOf(loanId);
            (balance, period) = (base.balance, base.period);
        }
        return LoanAccounting.daysPastDue(loan, block.timestamp, balance, period);
    }

    /// @return total of the contractual installments (of the schedule in force: see `schedule`)
    function totalScheduled(uint256 loanId) external view returns (uint256 total) {
        ILoanMarketTypes.Installment[] memory rows = this.schedule(loanId);
        for (uint256 i; i < rows.length; ++i) {
            total += rows[i].amount;
        }
    }

    /// @notice What `noteId` is worth and would yield bought at `price` now, and the highest price the
    ///         market accepts for it (see {INoteMarket}). Reverts `NoteNotForSale` when its loan is not
    ///         drawn or has nothing left to pay.
    function quote(uint256 noteId, uint256 price) external view returns (ILoanMarketTypes.NoteQuote memory q) {
        (, uint256 share) = market.noteInfo(noteId);
        ILoanMarketTypes.Loan memory loan = market.getLoan(NoteIds.loanOf(noteId)); // accrued to this block
        if (
            share == 0 ||
            (loan.status != ILoanMarketTypes.LoanStatus.Drawn &&
                (loan.status != ILoanMarketTypes.LoanStatus.Defaulted || LoanAccounting.payoff(loan) == 0))
        ) revert ILoanMarketErrors.NoteNotForSale(noteId);
        NotePricing.Valuation memory v = NotePricing.valuation(loan, share, _daysPastDue(NoteIds.loanOf(noteId), loan));
        q.principal = v.principal;
        q.accruedInterest = v.interest;
        q.par = v.par;
        q.priceBpsOfPar = v.par == 0 ? 0 : (price * BPS) / v.par;
        q.daysPastDue = v.daysPastDue;
        q.distressed = v.distressed;
        if (!v.distressed) q.yieldBps = NotePricing.yieldToMaturity(loan, share, price, block.timestamp);
        q.sellerEarned = market.claimable(noteId);
        q.maxPrice = NotePricing.maxPrice(loan, share, v, market.config(), block.timestamp);
        q.remainingPeriods = NotePricing.remainingPeriods(loan);
    }
}
