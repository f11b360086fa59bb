// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title Collateral held per loan, valued by Chainlink-style feeds: what the loan market calls
/// @notice Only the loan market opens, tops up, releases and checks positions; anyone may liquidate an
///         unhealthy or defaulted position (see {ICollateralLiquidation}).
interface ICollateralVault {
    /// @notice Called by the market when a secured loan is listed: pulls `amount` of `token` from `borrower`.
    /// @dev Reverts unless the collateral type is enabled, its price is valid, and the value admits
    ///      `principal` at the grade's maximum LTV.
    function pledge(
        uint256 loanId,
        address borrower,
        address token,
        uint256 amount,
        uint256 principal,
        uint8 grade
    ) external;

    /// @notice Called by the market when the borrower adds collateral to a listed or drawn loan: pulls
    ///         `amount` more of the pledged token from `from`. Needs no price: it can only make the
    ///         position safer.
    function addCollateral(uint256 loanId, address from, uint256 amount) external;

    /// @notice Called by the market when the loan is repaid in full or the listing is cancelled/expired:
    ///         returns all remaining collateral to the borrower and closes the position.
    function release(uint256 loanId) external;

    /// @notice Reverts (with the price error, or InsufficientCollateral) unless the position, valued at the
    ///         current price, admits `principal` at the grade's maximum LTV. The market's drawdown check.
    function requireCoverage(uint256 loanId, uint256 principal, uint8 grade) external view;

    /// @notice `requireCoverage` for callers that must answer rather than revert.
    /// @return priced  false when no usable price exists now (nothing can be concluded)
    /// @return covered true when priced and the position admits `principal` at the grade's maximum LTV
    function coverage(uint256 loanId, uint256 principal, uint8 grade) external view returns (bool priced, bool covered);

    /// @return token and amount currently held for `loanId`
    function positionOf(uint256 loanId) external view returns (address token, uint256 amount);

    /// @return how many positions hold collateral now; the market refuses to switch vaults unless zero
    function openPositions() external view returns (uint256);
}
