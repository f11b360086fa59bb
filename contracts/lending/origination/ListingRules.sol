// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";

import {IIdentityRegistry} from "../../interfaces/IIdentityRegistry.sol";
import {MAX_PERIODS} from "../../common/Constants.sol";
import {LoanOffers} from "../LoanOffers.sol";
import {LoanOriginationBase} from "./LoanOriginationBase.sol";

/// @title The rules a listing must meet: a valid offer, an eligible borrower, terms within the grade and
///        the offer, collateral where required, and the person's cap
abstract contract ListingRules is LoanOriginationBase {
    /// @dev Uses up a signed offer: it must be the caller's, unexpired, unused and signed by an
    ///      OFFER_SIGNER_ROLE holder under this market's EIP-712 domain (so no other chain or contract
    ///      can replay it).
    function _useOffer(LoanOffer calldata o, bytes calldata signature) internal {
        if (o.borrower != msg.sender) revert OfferBorrowerMismatch(msg.sender, o.borrower);
        if (block.timestamp > o.expiry) revert SignatureExpired(o.expiry, block.timestamp);
        if (_offerUsed[msg.sender][o.nonce]) revert OfferAlreadyUsed(msg.sender, o.nonce);
        address signer = ECDSA.recoverCalldata(_typedDataHash(LoanOffers.structHash(o)), signature);
        if (!_isOfferSigner(signer)) revert OfferSignerNotAuthorized(signer);
        _offerUsed[msg.sender][o.nonce] = true;
    }

    /// @dev The caller is eligible and its fresh credit record grades it no worse than the offer.
    function _checkBorrower(uint8 offerGrade) internal view {
        if (!_identity.isEligible(msg.sender)) revert NotEligible(msg.sender);
        if (!_oracle.isFresh(msg.sender)) revert CreditRecordStale(msg.sender);
        uint8 grade = _oracle.recordOf(msg.sender).grade;
        if (grade > offerGrade) revert CreditGradeWorse(msg.sender, grade, offerGrade);
    }

    /// @dev The listing stays within the grade's terms and the offer. Returns the effective minimum fill.
    function _checkTerms(
        ListingParams calldata p,
        LoanOffer calldata o,
        GradeTerms memory t
    ) internal view returns (uint256 minFill) {
        _requireGrade(o.grade);
        if (!t.allowed) revert GradeNotAllowed(o.grade);
        if (t.aprBps != o.aprBps) revert OfferTermsOutdated(o.grade, o.aprBps, t.aprBps);
        if (p.principal == 0 || p.principal > t.maxPrincipal) revert PrincipalOutOfBounds(p.principal, t.maxPrincipal);
        if (p.principal > o.maxPrincipal) revert ListingOutsideOffer("principal", p.principal, o.maxPrincipal);
        minFill = p.minFill == 0 ? p.principal : p.minFill;
        if (minFill > p.principal) revert InvalidMinFill(p.minFill, p.principal);
        if (
            p.numPeriods == 0 ||
            p.numPeriods > MAX_PERIODS ||
            p.periodLength < MIN_PERIOD_LENGTH ||
            p.periodLength > MAX_PERIOD_LENGTH ||
            uint256(p.numPeriods) * p.periodLength > MAX_TERM
        ) revert InvalidTerm(p.numPeriods, p.periodLength);
        if (p.numPeriods > o.maxPeriods) revert ListingOutsideOffer("numPeriods", p.numPeriods, o.maxPeriods);
        if (p.periodLength != o.periodLength) {
            revert ListingOutsideOffer("periodLength", p.periodLength, o.periodLength);
        }
        if (p.listingDeadline <= block.timestamp || p.listingDeadline > block.timestamp + MAX_LISTING_DURATION) {
            revert InvalidDeadline(p.listingDeadline, block.timestamp);
        }
        _checkCollateral(p, o, t);
    }

    function _checkCollateral(ListingParams calldata p, LoanOffer calldata o, GradeTerms memory t) private view {
        if (p.collateralAmount == 0) {
            if (t.collateralRequired || o.collateralToken != address(0) || o.minCollateral != 0) {
                revert CollateralRequired(o.grade);
            }
            return;
        }
        if (_vault == address(0)) revert CollateralVaultNotSet();
        if (
            o.collateralToken != address(0) &&
            (p.collateralToken != o.collateralToken || p.collateralAmount < o.minCollateral)
        ) revert CollateralBelowOffer(p.collateralToken, p.collateralAmount, o.collateralToken, o.minCollateral);
    }

    /// @dev Counts `principal` against the caller's person, across all of that person's wallets.
    function _countAgainstPerson(uint256 principal) internal returns (bytes32 subject) {
        IIdentityRegistry.Identity memory id = _identity.identityOf(msg.sender);
        subject = id.subject;
        uint256 total = _personPrincipal[subject] + principal;
        uint256 cap = _capFor(id.entity);
        if (total > cap) revert PersonLimitExceeded(subject, total, cap);
        _personPrincipal[subject] = total;
    }

    function _storeListing(
        ListingParams calldata p,
        uint8 grade,
        uint16 aprBps,
        uint256 minFill,
        bytes32 subject
    ) internal returns (uint256 loanId) {
        Totals memory tot = _totals;
        loanId = uint256(tot.nextLoanId) + 1; // ids start at 1
        _totals = Totals(tot.principalOutstanding, tot.openLoans + 1, uint64(loanId));
        _openLoansOf[msg.sender] += 1;
        _loanSubject[loanId] = subject;
        Loan storage loan = _loans[loanId];
        loan.borrower = msg.sender;
        loan.listingDeadline = p.listingDeadline;
        loan.periodLength = p.periodLength;
        loan.numPeriods = p.numPeriods;
        loan.status = LoanStatus.Listed;
        loan.principal = uint96(p.principal); // <= maxPrincipal, a uint96
        loan.aprBps = aprBps;
        loan.grade = grade;
        loan.minFill = uint96(minFill);
        _emitListed(loanId, loan);
    }

    /// @dev Read back from storage: the calldata fields alone would overflow the stack.
    function _emitListed(uint256 loanId, Loan storage loan) private {
        emit LoanListed(
            loanId,
            loan.borrower,
            loan.grade,
            loan.principal,
            loan.minFill,
            loan.aprBps,
            loan.numPeriods,
            loan.periodLength,
            loan.listingDeadline
        );
    }
}
