// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ILoanMarket} from "../interfaces/ILoanMarket.sol";
import {LoanAccounting} from "./LoanAccounting.sol";

/// @title Read-only views of the loan market that do not fit in its bytecode (EIP-170)
/// @notice Stateless; deploy one per market. The schedule is the contractual one (see {ILoanMarket}).
contract LoanMarketLens {
    ILoanMarket public immutable market;

    constructor(ILoanMarket market_) {
        market = market_;
    }

    /// @return rows the contractual schedule (due date, installment, interest part, principal part).
    ///         Before drawdown: a preview for the requested principal drawn now.
    function schedule(uint256 loanId) external view returns (ILoanMarket.Installment[] memory rows) {
        ILoanMarket.Loan memory l = market.getLoan(loanId);
        uint256 start = l.drawnAt != 0 ? l.drawnAt : block.timestamp;
        return LoanAccounting.schedule(l.principal, l.aprBps, l.periodLength, l.numPeriods, start);
    }

    /// @return 0 current, 1 for 1-30 days past the oldest unpaid due date, 2 for 31-90, 3 beyond
    ///         (the loan may be marked defaulted); 0 for a loan that is not drawn
    function delinquencyTier(uint256 loanId) external view returns (uint8) {
        return LoanAccounting.delinquencyTier(market.daysPastDue(loanId));
    }

    /// @return total of the contractual installments
    function totalScheduled(uint256 loanId) external view returns (uint256 total) {
        ILoanMarket.Installment[] memory rows = this.schedule(loanId);
        for (uint256 i; i < rows.length; ++i) {
            total += rows[i].amount;
        }
    }
}
