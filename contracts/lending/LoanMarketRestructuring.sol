// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";

import {ILoanMarketRestructuring} from "../interfaces/ILoanMarketRestructuring.sol";
import {ILoanNote} from "../interfaces/ILoanNote.sol";
import {IIdentityRegistry} from "../interfaces/IIdentityRegistry.sol";
import {ICreditOracle} from "../interfaces/ICreditOracle.sol";
import {NoteIds} from "../common/NoteIds.sol";
import {LoanAccounting} from "./LoanAccounting.sol";
import {LoanMarketBase} from "./LoanMarketBase.sol";
import {MarketDomain} from "./MarketDomain.sol";
import {RestructureProposals} from "./restructuring/RestructureProposals.sol";
import {RestructureSchedule} from "./restructuring/RestructureSchedule.sol";

/// @title The loan market's restructuring module: a new schedule proposed by the borrower, approved by the
///        holders of two thirds of the loan's principal, put into effect against that commitment
/// @notice Reached through LoanMarketOrigination's fallback, by delegatecall against the market's storage
///         (see {ILoanMarketRestructuring}). Deploy one per market, first, with the market's own
///         stablecoin, registry, oracle and note (origination checks).
/// @dev The shape of Maple's MapleRefinancer: a module the loan runs only against terms the other side
///      accepted. Here the terms are the open proposal, the acceptance the recorded approvals, and the
///      module changes nothing but the loan's schedule fields (RestructureSchedule). Approvals are stored
///      per (proposal, note) with the approving wallet and counted at execution only while that wallet
///      still holds the note, so note transfers and purchases, the market's hot paths, do no
///      restructuring work at all. Declares no storage. Called at its own address it acts on an empty
///      store: no loan is drawn there, so nothing can happen.
contract LoanMarketRestructuring is ILoanMarketRestructuring, LoanMarketBase {
    constructor(
        IERC20 stablecoin_,
        IIdentityRegistry identity_,
        ICreditOracle oracle_,
        ILoanNote note_
    ) LoanMarketBase(stablecoin_, identity_, oracle_, note_) {}

    /// @inheritdoc ILoanMarketRestructuring
    function restructuringBoundTo() external view returns (address, address, address, address) {
        return (address(_token), address(_identity), address(_oracle), address(_note));
    }

    // ------------------------------------------------------------------ borrower

    /// @inheritdoc ILoanMarketRestructuring
    function proposeRestructure(
        uint256 loanId,
        uint16 extraPeriods,
        uint16 holidayPeriods,
        uint40 expiry
    ) external nonReentrant returns (uint256 proposalId) {
        if (_config.paused) revert MarketPaused();
        Loan memory loan = _loans[loanId];
        _requireStatus(loanId, loan.status, LoanStatus.Drawn);
        if (msg.sender != loan.borrower) revert NotBorrower(msg.sender, loan.borrower);
        _requireNotFrozen(msg.sender);
        RestructureProposal memory open = RestructureProposals.unpack(_proposals[loanId], block.timestamp);
        if (open.open) revert RestructureAlreadyProposed(loanId, open.proposalId);
        if (expiry <= block.timestamp || expiry > block.timestamp + RestructureProposals.MAX_DURATION) {
            revert InvalidProposalExpiry(expiry, block.timestamp);
        }
        LoanAccounting.accrue(loan, block.timestamp); // the due periods passed by now
        _requireValid(loanId, loan, extraPeriods, holidayPeriods);
        proposalId = ++_lastProposalId;
        _proposals[loanId] = RestructureProposals.pack(proposalId, extraPeriods, holidayPeriods, expiry);
        emit RestructureProposed(loanId, proposalId, extraPeriods, holidayPeriods, expiry);
    }

    /// @inheritdoc ILoanMarketRestructuring
    function withdrawRestructure(uint256 loanId) external nonReentrant {
        address borrower = _loans[loanId].borrower;
        if (borrower == address(0)) revert UnknownLoan(loanId);
        if (msg.sender != borrower) revert NotBorrower(msg.sender, borrower);
        uint256 proposalId = _openProposal(loanId).proposalId;
        delete _proposals[loanId];
        emit RestructureWithdrawn(loanId, proposalId);
    }

    // ------------------------------------------------------------------ note holders

    /// @inheritdoc ILoanMarketRestructuring
    function approveRestructure(uint256 loanId, uint256 proposalId, uint256[] calldata noteIds) external nonReentrant {
        _approve(msg.sender, loanId, proposalId, noteIds);
    }

    /// @inheritdoc ILoanMarketRestructuring
    function approveRestructureBySig(
        address holder,
        uint256 loanId,
        uint256 proposalId,
        uint256[] calldata noteIds,
        uint256 deadline,
        bytes calldata signature
    ) external nonReentrant {
        if (block.timestamp > deadline) revert SignatureExpired(deadline, block.timestamp);
        // The signature must carry the holder's current nonce, and a submission that succeeds uses it up:
        // the same signature sent again is checked against the next nonce and refused.
        uint256 nonce = _restructureNonces[holder]++;
        bytes32 digest = MarketDomain.typedDataHash(
            RestructureProposals.approvalHash(holder, loanId, proposalId, nonce, deadline)
        );
        if (!SignatureChecker.isValidSignatureNow(holder, digest, signature)) revert InvalidApprovalSignature(holder);
        _approve(holder, loanId, proposalId, noteIds);
    }

    // ------------------------------------------------------------------ anyone

    /// @inheritdoc ILoanMarketRestructuring
    function executeRestructure(
        uint256 loanId,
        uint256[] calldata noteIds
    ) external nonReentrant returns (uint256 approvedPrincipal) {
        if (_config.paused) revert MarketPaused();
        RestructureProposal memory p = _openProposal(loanId);
        Loan memory loan = _loans[loanId];
        _requireStatus(loanId, loan.status, LoanStatus.Drawn);
        uint256 required;
        (approvedPrincipal, required) = _count(p.proposalId, loan.funded, noteIds);
        if (approvedPrincipal < required) revert ApprovalBelowThreshold(approvedPrincipal, required);

        LoanAccounting.accrue(loan, block.timestamp);
        _requireValid(loanId, loan, p.extraPeriods, p.holidayPeriods);
        (ScheduleBase memory base, uint256 firstDue) = RestructureSchedule.rebase(
            loan,
            p.extraPeriods,
            p.holidayPeriods,
            block.timestamp
        );
        loan.flags |= FLAG_RESTRUCTURED;
        _loans[loanId] = loan;
        _scheduleBases[loanId] = RestructureSchedule.pack(base);
        delete _proposals[loanId];
        _emitExecuted(loanId, p.proposalId, approvedPrincipal, loan, base, firstDue);
    }

    // ------------------------------------------------------------------ views

    /// @inheritdoc ILoanMarketRestructuring
    function restructureProposal(uint256 loanId) external view returns (RestructureProposal memory) {
        return RestructureProposals.unpack(_proposals[loanId], block.timestamp);
    }

    /// @inheritdoc ILoanMarketRestructuring
    function restructureApprover(uint256 proposalId, uint256 noteId) external view returns (address) {
        return _restructureApprovers[proposalId][noteId];
    }

    /// @inheritdoc ILoanMarketRestructuring
    function restructureApprovals(
        uint256 loanId,
        uint256[] calldata noteIds
    ) external view returns (uint256 approved, uint256 required) {
        return _count(RestructureProposals.unpack(_proposals[loanId], 0).proposalId, _loans[loanId].funded, noteIds);
    }

    /// @inheritdoc ILoanMarketRestructuring
    function restructureNonce(address holder) external view returns (uint256) {
        return _restructureNonces[holder];
    }

    /// @inheritdoc ILoanMarketRestructuring
    function restructureApprovalDigest(
        address holder,
        uint256 loanId,
        uint256 proposalId,
        uint256 nonce,
        uint256 deadline
    ) external view returns (bytes32) {
        return
            MarketDomain.typedDataHash(RestructureProposals.approvalHash(holder, loanId, proposalId, nonce, deadline));
    }

    /// @inheritdoc ILoanMarketRestructuring
    function scheduleBaseOf(uint256 loanId) external view returns (ScheduleBase memory base) {
        Loan storage loan = _loans[loanId];
        if (loan.flags & FLAG_RESTRUCTURED != 0) return RestructureSchedule.unpack(_scheduleBases[loanId]);
        base.balance = loan.principal;
    }

    // ------------------------------------------------------------------ internal

    /// @return p the loan's proposal, which must be open
    function _openProposal(uint256 loanId) private view returns (RestructureProposal memory p) {
        p = RestructureProposals.unpack(_proposals[loanId], block.timestamp);
        if (!p.open) revert RestructureNotProposed(loanId);
    }

    function _requireValid(uint256 loanId, Loan memory loan, uint256 extra, uint256 holiday) private pure {
        if (!RestructureSchedule.valid(loan, extra, holiday)) revert InvalidRestructureTerms(loanId, extra, holiday);
    }

    /// @dev Records `holder` as the approver of the open proposal `proposalId` for each of `noteIds`.
    function _approve(address holder, uint256 loanId, uint256 proposalId, uint256[] calldata noteIds) private {
        uint256 open = _openProposal(loanId).proposalId;
        if (open != proposalId) revert RestructureProposalMismatch(loanId, proposalId, open);
        _requireStatus(loanId, _loans[loanId].status, LoanStatus.Drawn);
        if (noteIds.length == 0) revert ZeroAmount();
        _requireNotFrozen(holder);
        for (uint256 i; i < noteIds.length; ++i) {
            uint256 noteId = noteIds[i];
            if (NoteIds.loanOf(noteId) != loanId) revert NoteNotOfLoan(noteId, loanId);
            (address owner, uint256 share) = _noteOf(noteId);
            if (owner != holder) revert NotNoteHolder(holder, noteId);
            _restructureApprovers[proposalId][noteId] = holder;
            emit RestructureApproved(loanId, proposalId, noteId, holder, share);
        }
    }

    /// @return approved the shares of `noteIds` whose recorded approver of `proposalId` holds them now
    /// @return required ceil(2 * funded / 3): rounded up, so two thirds is never approximated downwards
    function _count(
        uint256 proposalId,
        uint256 funded,
        uint256[] calldata noteIds
    ) private view returns (uint256 approved, uint256 required) {
        required = Math.ceilDiv(funded * 2, 3);
        uint256 previous;
        for (uint256 i; i < noteIds.length; ++i) {
            uint256 noteId = noteIds[i];
            if (i != 0 && noteId <= previous) revert NoteIdsNotAscending(noteId, previous);
            previous = noteId;
            address approver = _restructureApprovers[proposalId][noteId];
            if (approver == address(0)) continue;
            (address owner, uint256 share) = _noteOf(noteId);
            if (owner == approver) approved += share;
        }
    }

    /// @dev Read back from memory: the fields alone would overflow the stack.
    function _emitExecuted(
        uint256 loanId,
        uint256 proposalId,
        uint256 approvedPrincipal,
        Loan memory loan,
        ScheduleBase memory base,
        uint256 firstDue
    ) private {
        uint256 maturity = uint256(loan.drawnAt) + uint256(loan.numPeriods) * loan.periodLength;
        emit RestructureExecuted(
            loanId,
            proposalId,
            approvedPrincipal,
            uint16(base.period),
            base.balance,
            loan.numPeriods,
            loan.installment,
            uint40(firstDue),
            uint40(maturity),
            base.firstCharges
        );
    }
}
