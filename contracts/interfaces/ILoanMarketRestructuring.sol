// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ILoanMarketEvents} from "./ILoanMarketEvents.sol";
import {ILoanMarketErrors} from "./ILoanMarketErrors.sol";

/// @title Loan restructuring (贷后管理): a new schedule the borrower proposes and the note holders adopt
/// @notice Implemented by `LoanMarketRestructuring`, run by delegatecall against the market's storage
///         (LoanMarket's fallback passes to LoanMarketExt, whose fallback passes to LoanMarketOrigination,
///         whose fallback passes here). Call these at the market's address (the merged ABI is {ILoanMarket}).
///
/// Proposal: the borrower of a drawn loan proposes `extraPeriods` more installments and/or a holiday of
/// `holidayPeriods` periods (at most 12) in which no installment falls due, open until an expiry at most
/// 30 days away. One open proposal per loan; the borrower may withdraw it.
///
/// Approval: a note holder approves a proposal for notes it holds, by transaction or by an EIP-712
/// approval anyone may submit: RestructureApproval(address holder,uint256 loanId,uint256 proposalId,
/// uint256 nonce,uint256 deadline) under the market's domain ("PeerLend LoanMarket", "1", chain id, the
/// market), with the holder's nonce (`restructureNonce`), used up by the submission. An approval belongs
/// to the note and the wallet that gave it: the market records the approver per (proposal, note), and a
/// note counts only while that wallet still holds it, so a note sold after approving counts again only
/// once its new holder approves. Transfers and purchases do no restructuring work.
///
/// Execution: anyone, with the approving note ids (strictly ascending; notes that do not count are
/// skipped): the proposal takes effect once the notes counted carry at least two thirds of the loan's
/// principal shares, rounded up (ceil(2 * funded / 3)). All notes share principal and repayments pro rata
/// (the accumulator distribution is unchanged), so a note whose holder did not vote keeps its share.
///
/// New schedule: everything outstanding at execution is repaid in equal installments (the loan's APR,
/// rounding as at drawdown) over the installments not yet due plus `extraPeriods`; the first falls due
/// `holidayPeriods` periods after the next due date, then one every period: maturity moves by the holiday
/// and the extension. Principal behind schedule is re-scheduled, and unpaid interest (due or not) and late
/// fees already charged fall due with the first new installment (`ScheduleBase.firstCharges`), so the
/// loan is current on execution; nothing is forgiven. Interest keeps accruing per second on the principal outstanding,
/// through the holiday too: the holiday's interest is paid with the first installment after it, never
/// forgiven, and paying during the holiday lowers it. No principal is ever reduced or added. Days past
/// due, the delinquency tier, the amount due, `markDefault` and note pricing count against the new
/// schedule; `repay` and the full payoff work as before. A loan may be restructured again.
///
/// Pause: proposing and executing stop while the market is paused (no loan's terms change during a
/// crisis); approving, approving by signature and withdrawing go on, so the votes stand when it ends.
/// Repayments are never paused. Wind-down does not stop restructuring: it is how the book runs off.
interface ILoanMarketRestructuring is ILoanMarketEvents, ILoanMarketErrors {
    /// @notice The contracts this module was built for; the origination module checks they are its own.
    function restructuringBoundTo()
        external
        view
        returns (address stablecoin, address identity, address oracle, address note);

    /// @notice Borrower of a drawn loan (not frozen, market not paused): proposes the new terms.
    /// @param extraPeriods   installments added to the schedule
    /// @param holidayPeriods periods before the next installment falls due (at most 12)
    /// @param expiry         no approval or execution after it (at most 30 days away)
    /// @return proposalId unique across loans; approvals name it
    function proposeRestructure(
        uint256 loanId,
        uint16 extraPeriods,
        uint16 holidayPeriods,
        uint40 expiry
    ) external returns (uint256 proposalId);

    /// @notice Borrower: withdraws the loan's open proposal. Never paused.
    function withdrawRestructure(uint256 loanId) external;

    /// @notice Note holder (not frozen): approves the loan's open proposal `proposalId` for each of
    ///         `noteIds`, which must be notes of the loan it holds. Never paused.
    function approveRestructure(uint256 loanId, uint256 proposalId, uint256[] calldata noteIds) external;

    /// @notice Anyone: submits `holder`'s signed approval of `proposalId` (see the type above), for each of
    ///         `noteIds`, which `holder` must hold now. Uses up the holder's nonce. Never paused.
    function approveRestructureBySig(
        address holder,
        uint256 loanId,
        uint256 proposalId,
        uint256[] calldata noteIds,
        uint256 deadline,
        bytes calldata signature
    ) external;

    /// @notice Anyone (market not paused): puts the loan's open proposal into effect, counting the notes of
    ///         `noteIds` (strictly ascending) whose recorded approver still holds them; reverts
    ///         `ApprovalBelowThreshold` below two thirds of the loan's principal shares.
    /// @return approvedPrincipal the principal shares counted
    function executeRestructure(
        uint256 loanId,
        uint256[] calldata noteIds
    ) external returns (uint256 approvedPrincipal);

    /// @return the loan's latest proposal (`open` false once executed, withdrawn or expired; proposalId 0
    ///         after execution or withdrawal)
    function restructureProposal(uint256 loanId) external view returns (RestructureProposal memory);

    /// @return who approved `proposalId` for `noteId` (the zero address if nobody has); it counts only
    ///         while that wallet holds the note
    function restructureApprover(uint256 proposalId, uint256 noteId) external view returns (address);

    /// @return approved what `executeRestructure(loanId, noteIds)` would count now
    /// @return required two thirds of the loan's principal shares, rounded up
    function restructureApprovals(
        uint256 loanId,
        uint256[] calldata noteIds
    ) external view returns (uint256 approved, uint256 required);

    /// @return the nonce `holder`'s next signed approval must carry
    function restructureNonce(address holder) external view returns (uint256);

    /// @return the EIP-712 digest `holder` signs to approve `proposalId` of `loanId`
    function restructureApprovalDigest(
        address holder,
        uint256 loanId,
        uint256 proposalId,
        uint256 nonce,
        uint256 deadline
    ) external view returns (bytes32);

    /// @return where the schedule in force starts (see {ILoanMarketTypes.ScheduleBase})
    function scheduleBaseOf(uint256 loanId) external view returns (ScheduleBase memory);
}
