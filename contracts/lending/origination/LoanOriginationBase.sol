// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";

import {ILoanMarketOrigination} from "../../interfaces/ILoanMarketOrigination.sol";
import {ICollateralVault} from "../../interfaces/ICollateralVault.sol";
import {LoanMarketBase} from "../LoanMarketBase.sol";
import {MarketDomain} from "../MarketDomain.sol";

/// @title What origination's entry points share: the offer domain, the rule that a listing still
///        qualifies, and how a listing ends without drawdown
/// @dev Declares no storage (LoanMarketExt's AccessControl map follows LoanMarketStorage, so this module
///      must not put anything there): the EIP-712 domain is built from constants (MarketDomain) and the
///      role check asks the market itself.
abstract contract LoanOriginationBase is ILoanMarketOrigination, LoanMarketBase {
    /// @notice After the listing deadline the borrower has this long to accept a partial fill.
    uint256 public constant ACCEPT_WINDOW = 7 days;
    uint256 internal constant MIN_PERIOD_LENGTH = 1 days;
    uint256 internal constant MAX_PERIOD_LENGTH = 365 days;
    uint256 internal constant MAX_TERM = 10 * 365 days;
    uint256 internal constant MAX_LISTING_DURATION = 60 days;

    uint8 internal constant EXPIRED_DEADLINE = 1;
    uint8 internal constant EXPIRED_WOUND_DOWN = 2;
    uint8 internal constant EXPIRED_DISQUALIFIED = 3;

    bytes32 internal constant OFFER_SIGNER_ROLE = keccak256("OFFER_SIGNER_ROLE");

    /// @inheritdoc ILoanMarketOrigination
    function DOMAIN_SEPARATOR() public view returns (bytes32) {
        return MarketDomain.separator();
    }

    function _typedDataHash(bytes32 structHash) internal view returns (bytes32) {
        return MarketDomain.typedDataHash(structHash);
    }

    /// @dev The roles live in LoanMarketExt's AccessControl; under delegatecall `this` is the market,
    ///      whose fallback reaches it.
    function _isOfferSigner(address account) internal view returns (bool) {
        return IAccessControl(address(this)).hasRole(OFFER_SIGNER_ROLE, account);
    }

    /// @dev Whether a listing could be drawn for `funded` now: what listing checked, at today's state —
    ///      the borrower eligible, its credit record fresh and graded no worse than the listing, the grade
    ///      still allowed, the person within its cap once the listing shrinks to `funded`, and a secured
    ///      loan's collateral admitting `funded` at the grade's maximum LTV at the current price. `strict`
    ///      (drawdown) reverts with the reason; otherwise (expiry) it answers, and a price that cannot be
    ///      used now proves nothing, so it counts as qualifying.
    function _qualifies(uint256 loanId, Loan memory loan, uint256 funded, bool strict) internal view returns (bool) {
        address borrower = loan.borrower;
        if (!_identity.isEligible(borrower))
            return _fail(strict, abi.encodeWithSelector(NotEligible.selector, borrower));
        if (!_oracle.isFresh(borrower)) {
            return _fail(strict, abi.encodeWithSelector(CreditRecordStale.selector, borrower));
        }
        uint8 grade = _oracle.recordOf(borrower).grade;
        if (grade > loan.grade) {
            return _fail(strict, abi.encodeWithSelector(CreditGradeWorse.selector, borrower, grade, loan.grade));
        }
        if (!_grades[loan.grade].allowed)
            return _fail(strict, abi.encodeWithSelector(GradeNotAllowed.selector, loan.grade));
        bytes32 subject = _loanSubject[loanId];
        uint256 principal = _personPrincipal[subject] - (loan.principal - funded);
        uint256 cap = _capFor(_identity.identityOf(borrower).entity);
        if (principal > cap) {
            return _fail(strict, abi.encodeWithSelector(PersonLimitExceeded.selector, subject, principal, cap));
        }
        if (loan.flags & FLAG_SECURED != 0) {
            ICollateralVault vault = ICollateralVault(_vault);
            if (strict) {
                vault.requireCoverage(loanId, funded, loan.grade); // reverts with the price error or the shortfall
            } else {
                (bool priced, bool covered) = vault.coverage(loanId, funded, loan.grade);
                if (priced && !covered) return false;
            }
        }
        return true;
    }

    /// @dev `revert(err)` when strict, else false: one place turns a failed rule into either.
    function _fail(bool strict, bytes memory err) private pure returns (bool) {
        if (strict) {
            assembly ("memory-safe") {
                revert(add(err, 0x20), mload(err))
            }
        }
        return false;
    }

    /// @return 0 when the listing `loanId` may not be expired now, else the reason it may
    function _expiryReason(uint256 loanId, Loan memory loan) internal view returns (uint8) {
        if (loan.status != LoanStatus.Listed) return 0;
        if (_config.woundDown) return EXPIRED_WOUND_DOWN;
        uint256 deadline = loan.listingDeadline;
        if (block.timestamp > deadline + ACCEPT_WINDOW || (block.timestamp > deadline && loan.funded < loan.minFill)) {
            return EXPIRED_DEADLINE;
        }
        if (!_qualifies(loanId, loan, loan.funded, false)) return EXPIRED_DISQUALIFIED;
        return 0;
    }

    /// @dev Ends a listing without drawdown (cancelled or expired): lenders may withdraw their funding.
    function _closeListing(uint256 loanId, Loan storage loan, LoanStatus status) internal {
        loan.status = status;
        _totals.openLoans -= 1;
        _releaseBorrower(loanId, loan.borrower, loan.principal);
    }

    function _expire(uint256 loanId, Loan storage loan, uint8 reason) internal {
        _closeListing(loanId, loan, LoanStatus.Expired);
        emit LoanExpired(loanId, reason);
        _releaseCollateral(loanId, loan.flags);
    }
}
