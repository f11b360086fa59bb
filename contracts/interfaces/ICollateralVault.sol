// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title Collateral held per loan, valued by Chainlink-style feeds
/// @notice Only the loan market opens, releases and closes positions; anyone may liquidate an
///         unhealthy or defaulted position, paying stablecoin that the vault forwards to the market.
interface ICollateralVault {
    /// @notice Called by the market when a secured loan is listed: pulls `amount` of `token` from `borrower`.
    /// @dev Reverts unless the collateral type is enabled, its price is valid, and the value admits
    ///      `principal` at the grade's maximum LTV.
    function pledge(uint256 loanId, address borrower, address token, uint256 amount, uint256 principal, uint8 grade)
        external;

    /// @notice Called by the market when the loan is repaid in full or the listing is cancelled/expired:
    ///         returns all remaining collateral to the borrower.
    function release(uint256 loanId) external;

    /// @return token and amount currently held for `loanId`
    function positionOf(uint256 loanId) external view returns (address token, uint256 amount);
}
