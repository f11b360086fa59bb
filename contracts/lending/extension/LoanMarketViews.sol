// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ResaleOffer} from "../../market/ResaleOffer.sol";
import {LoanMarketExtBase} from "./LoanMarketExtBase.sol";

/// @title Read-only views of the loan market (see {ILoanMarketExt})
abstract contract LoanMarketViews is LoanMarketExtBase {
    function paused() external view returns (bool) {
        return _config.paused;
    }

    function woundDown() external view returns (bool) {
        return _config.woundDown;
    }

    function windDownProgress() external view returns (uint256 loansOpen, uint256 principalOutstanding) {
        Totals memory t = _totals;
        return (t.openLoans, t.principalOutstanding);
    }

    function loanCount() external view returns (uint256) {
        return _totals.nextLoanId;
    }

    function config() external view returns (MarketConfig memory) {
        return _config;
    }

    function pendingFees() external view returns (uint256 reserve, uint256 treasury_) {
        return (_pending.reserve - 1, _pending.treasury - 1);
    }

    function openLoansOf(address borrower) external view returns (uint256) {
        return _openLoansOf[borrower];
    }

    function checkpointOf(uint256 noteId) external view returns (uint256) {
        return ResaleOffer.checkpoint(_checkpoint[noteId]);
    }

    function gradeTerms(uint8 grade) external view returns (GradeTerms memory) {
        return _grades[grade];
    }

    function minRiskClassForGrade(uint8 grade) external view returns (uint8) {
        return _grades[grade].minRiskClass;
    }

    function personCaps() external view returns (PersonCaps memory) {
        return _personCaps;
    }

    function personPrincipalOf(bytes32 subject) external view returns (uint256) {
        return _personPrincipal[subject];
    }

    function subjectOfLoan(uint256 loanId) external view returns (bytes32) {
        return _loanSubject[loanId];
    }

    function agreementHashOf(uint256 loanId) external view returns (bytes32) {
        return _agreementHashes[loanId];
    }

    function listingTerms(uint256 loanId) external view returns (ListingTerms memory terms) {
        Loan storage loan = _loans[loanId];
        uint8 grade = loan.grade;
        uint8 minRiskClass = _grades[grade].minRiskClass;
        terms = ListingTerms({
            borrower: loan.borrower,
            subject: _loanSubject[loanId],
            status: loan.status,
            listingDeadline: loan.listingDeadline,
            grade: grade,
            aprBps: loan.aprBps,
            numPeriods: loan.numPeriods,
            periodLength: loan.periodLength,
            principal: loan.principal,
            funded: loan.funded,
            minTicket: _config.minTicket,
            minRiskClass: minRiskClass == 0 ? 1 : minRiskClass
        });
    }

    function reserveCoverOf(uint256 loanId) external view returns (uint256) {
        return _reserveCover[loanId];
    }

    function offerUsed(address borrower, uint256 nonce) external view returns (bool) {
        return _offerUsed[borrower][nonce];
    }

    function dustOf(uint256 loanId) external view returns (uint256) {
        Loan storage loan = _loans[loanId];
        if (loan.flags & FLAG_DUST_SWEPT != 0 || !_settled(loanId)) return 0;
        return _dust(loanId, loan);
    }

    function refundOf(address borrower) external view returns (uint256) {
        return _refunds[borrower];
    }

    function identityRegistry() external view returns (address) {
        return address(_identity);
    }

    function creditOracle() external view returns (address) {
        return address(_oracle);
    }

    function loanNote() external view returns (address) {
        return address(_note);
    }

    function reserveFund() external view returns (address) {
        return _reserve;
    }

    function treasury() external view returns (address) {
        return _treasury;
    }

    function collateralVault() external view returns (address) {
        return _vault;
    }
}
