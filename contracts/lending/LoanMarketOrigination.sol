// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

import {ILoanMarketOrigination} from "../interfaces/ILoanMarketOrigination.sol";
import {ILoanMarketRestructuring} from "../interfaces/ILoanMarketRestructuring.sol";
import {ICollateralVault} from "../interfaces/ICollateralVault.sol";
import {ILoanNote} from "../interfaces/ILoanNote.sol";
import {IIdentityRegistry} from "../interfaces/IIdentityRegistry.sol";
import {ICreditOracle} from "../interfaces/ICreditOracle.sol";
import {NoteIds} from "../common/NoteIds.sol";
import {BPS} from "../common/Constants.sol";
import {AnnuityMath} from "./AnnuityMath.sol";
import {LoanMarketBase} from "./LoanMarketBase.sol";
import {LoanOffers} from "./LoanOffers.sol";
import {ListingRules} from "./origination/ListingRules.sol";
import {MandateFunding} from "../market/MandateFunding.sol";

/// @title The loan market's origination module: listing within a signed offer, drawdown, cancellation,
///        expiry, refunds, collateral top-ups and funding by mandate, run by delegatecall against the market's storage
/// @notice Reached through LoanMarketExt's fallback (see {ILoanMarketOrigination}); passes what it does not
///         implement on to the restructuring module. Deploy one per market, after its restructuring module,
///         with the market's own stablecoin, registry, oracle and note (the extension checks).
/// @dev Called at its own address it acts on an empty store: nothing is listed there and no offer signer
///      can be confirmed, so nothing can happen.
contract LoanMarketOrigination is ListingRules, MandateFunding {
    using SafeERC20 for IERC20;

    address private immutable _restructuring;

    /// @param restructuring_ a LoanMarketRestructuring built for the same stablecoin, registry, oracle and note
    constructor(
        IERC20 stablecoin_,
        IIdentityRegistry identity_,
        ICreditOracle oracle_,
        ILoanNote note_,
        address restructuring_
    ) LoanMarketBase(stablecoin_, identity_, oracle_, note_) {
        if (restructuring_.code.length == 0) revert InvalidExtension(restructuring_);
        (address t, address i, address o, address n) = ILoanMarketRestructuring(restructuring_).restructuringBoundTo();
        _requireSameWiring(restructuring_, [t, i, o, n]);
        _restructuring = restructuring_;
    }

    /// @notice Every function no other part implements runs in the restructuring module, against the same
    ///         storage.
    fallback() external {
        _delegate(_restructuring);
    }

    /// @inheritdoc ILoanMarketOrigination
    function originationBoundTo() external view returns (address, address, address, address) {
        return (address(_token), address(_identity), address(_oracle), address(_note));
    }

    /// @inheritdoc ILoanMarketOrigination
    function restructuring() external view returns (address) {
        return _restructuring;
    }

    // ------------------------------------------------------------------ borrower

    function list(
        ListingParams calldata p,
        LoanOffer calldata o,
        bytes calldata signature,
        bytes32 agreementHash
    ) external nonReentrant returns (uint256 loanId) {
        MarketConfig memory c = _config;
        _requireOpen(c);
        if (agreementHash == bytes32(0)) revert AgreementHashMissing();
        _useOffer(o, signature);
        _checkBorrower(o.grade);
        GradeTerms memory t = _grades[o.grade];
        uint256 minFill = _checkTerms(p, o, t);
        uint256 open = _openLoansOf[msg.sender];
        if (open >= c.maxOpenLoansPerBorrower) revert TooManyOpenLoans(msg.sender, open, c.maxOpenLoansPerBorrower);
        bytes32 subject = _countAgainstPerson(p.principal);

        loanId = _storeListing(p, o.grade, t.aprBps, minFill, subject);
        emit OfferUsed(msg.sender, o.nonce, loanId);
        _agreementHashes[loanId] = agreementHash;
        emit AgreementBound(loanId, agreementHash);
        if (p.collateralAmount != 0) _pledge(loanId, p, o.grade);
    }

    /// @dev Apart from `list`, whose locals leave no stack room for the vault call's arguments.
    function _pledge(uint256 loanId, ListingParams calldata p, uint8 grade) private {
        _loans[loanId].flags = FLAG_SECURED;
        ICollateralVault(_vault).pledge(loanId, msg.sender, p.collateralToken, p.collateralAmount, p.principal, grade);
    }

    function drawdown(uint256 loanId) external nonReentrant {
        MarketConfig memory c = _config;
        _requireOpen(c);
        Loan memory loan = _loans[loanId];
        _requireStatus(loanId, loan.status, LoanStatus.Listed);
        if (msg.sender != loan.borrower) revert NotBorrower(msg.sender, loan.borrower);
        uint256 funded = loan.funded;
        bool accepted =
            block.timestamp <= uint256(loan.listingDeadline) + ACCEPT_WINDOW &&
                (funded == loan.principal || (block.timestamp > loan.listingDeadline && funded >= loan.minFill));
        if (!accepted || funded == 0) revert DrawdownNotAllowed(loanId, funded, loan.principal, loan.minFill);
        _qualifies(loanId, loan, funded, true);

        // The person's limit counted the requested principal; from now on it counts what was drawn.
        _personPrincipal[_loanSubject[loanId]] -= loan.principal - funded;
        uint256 r = AnnuityMath.ratePerPeriod(loan.aprBps, loan.periodLength);
        uint256 inst = AnnuityMath.installment(funded, r, loan.numPeriods);
        loan.principal = uint96(funded);
        loan.status = LoanStatus.Drawn;
        loan.drawnAt = uint40(block.timestamp);
        loan.lastAccrual = uint40(block.timestamp);
        loan.installment = uint128(inst);
        loan.schedBalance = uint128(funded);
        loan.principalOutstanding = uint128(funded);
        // Fixed now: a later governance change of these applies to loans drawn after it only.
        loan.servicingFeeBps = c.servicingFeeBps;
        loan.reserveShareBps = c.reserveShareBps;
        loan.lateFeeBpsPerDay = c.lateFeeBpsPerDay;
        _loans[loanId] = loan;
        _totals.principalOutstanding += uint128(funded);

        uint256 fee = Math.mulDiv(funded, c.originationFeeBps, BPS, Math.Rounding.Ceil);
        emit LoanDrawn(
            loanId,
            loan.borrower,
            funded,
            fee,
            inst,
            uint40(block.timestamp + loan.periodLength),
            c.servicingFeeBps,
            c.reserveShareBps,
            c.lateFeeBpsPerDay
        );
        if (fee != 0) _token.safeTransfer(_treasury, fee);
        _token.safeTransfer(loan.borrower, funded - fee);
    }

    function cancel(uint256 loanId) external nonReentrant {
        Loan storage loan = _loans[loanId];
        _requireStatus(loanId, loan.status, LoanStatus.Listed);
        if (msg.sender != loan.borrower) revert NotBorrower(msg.sender, loan.borrower);
        _closeListing(loanId, loan, LoanStatus.Cancelled);
        emit LoanCancelled(loanId);
        _releaseCollateral(loanId, loan.flags);
    }

    function addCollateral(uint256 loanId, uint256 amount) external nonReentrant {
        Loan storage loan = _loans[loanId];
        LoanStatus s = loan.status;
        if (s != LoanStatus.Listed && s != LoanStatus.Drawn) {
            if (s == LoanStatus.None) revert UnknownLoan(loanId);
            revert InvalidLoanStatus(loanId, s);
        }
        if (msg.sender != loan.borrower) revert NotBorrower(msg.sender, loan.borrower);
        if (loan.flags & FLAG_SECURED == 0) revert CollateralNotPledged(loanId);
        ICollateralVault(_vault).addCollateral(loanId, msg.sender, amount);
    }

    // ------------------------------------------------------------------ lender and anyone

    function withdrawFunding(uint256 noteId) external nonReentrant returns (uint256 amount) {
        uint256 loanId = NoteIds.loanOf(noteId);
        Loan storage loan = _loans[loanId];
        if (loan.status == LoanStatus.Listed) {
            uint8 reason = _expiryReason(loanId, loan);
            if (reason != 0) _expire(loanId, loan, reason);
        }
        LoanStatus s = loan.status;
        if (s != LoanStatus.Cancelled && s != LoanStatus.Expired) revert InvalidLoanStatus(loanId, s);
        address holder;
        (holder, amount) = _noteOf(noteId);
        if (holder != msg.sender) revert NotNoteHolder(msg.sender, noteId);
        _requireNotFrozen(holder);
        loan.funded -= uint96(amount);
        delete _notes[noteId];
        emit FundingWithdrawn(loanId, noteId, holder, amount);
        _note.burn(holder, noteId);
        _token.safeTransfer(holder, amount);
    }

    function withdrawRefund() external nonReentrant returns (uint256 amount) {
        amount = _refunds[msg.sender];
        if (amount == 0) revert ZeroAmount();
        _requireNotFrozen(msg.sender);
        delete _refunds[msg.sender];
        emit RefundWithdrawn(msg.sender, amount);
        _token.safeTransfer(msg.sender, amount);
    }

    function expire(uint256 loanId) external nonReentrant {
        Loan storage loan = _loans[loanId];
        _requireStatus(loanId, loan.status, LoanStatus.Listed);
        uint8 reason = _expiryReason(loanId, loan);
        if (reason == 0) revert NotExpirable(loanId);
        _expire(loanId, loan, reason);
    }

    // ------------------------------------------------------------------ views

    /// @inheritdoc ILoanMarketOrigination
    function expiryReason(uint256 loanId) external view returns (uint8) {
        return _expiryReason(loanId, _loans[loanId]);
    }

    /// @inheritdoc ILoanMarketOrigination
    function offerDigest(LoanOffer calldata offer) external view returns (bytes32) {
        return _typedDataHash(LoanOffers.structHash(offer));
    }
}
