// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";

import {ILoanMarketOrigination} from "../interfaces/ILoanMarketOrigination.sol";
import {LoanMarketBase} from "../lending/LoanMarketBase.sol";

/// @title The loan market's side of auto-invest mandates, in its origination module: the AutoInvest
///        contract funds listings for lenders and claims their notes into their balances
/// @dev Notes are minted to the lenders, never to AutoInvest: each funding applies to its lender exactly
///      what `fund` applies to a caller (`_addNote`), and each claim is the holder's own. AutoInvest is the
///      only account that may call these (AUTO_INVEST_ROLE), and it passes only what its lenders'
///      mandates and balances allow.
abstract contract MandateFunding is ILoanMarketOrigination, LoanMarketBase {
    using SafeERC20 for IERC20;

    bytes32 internal constant AUTO_INVEST_ROLE = keccak256("AUTO_INVEST_ROLE");

    /// @inheritdoc ILoanMarketOrigination
    function fundFor(
        uint256 loanId,
        address[] calldata lenders,
        uint256[] calldata amounts
    ) external nonReentrant returns (uint256[] memory noteIds) {
        _requireAutoInvest();
        MarketConfig memory c = _config;
        _requireOpen(c);
        if (lenders.length != amounts.length) revert LengthMismatch(lenders.length, amounts.length);
        if (lenders.length == 0) revert ZeroAmount();
        Loan storage loan = _fundable(loanId);
        noteIds = new uint256[](lenders.length);
        uint256 total;
        for (uint256 i; i < lenders.length; ++i) {
            noteIds[i] = _addNote(loanId, loan, lenders[i], amounts[i], c.minTicket);
            total += amounts[i];
        }
        _pull(msg.sender, total);
        for (uint256 i; i < lenders.length; ++i) {
            _note.mint(lenders[i], noteIds[i]);
        }
    }

    /// @inheritdoc ILoanMarketOrigination
    function claimFor(address holder, uint256[] calldata noteIds) external nonReentrant returns (uint256 amount) {
        _requireAutoInvest();
        _requireNotFrozen(holder);
        for (uint256 i; i < noteIds.length; ++i) {
            amount += _claim(noteIds[i], holder);
        }
        if (amount != 0) _token.safeTransfer(msg.sender, amount);
    }

    function _requireAutoInvest() private view {
        // The roles live in LoanMarketExt's AccessControl; under delegatecall `this` is the market.
        if (!IAccessControl(address(this)).hasRole(AUTO_INVEST_ROLE, msg.sender)) {
            revert IAccessControl.AccessControlUnauthorizedAccount(msg.sender, AUTO_INVEST_ROLE);
        }
    }
}
