// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ILoanMarketTypes} from "./ILoanMarketTypes.sol";

/// @title Events of the PeerLend loan market
/// @notice Every state change of the market emits one of these, from the market's address, whichever
///         half of it (LoanMarket or LoanMarketExt) ran the code. The indexer, the disclosure figures
///         and AML monitoring are built from them alone. Collateral events come from the vault.
interface ILoanMarketEvents is ILoanMarketTypes {
    event LoanListed(
        uint256 indexed loanId,
        address indexed borrower,
        uint8 grade,
        uint256 principal,
        uint256 minFill,
        uint16 aprBps,
        uint16 numPeriods,
        uint32 periodLength,
        uint40 listingDeadline
    );
    /// @notice The signed offer `nonce` of `borrower` listed `loanId`; it cannot list again.
    event OfferUsed(address indexed borrower, uint256 indexed nonce, uint256 indexed loanId);
    event LoanFunded(uint256 indexed loanId, uint256 indexed noteId, address indexed lender, uint256 amount);
    /// @notice The listing `loanId` is bound to the agreement whose keccak-256 is `agreementHash`, the one
    ///         its borrower signed.
    event AgreementBound(uint256 indexed loanId, bytes32 agreementHash);
    /// @notice `lender`, funding `noteId` of `loanId`, accepted the loan's agreement `agreementHash`.
    event AgreementAccepted(
        uint256 indexed loanId,
        uint256 indexed noteId,
        address indexed lender,
        bytes32 agreementHash
    );
    /// @notice The fees are those fixed for this loan; later governance changes do not apply to it.
    event LoanDrawn(
        uint256 indexed loanId,
        address indexed borrower,
        uint256 principal,
        uint256 originationFee,
        uint256 installment,
        uint40 firstDueDate,
        uint16 servicingFeeBps,
        uint16 reserveShareBps,
        uint16 lateFeeBpsPerDay
    );
    event LoanRepaid(
        uint256 indexed loanId,
        address indexed payer,
        uint256 lateFee,
        uint256 interest,
        uint256 principal,
        uint256 reserveShare,
        uint256 servicingFee
    );
    /// @notice The whole debt is paid: a drawn loan becomes Repaid; a defaulted loan stays Defaulted but
    ///         is settled, so the borrower's open-loan slot and person limit are freed.
    event LoanRepaidInFull(uint256 indexed loanId);
    /// @notice `refundedToBorrower` (what exceeded the debt) is credited to the borrower, not sent.
    event LiquidationProceedsReceived(uint256 indexed loanId, uint256 amount, uint256 refundedToBorrower);
    event RefundWithdrawn(address indexed borrower, uint256 amount);
    event Claimed(uint256 indexed noteId, address holder, uint256 amount);
    event LoanDefaulted(
        uint256 indexed loanId,
        uint256 principalOutstanding,
        uint256 interestUnpaid,
        uint256 lateFeeUnpaid
    );
    /// @notice One reserve cover of `loanId` paid `covered` to the notes; `loss` is the principal the
    ///         notes still miss after it (`writedownPerShare` per unit of funded principal, ray).
    ///         A loan may be covered more than once, up to the fund's per-loan cap.
    event DefaultCovered(uint256 indexed loanId, uint256 covered, uint256 loss, uint256 writedownPerShare);
    event LoanCancelled(uint256 indexed loanId);
    /// @notice The listing closed without drawdown; lenders withdraw their funding.
    /// @param reason 1 deadline passed, 2 market wound down, 3 the listing no longer qualifies
    event LoanExpired(uint256 indexed loanId, uint8 reason);
    event FundingWithdrawn(uint256 indexed loanId, uint256 indexed noteId, address indexed holder, uint256 amount);
    event FeesSwept(uint256 reserveAmount, uint256 treasuryAmount);
    /// @notice Rounding dust no note of the settled `loanId` can ever claim went to the treasury.
    event DustSwept(uint256 indexed loanId, uint256 amount);
    /// @notice `seller` offers `noteId` at `price` until `expiry`; replaces any earlier offer of the note.
    event NoteOffered(uint256 indexed noteId, address indexed seller, uint256 price, uint256 expiry);
    /// @notice The offer of `noteId` ended unsold: cancelled by its seller, or voided by a transfer.
    event NoteOfferCancelled(uint256 indexed noteId, address indexed seller);
    /// @notice `buyer` bought `noteId` from `seller` at `price`. The seller received `price - fee` plus
    ///         `sellerEarned` (what the note had earned and not claimed: a claim, settled in the sale);
    ///         `fee` is the treasury's.
    event NoteSold(
        uint256 indexed noteId,
        address indexed seller,
        address indexed buyer,
        uint256 price,
        uint256 fee,
        uint256 sellerEarned
    );
    /// @notice The borrower of `loanId` proposes a new schedule: `extraPeriods` more installments and/or a
    ///         holiday of `holidayPeriods` periods in which none falls due, open for approval until `expiry`.
    event RestructureProposed(
        uint256 indexed loanId,
        uint256 indexed proposalId,
        uint16 extraPeriods,
        uint16 holidayPeriods,
        uint40 expiry
    );
    /// @notice `holder` approved `proposalId` for `noteId` (its principal share `share`). The approval
    ///         counts while `holder` holds the note; a new holder approves again.
    event RestructureApproved(
        uint256 indexed loanId,
        uint256 indexed proposalId,
        uint256 indexed noteId,
        address holder,
        uint256 share
    );
    event RestructureWithdrawn(uint256 indexed loanId, uint256 indexed proposalId);
    /// @notice `proposalId` took effect with `approvedPrincipal` of the notes' principal approving. The new
    ///         schedule: from due period `basePeriod` on, `baseBalance` of principal (everything then
    ///         outstanding) is repaid in the installments `basePeriod + 1` .. `numPeriods`, the first due at
    ///         `firstDueDate`, then one every period to `maturity`, each `installment`; the first also
    ///         carries `firstCharges` (the late fees and interest unpaid at execution and the interest
    ///         that accrues to `firstDueDate`) in place of one period's interest, if nothing is paid
    ///         before it.
    event RestructureExecuted(
        uint256 indexed loanId,
        uint256 indexed proposalId,
        uint256 approvedPrincipal,
        uint16 basePeriod,
        uint256 baseBalance,
        uint16 numPeriods,
        uint256 installment,
        uint40 firstDueDate,
        uint40 maturity,
        uint256 firstCharges
    );
    event ResaleTermsSet(uint16 feeBps, uint16 maxPremiumBps, uint16 minYieldBps);
    event ParameterChanged(bytes32 indexed name, uint256 previous, uint256 value);
    event AddressChanged(bytes32 indexed name, address previous, address value);
    event GradeTermsSet(uint8 indexed grade, uint16 aprBps, uint96 maxPrincipal, bool allowed, bool collateralRequired);
    event MinRiskClassSet(uint8 indexed grade, uint8 riskClass);
    event PersonCapsSet(uint256 individual, uint256 entity);
    event Paused(address account);
    event Unpaused(address account);
    event WoundDown(address account);
}
