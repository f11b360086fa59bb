// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {IERC721Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

import {ILoanMarketCore} from "../interfaces/ILoanMarketCore.sol";
import {ILoanMarketExt} from "../interfaces/ILoanMarketExt.sol";
import {ILoanNote} from "../interfaces/ILoanNote.sol";
import {IIdentityRegistry} from "../interfaces/IIdentityRegistry.sol";
import {ICreditOracle} from "../interfaces/ICreditOracle.sol";
import {NoteIds} from "../common/NoteIds.sol";
import {BPS, RAY} from "../common/Constants.sol";
import {BoundedMath} from "../common/BoundedMath.sol";
import {LoanMarketBase} from "./LoanMarketBase.sol";
import {LoanAccounting} from "./LoanAccounting.sol";
import {NoteResale} from "../market/NoteResale.sol";
import {ResaleOffer} from "../market/ResaleOffer.sol";

/// @title PeerLend loan market: the hot paths, with everything else behind the fallback
/// @notice See {ILoanMarket} for the rules. This contract runs what lenders, borrowers, keepers and the
///         vault call every day (fund, repay, claim, note transfers, default, liquidation proceeds, the
///         loan views) and delegates every other call, against its own storage, to LoanMarketExt
///         (governance, roles, reserve cover, views), which passes what it does not implement on to
///         LoanMarketOrigination (listing, drawdown, expiry, refunds).
/// @dev Why this split: the market had reached the EIP-170 limit. Of the shapes that give room —
///      Compound III's core plus an extension behind the fallback, a separate origination contract, or
///      external libraries — the first keeps the hot paths exactly as cheap as before (they run here,
///      with no extra call) and costs a cold path one or two delegatecalls (~2,700 gas each). A separate
///      origination contract would need an external call for each storage access it shares with the
///      market; external libraries would add a delegatecall to the hot paths. The extension is chained to
///      an origination module because the two together exceed one contract's size. Storage is declared
///      once, in LoanMarketStorage, which all three inherit first; tests check that the compiled layouts
///      agree and that no selector exists twice.
contract LoanMarket is ILoanMarketCore, LoanMarketBase, NoteResale, IERC721Errors {
    using SafeERC20 for IERC20;

    address private immutable _extension;

    /// @param extension_ a LoanMarketExt built for the same stablecoin, registry, oracle and note
    /// @param reserve_   the reserve fund (bound to this market afterwards by its admin)
    /// @param admin_     receives DEFAULT_ADMIN_ROLE, and grants the other roles
    constructor(
        IERC20 stablecoin_,
        IIdentityRegistry identity_,
        ICreditOracle oracle_,
        ILoanNote note_,
        address extension_,
        address reserve_,
        address treasury_,
        address admin_
    ) LoanMarketBase(stablecoin_, identity_, oracle_, note_) {
        if (extension_.code.length == 0) revert InvalidExtension(extension_);
        (address t, address i, address o, address n) = ILoanMarketExt(extension_).extensionBoundTo();
        _requireSameWiring(extension_, [t, i, o, n]);
        _extension = extension_;
        // The storage set-up is the extension's code (it owns the roles), run against this storage.
        (bool ok, bytes memory reason) = extension_.delegatecall(
            abi.encodeCall(ILoanMarketExt.initialize, (reserve_, treasury_, admin_))
        );
        if (!ok) {
            assembly ("memory-safe") {
                revert(add(reason, 0x20), mload(reason))
            }
        }
        // The note names its market in its code (see LoanNote's constructor): it must name this one.
        address boundTo = note_.market();
        if (boundTo != address(this)) revert NoteBoundElsewhere(address(note_), boundTo);
    }

    /// @notice Every function not implemented here runs in LoanMarketExt against this contract's storage.
    /// @dev Not payable: the market takes no ether.
    fallback() external {
        _delegate(_extension);
    }

    // ------------------------------------------------------------------ lender

    /// @inheritdoc ILoanMarketCore
    function fund(uint256 loanId, uint256 amount) external nonReentrant returns (uint256 noteId) {
        MarketConfig memory c = _config;
        _requireOpen(c);
        noteId = _addNote(loanId, _fundable(loanId), msg.sender, amount, c.minTicket);
        _pull(msg.sender, amount);
        _note.mint(msg.sender, noteId);
    }

    /// @inheritdoc ILoanMarketCore
    function claim(uint256 noteId) external nonReentrant returns (uint256 amount) {
        _requireNotFrozen(msg.sender);
        amount = _claim(noteId, msg.sender);
        if (amount != 0) _token.safeTransfer(msg.sender, amount);
    }

    /// @inheritdoc ILoanMarketCore
    function claimMany(uint256[] calldata noteIds) external nonReentrant returns (uint256 amount) {
        _requireNotFrozen(msg.sender);
        for (uint256 i; i < noteIds.length; ++i) {
            amount += _claim(noteIds[i], msg.sender);
        }
        if (amount != 0) _token.safeTransfer(msg.sender, amount);
    }

    /// @inheritdoc ILoanMarketCore
    function transferNote(address from, address to, uint256 noteId) external nonReentrant {
        if (msg.sender != address(_note)) revert NotLoanNote(msg.sender);
        if (_config.paused) revert MarketPaused();
        (address holder, uint256 share) = _noteOf(noteId);
        if (holder == address(0)) revert ERC721NonexistentToken(noteId);
        if (holder != from) revert ERC721IncorrectOwner(from, noteId, holder);
        _requireNotFrozen(from);
        uint256 loanId = NoteIds.loanOf(noteId);
        Loan storage loan = _loans[loanId];
        _requireCanHold(to, loan.borrower, loan.grade, loanId);
        _notes[noteId] = _packNote(to, share);
        // An offer is the seller's: it does not pass to the recipient.
        uint256 word = _checkpoint[noteId];
        if (ResaleOffer.hasOffer(word)) {
            _checkpoint[noteId] = ResaleOffer.checkpoint(word);
            emit NoteOfferCancelled(noteId, from);
        }
    }

    // ------------------------------------------------------------------ borrower

    /// @inheritdoc ILoanMarketCore
    function repay(uint256 loanId, uint256 amount) external nonReentrant returns (uint256 paid) {
        if (amount == 0) revert ZeroAmount();
        bool closed;
        (paid, closed) = _repay(loanId, amount, msg.sender);
        if (paid == 0) revert ZeroAmount();
        _pull(msg.sender, paid);
        if (closed) _releaseCollateral(loanId, _loans[loanId].flags);
    }

    // ------------------------------------------------------------------ anyone

    /// @inheritdoc ILoanMarketCore
    function markDefault(uint256 loanId) external nonReentrant {
        Loan memory loan = _loans[loanId];
        _requireStatus(loanId, loan.status, LoanStatus.Drawn);
        LoanAccounting.accrue(loan, block.timestamp);
        uint256 dpd = _daysPastDue(loanId, loan); // against the schedule in force, restructured or not
        if (dpd <= LoanAccounting.DEFAULT_AFTER_DAYS) revert NotDefaultable(loanId, dpd);
        loan.status = LoanStatus.Defaulted;
        _loans[loanId] = loan;
        Totals storage tot = _totals;
        tot.principalOutstanding -= loan.principalOutstanding;
        tot.openLoans -= 1;
        emit LoanDefaulted(loanId, loan.principalOutstanding, loan.interestUnpaid, loan.lateFeeUnpaid);
    }

    // ------------------------------------------------------------------ collateral vault

    /// @inheritdoc ILoanMarketCore
    /// @dev The market does not call back into the vault here: when the proceeds settle the loan in full
    ///      the vault returns what collateral remains itself.
    function receiveLiquidationProceeds(uint256 loanId, uint256 amount) external nonReentrant {
        if (msg.sender != _vault || msg.sender == address(0)) revert NotCollateralVault(msg.sender);
        if (amount == 0) revert ZeroAmount();
        (uint256 paid, bool closed) = _repay(loanId, amount, msg.sender);
        uint256 refund = amount - paid;
        emit LiquidationProceedsReceived(loanId, amount, refund);
        // Credited, not pushed: a borrower the stablecoin refuses to pay (a blocklist, a frozen account)
        // must not be able to stop the liquidation that closes its loan. It withdraws with withdrawRefund.
        if (refund != 0) _refunds[_loans[loanId].borrower] += refund;
        // A liquidation that settles the loan leaves surplus collateral in the vault; it belongs to the
        // borrower now, as after a repayment (the vault's release is callable from inside liquidate).
        if (closed) _releaseCollateral(loanId, _loans[loanId].flags);
    }

    // ------------------------------------------------------------------ views

    /// @inheritdoc ILoanMarketCore
    function getLoan(uint256 loanId) external view returns (Loan memory) {
        return _accrued(loanId);
    }

    /// @inheritdoc ILoanMarketCore
    function claimable(uint256 noteId) external view returns (uint256) {
        (, uint256 share) = _noteOf(noteId);
        uint256 checkpoint = ResaleOffer.checkpoint(_checkpoint[noteId]);
        return _claimableOf(share, _loans[NoteIds.loanOf(noteId)].accPerShare, checkpoint);
    }

    /// @inheritdoc ILoanMarketCore
    function fundedPrincipal(uint256 loanId) external view returns (uint256) {
        return _loans[loanId].funded;
    }

    /// @inheritdoc ILoanMarketCore
    function outstandingPrincipal(uint256 loanId) external view returns (uint256) {
        return _loans[loanId].principalOutstanding;
    }

    /// @inheritdoc ILoanMarketCore
    function totalPrincipalOutstanding() external view returns (uint256) {
        return _totals.principalOutstanding;
    }

    /// @inheritdoc ILoanMarketCore
    function payoffAmount(uint256 loanId) external view returns (uint256) {
        Loan memory loan = _accrued(loanId);
        if (loan.status != LoanStatus.Drawn && loan.status != LoanStatus.Defaulted) return 0;
        return LoanAccounting.payoff(loan);
    }

    /// @inheritdoc ILoanMarketCore
    function isDefaulted(uint256 loanId) external view returns (bool) {
        return _loans[loanId].status == LoanStatus.Defaulted;
    }

    /// @inheritdoc ILoanMarketCore
    function noteInfo(uint256 noteId) external view returns (address holder, uint256 share) {
        return _noteOf(noteId);
    }

    /// @inheritdoc ILoanMarketCore
    function stablecoin() external view returns (address) {
        return address(_token);
    }

    /// @inheritdoc ILoanMarketCore
    function extension() external view returns (address) {
        return _extension;
    }

    // ------------------------------------------------------------------ internal

    /// @dev Shared by repay and liquidation proceeds: accrues, applies min(amount, payoff) and distributes.
    ///      Tokens are pulled by the caller afterwards (checks-effects-interactions).
    function _repay(uint256 loanId, uint256 amount, address payer) internal returns (uint256 paid, bool closed) {
        Loan memory loan = _loans[loanId];
        LoanStatus s = loan.status;
        if (s != LoanStatus.Drawn && s != LoanStatus.Defaulted) {
            if (s == LoanStatus.None) revert UnknownLoan(loanId);
            revert InvalidLoanStatus(loanId, s);
        }
        LoanAccounting.accrue(loan, block.timestamp);
        uint256 owed = LoanAccounting.payoff(loan);
        paid = amount < owed ? amount : owed;
        closed = paid == owed && paid != 0;
        uint256 toLenders = _distribute(loanId, loan, paid, payer, s == LoanStatus.Drawn);
        if (closed) {
            // Repaid in full; a defaulted loan stays Defaulted (its record) but is settled. Either way
            // the borrower's slot and the person's limit are free again.
            if (s == LoanStatus.Drawn) {
                loan.status = LoanStatus.Repaid;
                _totals.openLoans -= 1;
            }
            _releaseBorrower(loanId, loan.borrower, loan.principal);
            emit LoanRepaidInFull(loanId);
        }
        // Rounded down: the dust stays in the market, lenders are never paid more than was received.
        loan.accPerShare += uint128((toLenders * RAY) / loan.funded);
        _loans[loanId] = loan;
    }

    /// @dev Applies the waterfall, books servicing fee and reserve share at the loan's own rates
    ///      (performing loans only: a recovery after default carries no fee) and returns what goes to the
    ///      notes.
    function _distribute(
        uint256 loanId,
        Loan memory loan,
        uint256 paid,
        address payer,
        bool performing
    ) internal returns (uint256 toLenders) {
        (uint256 late, uint256 interest, uint256 principal) = LoanAccounting.applyPayment(loan, paid);
        uint256 servicingFee;
        uint256 reserveShare;
        if (performing) {
            uint256 base = late + interest;
            servicingFee = BoundedMath.mulDivUp(base, loan.servicingFeeBps, BPS);
            reserveShare = BoundedMath.mulDivUp(base, loan.reserveShareBps, BPS);
            if (reserveShare > base - servicingFee) reserveShare = base - servicingFee;
            _totals.principalOutstanding -= uint128(principal);
        } else if (loan.flags & FLAG_COVERED != 0 && principal != 0) {
            // Subrogation: the reserve fund paid the notes `claim` of this loan's principal, so the last
            // `claim` of principal recovered is its; the notes recover their uncovered loss first.
            uint256 claim_ = _reserveCover[loanId];
            uint256 out = loan.principalOutstanding; // after this payment
            reserveShare = Math.min(claim_, out + principal) - Math.min(claim_, out);
        }
        if (servicingFee != 0 || reserveShare != 0) {
            PendingFees storage pf = _pending;
            pf.reserve += uint128(reserveShare);
            pf.treasury += uint128(servicingFee);
        }
        toLenders = paid - servicingFee - reserveShare;
        emit LoanRepaid(loanId, payer, late, interest, principal, reserveShare, servicingFee);
    }
}
