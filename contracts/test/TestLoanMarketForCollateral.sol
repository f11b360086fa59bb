// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ICollateralVault} from "../interfaces/ICollateralVault.sol";
import {ICollateralLiquidation} from "../interfaces/ICollateralLiquidation.sol";
import {ILoanMarketForCollateral} from "../interfaces/Interfaces.sol";

/// @notice Test double of the loan market as the collateral vault sees it: what is owed and the default
///         flag are set by hand, proceeds reduce what is owed (any excess is refunded to the borrower, as
///         the real market does), and pledge/release/addCollateral are forwarded to the vault as the
///         market. With `autoRelease` on, a repayment in full by proceeds releases the surplus from inside
///         `receiveLiquidationProceeds`, as the real market may.
contract TestLoanMarketForCollateral is ILoanMarketForCollateral {
    address public immutable stablecoin;
    ICollateralVault public vault;
    bool public autoRelease;

    mapping(uint256 => uint256) public outstandingPrincipal;
    mapping(uint256 => bool) public isDefaulted;
    mapping(uint256 => uint256) public proceeds;
    uint256 public totalProceeds;

    event ProceedsReceived(uint256 indexed loanId, uint256 amount);

    mapping(uint256 => uint256) public refunded;

    error NotVault(address caller);
    error ProceedsNotTransferred(uint256 expectedBalance, uint256 balance);

    constructor(address stablecoin_) {
        stablecoin = stablecoin_;
    }

    function setVault(ICollateralVault vault_) external {
        vault = vault_;
    }

    function setAutoRelease(bool on) external {
        autoRelease = on;
    }

    function setOutstanding(uint256 loanId, uint256 amount) external {
        outstandingPrincipal[loanId] = amount;
    }

    function setDefaulted(uint256 loanId, bool defaulted) external {
        isDefaulted[loanId] = defaulted;
    }

    function pledge(
        uint256 loanId,
        address borrower,
        address token,
        uint256 amount,
        uint256 principal,
        uint8 grade
    ) external {
        vault.pledge(loanId, borrower, token, amount, principal, grade);
    }

    /// @notice Pledge and draw down at once (outstanding = principal): one transaction for stateful tests.
    function pledgeDrawn(
        uint256 loanId,
        address borrower,
        address token,
        uint256 amount,
        uint256 principal,
        uint8 grade
    ) external {
        vault.pledge(loanId, borrower, token, amount, principal, grade);
        outstandingPrincipal[loanId] = principal;
    }

    /// @dev The double charges no interest or fees: closing a loan costs its principal.
    function payoffAmount(uint256 loanId) external view returns (uint256) {
        return outstandingPrincipal[loanId];
    }

    function release(uint256 loanId) external {
        vault.release(loanId);
    }

    function addCollateral(uint256 loanId, address from, uint256 amount) external {
        vault.addCollateral(loanId, from, amount);
    }

    function receiveLiquidationProceeds(uint256 loanId, uint256 amount) external {
        if (msg.sender != address(vault)) revert NotVault(msg.sender);
        uint256 owed = outstandingPrincipal[loanId];
        // The vault must have paid before booking.
        uint256 expected = totalProceeds + amount;
        uint256 balance = IERC20(stablecoin).balanceOf(address(this));
        if (balance < expected) revert ProceedsNotTransferred(expected, balance);
        uint256 paid = amount < owed ? amount : owed;
        totalProceeds = expected - (amount - paid);
        proceeds[loanId] += paid;
        outstandingPrincipal[loanId] = owed - paid;
        emit ProceedsReceived(loanId, paid);
        if (amount > paid) {
            refunded[loanId] += amount - paid;
            IERC20(stablecoin).transfer(ICollateralLiquidation(address(vault)).borrowerOf(loanId), amount - paid);
        }
        if (autoRelease && owed == paid) vault.release(loanId);
    }
}
