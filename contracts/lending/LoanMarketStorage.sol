// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ILoanMarket} from "../interfaces/ILoanMarket.sol";

/// @title Packed storage of the loan market
/// @dev Loan slot layout (in ILoanMarket.Loan) is chosen so that fund touches two loan slots and repay seven, whatever the number
///      of notes. Amount fields: funded principal fits uint96 (7.9e28 base units); balances that can
///      grow with interest use uint128.
abstract contract LoanMarketStorage {
    // The Loan struct is declared in ILoanMarket so that `getLoan` can return it.

    /// @dev Parameters read by list/fund/repay, packed in one slot.
    struct Config {
        uint16 originationFeeBps;
        uint16 servicingFeeBps;
        uint16 reserveShareBps;
        uint16 lateFeeBpsPerDay;
        uint8 maxOpenLoansPerBorrower;
        bool paused;
        bool woundDown;
        uint96 minTicket;
    }

    struct Totals {
        uint128 principalOutstanding; // performing (drawn, not defaulted) loans
        uint64 openLoans; //            listed or drawn
        uint64 nextLoanId;
    }

    struct PendingFees {
        uint128 reserve;
        uint128 treasury;
    }

    uint8 internal constant FLAG_SECURED = 1;
    uint8 internal constant FLAG_COVERED = 2;

    Config internal _config;
    Totals internal _totals;
    PendingFees internal _pending; // each field holds a one-unit sentinel (see the constructor)
    address internal _treasury;
    address internal _vault;

    mapping(uint256 loanId => ILoanMarket.Loan) internal _loans;
    mapping(uint8 grade => ILoanMarket.GradeTerms) internal _grades;
    mapping(address borrower => uint256) internal _openLoansOf;
    mapping(uint256 noteId => uint256) internal _checkpoint; // accPerShare already claimed by the note
}
