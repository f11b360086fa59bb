// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IPeerLendErrors} from "./IPeerLendErrors.sol";
import {ILoanMarketTypes} from "./ILoanMarketTypes.sol";

/// @title Errors only the loan market raises (shared ones are in {IPeerLendErrors})
interface ILoanMarketErrors is IPeerLendErrors, ILoanMarketTypes {
    error CreditRecordStale(address borrower);
    /// @dev The borrower's credit record grades it worse than `allowedGrade` (the offer's, or the
    ///      listing's at drawdown).
    error CreditGradeWorse(address borrower, uint8 grade, uint8 allowedGrade);
    error GradeNotAllowed(uint8 grade);
    error PrincipalOutOfBounds(uint256 principal, uint256 maxPrincipal);
    error InvalidMinFill(uint256 minFill, uint256 principal);
    error InvalidTerm(uint256 numPeriods, uint256 periodLength);
    error InvalidDeadline(uint256 deadline, uint256 nowTs);
    error TooManyOpenLoans(address borrower, uint256 open, uint256 max);
    /// @dev Listing or drawing `principal` would take the person's outstanding principal above its cap.
    error PersonLimitExceeded(bytes32 subject, uint256 principal, uint256 cap);
    error OfferBorrowerMismatch(address caller, address borrower);
    error OfferAlreadyUsed(address borrower, uint256 nonce);
    error OfferSignerNotAuthorized(address signer);
    /// @dev The grade's APR changed since the offer was priced: the service must issue a new offer.
    error OfferTermsOutdated(uint8 grade, uint16 offerAprBps, uint16 currentAprBps);
    /// @dev The listing asks for more than the offer allows, or another period length (`term` names which).
    error ListingOutsideOffer(bytes32 term, uint256 value, uint256 offered);
    error CollateralRequired(uint8 grade);
    error CollateralBelowOffer(address token, uint256 amount, address offeredToken, uint256 minAmount);
    error CollateralNotPledged(uint256 loanId);
    /// @dev A listing must bind the hash of the agreement its borrower signed.
    error AgreementHashMissing();
    error MarketPaused();
    error UnknownLoan(uint256 loanId);
    error InvalidLoanStatus(uint256 loanId, LoanStatus status);
    error ListingClosed(uint256 loanId, uint256 deadline);
    error TicketTooSmall(uint256 amount, uint256 minTicket);
    error OverFunding(uint256 amount, uint256 remaining);
    /// @dev A borrower can neither fund nor receive a note of its own loan.
    error BorrowerCannotHoldNote(uint256 loanId);
    error NotBorrower(address caller, address borrower);
    error DrawdownNotAllowed(uint256 loanId, uint256 funded, uint256 principal, uint256 minFill);
    error NotExpirable(uint256 loanId);
    error NotNoteHolder(address caller, uint256 noteId);
    error NotLoanNote(address caller);
    error NotDefaultable(uint256 loanId, uint256 daysPastDue);
    /// @dev The reserve fund can pay nothing for this loan now (empty, capped, or nothing left to cover).
    error NothingToCover(uint256 loanId);
    error CollateralNotExhausted(uint256 loanId, uint256 amount);
    error CollateralVaultNotSet();
    error CollateralVaultInUse(address vault, uint256 openPositions);
    error InvalidCollateralVault(address vault);
    error NotCollateralVault(address caller);
    error InvalidReserveFund(address fund);
    error LoanNotSettled(uint256 loanId);
    error DustAlreadySwept(uint256 loanId);
    /// @dev `noteId` has no offer (never made, cancelled, sold, or voided by a transfer).
    error NoOffer(uint256 noteId);
    error OfferExpired(uint256 noteId, uint256 expiry);
    /// @dev An offer's expiry must be in the future and at most 90 days away.
    error InvalidOfferExpiry(uint256 expiry, uint256 nowTs);
    /// @dev The price is zero or above what the market accepts for the note now (`maxPrice`: par plus the
    ///      premium bound, or the price at which the note yields the minimum yield, whichever is lower).
    error ResalePriceOutOfBounds(uint256 noteId, uint256 price, uint256 maxPrice);
    /// @dev The offer's price is above the most the buyer agreed to pay.
    error PriceAboveLimit(uint256 noteId, uint256 price, uint256 limit);
    /// @dev The note's loan is defaulted or more than 30 days late, and the buyer did not accept that.
    error NoteDistressed(uint256 noteId, uint256 daysPastDue);
    /// @dev The note's loan is not drawn, or has nothing left to pay: there is nothing to sell.
    error NoteNotForSale(uint256 noteId);
    error CannotBuyOwnNote(uint256 noteId);
    // ---- restructuring (see ILoanMarketRestructuring)
    /// @dev `loanId` has no open proposal: none made, or it was executed, withdrawn or has expired.
    error RestructureNotProposed(uint256 loanId);
    /// @dev One open proposal per loan: `proposalId` must be executed, withdrawn or expire first.
    error RestructureAlreadyProposed(uint256 loanId, uint256 proposalId);
    /// @dev The approval names `proposalId`, but the loan's open proposal is `openProposalId`.
    error RestructureProposalMismatch(uint256 loanId, uint256 proposalId, uint256 openProposalId);
    /// @dev More installments than a loan may have, a holiday longer than allowed, neither an extension
    ///      nor a holiday, or no installment left to pay under the new schedule.
    error InvalidRestructureTerms(uint256 loanId, uint256 extraPeriods, uint256 holidayPeriods);
    /// @dev A proposal's expiry must be in the future and at most 30 days away.
    error InvalidProposalExpiry(uint256 expiry, uint256 nowTs);
    /// @dev The approving notes' principal is below two thirds of the loan's (rounded up).
    error ApprovalBelowThreshold(uint256 approved, uint256 required);
    /// @dev The signature is not `holder`'s over the approval with its current nonce.
    error InvalidApprovalSignature(address holder);
    /// @dev Note ids that are counted must be given in strictly ascending order (so none counts twice).
    error NoteIdsNotAscending(uint256 noteId, uint256 previous);
    error NoteNotOfLoan(uint256 noteId, uint256 loanId);
    /// @dev Two arrays that pair up element by element have different lengths.
    error LengthMismatch(uint256 length, uint256 otherLength);
    error AlreadyWoundDown();
    error NotPaused();
    error AlreadyPaused();
    error AlreadyInitialized();
    error InvalidExtension(address extension);
    /// @dev The note given to the market's constructor names another market (`boundTo`) as its own.
    error NoteBoundElsewhere(address note, address boundTo);
}
