// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

import {ILoanMarketEvents} from "../interfaces/ILoanMarketEvents.sol";
import {ILoanMarketErrors} from "../interfaces/ILoanMarketErrors.sol";
import {ILoanNote} from "../interfaces/ILoanNote.sol";
import {ICollateralVault} from "../interfaces/ICollateralVault.sol";
import {IIdentityRegistry} from "../interfaces/IIdentityRegistry.sol";
import {ICreditOracle} from "../interfaces/ICreditOracle.sol";
import {GRADE_COUNT, RAY} from "../common/Constants.sol";
import {LoanMarketStorage} from "./LoanMarketStorage.sol";
import {LoanAccounting} from "./LoanAccounting.sol";
import {NoteIds} from "../common/NoteIds.sol";
import {ResaleOffer} from "../market/ResaleOffer.sol";
import {RestructureSchedule} from "./restructuring/RestructureSchedule.sol";

/// @title What both halves of the loan market share: the contracts they talk to and the internal rules
///        more than one entry point applies
/// @dev Each rule is written once here, so the main path and every side path that reaches the same
///      state apply the same check (funding and note transfers share `_requireCanHold`; every way a loan
///      closes frees the person's limit through `_releasePerson`). The immutables are built into each
///      half's code; LoanMarket checks at construction that its extension was built for the same ones.
abstract contract LoanMarketBase is LoanMarketStorage, ILoanMarketEvents, ILoanMarketErrors, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    IERC20 internal immutable _token;
    IIdentityRegistry internal immutable _identity;
    ICreditOracle internal immutable _oracle;
    ILoanNote internal immutable _note;

    constructor(IERC20 stablecoin_, IIdentityRegistry identity_, ICreditOracle oracle_, ILoanNote note_) {
        if (
            address(stablecoin_) == address(0) ||
            address(identity_) == address(0) ||
            address(oracle_) == address(0) ||
            address(note_) == address(0)
        ) revert ZeroAddress();
        _token = stablecoin_;
        _identity = identity_;
        _oracle = oracle_;
        _note = note_;
    }

    // ------------------------------------------------------------------ the parts

    /// @dev Reverts unless `part` has code and was built for this contract's stablecoin, registry, oracle
    ///      and note (`wiring` is what its bound-to view returned).
    function _requireSameWiring(address part, address[4] memory wiring) internal view {
        if (
            part.code.length == 0 ||
            wiring[0] != address(_token) ||
            wiring[1] != address(_identity) ||
            wiring[2] != address(_oracle) ||
            wiring[3] != address(_note)
        ) revert InvalidExtension(part);
    }

    /// @dev Runs the current call in `target`'s code against this contract's storage, returning or
    ///      reverting with exactly what it did.
    function _delegate(address target) internal {
        assembly {
            calldatacopy(0, 0, calldatasize())
            let ok := delegatecall(gas(), target, 0, calldatasize(), 0, 0)
            returndatacopy(0, 0, returndatasize())
            switch ok
            case 0 {
                revert(0, returndatasize())
            }
            default {
                return(0, returndatasize())
            }
        }
    }

    // ------------------------------------------------------------------ guards

    function _requireOpen(MarketConfig memory c) internal pure {
        if (c.paused) revert MarketPaused();
        if (c.woundDown) revert MarketWoundDown();
    }

    function _requireStatus(uint256 loanId, LoanStatus actual, LoanStatus expected) internal pure {
        if (actual != expected) {
            if (actual == LoanStatus.None) revert UnknownLoan(loanId);
            revert InvalidLoanStatus(loanId, actual);
        }
    }

    /// @dev What funding requires of a lender, and a transfer of its recipient: not the borrower,
    ///      eligible (KYC'd, attestation current, not frozen) and suitable for the loan's grade.
    function _requireCanHold(address account, address borrower, uint8 grade, uint256 loanId) internal view {
        if (account == borrower) revert BorrowerCannotHoldNote(loanId);
        uint8 required = _grades[grade].minRiskClass;
        if (required == 0) required = 1;
        uint8 riskClass = _identity.riskClassOf(account); // 0 when not eligible
        if (riskClass == 0) revert NotEligible(account);
        if (riskClass < required) revert NotSuitable(account, riskClass, required);
    }

    function _requireGrade(uint8 grade) internal pure {
        if (grade == 0 || grade > GRADE_COUNT) revert InvalidGrade(grade);
    }

    /// @return the cap on a person's outstanding principal
    function _capFor(bool entity) internal view returns (uint256) {
        PersonCaps memory caps = _personCaps;
        return entity ? caps.entity : caps.individual;
    }

    /// @dev On claim's hot path: a frozen wallet may not take money out. The call is written out so that it
    ///      costs no more than the storage read it needs (no ABI decoder around a one-word answer); a
    ///      registry that does not answer one word counts as saying frozen.
    function _requireNotFrozen(address account) internal view {
        address registry = address(_identity);
        bytes4 selector = IIdentityRegistry.isFrozen.selector;
        bool free;
        assembly ("memory-safe") {
            mstore(0x00, selector) // its low bytes are overwritten next
            // Solidity leaves the bits above an address undefined in assembly (an address unpacked from the
            // note ledger carries the share there): clean them, or the registry's decoder refuses the call.
            mstore(0x04, and(account, 0xffffffffffffffffffffffffffffffffffffffff))
            let ok := staticcall(gas(), registry, 0x00, 0x24, 0x00, 0x20)
            // Yul evaluates arguments right to left: read returndatasize only after the call.
            free := and(and(ok, eq(returndatasize(), 0x20)), iszero(mload(0x00)))
        }
        if (!free) revert WalletFrozen(account);
    }

    // ------------------------------------------------------------------ funding and claims

    /// @return loan the listing `loanId`, which must be open for funding (listed, before its deadline)
    function _fundable(uint256 loanId) internal view returns (Loan storage loan) {
        loan = _loans[loanId];
        _requireStatus(loanId, loan.status, LoanStatus.Listed);
        if (block.timestamp > loan.listingDeadline) revert ListingClosed(loanId, loan.listingDeadline);
    }

    /// @dev What funding requires, written once for `fund` and for mandates (`fundFor`): a positive amount
    ///      within what is left, at least the minimum ticket unless it completes the loan, and a lender who
    ///      may hold the note. Records the note; the caller pulls the money and mints.
    function _addNote(
        uint256 loanId,
        Loan storage loan,
        address lender,
        uint256 amount,
        uint256 minTicket
    ) internal returns (uint256 noteId) {
        if (amount == 0) revert ZeroAmount();
        uint256 funded = loan.funded;
        uint256 remaining = loan.principal - funded;
        if (amount > remaining) revert OverFunding(amount, remaining);
        if (amount < minTicket && amount != remaining) revert TicketTooSmall(amount, minTicket);
        _requireCanHold(lender, loan.borrower, loan.grade, loanId);

        uint32 index = loan.noteCount;
        noteId = NoteIds.encode(loanId, index);
        loan.funded = uint96(funded + amount); // <= principal
        loan.noteCount = index + 1;
        _notes[noteId] = _packNote(lender, amount);
        emit LoanFunded(loanId, noteId, lender, amount);
        emit AgreementAccepted(loanId, noteId, lender, _agreementHashes[loanId]);
    }

    /// @dev Moves `noteId`'s checkpoint to its loan's accumulator and returns what that releases; `holder`
    ///      must hold the note. Its resale offer, if any, stands.
    function _claim(uint256 noteId, address holder) internal returns (uint256 amount) {
        (address owner, uint256 share) = _noteOf(noteId);
        if (owner != holder) revert NotNoteHolder(holder, noteId);
        uint256 acc = _loans[NoteIds.loanOf(noteId)].accPerShare;
        uint256 word = _checkpoint[noteId];
        uint256 checkpoint = ResaleOffer.checkpoint(word);
        if (acc == checkpoint) return 0;
        _checkpoint[noteId] = ResaleOffer.withCheckpoint(word, acc);
        amount = _claimableOf(share, acc, checkpoint);
        emit Claimed(noteId, holder, amount);
    }

    // ------------------------------------------------------------------ notes

    /// @dev Accrues `loan` to now and reverts unless it has something left to pay: drawn, or defaulted
    ///      and not yet settled.
    function _requireForSale(uint256 noteId, Loan memory loan) internal view {
        LoanStatus s = loan.status;
        if (s != LoanStatus.Drawn && (s != LoanStatus.Defaulted || LoanAccounting.payoff(loan) == 0)) {
            revert NoteNotForSale(noteId);
        }
        LoanAccounting.accrue(loan, block.timestamp);
    }

    function _packNote(address holder, uint256 share) internal pure returns (uint256) {
        return uint256(uint160(holder)) | (share << 160); // share <= a loan's uint96 principal
    }

    function _noteOf(uint256 noteId) internal view returns (address holder, uint256 share) {
        uint256 packed = _notes[noteId];
        return (address(uint160(packed)), packed >> 160);
    }

    /// @dev What a note can claim: it has claimed floor(share * checkpoint / RAY) over its life, and is
    ///      owed floor(share * acc / RAY) in all. Taking the difference of the two floors (instead of
    ///      flooring share * (acc - checkpoint)) loses no rounding between claims.
    function _claimableOf(uint256 share, uint256 acc, uint256 checkpoint) internal pure returns (uint256) {
        // unchecked: share < 2^96 and acc, checkpoint < 2^128, so neither product overflows; a note's
        // checkpoint never exceeds its loan's accumulator, which only grows, so the difference is >= 0.
        unchecked {
            return (share * acc) / RAY - (share * checkpoint) / RAY;
        }
    }

    // ------------------------------------------------------------------ closing a loan

    /// @dev The loan no longer counts against the borrower's open loans and its person's cap. Every path
    ///      that ends a loan for the borrower (cancel, expiry, repayment in full, settlement after default)
    ///      comes here once.
    function _releaseBorrower(uint256 loanId, address borrower, uint256 principal) internal {
        _openLoansOf[borrower] -= 1;
        _personPrincipal[_loanSubject[loanId]] -= principal;
    }

    function _releaseCollateral(uint256 loanId, uint8 flags) internal {
        address vault = _vault;
        if (flags & FLAG_SECURED == 0 || vault == address(0)) return;
        ICollateralVault(vault).release(loanId);
    }

    // ------------------------------------------------------------------ money

    /// @dev Refuses tokens that deliver less than asked (fee-on-transfer).
    function _pull(address from, uint256 amount) internal {
        uint256 before = _token.balanceOf(address(this));
        _token.safeTransferFrom(from, address(this), amount);
        uint256 received = _token.balanceOf(address(this)) - before;
        if (received != amount) revert FeeOnTransferNotSupported(address(_token), amount, received);
    }

    /// @return days past due of `loan` (accrued to now) against its schedule in force. The schedule's base is
    ///         read only for a restructured loan whose principal is behind, the one case the rule walks the
    ///         schedule's balances (LoanAccounting.daysPastDue).
    function _daysPastDue(uint256 loanId, Loan memory loan) internal view returns (uint256) {
        uint256 balance = loan.principal;
        uint256 period;
        if (loan.flags & FLAG_RESTRUCTURED != 0 && loan.principalOutstanding > loan.schedBalance) {
            ScheduleBase memory base = RestructureSchedule.unpack(_scheduleBases[loanId]);
            (balance, period) = (base.balance, base.period);
        }
        return LoanAccounting.daysPastDue(loan, block.timestamp, balance, period);
    }

    function _accrued(uint256 loanId) internal view returns (Loan memory loan) {
        loan = _loans[loanId];
        if (loan.status == LoanStatus.None) revert UnknownLoan(loanId);
        LoanAccounting.accrue(loan, block.timestamp);
    }
}
