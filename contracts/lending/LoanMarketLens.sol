// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ILoanMarket} from "../interfaces/ILoanMarket.sol";
import {ILoanMarketTypes} from "../interfaces/ILoanMarketTypes.sol";
import {ILoanMarketErrors} from "../interfaces/ILoanMarketErrors.sol";
import {LoanAccounting} from "./LoanAccounting.sol";
import {NoteIds} from "../common/NoteIds.sol";
import {BPS} from "../common/Constants.sol";
import {NotePricing} from "../market/NotePricing.sol";

/// @title Read-only views of the loan market that do not fit in its bytecode (EIP-170)
/// @notice Stateless; deploy one per market. The schedule is the contractual one (see {ILoanMarket});
///         amounts due and delinquency are computed from the market's loan accrued to the current block.
contract LoanMarketLens {
    ILoanMarket public immutable market;

    constructor(ILoanMarket market_) {
        market = market_;
    }

    /// @return rows the contractual schedule (due date, installment, interest part, principal part).
    ///         Before drawdown: a preview for the requested principal drawn now.
    function schedule(uint256 loanId) external view returns (ILoanMarketTypes.Installment[] memory rows) {
        ILoanMarketTypes.Loan memory loan = market.getLoan(loanId);
        uint256 start = loan.drawnAt != 0 ? loan.drawnAt : block.timestamp;
        return LoanAccounting.schedule(loan.principal, loan.aprBps, loan.periodLength, loan.numPeriods, start);
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
        return LoanAccounting.daysPastDue(loan, block.timestamp);
    }

    /// @return 0 current, 1 for 1-30 days past the oldest unpaid due date, 2 for 31-90, 3 beyond
    ///         (the loan may be marked defaulted); 0 for a loan that is not drawn
    function delinquencyTier(uint256 loanId) external view returns (uint8) {
        return LoanAccounting.delinquencyTier(daysPastDue(loanId));
    }

    /// @return total of the contractual installments
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
        NotePricing.Valuation memory v = NotePricing.valuation(loan, share, block.timestamp);
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
